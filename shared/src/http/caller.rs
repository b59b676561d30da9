//! Who is calling an organization's routes: a backend holding a secret key, or a signed-in
//! person whose permissions come from their stored membership (never from the request).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::auth::Backend;
use super::error::ApiError;
use super::session::SignedIn;
use super::wire::Audience;
use super::AppState;
use crate::tokens::session::Session;

pub enum Caller {
    Backend,
    Member(Session),
}

impl Caller {
    pub fn audience(&self) -> Audience {
        match self {
            Caller::Backend => Audience::Backend,
            Caller::Member(_) => Audience::Frontend,
        }
    }

    /// The user a signed-in caller acts as, which overrides any user named in the body.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Caller::Backend => None,
            Caller::Member(session) => Some(&session.user_id),
        }
    }
}

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
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.split(';').any(|c| c.trim().starts_with("__session=")));
        let has_bearer = parts.headers.contains_key(AUTHORIZATION);
        if looks_like_jwt(parts) || (!has_bearer && has_cookie_session) {
            let SignedIn(session) = SignedIn::from_request_parts(parts, state).await?;
            return Ok(Caller::Member(session));
        }
        Backend::from_request_parts(parts, state).await?;
        Ok(Caller::Backend)
    }
}
