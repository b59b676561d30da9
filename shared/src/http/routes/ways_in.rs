//! The person's suggestions, and an organization's membership requests (ours, in Clerk's
//! style).

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::{MembershipRequestId, OrganizationId, SuggestionId};
use crate::http::caller::Caller;
use crate::http::error::ApiError;
use crate::http::extract::Retried;
use crate::http::openapi::builder::{
    list_params, ok, op, org, param, r, with, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::session::SignedIn;
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::wire;

fn request() -> serde_json::Value {
    param("request", "path", "The request's id (`orgmbrreq_…`).")
}

pub const ROUTES: &[Route] = &[
    route!(GET "/v1/me/organization_suggestions", Directory, SignedIn, my_suggestions,
        op("ListMyOrganizationSuggestions", "Organizations the domains of the signed-in person's verified addresses suggest (Clerk's Frontend API object).",
            (200, ok(r("OrganizationSuggestions"), json!({}))), READ_ERRORS)),
    route!(POST "/v1/me/organization_suggestions/{suggestion}/accept", Directory, SignedIn, accept_suggestion,
        op("AcceptMyOrganizationSuggestion", "Request to join: files a membership request an admin answers.",
            (200, ok(r("OrganizationSuggestion"), json!({}))), WRITE_ERRORS)
            .params(vec![param("suggestion", "path", "The suggestion's id (`orgsugg_…`).")])),
    route!(GET "/v1/organizations/{org}/membership_requests", Directory, BackendOrSignedIn, list_requests,
    op("ListOrganizationMembershipRequests", "Requests to join, newest first, in one status (`pending` unset).",
        (200, ok(r("MembershipRequests"), json!({}))), READ_ERRORS)
        .params(with(vec![org()], list_params(false, &[
            json!({ "name": "status", "in": "query", "schema": { "type": "string", "enum": ["pending", "accepted", "rejected"] } }),
        ])))),
    route!(POST "/v1/organizations/{org}/membership_requests/{request}/accept", Directory, BackendOrSignedIn, accept_request,
        op("AcceptOrganizationMembershipRequest", "Make the requester a member with the domain role (seats respected).",
            (200, ok(r("MembershipRequest"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), request()])),
    route!(POST "/v1/organizations/{org}/membership_requests/{request}/reject", Directory, BackendOrSignedIn, reject_request,
        op("RejectOrganizationMembershipRequest", "Turn the request down.",
            (200, ok(r("MembershipRequest"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), request()])),
];

async fn my_suggestions(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, ApiError> {
    let found = state.service.my_suggestions(&session).await?;
    let data: Vec<_> = found.iter().map(wire::suggestion).collect();
    Ok(Json(json!({ "data": data, "total_count": found.len() })).into_response())
}

async fn accept_suggestion(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Retried(scope): Retried,
    Path(id): Path<SuggestionId>,
) -> Result<Response, ApiError> {
    let accepted = state
        .service
        .for_request(scope)
        .accept_suggestion(&session, &id)
        .await?;
    Ok(Json(wire::suggestion(&accepted)).into_response())
}

async fn list_requests(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (status, limit, offset) =
        parse::request_list(&query_pairs(raw.as_deref())).map_err(ApiError::InvalidQuery)?;
    let (page, total) = state
        .service
        .membership_requests(&actor, &org, status, limit, offset)
        .await?;
    let data: Vec<_> = page.iter().map(wire::membership_request).collect();
    Ok(Json(json!({ "data": data, "total_count": total })).into_response())
}

async fn accept_request(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, id)): Path<(OrganizationId, MembershipRequestId)>,
) -> Result<Response, ApiError> {
    let accepted = state
        .service
        .for_request(scope)
        .accept_membership_request(&actor, &org, &id)
        .await?;
    Ok(Json(wire::membership_request(&accepted)).into_response())
}

async fn reject_request(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, id)): Path<(OrganizationId, MembershipRequestId)>,
) -> Result<Response, ApiError> {
    let rejected = state
        .service
        .for_request(scope)
        .reject_membership_request(&actor, &org, &id)
        .await?;
    Ok(Json(wire::membership_request(&rejected)).into_response())
}
