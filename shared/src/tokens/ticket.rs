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

pub struct TicketSigner {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TicketSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TicketSigner({})", algorithm_name(self.algorithm))
    }
}

impl TicketSigner {
    /// HS256 with a secret of at least 32 bytes.
    pub fn hs256(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(format!(
                "an HS256 ticket secret must be at least {MIN_SECRET_BYTES} bytes"
            ));
        }
        Ok(Self {
            algorithm: Algorithm::HS256,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        })
    }

    /// EdDSA (Ed25519) or ES256 (P-256) from a PKCS#8 private key and its public key, in PEM.
    pub fn key_pair(private_pem: &str, public_pem: &str) -> Result<Self, String> {
        let (p, q) = (private_pem.as_bytes(), public_pem.as_bytes());
        if let (Ok(encoding), Ok(decoding)) =
            (EncodingKey::from_ed_pem(p), DecodingKey::from_ed_pem(q))
        {
            return Self::checked(Algorithm::EdDSA, encoding, decoding);
        }
        if let (Ok(encoding), Ok(decoding)) =
            (EncodingKey::from_ec_pem(p), DecodingKey::from_ec_pem(q))
        {
            return Self::checked(Algorithm::ES256, encoding, decoding);
        }
        Err("the ticket key pair must be Ed25519 or P-256, PKCS#8 private key and public key in PEM".into())
    }

    /// Refuses a pair whose halves do not belong together, at start rather than at first use.
    fn checked(
        algorithm: Algorithm,
        encoding: EncodingKey,
        decoding: DecodingKey,
    ) -> Result<Self, String> {
        let signer = Self {
            algorithm,
            encoding,
            decoding,
        };
        let probe = InvitationId::generate();
        let issued = signer.issue(&probe, "org_probe", "probe@example.com", 0, 60_000)?;
        signer
            .verify(&issued.token, 0)
            .map_err(|_| "the ticket private and public keys are not a pair".to_string())?;
        Ok(signer)
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
            (Algorithm::ES256, Algorithm::EdDSA)
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
