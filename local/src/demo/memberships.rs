//! The signed-in person's organizations, for the demo's "your organizations" line: read with
//! the session cookie the demo minted, as the app's own backend would answer it.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::Shared;

pub async fn mine(State((_, state)): State<Shared>, headers: HeaderMap) -> Response {
    let token = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("__session="))
        .map(str::to_string);
    let (Some(token), Some(sessions)) = (token, state.sessions.as_ref()) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let Ok(session) = sessions.verify(&token).await else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let organizations = match state
        .service
        .user_memberships(&session.user_id, 10, 0)
        .await
    {
        Ok((page, _)) => page
            .iter()
            .map(|(m, org)| json!({"id": org.id, "name": org.name, "role": m.role}))
            .collect::<Vec<_>>(),
        // A person the store does not know yet belongs nowhere.
        Err(_) => Vec::new(),
    };
    (
        [(CACHE_CONTROL, "no-store")],
        Json(json!({ "organizations": organizations })),
    )
        .into_response()
}
