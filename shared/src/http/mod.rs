//! The HTTP surface. Each Lambda function serves one of the route sets below; the local server
//! serves them all. Handlers parse, call one service operation and shape the answer.

pub mod auth;
pub mod browser;
mod caller;
mod directory;
pub mod error;
pub mod extract;
mod idempotency;
mod invitations;
pub mod openapi;
mod pages;
pub mod parse;
mod session;
mod tickets;
pub mod wire;

use std::sync::Arc;

use axum::Router;

pub use auth::SecretKeys;
pub use error::ApiError;

use crate::service::Service;
use crate::tokens::session::SessionVerifier;

/// What every handler gets: built once per cold start, cloned cheaply per request.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub secret_keys: Arc<SecretKeys>,
    /// `None` when no session verification is configured: signed-in routes then answer 401.
    pub sessions: Option<Arc<SessionVerifier>>,
    /// Origins that may call from a browser (CORS, cookie-signed writes).
    pub browser: Arc<browser::BrowserPolicy>,
}

/// The routes of the `invite` function: create, bulk create.
pub fn invite_routes() -> Router<AppState> {
    invitations::invite_routes()
}

/// The routes of the `list` function: list, get. It never writes.
pub fn list_routes() -> Router<AppState> {
    invitations::list_routes()
}

/// The routes of the `revoke` function.
pub fn revoke_routes() -> Router<AppState> {
    invitations::revoke_routes()
}

/// The routes of the `ticket-verify` function.
pub fn ticket_routes() -> Router<AppState> {
    tickets::routes()
}

/// The routes of the `directory` function: users, organizations, memberships.
pub fn directory_routes() -> Router<AppState> {
    directory::routes()
}

/// A route and the Lambda function that serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub function: &'static str,
    pub method: &'static str,
    pub path: &'static str,
}

const fn route(function: &'static str, method: &'static str, path: &'static str) -> Route {
    Route {
        function,
        method,
        path,
    }
}

/// Every route, by function. `template.yaml` must declare exactly these (a test checks both
/// it and the routers against this list).
pub const ROUTES: &[Route] = &[
    route("invite", "POST", "/v1/organizations/{org}/invitations"),
    route("invite", "POST", "/v1/organizations/{org}/invitations/bulk"),
    route(
        "invite",
        "POST",
        "/v1/organizations/{org}/invitations/{inv}/resend",
    ),
    route("list", "GET", "/v1/organizations/{org}/invitations"),
    route("list", "GET", "/v1/organizations/{org}/invitations/pending"),
    route("list", "GET", "/v1/organizations/{org}/invitations/{inv}"),
    route("list", "GET", "/v1/users/{user}/organization_invitations"),
    route("list", "GET", "/v1/me/organization_invitations"),
    route("list", "GET", "/v1/organization_invitations"),
    route("list", "GET", "/v1/openapi.json"),
    route(
        "revoke",
        "POST",
        "/v1/organizations/{org}/invitations/{inv}/revoke",
    ),
    route("ticket-verify", "GET", "/v1/tickets/accept"),
    route("ticket-verify", "POST", "/v1/tickets/accept"),
    route("ticket-verify", "POST", "/v1/tickets/decline"),
    route(
        "ticket-verify",
        "POST",
        "/v1/me/organization_invitations/{inv}/accept",
    ),
    route(
        "ticket-verify",
        "POST",
        "/v1/me/organization_invitations/{inv}/decline",
    ),
    route("directory", "POST", "/v1/users"),
    route("directory", "GET", "/v1/users/{user}"),
    route(
        "directory",
        "GET",
        "/v1/users/{user}/organization_memberships",
    ),
    route("directory", "POST", "/v1/organizations"),
    route("directory", "GET", "/v1/organizations"),
    route("directory", "GET", "/v1/organizations/{org}"),
    route("directory", "PATCH", "/v1/organizations/{org}"),
    route("directory", "DELETE", "/v1/organizations/{org}"),
    route("directory", "POST", "/v1/organizations/{org}/memberships"),
    route("directory", "GET", "/v1/organizations/{org}/memberships"),
    route(
        "directory",
        "PATCH",
        "/v1/organizations/{org}/memberships/{user}",
    ),
    route(
        "directory",
        "DELETE",
        "/v1/organizations/{org}/memberships/{user}",
    ),
    route(
        "directory",
        "PATCH",
        "/v1/organizations/{org}/memberships/{user}/metadata",
    ),
];

/// The route set of a function, by its name in `functions/`.
pub fn function_routes(function: &str) -> Option<Router<AppState>> {
    Some(match function {
        "invite" => invite_routes(),
        "list" => list_routes(),
        "revoke" => revoke_routes(),
        "ticket-verify" => ticket_routes(),
        "directory" => directory_routes(),
        _ => return None,
    })
}

/// Every route of every function, as the local server serves them.
pub fn all_routes() -> Router<AppState> {
    invite_routes()
        .merge(list_routes())
        .merge(revoke_routes())
        .merge(ticket_routes())
        .merge(directory_routes())
}

/// A route set made servable: unknown routes and methods answer in the error envelope.
pub fn app(routes: Router<AppState>, state: AppState) -> Router {
    let cors = state.browser.cors_layer();
    let idempotent = axum::middleware::from_fn_with_state(state.clone(), idempotency::idempotent);
    routes
        .route_layer(idempotent)
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        .layer(cors)
}
