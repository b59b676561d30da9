//! The `directory` function: users, organizations and memberships, for backends only.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};

use super::auth::Backend;
use super::error::ApiError;
use super::extract::JsonBody;
use super::parse::{self, query_pairs};
use super::wire::{self, List};
use super::AppState;
use crate::domain::{Membership, Organization, OrganizationId, UserId};
use crate::service::Actor;

fn membership_body(state: &AppState, m: &Membership, org: &Organization) -> Response {
    Json(wire::membership(
        &Actor::Backend,
        m,
        org,
        state.service.roles(),
    ))
    .into_response()
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/users", post(create_user))
        .route("/v1/users/{user}", get(get_user))
        .route(
            "/v1/users/{user}/organization_memberships",
            get(list_user_memberships),
        )
        .route(
            "/v1/organizations",
            post(create_organization).get(list_organizations),
        )
        .route(
            "/v1/organizations/{org}",
            get(get_organization)
                .patch(update_organization)
                .delete(delete_organization),
        )
        .route(
            "/v1/organizations/{org}/memberships",
            post(create_membership).get(list_memberships),
        )
        .route(
            "/v1/organizations/{org}/memberships/{user}",
            patch(update_membership).delete(delete_membership),
        )
        .route(
            "/v1/organizations/{org}/memberships/{user}/metadata",
            patch(update_membership_metadata),
        )
}

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

async fn create_organization(
    _: Backend,
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let org = state
        .service
        .create_organization(parse::organization(&body)?)
        .await?;
    Ok(Json(wire::organization(&Actor::Backend, &org)).into_response())
}

async fn get_organization(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<String>,
) -> Result<Response, ApiError> {
    let org = state.service.get_organization(&org).await?;
    Ok(Json(wire::organization(&Actor::Backend, &org)).into_response())
}

async fn create_membership(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let input = parse::membership(&body, state.service.roles())?;
    let (membership, org) = state.service.create_membership(&org, input).await?;
    Ok(membership_body(&state, &membership, &org))
}

async fn list_memberships(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let (limit, offset) = parse::limit_offset(&query_pairs(raw.as_deref()), &mut errors);
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let (org, page) = state.service.list_memberships(&org, limit, offset).await?;
    let roles = state.service.roles();
    let data = page
        .iter()
        .map(|m| wire::membership(&Actor::Backend, m, &org, roles))
        .collect();
    Ok(Json(List::new(data, u64::from(org.members_count), None)).into_response())
}

/// `GET /v1/users/{user}/organization_memberships`: a user's memberships, each with its
/// organization.
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
            crate::service::ServiceError::Invalid(errors) => ApiError::InvalidQuery(errors),
            other => other.into(),
        })?;
    let roles = state.service.roles();
    let data = page
        .iter()
        .map(|(m, org)| wire::membership(&Actor::Backend, m, org, roles))
        .collect();
    Ok(Json(List::new(data, total, None)).into_response())
}

/// `PATCH …/memberships/{user}/metadata {public_metadata?, private_metadata?}`: deep merge.
async fn update_membership_metadata(
    _: Backend,
    State(state): State<AppState>,
    Path((org, user)): Path<(OrganizationId, UserId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (public, private) = parse::metadata_patch(&body)?;
    let (membership, org) = state
        .service
        .update_membership_metadata(&org, &user, public, private)
        .await?;
    Ok(membership_body(&state, &membership, &org))
}

async fn list_organizations(
    _: Backend,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = parse::organization_list_query(&query_pairs(raw.as_deref()))?;
    let (page, total) = state.service.list_organizations(&q).await?;
    let data = page
        .iter()
        .map(|org| wire::organization(&Actor::Backend, org))
        .collect();
    Ok(Json(List::new(data, total, None)).into_response())
}

async fn update_organization(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = parse::organization_patch(&body)?;
    let org = state.service.update_organization(&org, &patch).await?;
    Ok(Json(wire::organization(&Actor::Backend, &org)).into_response())
}

/// Clerk's `DeletedObject`.
#[derive(serde::Serialize)]
struct Deleted<'a> {
    object: &'static str,
    id: &'a str,
    slug: &'a str,
    deleted: bool,
}

async fn delete_organization(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
) -> Result<Response, ApiError> {
    let org = state.service.delete_organization(&org).await?;
    Ok(Json(Deleted {
        object: "organization",
        id: &org.id,
        slug: &org.slug,
        deleted: true,
    })
    .into_response())
}

async fn update_membership(
    _: Backend,
    State(state): State<AppState>,
    Path((org, user)): Path<(OrganizationId, UserId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let role = parse::role_update(&body, state.service.roles())?;
    let (membership, org) = state
        .service
        .update_membership_role(&org, &user, &role)
        .await?;
    Ok(membership_body(&state, &membership, &org))
}

async fn delete_membership(
    _: Backend,
    State(state): State<AppState>,
    Path((org, user)): Path<(OrganizationId, UserId)>,
) -> Result<Response, ApiError> {
    let (membership, org) = state.service.delete_membership(&org, &user).await?;
    Ok(membership_body(&state, &membership, &org))
}
