//! An organization's memberships, for backends: create, list, change the role, remove, and
//! merge metadata.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::{OrganizationId, UserId};
use crate::http::answers;
use crate::http::auth::Backend;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{
    list_params, object, ok, op, org, r, role, string, user, with, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::service::Actor;
use crate::wire::{self, List};

pub const ROUTES: &[Route] = &[
    route!(POST "/v1/organizations/{org}/memberships", Directory, Backend, create_membership,
        op("CreateOrganizationMembership", "Add a user with a role (Clerk's).",
            (200, ok(r("Membership"), json!({
                "UpdateMembership": { "operationId": "UpdateOrganizationMembership",
                    "parameters": { "org": "$request.path.org", "user": "$response.body#/public_user_data/user_id" } },
                "DeleteMembership": { "operationId": "DeleteOrganizationMembership",
                    "parameters": { "org": "$request.path.org", "user": "$response.body#/public_user_data/user_id" } },
            }))), WRITE_ERRORS)
            .params(vec![org()])
            .body(object(&["user_id", "role"], json!({ "user_id": string(), "role": role() })))),
    route!(GET "/v1/organizations/{org}/memberships", Directory, Backend, list_memberships,
        op("ListOrganizationMemberships", "Members, newest first (Clerk's).",
            (200, ok(r("Memberships"), json!({}))), READ_ERRORS)
            .params(with(vec![org()], list_params(false, &[])))),
    route!(PATCH "/v1/organizations/{org}/memberships/{user}", Directory, Backend, update_membership,
        op("UpdateOrganizationMembership", "Change a member's role (Clerk's).",
            (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), user()])
            .body(object(&["role"], json!({ "role": role() })))),
    route!(DELETE "/v1/organizations/{org}/memberships/{user}", Directory, Backend, delete_membership,
        op("DeleteOrganizationMembership", "Remove a member (Clerk's).",
            (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), user()])),
    route!(PATCH "/v1/organizations/{org}/memberships/{user}/metadata", Directory, Backend,
        update_membership_metadata,
        op("UpdateOrganizationMembershipMetadata", "Deep-merge a member's metadata; `null` removes a key (Clerk's).",
            (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), user()])
            .body(json!({ "type": "object", "properties": {
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
];

async fn create_membership(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let input = parse::membership(&body, state.service.roles())?;
    let (membership, org) = state
        .service
        .for_request(scope)
        .create_membership(&org, input)
        .await?;
    Ok(answers::membership(
        &state,
        &Actor::Backend,
        &membership,
        &org,
    ))
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

/// `{public_metadata?, private_metadata?}`: deep merge.
async fn update_membership_metadata(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, user)): Path<(OrganizationId, UserId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (public, private) = parse::metadata_patch(&body)?;
    let (membership, org) = state
        .service
        .for_request(scope)
        .update_membership_metadata(&org, &user, public, private)
        .await?;
    Ok(answers::membership(
        &state,
        &Actor::Backend,
        &membership,
        &org,
    ))
}

async fn update_membership(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, user)): Path<(OrganizationId, UserId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let role = parse::role_update(&body, state.service.roles())?;
    let (membership, org) = state
        .service
        .for_request(scope)
        .update_membership_role(&org, &user, &role)
        .await?;
    Ok(answers::membership(
        &state,
        &Actor::Backend,
        &membership,
        &org,
    ))
}

async fn delete_membership(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, user)): Path<(OrganizationId, UserId)>,
) -> Result<Response, ApiError> {
    let (membership, org) = state
        .service
        .for_request(scope)
        .delete_membership(&org, &user)
        .await?;
    Ok(answers::membership(
        &state,
        &Actor::Backend,
        &membership,
        &org,
    ))
}
