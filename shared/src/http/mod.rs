//! The HTTP surface. Every route is declared once, in the route table (`routes`); each Lambda
//! function serves its rows of it, the local server all of them. Handlers parse, call one
//! service operation and shape the answer.
//!
//! Inside the layer: `table` (what a route is) and `openapi` (operations and the document) →
//! the request parts (`auth`, `caller`, `session`, `browser`, `extract`, `parse`, `error`,
//! `pages`, `answers`) → `routes` (the table and its handlers) → `app` (below, with the
//! idempotency layer).

pub mod answers;
pub mod auth;
pub mod browser;
mod caller;
pub mod error;
pub mod extract;
mod idempotency;
pub mod openapi;
mod pages;
pub mod parse;
pub mod routes;
mod session;
pub mod table;

use std::sync::Arc;

use axum::Router;

pub use auth::SecretKeys;
pub use error::ApiError;
pub use table::{Audience, Function, Route, Verb};

use crate::service::Service;
use crate::tokens::session::SessionVerifier;

/// What every handler gets: built once per cold start, cloned cheaply per request.
#[derive(Clone)]
pub struct AppState {
    /// Shared, not copied: axum clones the state for every request.
    pub service: Arc<Service>,
    /// Digests of the accepted backend secret keys; none in a function with no backend route.
    pub secret_keys: Arc<SecretKeys>,
    /// `None` when no session verification is configured: signed-in routes then answer 401.
    pub sessions: Option<Arc<SessionVerifier>>,
    /// Origins that may call from a browser (CORS, cookie-signed writes).
    pub browser: Arc<browser::BrowserPolicy>,
}

/// Each answer of a route, by its path template (never the raw path: ids stay out of labels).
async fn measured(
    path: axum::extract::MatchedPath,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crate::telemetry::http_answer(path.as_str(), response.status().as_u16(), started.elapsed());
    response
}

/// The routes of `function`, or of every function (`None`: the local server), made servable:
/// unknown routes and methods answer in the error envelope.
pub fn app(function: Option<Function>, state: AppState) -> Router {
    let cors = state.browser.cors_layer();
    let idempotent = axum::middleware::from_fn_with_state(state.clone(), idempotency::idempotent);
    routes::router(function)
        .route_layer(idempotent)
        .route_layer(axum::middleware::from_fn(measured))
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        .layer(cors)
}
