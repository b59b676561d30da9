//! Users, for backends: create, get, and a user's memberships across organizations.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::UserId;
use crate::http::auth::Backend;
use crate::http::error::ApiError;
use crate::http::extract::JsonBody;
use crate::http::openapi::builder::{
    address, list_params, ok, op, r, user, with, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::service::{Actor, ServiceError};
use crate::wire::{self, List};

pub const ROUTES: &[Route] = &[
    route!(POST "/v1/users", Directory, Backend, create_user,
        op("CreateUser", "A user (Clerk's, the fields this service keeps).",
            (200, ok(r("User"), json!({
                "GetUser": { "operationId": "GetUser", "parameters": { "user": "$response.body#/id" } },
                "ListTheirInvitations": { "operationId": "UsersGetOrganizationInvitations",
                    "parameters": { "user": "$response.body#/id" } },
            }))), WRITE_ERRORS)
            .body(json!({ "type": "object", "required": ["email_address"], "properties": {
                "email_address": { "type": "array", "items": address(), "minItems": 1, "maxItems": 3 },
                "first_name": { "type": "string", "maxLength": 256, "pattern": "^[A-Za-z ]*$" },
                "last_name": { "type": "string", "maxLength": 256, "pattern": "^[A-Za-z ]*$" },
                "image_url": { "type": "string", "format": "uri" },
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
    route!(GET "/v1/users/{user}", Directory, Backend, get_user,
        op("GetUser", "A user (Clerk's).", (200, ok(r("User"), json!({}))), READ_ERRORS)
            .params(vec![user()])),
    route!(GET "/v1/users/{user}/organization_memberships", Directory, Backend, list_user_memberships,
        op("UsersGetOrganizationMemberships", "A user's memberships across organizations, newest first (Clerk's).",
            (200, ok(r("Memberships"), json!({}))), READ_ERRORS)
            .params(with(vec![user()], list_params(false, &[])))),
];

async fn create_user(
    _: Backend,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let user = state.service.create_user(parse::user(&body)?).await?;
    Ok(Json(wire::user(&user)).into_response())
}

async fn get_user(
    _: Backend,
    State(state): State<AppState>,
    Path(user): Path<UserId>,
) -> Result<Response, ApiError> {
    let user = state.service.get_user(&user).await?;
    Ok(Json(wire::user(&user)).into_response())
}

/// A user's memberships, each with its organization.
async fn list_user_memberships(
    _: Backend,
    State(state): State<AppState>,
    Path(user): Path<UserId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let (limit, offset) = parse::limit_offset(&query_pairs(raw.as_deref()), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::InvalidQuery(errors));
    }
    let (page, total) = state
        .service
        .user_memberships(&user, limit, offset)
        .await
        .map_err(|e| match e {
            ServiceError::Invalid(errors) => ApiError::InvalidQuery(errors),
            other => other.into(),
        })?;
    let roles = state.service.roles();
    let data = page
        .iter()
        .map(|(m, org)| wire::membership(&Actor::Backend, m, org, roles))
        .collect();
    Ok(Json(List::new(data, total, None)).into_response())
}
