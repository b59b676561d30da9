//! The HTTP surface. Each Lambda function serves one of the route sets below; the local server
//! serves them all. Handlers parse, call one service operation and shape the answer.

pub mod auth;
mod directory;
pub mod error;
pub mod extract;
mod invitations;
pub mod query;
mod tickets;
pub mod wire;

use std::sync::Arc;

use axum::Router;

pub use auth::SecretKeys;
pub use error::ApiError;

use crate::service::Service;

/// What every handler gets: built once per cold start, cloned cheaply per request.
#[derive(Clone)]
pub struct AppState {
    pub service: Service,
    pub secret_keys: Arc<SecretKeys>,
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
    routes
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
}
