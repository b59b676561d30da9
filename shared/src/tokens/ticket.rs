//! Invitation tickets: JWTs this service signs with its own key (never the session key).
//!
//! A ticket names the invitation, its organization and address, and carries a random nonce.
//! The stored invitation keeps only the nonce's SHA-256, so a resend (new nonce) or a revoke
//! kills every older link, and the table alone cannot rebuild a link.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{algorithm_name, header_algorithm};
use crate::clock::Millis;
use crate::domain::InvitationId;

const ISSUER: &str = "invitations";
const AUDIENCE: &str = "invitations:ticket";
/// Bytes of randomness in a nonce (as 22 base62 characters, ~131 bits).
const NONCE_LEN: usize = 22;
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    /// The invitation id.
    sub: String,
    org: String,
    /// The invited address, case-folded: lets one read fetch everything the 302 needs.
    eml: String,
    nonce: String,
    iat: i64,
    exp: i64,
}

/// Why a ticket was refused, each with its own error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("the ticket is not a well-formed token")]
    Malformed,
    #[error("the ticket is signed with an algorithm this service does not accept")]
    AlgorithmNotAllowed,
    #[error("the ticket's signature does not verify")]
    SignatureInvalid,
    #[error("the ticket has expired")]
    Expired,
}

/// What a verified ticket says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedTicket {
    pub invitation_id: InvitationId,
    pub organization_id: crate::domain::OrganizationId,
    pub email_key: String,
    nonce: String,
}

impl VerifiedTicket {
    /// Whether this is the invitation's current ticket (compared in constant time).
    pub fn is_current(&self, stored_hash: Option<&str>) -> bool {
        stored_hash.is_some_and(|h| {
            h.as_bytes()
                .ct_eq(nonce_hash(&self.nonce).as_bytes())
                .into()
        })
    }
}

/// A freshly issued ticket and what the invitation must store to recognise it.
#[derive(Debug, Clone)]
pub struct IssuedTicket {
    pub token: String,
    pub nonce_hash: String,
}

fn nonce_hash(nonce: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(nonce.as_bytes()))
}

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
        })
    }

    /// EdDSA (Ed25519) or ES256 (P-256) from a PKCS#8 private key in PEM.
    pub fn from_private_pem(pem: &str) -> Result<Self, String> {
        let pem = super::pem_text(pem);
        if let Ok(encoding) = EncodingKey::from_ed_pem(pem.as_bytes()) {
            return Ok(Self {
                algorithm: Algorithm::EdDSA,
                encoding,
            });
        }
        if let Ok(encoding) = EncodingKey::from_ec_pem(pem.as_bytes()) {
            return Ok(Self {
                algorithm: Algorithm::ES256,
                encoding,
            });
        }
        Err("the ticket signing key must be an Ed25519 or P-256 PKCS#8 private key in PEM, or an HS256 secret".into())
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub fn issue(
        &self,
        invitation: &InvitationId,
        organization_id: &str,
        email_key: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<IssuedTicket, String> {
        let nonce = crate::ids::random_base62(NONCE_LEN);
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
        let pem = super::pem_text(pem);
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
        now: Millis,
        expires_at: Millis,
    ) -> Result<IssuedTicket, String> {
        self.issuer
            .as_ref()
            .ok_or("this process holds no ticket signing key")?
            .issue(invitation, organization_id, email_key, now, expires_at)
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

#[cfg(test)]
mod tests {
    use super::*;

    const EC_PRIVATE: &str = include_str!("../../tests/api/keys/ec-private.pem");
    const EC_PUBLIC: &str = include_str!("../../tests/api/keys/ec-public.pem");
    const ED_PRIVATE: &str = include_str!("../../tests/api/keys/ed-private.pem");
    const ED_PUBLIC: &str = include_str!("../../tests/api/keys/ed-public.pem");

    fn round_trip(signer: &TicketSigner) -> (String, VerifiedTicket, IssuedTicket) {
        let id = InvitationId::generate();
        let issued = signer
            .issue(&id, "org_1", "grace@example.com", 1_000, 90_000)
            .unwrap();
        let verified = signer.verify(&issued.token, 2_000).unwrap();
        assert_eq!(verified.invitation_id, id);
        assert_eq!(verified.organization_id, "org_1");
        assert!(verified.is_current(Some(&issued.nonce_hash)));
        (issued.token.clone(), verified, issued)
    }

    #[test]
    fn each_supported_key_signs_tickets_it_alone_verifies() {
        let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
        let es = TicketSigner::key_pair(EC_PRIVATE, EC_PUBLIC).unwrap();
        let ed = TicketSigner::key_pair(ED_PRIVATE, ED_PUBLIC).unwrap();
        assert_eq!(
            (es.algorithm(), ed.algorithm()),
            (Some(Algorithm::ES256), Some(Algorithm::EdDSA))
        );
        let (hs_token, ..) = round_trip(&hs);
        let (es_token, ..) = round_trip(&es);
        let (ed_token, ..) = round_trip(&ed);
        assert_eq!(
            es.verify(&hs_token, 0),
            Err(TicketError::AlgorithmNotAllowed)
        );
        assert_eq!(
            hs.verify(&ed_token, 0),
            Err(TicketError::AlgorithmNotAllowed)
        );
        assert_eq!(
            ed.verify(&es_token, 0),
            Err(TicketError::AlgorithmNotAllowed)
        );
        let other = TicketSigner::hs256(b"another-secret-0123456789abcdef!").unwrap();
        assert_eq!(
            other.verify(&hs_token, 0),
            Err(TicketError::SignatureInvalid)
        );
    }

    #[test]
    fn a_ticket_lives_exactly_as_long_as_its_invitation() {
        let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
        let issued = hs
            .issue(
                &InvitationId::generate(),
                "org_1",
                "a@example.com",
                0,
                90_000,
            )
            .unwrap();
        assert!(hs.verify(&issued.token, 89_999).is_ok());
        assert_eq!(hs.verify(&issued.token, 90_000), Err(TicketError::Expired));
    }

    #[test]
    fn a_new_ticket_makes_the_old_one_stale() {
        let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
        let id = InvitationId::generate();
        let first = hs.issue(&id, "org_1", "a@example.com", 0, 90_000).unwrap();
        let second = hs.issue(&id, "org_1", "a@example.com", 0, 90_000).unwrap();
        let old = hs.verify(&first.token, 1).unwrap();
        assert!(!old.is_current(Some(&second.nonce_hash)));
        assert!(!old.is_current(None));
    }

    #[test]
    fn the_verifying_half_alone_verifies_what_the_signing_half_issued() {
        let issuer = TicketIssuer::from_private_pem(ED_PRIVATE).unwrap();
        let verifier = TicketVerifier::from_public_pem(ED_PUBLIC).unwrap();
        let issued = issuer
            .issue(
                &InvitationId::generate(),
                "org_1",
                "a@example.com",
                0,
                90_000,
            )
            .unwrap();
        assert!(verifier.verify(&issued.token, 1).is_ok());
        assert!(TicketVerifier::from_public_pem(ED_PRIVATE).is_err());
    }

    #[test]
    fn a_generated_pair_signs_and_verifies_and_reads_from_one_line() {
        let (private, public) = new_ed25519_pair().unwrap();
        let one_line = |pem: &str| pem.trim_end().replace('\n', "\\n");
        let pair = TicketSigner::key_pair(&one_line(&private), &one_line(&public)).unwrap();
        assert_eq!(pair.algorithm(), Some(Algorithm::EdDSA));
    }

    #[test]
    fn weak_or_mismatched_keys_are_refused_at_start() {
        assert!(TicketSigner::hs256(b"too short").is_err());
        assert!(TicketSigner::key_pair(EC_PRIVATE, ED_PUBLIC).is_err());
        assert!(TicketSigner::key_pair(ED_PRIVATE, EC_PUBLIC).is_err());
        assert!(TicketSigner::key_pair("nonsense", "nonsense").is_err());
    }

    #[test]
    fn an_hs256_ticket_is_small_enough_for_any_url() {
        let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
        let token = hs
            .issue(
                &InvitationId::generate(),
                "org_2vFixtureAcmeInc00000000000",
                "grace.hopper@example.com",
                1_790_000_000_000,
                1_792_592_000_000,
            )
            .unwrap()
            .token;
        assert!(token.len() < 512, "{} bytes", token.len());
    }
}
