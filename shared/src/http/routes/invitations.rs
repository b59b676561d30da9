//! An organization's invitations: create (one, or in bulk), list (all, or pending), get,
//! resend, revoke.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

use crate::domain::OrganizationId;
use crate::http::answers::{self, with_link};
use crate::http::caller::Caller;
use crate::http::error::{ApiError, ErrorEntry};
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{
    address, boolean, inv, invitation_links, list_params, ok, op, org, param, r, string, with,
    READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::wire::{InvitationBody, List};

pub const ROUTES: &[Route] = &[
    route!(POST "/v1/organizations/{org}/invitations", Invite, BackendOrSignedIn, create,
        op("CreateOrganizationInvitation", "Invite by email with a role (Clerk's).",
            (200, ok(r("Invitation"), invitation_links())), WRITE_ERRORS)
            .params(vec![org()]).body(r("NewInvitation"))),
    route!(POST "/v1/organizations/{org}/invitations/bulk", Invite, BackendOrSignedIn, create_bulk,
    op("CreateOrganizationInvitationBulk",
        "Up to 10 invitations, each with its own result (Clerk's; 207 beyond Clerk when some are refused).",
        (200, ok(r("BulkResults"), json!({}))), WRITE_ERRORS)
        .params(vec![org()])
        .body(json!({ "type": "array", "minItems": 1, "maxItems": 10, "items": r("NewInvitation") }))
        .ok_described("Every item created.")
        .also(207, {
            let mut some = ok(r("BulkResults"), json!({}));
            some["description"] = json!("Some items refused, each with its own error (beyond Clerk).");
            some
        })),
    route!(POST "/v1/organizations/{org}/invitations/{inv}/resend", Invite, BackendOrSignedIn, resend,
        op("ResendOrganizationInvitation", "A new link and expiry; older links stop working (beyond Clerk).",
            (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), inv()])
            .body(json!({ "type": "object", "properties": {
                "requesting_user_id": string(), "notify": boolean() } }))),
    route!(POST "/v1/organizations/{org}/invitations/{inv}/revoke", Revoke, BackendOrSignedIn, revoke,
        op("RevokeOrganizationInvitation", "Revoke a pending invitation; its link dies (Clerk's).",
            (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), inv()])
            .body(json!({ "type": "object", "properties": { "requesting_user_id": string() } }))),
    route!(GET "/v1/organizations/{org}/invitations", List, BackendOrSignedIn, list,
    op("ListOrganizationInvitations", "An organization's invitations (Clerk's, with `cursor` beyond it).",
        (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
        .params(with(vec![org()], list_params(true, &[
            json!({ "name": "email_address", "in": "query", "description": "One address, any case.", "schema": address() }),
            json!({ "name": "order_by", "in": "query", "schema": { "type": "string",
                "enum": ["created_at", "-created_at", "+created_at", "email_address", "-email_address", "+email_address"] } }),
        ])))),
    route!(GET "/v1/organizations/{org}/invitations/pending", List, BackendOrSignedIn, list_pending,
    op("ListPendingOrganizationInvitations", "Pending invitations (Clerk's, deprecated there: use `status=pending`).",
        (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
        .params(with(vec![org()], list_params(false, &[
            param("cursor", "query", "The `next_cursor` of the page before."),
        ])))),
    route!(GET "/v1/organizations/{org}/invitations/{inv}", List, BackendOrSignedIn, get_one,
        op("GetOrganizationInvitation", "One invitation (Clerk's).",
            (200, ok(r("Invitation"), json!({}))), READ_ERRORS)
            .params(vec![org(), inv()])),
];

async fn create(
    Caller(actor): Caller,
    Retried(key): Retried,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let policy = state.service.policy();
    let input = parse::invitation(&body, state.service.roles(), &policy.redirects)?;
    let created = state
        .service
        .for_request(key)
        .create_invitation(&actor, &org, &input)
        .await?;
    Ok(with_link(answers::issued(&state, &actor, &created)))
}

/// One item of a bulk answer: the invitation, or its error in Clerk's envelope.
#[derive(Serialize)]
#[serde(untagged)]
enum BulkItem<'a> {
    Created(Box<InvitationBody<'a>>),
    Refused {
        object: &'static str,
        status: u16,
        email_address: &'a str,
        errors: &'a [ErrorEntry],
    },
}

/// 200 when every item was created; 207 when some were not, each failed item carrying its
/// own error. A malformed item refuses the whole request (422) before anything is written.
async fn create_bulk(
    Caller(actor): Caller,
    Retried(key): Retried,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let policy = state.service.policy();
    let inputs = parse::bulk_invitations(&body, state.service.roles(), &policy.redirects)?;
    let outcomes: Vec<_> = state
        .service
        .for_request(key)
        .create_invitations(&actor, &org, &inputs)
        .await?
        .into_iter()
        .map(|result| result.map_err(|e| ApiError::from(e).describe()))
        .collect();
    let status = if outcomes.iter().all(Result::is_ok) {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    let data: Vec<BulkItem<'_>> = outcomes
        .iter()
        .zip(&inputs)
        .map(|(outcome, input)| match outcome {
            Ok(created) => BulkItem::Created(Box::new(answers::issued(&state, &actor, created))),
            Err((status, errors)) => BulkItem::Refused {
                object: "error",
                status: status.as_u16(),
                email_address: input.email_address.as_str(),
                errors,
            },
        })
        .collect();
    let total = data.len() as u64;
    let mut response = with_link(List::new(data, total, None));
    *response.status_mut() = status;
    let retryable = outcomes.iter().any(|outcome| {
        matches!(outcome, Err((status, _)) if crate::service::idempotency::worth_retrying(status.as_u16()))
    });
    if retryable {
        response
            .extensions_mut()
            .insert(crate::http::idempotency::PartlyRetryable);
    }
    Ok(response)
}

async fn resend(
    Caller(actor): Caller,
    Retried(key): Retried,
    State(state): State<AppState>,
    Path((org, inv)): Path<(OrganizationId, String)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let action = parse::invitation_action(&body)?;
    let resent = state
        .service
        .for_request(key)
        .resend_invitation(&actor, &org, &inv, &action)
        .await?;
    Ok(with_link(answers::issued(&state, &actor, &resent)))
}

async fn revoke(
    Caller(actor): Caller,
    Retried(key): Retried,
    State(state): State<AppState>,
    Path((org, inv)): Path<(OrganizationId, String)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let action = parse::invitation_action(&body)?;
    let invitation = state
        .service
        .for_request(key)
        .revoke_invitation(&actor, &org, &inv, action.requesting_user_id.as_ref())
        .await?;
    Ok(Json(answers::invitation(&state, &actor, &invitation)).into_response())
}

async fn list(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = parse::invitation_query(&query_pairs(raw.as_deref()))?;
    let page = state.service.list_invitations(&actor, &org, &query).await?;
    Ok(answers::page(&state, &actor, page))
}

/// Deprecated by Clerk, still called by older SDKs: the list with `status=pending`, and
/// `limit` / `offset` (or `cursor`).
async fn list_pending(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut pairs: Vec<(String, String)> = query_pairs(raw.as_deref())
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "limit" | "offset" | "cursor"))
        .collect();
    pairs.push(("status".into(), "pending".into()));
    // Clerk's spec answers 400 here for a bad query, as on a person's list.
    let query = parse::invitation_query(&pairs).map_err(ApiError::InvalidQuery)?;
    let page = state.service.list_invitations(&actor, &org, &query).await?;
    Ok(answers::page(&state, &actor, page))
}

async fn get_one(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(OrganizationId, String)>,
) -> Result<Response, ApiError> {
    let invitation = state.service.get_invitation(&actor, &org, &inv).await?;
    Ok(Json(answers::invitation(&state, &actor, &invitation)).into_response())
}
