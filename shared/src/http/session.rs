//! Signed-in people: a session token from the app's identity provider, as
//! `Authorization: Bearer <jwt>` or the `__session` cookie.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use super::{error::ApiError, AppState};
use crate::service::ServiceError;
use crate::tokens::session::Session;

/// A session token, and whether it came in the cookie (which any site's request carries).
fn session_token(parts: &Parts) -> Option<(String, bool)> {
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let Some(token) = bearer.filter(|t| !t.is_empty()) {
        return Some((token.to_string(), false));
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("__session=").map(str::to_string))
        .filter(|t| !t.is_empty())
        .map(|t| (t, true))
}

/// A verified session, required.
pub struct SignedIn(pub Session);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Verified once per request: the idempotency layer, which runs first, keeps it.
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(SignedIn(session.clone()));
        }
        let (token, by_cookie) =
            session_token(parts).ok_or(ApiError::Service(ServiceError::SessionMissing))?;
        if by_cookie {
            state
                .browser
                .check_cookie_write(parts)
                .map_err(ApiError::CrossSiteWrite)?;
        }
        let Some(verifier) = &state.sessions else {
            tracing::warn!(
                "a session was presented but no SESSION_JWT_* / SESSION_JWKS_URL is configured"
            );
            return Err(ApiError::Service(ServiceError::SessionMissing));
        };
        let session = verifier
            .verify(&token)
            .await
            .map_err(|e| ApiError::Service(e.into()))?;
        parts.extensions.insert(session.clone());
        Ok(SignedIn(session))
    }
}

/// A session if one was presented and verifies; anything else reads as no session, so a stale
/// cookie never breaks an invitation link.
pub struct MaybeSignedIn(pub Option<Session>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (Some((token, _)), Some(verifier)) = (session_token(parts), &state.sessions) else {
            return Ok(MaybeSignedIn(None));
        };
        match verifier.verify(&token).await {
            Ok(session) => Ok(MaybeSignedIn(Some(session))),
            Err(e) => {
                tracing::info!(reason = %e, "ignoring a session that does not verify");
                Ok(MaybeSignedIn(None))
            }
        }
    }
}
