//! The invitation routes of the `invite`, `list` and `revoke` functions. Each handler parses,
//! calls one service operation as its caller, and shapes the answer.

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;

use super::auth::Backend;
use super::caller::Caller;
use super::error::{ApiError, ErrorEntry};
use super::extract::JsonBody;
use super::parse::{self, query_pairs};
use super::session::SignedIn;
use super::wire::{self, InvitationBody, List};
use super::AppState;
use crate::domain::{Invitation, OrganizationId, Page, UserId};
use crate::service::{Actor, IssuedInvitation};

pub fn invite_routes() -> Router<AppState> {
    Router::new()
        .route("/v1/organizations/{org}/invitations", post(create))
        .route(
            "/v1/organizations/{org}/invitations/bulk",
            post(create_bulk),
        )
        .route(
            "/v1/organizations/{org}/invitations/{inv}/resend",
            post(resend),
        )
}

pub fn list_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/v1/users/{user}/organization_invitations",
            get(list_for_user),
        )
        .route("/v1/me/organization_invitations", get(list_mine))
        .route("/v1/organization_invitations", get(list_instance))
        .route("/v1/organizations/{org}/invitations", get(list))
        .route(
            "/v1/organizations/{org}/invitations/pending",
            get(list_pending),
        )
        .route("/v1/organizations/{org}/invitations/{inv}", get(get_one))
        .route("/v1/openapi.json", get(super::openapi::serve))
}

pub fn revoke_routes() -> Router<AppState> {
    Router::new().route(
        "/v1/organizations/{org}/invitations/{inv}/revoke",
        post(revoke),
    )
}

fn shown<'a>(state: &AppState, actor: &Actor, inv: &'a Invitation) -> InvitationBody<'a> {
    wire::invitation(actor, inv, state.service.roles(), state.service.now(), None)
}

/// One page of invitations as Clerk's list, each as `actor` may see it (the clock read once).
fn page_response(state: &AppState, actor: &Actor, page: Page<Invitation>) -> Response {
    let (roles, now) = (state.service.roles(), state.service.now());
    let data = page
        .data
        .iter()
        .map(|inv| wire::invitation(actor, inv, roles, now, None))
        .collect();
    Json(List::new(data, page.total_count, page.next_cursor)).into_response()
}

/// An invitation just created (or resent), with its accept link.
fn issued<'a>(state: &AppState, actor: &Actor, issued: &'a IssuedInvitation) -> InvitationBody<'a> {
    let roles = state.service.roles();
    let now = state.service.now();
    wire::invitation(actor, &issued.invitation, roles, now, Some(&issued.url))
}

/// Create and resend answers carry the accept link: never cached.
fn with_link(body: impl Serialize) -> Response {
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response()
}

async fn create(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let policy = state.service.policy();
    let input = parse::invitation(&body, state.service.roles(), &policy.redirects)?;
    let created = state
        .service
        .create_invitation(&actor, &org, &input)
        .await?;
    Ok(with_link(issued(&state, &actor, &created)))
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
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let policy = state.service.policy();
    let inputs = parse::bulk_invitations(&body, state.service.roles(), &policy.redirects)?;
    let outcomes: Vec<_> = state
        .service
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
            Ok(created) => BulkItem::Created(Box::new(issued(&state, &actor, created))),
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
    Ok(response)
}

async fn list(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = parse::invitation_query(&query_pairs(raw.as_deref()))?;
    let page = state.service.list_invitations(&actor, &org, &query).await?;
    Ok(page_response(&state, &actor, page))
}

/// `GET /v1/organizations/{org}/invitations/pending`: deprecated by Clerk, still called by
/// older SDKs: the list with `status=pending`, and `limit` / `offset` (or `cursor`).
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
    Ok(page_response(&state, &actor, page))
}

/// `GET /v1/organization_invitations`: every organization's invitations, newest first;
/// `status`, `limit`, `offset` or `cursor`, and `query` (an address: its invitations).
async fn list_instance(
    _: Backend,
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let pairs = query_pairs(raw.as_deref());
    let mut errors = Vec::new();
    let mut address = None;
    for (k, v) in &pairs {
        match k.as_str() {
            "query" if !v.trim().is_empty() => match crate::domain::EmailAddress::parse("query", v)
            {
                Ok(a) => address = Some(a),
                Err(_) => errors.push(crate::domain::FieldError::value(
                    "query",
                    "query must be an email address: its invitations are listed.",
                )),
            },
            "order_by" if v != "-created_at" => errors.push(crate::domain::FieldError::value(
                "order_by",
                "Every organization's invitations are listed newest first (-created_at).",
            )),
            _ => {}
        }
    }
    let rest: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, _)| k != "query" && k != "order_by")
        .collect();
    let q = match parse::person_query(&rest) {
        Ok(q) if errors.is_empty() => q,
        Ok(_) => return Err(ApiError::InvalidQuery(errors)),
        Err(more) => {
            errors.extend(more);
            return Err(ApiError::InvalidQuery(errors));
        }
    };
    let page = state
        .service
        .instance_invitations(address.as_ref(), &q.statuses, &q.page)
        .await?;
    Ok(page_response(&state, &Actor::Backend, page))
}

/// `GET /v1/users/{user}/organization_invitations`: a backend asks for one person's invitations.
async fn list_for_user(
    _: Backend,
    State(state): State<AppState>,
    Path(user): Path<UserId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = parse::person_query(&query_pairs(raw.as_deref())).map_err(ApiError::InvalidQuery)?;
    let page = state
        .service
        .user_invitations(&user, &q.statuses, &q.page)
        .await?;
    Ok(page_response(&state, &Actor::Backend, page))
}

/// `GET /v1/me/organization_invitations`: the signed-in person's own invitations.
async fn list_mine(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let q = parse::person_query(&query_pairs(raw.as_deref())).map_err(ApiError::InvalidQuery)?;
    let page = state
        .service
        .my_invitations(&session, &q.statuses, &q.page)
        .await?;
    let me = Actor::Member(session.user_id.clone());
    Ok(page_response(&state, &me, page))
}

async fn get_one(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(OrganizationId, String)>,
) -> Result<Response, ApiError> {
    let invitation = state.service.get_invitation(&actor, &org, &inv).await?;
    Ok(Json(shown(&state, &actor, &invitation)).into_response())
}

async fn resend(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(OrganizationId, String)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let action = parse::invitation_action(&body)?;
    let resent = state
        .service
        .resend_invitation(&actor, &org, &inv, &action)
        .await?;
    Ok(with_link(issued(&state, &actor, &resent)))
}

async fn revoke(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(OrganizationId, String)>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let action = parse::invitation_action(&body)?;
    let invitation = state
        .service
        .revoke_invitation(&actor, &org, &inv, action.requesting_user_id.as_ref())
        .await?;
    Ok(Json(shown(&state, &actor, &invitation)).into_response())
}
