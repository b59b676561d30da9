//! A kept answer, sealed: it may hold an accept link, a credential the table must not give away
//! (it keeps only a ticket's hash). It is stored under AES-256-GCM with a key derived from the
//! caller's scope and the idempotency key, neither of which the table holds (the record is
//! named by a digest of both), with the headers a replay must carry again.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// What a replay must say as the first answer did: its type, and that neither a cache nor a
/// referrer may keep it.
pub(super) const KEPT_HEADERS: [&str; 3] = ["content-type", "cache-control", "referrer-policy"];

/// A kept answer: the headers above, and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KeptAnswer {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl KeptAnswer {
    /// The headers as one JSON line, then the body.
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec(&self.headers).unwrap_or_else(|_| b"[]".to_vec());
        out.push(b'\n');
        out.extend_from_slice(&self.body);
        out
    }

    fn from_bytes(raw: &[u8]) -> Option<Self> {
        let split = raw.iter().position(|&b| b == b'\n')?;
        let headers = serde_json::from_slice(&raw[..split]).ok()?;
        Some(Self {
            headers,
            body: raw[split + 1..].to_vec(),
        })
    }
}

fn sealing_key(scope: &str, key: &str) -> Option<aws_lc_rs::aead::RandomizedNonceKey> {
    let material = Sha256::new()
        .chain_update(b"invitations idempotent answer\n")
        .chain_update(scope.as_bytes())
        .chain_update(b"\n")
        .chain_update(key.as_bytes())
        .finalize();
    aws_lc_rs::aead::RandomizedNonceKey::new(&aws_lc_rs::aead::AES_256_GCM, &material).ok()
}

pub(super) fn seal(scope: &str, key: &str, answer: &KeptAnswer) -> Option<String> {
    let sealing = sealing_key(scope, key)?;
    let mut data = answer.to_bytes();
    let nonce = sealing
        .seal_in_place_append_tag(aws_lc_rs::aead::Aad::empty(), &mut data)
        .ok()?;
    Some(URL_SAFE_NO_PAD.encode([nonce.as_ref().as_slice(), &data].concat()))
}

pub(super) fn open(scope: &str, key: &str, sealed: &str) -> Option<KeptAnswer> {
    let sealing = sealing_key(scope, key)?;
    let raw = URL_SAFE_NO_PAD.decode(sealed).ok()?;
    if raw.len() < aws_lc_rs::aead::NONCE_LEN {
        return None;
    }
    let (nonce, data) = raw.split_at(aws_lc_rs::aead::NONCE_LEN);
    let nonce = aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut data = data.to_vec();
    let plain = sealing
        .open_in_place(nonce, aws_lc_rs::aead::Aad::empty(), &mut data)
        .ok()?;
    KeptAnswer::from_bytes(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_opens_only_for_its_scope_and_key_with_its_headers() {
        let answer = KeptAnswer {
            headers: vec![("cache-control".into(), "no-store".into())],
            body: b"{\"url\":\"https://x/accept?ticket=t\"}\n".to_vec(),
        };
        let sealed = seal("scope-a", "key-1", &answer).unwrap();
        assert!(!sealed.contains("ticket"));
        assert_eq!(open("scope-a", "key-1", &sealed), Some(answer));
        assert_eq!(open("scope-b", "key-1", &sealed), None);
        assert_eq!(open("scope-a", "key-2", &sealed), None);
    }
}
