//! This service's OpenAPI 3.1 document, made from the route table: each route's operation,
//! with the security its audience asks for.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::http::openapi::builder::{ok, op};
use crate::http::table::{route, Audience, Route};

pub const ROUTES: &[Route] = &[route!(GET "/v1/openapi.json", List, Anyone, serve,
    op("GetOpenApiDocument", "This document.",
        (200, ok(json!({ "type": "object" }), json!({}))), &[]))];

/// The security an audience asks for (`None`: the document's default, a secret key).
fn security(audience: Audience) -> Option<Value> {
    match audience {
        Audience::Backend => None,
        Audience::BackendOrSignedIn => Some(json!([
            { "secretKey": [] }, { "session": [] }, { "sessionCookie": [] }
        ])),
        Audience::SignedIn => Some(json!([{ "session": [] }, { "sessionCookie": [] }])),
        Audience::LinkHolder => Some(json!([{}, { "sessionCookie": [] }, { "session": [] }])),
        Audience::Anyone => Some(json!([{}])),
    }
}

/// The document, serialized once per process.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut paths = Map::new();
        for route in super::all() {
            let entry = paths
                .entry(route.path.to_string())
                .or_insert_with(|| json!({}));
            let operation = (route.operation)().to_json(security(route.audience));
            entry[route.verb.as_str().to_ascii_lowercase()] = operation;
        }
        crate::http::openapi::document(paths).to_string()
    })
}

async fn serve() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document(),
    )
        .into_response()
}
