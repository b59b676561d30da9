//! An organization's domains (Clerk's Backend API, and for signed-in admins the add and the
//! emailed-code verification), and the instance's domains.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::{DomainId, OrganizationId};
use crate::http::auth::Backend;
use crate::http::caller::Caller;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{
    error, list_params, object, ok, op, org, param, r, string, with, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::wire;

fn domain() -> serde_json::Value {
    param("domain", "path", "The domain's id (`orgdmn_…`).")
}

pub const ROUTES: &[Route] = &[
    route!(POST "/v1/organizations/{org}/domains", Directory, BackendOrSignedIn, create,
        op("CreateOrganizationDomain", "Claim an email domain; a backend's is verified unless `verified: false`, a signed-in admin's when their own address is at it (Clerk's).",
            (200, ok(r("OrganizationDomain"), json!({}))), WRITE_ERRORS)
            .params(vec![org()]).body(r("NewOrganizationDomain"))),
    route!(GET "/v1/organizations/{org}/domains", Directory, BackendOrSignedIn, list,
    op("ListOrganizationDomains", "The organization's domains, newest first (Clerk's).",
        (200, ok(r("OrganizationDomains"), json!({}))), READ_ERRORS)
        .params(with(vec![org()], list_params(false, &[
            json!({ "name": "verified", "in": "query", "schema": { "type": "string", "enum": ["true", "false"] } }),
            json!({ "name": "enrollment_mode", "in": "query", "schema": { "type": "string" } }),
        ])))),
    route!(PATCH "/v1/organizations/{org}/domains/{domain}", Directory, Backend, update,
        op("UpdateOrganizationDomain", "Change a domain's mode or whether it is verified (Clerk's).",
            (200, ok(r("OrganizationDomain"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), domain()])
            .body(json!({ "type": "object", "properties": {
                "enrollment_mode": { "type": "string", "enum": ["manual_invitation", "automatic_invitation", "automatic_suggestion"] },
                "verified": { "type": "boolean" } } }))),
    route!(DELETE "/v1/organizations/{org}/domains/{domain}", Directory, Backend, delete,
        op("DeleteOrganizationDomain", "Remove a domain and what it offered (Clerk's).",
            (200, ok(r("DeletedDomain"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), domain()])),
    route!(POST "/v1/organizations/{org}/domains/{domain}/verify_ownership", Directory, Backend, verify_ownership,
        op("VerifyOrganizationDomainOwnership", "Mark the domain's ownership verified (Clerk's manual override).",
            (200, ok(r("OrganizationDomain"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), domain()])),
    route!(POST "/v1/organizations/{org}/domains/{domain}/prepare_affiliation_verification", Invite, BackendOrSignedIn, prepare,
        op("PrepareOrganizationDomainAffiliation", "Email a code to an address at the domain (beyond Clerk's Backend API: its Frontend API's flow).",
            (200, ok(r("OrganizationDomain"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), domain()])
            .body(object(&["affiliation_email_address"], json!({ "affiliation_email_address": string() })))
            .also(502, error("The code could not be emailed; nothing changed but the code, which a new request replaces.", false))),
    route!(POST "/v1/organizations/{org}/domains/{domain}/attempt_affiliation_verification", Invite, BackendOrSignedIn, attempt,
        op("AttemptOrganizationDomainAffiliation", "Verify the domain with the emailed code (three tries, ten minutes).",
            (200, ok(r("OrganizationDomain"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), domain()])
            .body(object(&["code"], json!({ "code": string() })))),
    route!(GET "/v1/organization_domains", Directory, Backend, list_instance,
    op("ListAllOrganizationDomains", "Every organization's domains (Clerk's).",
        (200, ok(r("OrganizationDomains"), json!({}))), READ_ERRORS)
        .params(list_params(false, &[
            param("organization_id", "query", "One organization's domains."),
            json!({ "name": "verified", "in": "query", "schema": { "type": "string", "enum": ["true", "false"] } }),
            json!({ "name": "enrollment_mode", "in": "query", "schema": { "type": "string" } }),
            param("query", "query", "`org_…`: that organization's; else a name prefix (answered in name order)."),
            json!({ "name": "domains", "in": "query", "style": "form", "explode": true,
                "schema": { "type": "array", "maxItems": 20, "items": { "type": "string" } } }),
            json!({ "name": "order_by", "in": "query", "schema": { "type": "string",
                "enum": ["created_at", "-created_at", "+created_at", "name", "-name", "+name"] } }),
        ]))),
];

fn answer(d: &crate::domain::org_domain::OrgDomain) -> Response {
    Json(wire::domain(d)).into_response()
}

async fn create(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let input = parse::new_domain(&body)?;
    let d = state.service.create_domain(&actor, &org, input).await?;
    Ok(answer(&d))
}

async fn list(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (filter, limit, offset) =
        parse::domain_list(&query_pairs(raw.as_deref())).map_err(ApiError::InvalidQuery)?;
    let (page, total) = state
        .service
        .list_domains(&actor, &org, &filter, limit, offset)
        .await?;
    let data: Vec<_> = page.iter().map(wire::domain).collect();
    Ok(Json(json!({ "data": data, "total_count": total })).into_response())
}

async fn update(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, domain)): Path<(OrganizationId, DomainId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let patch = parse::domain_patch(&body)?;
    let d = state
        .service
        .for_request(scope)
        .update_domain(&org, &domain, patch)
        .await?;
    Ok(answer(&d))
}

async fn delete(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, domain)): Path<(OrganizationId, DomainId)>,
) -> Result<Response, ApiError> {
    let d = state
        .service
        .for_request(scope)
        .delete_domain(&org, &domain)
        .await?;
    Ok(
        Json(json!({ "object": "organization_domain", "id": d.id.as_str(), "deleted": true }))
            .into_response(),
    )
}

async fn verify_ownership(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, domain)): Path<(OrganizationId, DomainId)>,
) -> Result<Response, ApiError> {
    let d = state
        .service
        .for_request(scope)
        .verify_ownership(&org, &domain)
        .await?;
    Ok(answer(&d))
}

async fn prepare(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, domain)): Path<(OrganizationId, DomainId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let address = parse::required_text(&body, "affiliation_email_address")?;
    let d = state
        .service
        .for_request(scope)
        .prepare_affiliation(&actor, &org, &domain, &address)
        .await?;
    Ok(answer(&d))
}

async fn attempt(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, domain)): Path<(OrganizationId, DomainId)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let code = parse::required_text(&body, "code")?;
    let d = state
        .service
        .for_request(scope)
        .attempt_affiliation(&actor, &org, &domain, &code)
        .await?;
    Ok(answer(&d))
}

async fn list_instance(
    _: Backend,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = parse::instance_domain_query(&query_pairs(raw.as_deref()))
        .map_err(ApiError::InvalidQuery)?;
    let (page, total) = state.service.instance_domains(&q).await?;
    let data: Vec<_> = page.iter().map(wire::domain).collect();
    Ok(Json(json!({ "data": data, "total_count": total })).into_response())
}
