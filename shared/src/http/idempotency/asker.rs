//! Who a keyed request comes from, known before its key is taken: a request whose credential
//! does not verify takes no key and stores nothing, and a replay is given only to a caller who
//! verifies now.

use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use super::super::caller::Caller;
use super::super::error::ApiError;
use super::super::AppState;
use crate::domain::UserId;
use crate::service::Actor;

/// The caller of a keyed request, as the route's extractors will see it.
pub(super) enum Asker {
    /// A backend, by the digest of the secret key it presented.
    Backend { key_digest: String },
    /// A signed-in person: one scope whatever token they present (tokens are refreshed every
    /// minute or so; a retry with a fresh one is the same request).
    Member(UserId),
    /// No credential: the request's own body is what it holds (a link's ticket), so callers
    /// without a credential share no scope: none can take another's key.
    Anonymous,
}

impl Asker {
    /// Authenticates as `Caller` does: a JWT-shaped bearer or the `__session` cookie is a
    /// session (a cookie write must also pass the browser rules), any other bearer a secret key.
    pub(super) async fn of(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let has_cookie = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(';').any(|c| c.trim().starts_with("__session=")));
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .map(|v| v.as_bytes().to_vec());
        if bearer.is_none() && !has_cookie {
            return Ok(Asker::Anonymous);
        }
        let Caller(actor) =
            <Caller as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await?;
        Ok(match actor {
            Actor::Member(user) => Asker::Member(user),
            Actor::Backend => Asker::Backend {
                key_digest: super::digest(&[b"backend", &bearer.unwrap_or_default()]),
            },
        })
    }

    /// The scope a key lives in (the record is named by it and the key, and sealed with both).
    pub(super) fn scope(&self, body: &[u8]) -> String {
        match self {
            Asker::Backend { key_digest } => key_digest.clone(),
            Asker::Member(user) => super::digest(&[b"member", user.as_str().as_bytes()]),
            Asker::Anonymous => super::digest(&[b"anonymous", body]),
        }
    }
}
