//! Invitation tickets: JWTs this service signs with its own key (never the session key).
//!
//! A ticket names the invitation, its organization and address, and carries a nonce that only
//! the holder of the signing key can make: an HMAC, under a key derived from the signing key,
//! of the invitation and the moment the ticket was issued. The stored invitation keeps only the
//! nonce's SHA-256 and that moment, so a resend (a new moment, a new nonce) or a revoke kills
//! every older link, the table alone cannot rebuild a link, and the signing key can: a retried
//! create answers the same link, and an email whose send was interrupted goes out with it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::InvitationId;

const ISSUER: &str = "invitations";
const AUDIENCE: &str = "invitations:ticket";
/// Bytes of a nonce (22 base64url characters, 128 bits).
const NONCE_BYTES: usize = 16;
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

mod keys;

pub use keys::{new_ed25519_pair, TicketIssuer, TicketSigner, TicketVerifier};

#[cfg(test)]
mod tests;
