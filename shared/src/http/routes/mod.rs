//! The route table: every route, declared once (method, path, function, audience, handler and
//! OpenAPI operation), one resource per file beside its handlers. The routers of each function
//! and of the local server, the OpenAPI document and the template's cross-check
//! (`deploy::template_wiring`) are all read from it.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Router;

use super::table::{route, Function, Route};
use super::AppState;

mod invitation_lists;
mod invitations;
mod memberships;
mod organizations;
mod tickets;
mod users;

pub use tickets::ACCEPT_LINK_PATH;

/// Every resource's routes.
const RESOURCES: &[&[Route]] = &[
    invitations::ROUTES,
    invitation_lists::ROUTES,
    tickets::ROUTES,
    users::ROUTES,
    organizations::ROUTES,
    memberships::ROUTES,
    DOCUMENT,
];

const DOCUMENT: &[Route] = &[
    route!(GET "/v1/openapi.json", List, Anyone, serve_document, {
        use super::openapi::builder::{ok, op};
        op("GetOpenApiDocument", "This document.",
            (200, ok(serde_json::json!({ "type": "object" }), serde_json::json!({}))), &[])
    }),
];

/// Every route of every function.
pub fn all() -> impl Iterator<Item = &'static Route> {
    RESOURCES.iter().flat_map(|routes| routes.iter())
}

/// The routes `function` serves, or every route (the local server).
pub fn router(function: Option<Function>) -> Router<AppState> {
    all()
        .filter(|r| function.is_none_or(|f| r.function == f))
        .fold(Router::new(), |router, r| {
            router.route(r.path, (r.handler)(r.verb.filter()))
        })
}

/// The OpenAPI document, serialized once per process.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| super::openapi::document(all()).to_string())
}

async fn serve_document() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document(),
    )
        .into_response()
}
