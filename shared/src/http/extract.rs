//! Request bodies, refused in the error envelope rather than axum's text.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde_json::Value;

use super::error::ApiError;
use crate::domain::RequestKey;

/// The most a request body may hold: ten invitations with two 8 KB metadata objects each.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON body; an empty body reads as `null`.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes: Bytes = axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| ApiError::BodyTooLarge(MAX_BODY_BYTES))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(Value::Null));
        }
        serde_json::from_slice(&bytes)
            .map(Self)
            .map_err(|e| ApiError::MalformedBody(e.to_string()))
    }
}

/// The request's key when it carries an `Idempotency-Key` (`idempotency.rs` puts it here):
/// the service marks its writes with it, so that a retry recognises what it already did.
pub struct Retried(pub Option<RequestKey>);

impl<S: Send + Sync> FromRequestParts<S> for Retried {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<RequestKey>().cloned()))
    }
}
