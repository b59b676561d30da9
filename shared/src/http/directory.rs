use axum::extract::{Path, RawQuery, State};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde_json::Value;

use super::auth::Backend;
use super::error::ApiError;
use super::extract::{query_pairs, JsonBody};
use super::wire::Audience;
use super::{query, wire, AppState};
use crate::service::input::parse_role_update;
use crate::service::{NewMembership, NewOrganization, NewUser};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/users", post(create_user))
        .route("/v1/users/{user}", get(get_user))
        .route("/v1/organizations", post(create_organization))
        .route("/v1/organizations/{org}", get(get_organization))
        .route(
            "/v1/organizations/{org}/memberships",
            post(create_membership).get(list_memberships),
        )
        .route(
            "/v1/organizations/{org}/memberships/{user}",
            patch(update_membership).delete(delete_membership),
        )
}

async fn create_user(
    _: Backend,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let user = state.service.create_user(NewUser::parse(&body)?).await?;
    Ok(Json(wire::user(&user)))
}

async fn get_user(
    _: Backend,
    State(state): State<AppState>,
    Path(user): Path<String>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(wire::user(&state.service.get_user(&user).await?)))
}

async fn create_organization(
    _: Backend,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let org = state
        .service
        .create_organization(NewOrganization::parse(&body)?)
        .await?;
    Ok(Json(wire::organization(&org, Audience::Backend)))
}

async fn get_organization(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let org = state.service.get_organization(&org).await?;
    Ok(Json(wire::organization(&org, Audience::Backend)))
}

async fn create_membership(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let input = NewMembership::parse(&body, state.service.roles())?;
    let (membership, org) = state.service.create_membership(&org, input).await?;
    Ok(Json(wire::membership(
        &membership,
        &org,
        state.service.roles(),
        Audience::Backend,
    )))
}

async fn list_memberships(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let mut errors = Vec::new();
    let (limit, offset) = query::limit_offset(&query_pairs(raw.as_deref()), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let (org, page) = state.service.list_memberships(&org, limit, offset).await?;
    let data = page
        .iter()
        .map(|m| wire::membership(m, &org, state.service.roles(), Audience::Backend))
        .collect();
    Ok(Json(wire::list(data, u64::from(org.members_count), None)))
}

async fn update_membership(
    _: Backend,
    State(state): State<AppState>,
    Path((org, user)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let role = parse_role_update(&body, state.service.roles())?;
    let (membership, org) = state
        .service
        .update_membership_role(&org, &user, &role)
        .await?;
    Ok(Json(wire::membership(
        &membership,
        &org,
        state.service.roles(),
        Audience::Backend,
    )))
}

async fn delete_membership(
    _: Backend,
    State(state): State<AppState>,
    Path((org, user)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (membership, org) = state.service.delete_membership(&org, &user).await?;
    Ok(Json(wire::membership(
        &membership,
        &org,
        state.service.roles(),
        Audience::Backend,
    )))
}
