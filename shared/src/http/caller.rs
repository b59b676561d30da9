//! Who is calling an organization's routes: a backend holding a secret key, or a signed-in
//! person. The answer is a service [`Actor`]; what the actor may do is the service's decision.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use super::auth::Backend;
use super::error::ApiError;
use super::session::SignedIn;
use super::AppState;
use crate::service::Actor;

/// The acting caller of a route open to backends and signed-in people alike.
pub struct Caller(pub Actor);

/// A bearer token shaped like a JWT (three dot-separated parts) is a session; anything else
/// must be a secret key.
fn looks_like_jwt(parts: &Parts) -> bool {
    parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| t.trim().split('.').count() == 3)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let has_cookie_session = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(';').any(|c| c.trim().starts_with("__session=")));
        let has_bearer = parts.headers.contains_key(AUTHORIZATION);
        if looks_like_jwt(parts) || (!has_bearer && has_cookie_session) {
            let SignedIn(session) = SignedIn::from_request_parts(parts, state).await?;
            return Ok(Caller(Actor::Member(session.user_id)));
        }
        Backend::from_request_parts(parts, state).await?;
        Ok(Caller(Actor::Backend))
    }
}
