//! The `ticket-verify` function: the link in the email, and accepting an invitation.
//! Every answer carries `Cache-Control: no-store` and `Referrer-Policy: no-referrer` (the
//! ticket is in the URL).

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::error::ApiError;
use super::extract::JsonBody;
use super::pages::error_for;
use super::parse::{self, query_pairs};
use super::session::{MaybeSignedIn, SignedIn};
use super::wire;
use super::AppState;
use crate::domain::{FieldError, Membership, Organization};
use crate::service::Actor;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tickets/accept", get(follow).post(accept_with_ticket))
        .route("/v1/tickets/decline", post(decline_with_ticket))
        .route(
            "/v1/me/organization_invitations/{inv}/accept",
            post(accept_by_id),
        )
        .route(
            "/v1/me/organization_invitations/{inv}/decline",
            post(decline_by_id),
        )
        .layer(axum::middleware::map_response(no_store))
}

async fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// `GET /v1/tickets/accept?ticket=…`: 302 onwards with `__clerk_ticket` and `__clerk_status`,
/// or a refusal (a page for browsers, the JSON envelope otherwise) and never a redirect.
async fn follow(
    State(state): State<AppState>,
    MaybeSignedIn(session): MaybeSignedIn,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let ticket = query_pairs(raw.as_deref())
        .into_iter()
        .find(|(k, _)| k == "ticket")
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty());
    let Some(ticket) = ticket else {
        return error_for(&headers, vec![FieldError::missing("ticket")].into());
    };
    match state.service.follow_ticket(&ticket, session.as_ref()).await {
        Ok(redirect) => match HeaderValue::from_str(redirect.location.as_str()) {
            Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
            Err(_) => error_for(
                &headers,
                ApiError::Service(crate::service::ServiceError::RedirectNotAllowed),
            ),
        },
        Err(e) => error_for(&headers, e.into()),
    }
}

/// `POST /v1/tickets/accept {ticket}`: the signed-in invitee accepts.
async fn accept_with_ticket(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let ticket = parse::ticket(&body)?;
    let (membership, org) = state.service.accept_ticket(&ticket, &session).await?;
    Ok(joined(&state, &session.user_id, &membership, &org))
}

/// `POST /v1/me/organization_invitations/{inv}/accept`
async fn accept_by_id(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(inv): Path<String>,
) -> Result<Response, ApiError> {
    let (membership, org) = state.service.accept_my_invitation(&inv, &session).await?;
    Ok(joined(&state, &session.user_id, &membership, &org))
}

/// `POST /v1/tickets/decline {ticket}`: the holder of the link says no.
async fn decline_with_ticket(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let ticket = parse::ticket(&body)?;
    let declined = state.service.decline_ticket(&ticket).await?;
    Ok(as_invitee(&state, &declined))
}

/// `POST /v1/me/organization_invitations/{inv}/decline`
async fn decline_by_id(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Path(inv): Path<String>,
) -> Result<Response, ApiError> {
    let declined = state.service.decline_my_invitation(&inv, &session).await?;
    Ok(as_invitee(&state, &declined))
}

/// The invitation as its invitee may see it: the public body, no private metadata.
fn as_invitee(state: &AppState, inv: &crate::domain::Invitation) -> Response {
    let invitee = Actor::Member(crate::domain::UserId::from(""));
    Json(wire::invitation(
        &invitee,
        inv,
        state.service.roles(),
        state.service.now(),
        None,
    ))
    .into_response()
}

/// The membership the invitee now holds, as they may see it.
fn joined(
    state: &AppState,
    user: &crate::domain::UserId,
    membership: &Membership,
    org: &Organization,
) -> Response {
    let me = Actor::Member(user.clone());
    Json(wire::membership(
        &me,
        membership,
        org,
        state.service.roles(),
    ))
    .into_response()
}
