//! Backend callers: `Authorization: Bearer <secret key>`, compared in constant time.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use subtle::ConstantTimeEq;

use super::{error::ApiError, AppState};

/// The accepted secret keys; several at once so a key can be rotated without downtime.
/// Only their SHA-256 digests are kept: a presented key is hashed and the fixed-length digests
/// compared in constant time, so neither the timing nor the comparison's length tells anything
/// about a key's length or content.
#[derive(Clone)]
pub struct SecretKeys(Vec<[u8; 32]>);

fn digest(key: &str) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(key.as_bytes()).into()
}

impl SecretKeys {
    /// From the keys' digests (`INVITATIONS_SECRET_KEY_SHA256`): the function holds nothing that
    /// would let it present a key. None accepts no key (a function with no backend route).
    pub fn from_digests(digests: Vec<[u8; 32]>) -> Self {
        Self(digests)
    }

    pub fn new(keys: Vec<String>) -> Result<Self, String> {
        let keys: Vec<String> = keys
            .into_iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() {
            return Err("no secret key configured".into());
        }
        if let Some(short) = keys.iter().find(|k| k.len() < 16) {
            return Err(format!(
                "a secret key must be at least 16 characters (one has {})",
                short.len()
            ));
        }
        Ok(Self(keys.iter().map(|k| digest(k)).collect()))
    }

    /// Every configured key is compared, so timing does not tell which (if any) matched.
    pub fn accepts(&self, presented: &str) -> bool {
        let presented = digest(presented);
        self.0.iter().fold(0u8, |matched, key| {
            matched | key.ct_eq(&presented).unwrap_u8()
        }) == 1
    }
}

impl std::fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKeys({} configured)", self.0.len())
    }
}

/// Proof that the request came from a backend holding a secret key.
pub struct Backend;

impl FromRequestParts<AppState> for Backend {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .ok_or(ApiError::Unauthenticated(
                "the Authorization header is missing",
            ))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or(ApiError::Unauthenticated(
                "the Authorization header is not a Bearer token",
            ))?;
        if state.secret_keys.accepts(token) {
            Ok(Backend)
        } else {
            Err(ApiError::Unauthenticated("the secret key is not valid"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_configured_key_is_accepted_and_nothing_else() {
        let keys = SecretKeys::new(vec![
            "sk_test_aaaaaaaaaaaaaaaa".into(),
            "sk_test_bbbbbbbbbbbbbbbb".into(),
        ])
        .unwrap();
        assert!(keys.accepts("sk_test_aaaaaaaaaaaaaaaa"));
        assert!(keys.accepts("sk_test_bbbbbbbbbbbbbbbb"));
        assert!(!keys.accepts("sk_test_aaaaaaaaaaaaaaab"));
        assert!(!keys.accepts("sk_test_aaaaaaaaaaaaaaaa "));
        assert!(!keys.accepts(""));
    }

    #[test]
    fn short_or_missing_keys_are_refused_at_startup() {
        assert!(SecretKeys::new(vec![]).is_err());
        assert!(SecretKeys::new(vec!["  ".into()]).is_err());
        assert!(SecretKeys::new(vec!["short".into()]).is_err());
    }
}
