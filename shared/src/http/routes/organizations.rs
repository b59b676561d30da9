//! Organizations, for backends: create, list, get (by id or slug), update, delete.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::OrganizationId;
use crate::http::auth::Backend;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{
    boolean, list_of, list_params, object, ok, op, org, param, r, string, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::service::Actor;
use crate::wire::{self, List};

pub const ROUTES: &[Route] = &[
    route!(POST "/v1/organizations", Directory, Backend, create_organization,
        op("CreateOrganization", "An organization; `created_by` becomes its first admin (Clerk's).",
            (200, ok(r("Organization"), json!({
                "GetOrganization": { "operationId": "GetOrganization", "parameters": { "org": "$response.body#/id" } },
                "CreateInvitation": { "operationId": "CreateOrganizationInvitation", "parameters": { "org": "$response.body#/id" } },
                "ListInvitations": { "operationId": "ListOrganizationInvitations", "parameters": { "org": "$response.body#/id" } },
                "ListMemberships": { "operationId": "ListOrganizationMemberships", "parameters": { "org": "$response.body#/id" } },
                "CreateMembership": { "operationId": "CreateOrganizationMembership", "parameters": { "org": "$response.body#/id" } },
            }))), WRITE_ERRORS)
            .body(json!({ "type": "object", "required": ["name"], "properties": {
                "name": { "type": "string", "minLength": 8, "maxLength": 256, "pattern": "^[A-Za-z0-9]{8,40}$" },
                "slug": { "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" },
                "created_by": string(),
                "max_allowed_memberships": { "type": "integer", "minimum": 0 },
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
    route!(GET "/v1/organizations", Directory, Backend, list_organizations,
    op("ListOrganizations", "Every organization, newest first; or by `query` (an id, or a slug prefix) or `user_id` (Clerk's).",
        (200, ok(list_of(r("Organization")), json!({}))), READ_ERRORS)
        .params(list_params(false, &[
            param("query", "query", "An organization id exactly, or the start of a slug."),
            json!({ "name": "user_id", "in": "query", "style": "form", "explode": true,
                "schema": { "type": "array", "maxItems": 10, "items": string() } }),
            json!({ "name": "order_by", "in": "query",
                "schema": { "type": "string", "enum": ["created_at", "+created_at", "-created_at"] } }),
            json!({ "name": "include_members_count", "in": "query", "schema": boolean() }),
        ]))),
    route!(GET "/v1/organizations/{org}", Directory, Backend, get_organization,
        op("GetOrganization", "An organization by id or slug (Clerk's).",
            (200, ok(r("Organization"), json!({}))), READ_ERRORS)
            .params(vec![org()])),
    route!(PATCH "/v1/organizations/{org}", Directory, Backend, update_organization,
        op("UpdateOrganization", "Rename, re-slug, change the maximum or replace metadata (Clerk's).",
            (200, ok(r("Organization"), json!({}))), WRITE_ERRORS)
            .params(vec![org()])
            .body(json!({ "type": "object", "properties": {
                "name": { "type": "string", "minLength": 1, "maxLength": 256 },
                "slug": { "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" },
                "max_allowed_memberships": { "type": "integer", "minimum": 0 },
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
    route!(DELETE "/v1/organizations/{org}", Directory, Backend, delete_organization,
        op("DeleteOrganization", "Delete an organization; its pending invitations are revoked first, so their links die (Clerk's).",
            (200, ok(object(&["object", "id", "slug", "deleted"], json!({
                "object": { "const": "organization" }, "id": string(), "slug": string(), "deleted": { "const": true } })),
                json!({}))), WRITE_ERRORS)
            .params(vec![org()])),
];

async fn create_organization(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let org = state
        .service
        .for_request(scope)
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
    Retried(scope): Retried,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = parse::organization_patch(&body)?;
    let org = state
        .service
        .for_request(scope)
        .update_organization(&org, &patch)
        .await?;
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
    Retried(scope): Retried,
    Path(org): Path<OrganizationId>,
) -> Result<Response, ApiError> {
    let org = state
        .service
        .for_request(scope)
        .delete_organization(&org)
        .await?;
    Ok(Json(Deleted {
        object: "organization",
        id: &org.id,
        slug: &org.slug,
        deleted: true,
    })
    .into_response())
}
