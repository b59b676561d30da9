//! Request bodies, refused in the error envelope rather than axum's text.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde_json::Value;

use super::error::ApiError;
use crate::domain::audit::AuditContext;
use crate::domain::{RequestKey, RequestScope};

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

/// What the service is told of the request: its key when it carries an `Idempotency-Key`
/// (`idempotency.rs` puts it here; the service marks its writes with it, so that a retry
/// recognises what it already did), and where it came from, for the audit log.
pub struct Retried(pub RequestScope);

impl<S: Send + Sync> FromRequestParts<S> for Retried {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(RequestScope {
            key: parts.extensions.get::<RequestKey>().cloned(),
            origin: origin(parts),
        }))
    }
}

/// API Gateway's word on the caller (its source IP and request id, which no header can
/// forge) and the user agent; locally, the user agent alone.
fn origin(parts: &Parts) -> AuditContext {
    use lambda_http::request::RequestContext;
    let user_agent = parts
        .headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    match parts.extensions.get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(ctx)) => AuditContext::new(
            ctx.http.source_ip.clone(),
            user_agent,
            ctx.request_id.clone(),
        ),
        _ => AuditContext::new(None, user_agent, None),
    }
}
