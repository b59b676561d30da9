//! This service's own OpenAPI 3.1 document: Clerk's operations it shares and its own (resend,
//! cursors, delivery, tickets, signed-in routes), served at `GET /v1/openapi.json`. Written by
//! hand, kept true by tests: its operations are exactly `ROUTES`
//! (`shared/tests/api/spec/ours.rs`), every answer of the conformance flows validates against
//! it, and schemathesis (in the test command) checks generated requests against it.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::ROUTES;

mod builder;
mod operations;
mod schemas;

use operations::operations;
use schemas::schemas;

/// The document, serialized once per process.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| document_value().to_string())
}

pub async fn serve() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document(),
    )
        .into_response()
}

fn document_value() -> Value {
    let mut paths = Map::new();
    for (method, path, op) in operations() {
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method.to_ascii_lowercase()] = op.to_json();
    }
    // Every route of every function, and nothing else (a test holds this too).
    debug_assert_eq!(
        paths
            .values()
            .map(|p| p.as_object().map_or(0, Map::len))
            .sum::<usize>(),
        ROUTES.len()
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Invitations",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Organization invitations in Clerk's Backend API shape, self-hosted on AWS Lambda, DynamoDB and SES. Operations marked Clerk's follow Clerk's published Backend API; the rest are this service's own.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" },
        },
        "servers": [{ "url": "/" }],
        "security": [{ "secretKey": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "secretKey": { "type": "http", "scheme": "bearer", "description": "A backend secret key (`INVITATIONS_SECRET_KEY`)." },
                "session": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "The identity provider's session token." },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": "__session" },
            },
            "schemas": schemas(),
        },
    })
}
