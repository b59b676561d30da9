//! The one place where errors become HTTP statuses and Clerk's error envelope: the statuses
//! and codes in `codes.rs`, the envelope and the log line here.

mod codes;
mod entries;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::domain::FieldError;
use crate::service::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("authentication failed: {0}")]
    Unauthenticated(&'static str),
    #[error("the request body is not valid JSON: {0}")]
    MalformedBody(String),
    #[error("the request body is larger than {0} bytes")]
    BodyTooLarge(usize),
    #[error("no such route")]
    RouteNotFound,
    #[error("method not allowed on this route")]
    MethodNotAllowed,
    /// A query string refused where Clerk's spec answers `400` rather than `422` (a person's
    /// invitation list); the entries are the same.
    #[error("invalid query string")]
    InvalidQuery(Vec<FieldError>),
    /// A cookie-signed write that a page of another site could have made.
    #[error("cross-site write refused: {0}")]
    CrossSiteWrite(&'static str),
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Service(ServiceError::Invalid(errors))
    }
}

/// One entry of the `errors` array.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ErrorEntry {
    pub code: &'static str,
    pub message: String,
    pub long_message: String,
    pub meta: Value,
}

impl ErrorEntry {
    fn new(code: &'static str, message: &str, long_message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            long_message: long_message.into(),
            meta: json!({}),
        }
    }

    fn with_meta(mut self, meta: Value) -> Self {
        self.meta = meta;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, entries) = self.describe();
        let trace = trace_id();
        if status.is_server_error() {
            // The whole chain goes to the log under the trace id; the body stays opaque.
            let mut chain = vec![self.to_string()];
            let mut source = std::error::Error::source(&self);
            while let Some(s) = source {
                chain.push(s.to_string());
                source = s.source();
            }
            let error = chain.join(": ");
            let status = status.as_u16();
            tracing::error!(trace_id = %trace, status, %error, "request failed");
        } else {
            let code = entries[0].code;
            let status = status.as_u16();
            tracing::info!(trace_id = %trace, status, code, "request refused");
        }
        let body = json!({
            "errors": entries,
            "clerk_trace_id": trace,
        });
        let retry_after = self.retry_after(status);
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl ApiError {
    /// `Retry-After` for an answer worth retrying (a conflict, a limit, an outage): a limit's
    /// own wait, else a second. Every rendering of the error (JSON, the link's HTML page)
    /// carries it.
    pub fn retry_after(&self, status: StatusCode) -> Option<u64> {
        let retryable = matches!(
            status,
            StatusCode::CONFLICT | StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        );
        retryable.then_some(match self {
            ApiError::Service(ServiceError::LimitReached(limit)) => limit.retry_after_seconds,
            _ => 1,
        })
    }
}

/// The id a refusal carries in `clerk_trace_id` and the log, to find one from the other.
pub fn trace_id() -> String {
    crate::ids::random_base62(24)
}
