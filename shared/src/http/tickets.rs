//! The `ticket-verify` function's routes. Tickets arrive with their own issue; until then the
//! routes exist (so the template and router wiring are real) and answer 501.

use axum::routing::{get, post};
use axum::Router;

use super::error::ApiError;
use super::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tickets/accept", get(not_yet).post(not_yet))
        .route(
            "/v1/me/organization_invitations/{inv}/accept",
            post(not_yet),
        )
}

async fn not_yet() -> ApiError {
    ApiError::NotImplemented
}
