use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use super::auth::Backend;
use super::caller::Caller;
use super::error::ApiError;
use super::extract::{query_pairs, JsonBody};
use super::session::SignedIn;
use super::wire::{self, Audience};
use super::{query, AppState};
use crate::domain::{FieldError, Invitation};
use crate::service::input::{parse_notify, parse_requesting_user};
use crate::service::{IssuedInvitation, NewInvitation, ServiceError};

const BULK_MAX_ITEMS: usize = 10;

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
        .route("/v1/organizations/{org}/invitations", get(list))
        .route("/v1/organizations/{org}/invitations/{inv}", get(get_one))
}

pub fn revoke_routes() -> Router<AppState> {
    Router::new().route(
        "/v1/organizations/{org}/invitations/{inv}/revoke",
        post(revoke),
    )
}

fn render(state: &AppState, inv: &Invitation) -> Value {
    render_for(state, inv, Audience::Backend)
}

fn render_for(state: &AppState, inv: &Invitation, audience: Audience) -> Value {
    wire::invitation(
        inv,
        state.service.roles(),
        state.service.now(),
        audience,
        None,
    )
}

/// An invitation just created (or resent), with its accept link.
fn render_issued(state: &AppState, issued: &IssuedInvitation, audience: Audience) -> Value {
    wire::invitation(
        &issued.invitation,
        state.service.roles(),
        state.service.now(),
        audience,
        Some(&issued.url),
    )
}

/// A signed-in caller invites as themselves: they may not name another inviter, nor set
/// private metadata (which only backends see).
fn as_caller(mut input: NewInvitation, caller: &Caller) -> Result<NewInvitation, ApiError> {
    let Some(user) = caller.user_id() else {
        return Ok(input);
    };
    if input
        .inviter_user_id
        .as_deref()
        .is_some_and(|named| named != user)
    {
        return Err(ServiceError::NotAllowed("a signed-in user invites as themselves").into());
    }
    if !input.private_metadata.as_map().is_empty() {
        return Err(vec![FieldError::value(
            "private_metadata",
            "Only a backend may set private_metadata.",
        )]
        .into());
    }
    input.inviter_user_id = Some(user.to_string());
    Ok(input)
}

/// The user a revoke or resend acts as: a signed-in caller themselves, or whom a backend names.
fn acting_user(caller: &Caller, named: Option<String>) -> Result<Option<String>, ApiError> {
    match (caller.user_id(), named) {
        (Some(user), Some(named)) if named != user => {
            Err(ServiceError::NotAllowed("a signed-in user acts as themselves").into())
        }
        (Some(user), _) => Ok(Some(user.to_string())),
        (None, named) => Ok(named),
    }
}

async fn create(
    caller: Caller,
    State(state): State<AppState>,
    Path(org): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let input = NewInvitation::parse(
        &body,
        state.service.roles(),
        &state.service.policy().redirects,
    )?;
    let input = as_caller(input, &caller)?;
    let issued = state.service.create_invitation(&org, &input).await?;
    Ok(Json(render_issued(&state, &issued, caller.audience())))
}

/// 200 when every item was created; 207 when some were not, each failed item carrying its
/// own error. A malformed item refuses the whole request (422) before anything is written.
async fn create_bulk(
    caller: Caller,
    State(state): State<AppState>,
    Path(org): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let Value::Array(items) = body else {
        return Err(vec![FieldError::format(
            "body",
            "The request body must be a JSON array of invitations.",
        )]
        .into());
    };
    if items.is_empty() || items.len() > BULK_MAX_ITEMS {
        return Err(vec![FieldError::value(
            "body",
            format!("Send 1 to {BULK_MAX_ITEMS} invitations at once."),
        )]
        .into());
    }
    let mut inputs = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match NewInvitation::parse(
            item,
            state.service.roles(),
            &state.service.policy().redirects,
        ) {
            Ok(input) => inputs.push(as_caller(input, &caller)?),
            Err(errs) => errors.extend(errs.into_iter().map(|e| e.within(&format!("[{i}]")))),
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let results = state.service.create_invitations(&org, &inputs).await;
    let all_created = results.iter().all(Result::is_ok);
    let data: Vec<Value> = results
        .into_iter()
        .zip(&inputs)
        .map(|(result, input)| match result {
            Ok(issued) => render_issued(&state, &issued, caller.audience()),
            Err(e) => bulk_error(e, input),
        })
        .collect();
    let status = if all_created {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    let total = data.len() as u64;
    Ok((status, Json(wire::list(data, total, None))))
}

fn bulk_error(e: ServiceError, input: &NewInvitation) -> Value {
    let (status, entries) = ApiError::from(e).describe();
    json!({
        "object": "error",
        "status": status.as_u16(),
        "email_address": input.email_address.as_str(),
        "errors": entries.iter().map(|e| e.to_json()).collect::<Vec<_>>(),
    })
}

async fn list(
    caller: Caller,
    State(state): State<AppState>,
    Path(org): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let query = query::invitation_query(&query_pairs(raw.as_deref()))?;
    // A member's permission is read alongside the page, not before it.
    let (allowed, page) = tokio::join!(
        authorize_reader(&state, &org, &caller),
        state.service.list_invitations(&org, &query)
    );
    allowed?;
    let page = page?;
    let data = page
        .data
        .iter()
        .map(|inv| render_for(&state, inv, caller.audience()))
        .collect();
    Ok(Json(wire::list(data, page.total_count, page.next_cursor)))
}

/// `status` (repeatable), `limit`, `offset` of the per-person lists.
fn person_query(
    raw: Option<&str>,
) -> Result<(Vec<crate::domain::InvitationStatus>, u32, u32), ApiError> {
    let pairs = query_pairs(raw);
    let mut errors = Vec::new();
    let (limit, offset) = query::limit_offset(&pairs, &mut errors);
    let statuses = match query::invitation_query(&pairs) {
        Ok(q) => q.statuses,
        Err(e) => {
            errors.extend(e.into_iter().filter(|e| e.param == "status"));
            Vec::new()
        }
    };
    if errors.is_empty() {
        Ok((statuses, limit, offset))
    } else {
        Err(errors.into())
    }
}

/// `GET /v1/users/{user}/organization_invitations`: a backend asks for one person's invitations.
async fn list_for_user(
    _: Backend,
    State(state): State<AppState>,
    Path(user): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (statuses, limit, offset) = person_query(raw.as_deref())?;
    let page = state
        .service
        .user_invitations(&user, &statuses, limit, offset)
        .await?;
    let data = page.data.iter().map(|inv| render(&state, inv)).collect();
    Ok(Json(wire::list(data, page.total_count, None)))
}

/// `GET /v1/me/organization_invitations`: the signed-in person's own invitations.
async fn list_mine(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (statuses, limit, offset) = person_query(raw.as_deref())?;
    let page = state
        .service
        .my_invitations(&session, &statuses, limit, offset)
        .await?;
    let now = state.service.now();
    let data = page
        .data
        .iter()
        .map(|inv| wire::invitation(inv, state.service.roles(), now, Audience::Frontend, None))
        .collect();
    Ok(Json(wire::list(data, page.total_count, None)))
}

async fn get_one(
    caller: Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (allowed, invitation) = tokio::join!(
        authorize_reader(&state, &org, &caller),
        state.service.get_invitation(&org, &inv)
    );
    allowed?;
    Ok(Json(render_for(&state, &invitation?, caller.audience())))
}

/// A signed-in caller reads an organization's invitations only as a member who may.
async fn authorize_reader(state: &AppState, org: &str, caller: &Caller) -> Result<(), ApiError> {
    match caller.user_id() {
        Some(user) => Ok(state.service.authorize_reader(org, user).await?),
        None => Ok(()),
    }
}

async fn resend(
    caller: Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let acting = acting_user(&caller, parse_requesting_user(&body)?)?;
    let notify = parse_notify(&body)?;
    let issued = state
        .service
        .resend_invitation(&org, &inv, acting.as_deref(), notify)
        .await?;
    Ok(Json(render_issued(&state, &issued, caller.audience())))
}

async fn revoke(
    caller: Caller,
    State(state): State<AppState>,
    Path((org, inv)): Path<(String, String)>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let acting = acting_user(&caller, parse_requesting_user(&body)?)?;
    let invitation = state
        .service
        .revoke_invitation(&org, &inv, acting.as_deref())
        .await?;
    Ok(Json(render_for(&state, &invitation, caller.audience())))
}
