//! A link's token: the link's id body and a 32-character secret (~190 bits), one base62
//! string, so a link's address carries one opaque value beside its organization.

use sha2::{Digest, Sha256};

use super::InvitationLinkId;
use crate::ids;

const SECRET_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkToken {
    pub link_id: InvitationLinkId,
    pub secret: String,
}

impl LinkToken {
    pub fn generate(link_id: InvitationLinkId) -> Self {
        Self {
            link_id,
            secret: ids::random_base62(SECRET_LEN),
        }
    }

    /// `None` for anything that is not a token's shape (answered as not found, like a token
    /// whose secret does not match).
    pub fn parse(raw: &str) -> Option<Self> {
        if raw.len() != ids::ID_BODY_LEN + SECRET_LEN || !ids::is_base62(raw) {
            return None;
        }
        let (body, secret) = raw.split_at(ids::ID_BODY_LEN);
        Some(Self {
            link_id: InvitationLinkId::parse(&format!("orginvlnk_{body}"))?,
            secret: secret.to_string(),
        })
    }

    pub fn encode(&self) -> String {
        format!("{}{}", self.link_id.body(), self.secret)
    }

    pub fn digest(&self) -> String {
        token_digest(&self.link_id, &self.secret)
    }
}

/// SHA-256 of the link's id and the secret, hex: a secret is worth nothing for another link.
pub fn token_digest(link_id: &InvitationLinkId, secret: &str) -> String {
    Sha256::digest(format!("{link_id}:{secret}"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
