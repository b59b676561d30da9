//! The ticket key's halves: the issuer signs (a private key, or the HS256 secret), the
//! verifier checks (a public key, or the same secret), and a process holds either or both.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};

use super::{nonce_hash, Claims, IssuedTicket, TicketError, VerifiedTicket};
use super::{AUDIENCE, ISSUER, MIN_SECRET_BYTES, NONCE_BYTES};
use crate::clock::Millis;
use crate::domain::InvitationId;
use crate::tokens::{algorithm_name, header_algorithm};

/// A new Ed25519 key pair for tickets, as PKCS#8 private and SPKI public PEM (what
/// `cargo run -p local --bin keys` prints for a deployment).
pub fn new_ed25519_pair() -> Result<(String, String), String> {
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).map_err(|e| e.to_string())?;
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).map_err(|e| e.to_string())?;
    // SubjectPublicKeyInfo of an Ed25519 key: the algorithm's fixed prefix, then the key.
    let mut spki = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    spki.extend_from_slice(pair.public_key().as_ref());
    Ok((
        crate::pem::block("PRIVATE KEY", pkcs8.as_ref()),
        crate::pem::block("PUBLIC KEY", &spki),
    ))
}

/// Signs tickets: what the invite function holds (a private key, or the HS256 secret).
pub struct TicketIssuer {
    algorithm: Algorithm,
    encoding: EncodingKey,
    /// Makes nonces: derived from the signing key, so only its holder can make (or remake) one.
    nonce_key: aws_lc_rs::hmac::Key,
}

/// The nonce key of a signing key's material, kept apart from the signing use by its label.
fn nonce_key(material: &[u8]) -> aws_lc_rs::hmac::Key {
    use sha2::{Digest, Sha256};
    let derived = Sha256::new()
        .chain_update(b"invitations ticket nonce\n")
        .chain_update(material)
        .finalize();
    aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &derived)
}

/// Verifies tickets: what the ticket-verify function holds (a public key, or the HS256 secret).
pub struct TicketVerifier {
    algorithm: Algorithm,
    decoding: DecodingKey,
}

/// The halves of the ticket key a process holds: either, both or neither.
#[derive(Default)]
pub struct TicketSigner {
    pub issuer: Option<TicketIssuer>,
    pub verifier: Option<TicketVerifier>,
}

impl std::fmt::Debug for TicketSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let alg = |a: Option<Algorithm>| a.map_or("none", algorithm_name);
        write!(
            f,
            "TicketSigner(issues: {}, verifies: {})",
            alg(self.issuer.as_ref().map(|i| i.algorithm)),
            alg(self.verifier.as_ref().map(|v| v.algorithm))
        )
    }
}

fn check_hs256(secret: &[u8]) -> Result<(), String> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "an HS256 ticket secret must be at least {MIN_SECRET_BYTES} bytes"
        ));
    }
    Ok(())
}

impl TicketIssuer {
    /// HS256 with a secret of at least 32 bytes.
    pub fn hs256(secret: &[u8]) -> Result<Self, String> {
        check_hs256(secret)?;
        Ok(Self {
            algorithm: Algorithm::HS256,
            encoding: EncodingKey::from_secret(secret),
            nonce_key: nonce_key(secret),
        })
    }

    /// EdDSA (Ed25519) or ES256 (P-256) from a PKCS#8 private key in PEM.
    pub fn from_private_pem(pem: &str) -> Result<Self, String> {
        let pem = crate::pem::text(pem);
        if let Ok(encoding) = EncodingKey::from_ed_pem(pem.as_bytes()) {
            return Ok(Self {
                algorithm: Algorithm::EdDSA,
                encoding,
                nonce_key: nonce_key(pem.as_bytes()),
            });
        }
        if let Ok(encoding) = EncodingKey::from_ec_pem(pem.as_bytes()) {
            return Ok(Self {
                algorithm: Algorithm::ES256,
                encoding,
                nonce_key: nonce_key(pem.as_bytes()),
            });
        }
        Err("the ticket signing key must be an Ed25519 or P-256 PKCS#8 private key in PEM, or an HS256 secret".into())
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The ticket of `invitation` issued at `issued_at`: the same one every time for the same
    /// invitation and moment (its nonce is made, not drawn), a new one for a new moment.
    pub fn issue(
        &self,
        invitation: &InvitationId,
        organization_id: &str,
        email_key: &str,
        issued_at: Millis,
        expires_at: Millis,
    ) -> Result<IssuedTicket, String> {
        let tag = aws_lc_rs::hmac::sign(
            &self.nonce_key,
            format!("{invitation}#{issued_at}").as_bytes(),
        );
        let nonce = URL_SAFE_NO_PAD.encode(&tag.as_ref()[..NONCE_BYTES]);
        let now = issued_at;
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: invitation.as_str().into(),
            org: organization_id.into(),
            eml: email_key.into(),
            nonce: nonce.clone(),
            iat: now.div_euclid(1000),
            // Rounded up, so the ticket never outlives the invitation by less than it should.
            exp: (expires_at + 999).div_euclid(1000),
        };
        let token = jsonwebtoken::encode(&Header::new(self.algorithm), &claims, &self.encoding)
            .map_err(|e| format!("signing a ticket failed: {e}"))?;
        Ok(IssuedTicket {
            token,
            nonce_hash: nonce_hash(&nonce),
        })
    }
}

impl TicketVerifier {
    /// HS256 with a secret of at least 32 bytes.
    pub fn hs256(secret: &[u8]) -> Result<Self, String> {
        check_hs256(secret)?;
        Ok(Self {
            algorithm: Algorithm::HS256,
            decoding: DecodingKey::from_secret(secret),
        })
    }

    /// EdDSA (Ed25519) or ES256 (P-256) from a public key in PEM: nothing secret.
    pub fn from_public_pem(pem: &str) -> Result<Self, String> {
        let pem = crate::pem::text(pem);
        if let Ok(decoding) = DecodingKey::from_ed_pem(pem.as_bytes()) {
            return Ok(Self {
                algorithm: Algorithm::EdDSA,
                decoding,
            });
        }
        if let Ok(decoding) = DecodingKey::from_ec_pem(pem.as_bytes()) {
            return Ok(Self {
                algorithm: Algorithm::ES256,
                decoding,
            });
        }
        Err("the ticket verifying key must be an Ed25519 or P-256 public key in PEM".into())
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Checks the algorithm named in the header before anything else, then the signature,
    /// issuer, audience and expiry (no leeway: the invitation's expiry is exact).
    pub fn verify(&self, token: &str, now: Millis) -> Result<VerifiedTicket, TicketError> {
        let alg = header_algorithm(token).ok_or(TicketError::Malformed)?;
        if alg != algorithm_name(self.algorithm) {
            return Err(TicketError::AlgorithmNotAllowed);
        }
        let mut validation = Validation::new(self.algorithm);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 0;
        // Expiry is checked below against the injected clock, not the system's.
        validation.validate_exp = false;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(
            |e| match e.kind() {
                ErrorKind::InvalidSignature => TicketError::SignatureInvalid,
                ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                    TicketError::AlgorithmNotAllowed
                }
                _ => TicketError::Malformed,
            },
        )?;
        let claims = data.claims;
        if claims.exp * 1000 <= now {
            return Err(TicketError::Expired);
        }
        Ok(VerifiedTicket {
            invitation_id: InvitationId::parse(&claims.sub).ok_or(TicketError::Malformed)?,
            organization_id: claims.org.into(),
            email_key: claims.eml,
            nonce: claims.nonce,
        })
    }
}

impl TicketSigner {
    /// Both halves from one HS256 secret.
    pub fn hs256(secret: &[u8]) -> Result<Self, String> {
        Ok(Self {
            issuer: Some(TicketIssuer::hs256(secret)?),
            verifier: Some(TicketVerifier::hs256(secret)?),
        })
    }

    /// Both halves from a PKCS#8 private key and its public key, in PEM; refused at start when
    /// they do not belong together.
    pub fn key_pair(private_pem: &str, public_pem: &str) -> Result<Self, String> {
        let issuer = TicketIssuer::from_private_pem(private_pem)?;
        let verifier = TicketVerifier::from_public_pem(public_pem)?;
        let probe = InvitationId::generate();
        let issued = issuer.issue(&probe, "org_probe", "probe@example.com", 0, 60_000)?;
        verifier
            .verify(&issued.token, 0)
            .map_err(|_| "the ticket private and public keys are not a pair".to_string())?;
        Ok(Self {
            issuer: Some(issuer),
            verifier: Some(verifier),
        })
    }

    pub fn issue(
        &self,
        invitation: &InvitationId,
        organization_id: &str,
        email_key: &str,
        issued_at: Millis,
        expires_at: Millis,
    ) -> Result<IssuedTicket, String> {
        self.issuer
            .as_ref()
            .ok_or("this process holds no ticket signing key")?
            .issue(
                invitation,
                organization_id,
                email_key,
                issued_at,
                expires_at,
            )
    }

    pub fn verify(&self, token: &str, now: Millis) -> Result<VerifiedTicket, TicketError> {
        self.verifier
            .as_ref()
            .ok_or(TicketError::SignatureInvalid)?
            .verify(token, now)
    }

    /// The algorithm of whichever half is held.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.issuer
            .as_ref()
            .map(|i| i.algorithm)
            .or(self.verifier.as_ref().map(|v| v.algorithm))
    }
}
