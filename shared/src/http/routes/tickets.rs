//! The link in the email, and the invitee's answer to it: follow (302), accept, decline.
//! Every answer carries `Cache-Control: no-store` and `Referrer-Policy: no-referrer` (the
//! ticket is in the URL).

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Json;
use serde_json::json;

use crate::domain::{FieldError, Invitation, Membership, Organization, UserId};
use crate::http::answers;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{inv, object, ok, op, r, string, WRITE_ERRORS};
use crate::http::pages::error_for;
use crate::http::parse::{self, query_pairs};
use crate::http::session::{MaybeSignedIn, SignedIn};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::service::{Actor, ServiceError};
use crate::wire::{self, InvitationView};

/// Where the email's link points (`{PUBLIC_BASE_URL}` + this).
pub const ACCEPT_LINK_PATH: &str = "/v1/tickets/accept";

/// A handler whose every answer, refusals included, is never cached nor referred.
pub(super) fn unstored<H, T>(filter: MethodFilter, handler: H) -> MethodRouter<AppState>
where
    H: axum::handler::Handler<T, AppState>,
    T: 'static,
{
    on(filter, handler).layer(axum::middleware::map_response(no_store))
}

pub const ROUTES: &[Route] = &[
    route!(GET ACCEPT_LINK_PATH, TicketVerify, LinkHolder, handler = |f| unstored(f, follow),
        op("FollowInvitationLink", "The link in the email: 302 to the app with `__clerk_ticket` and `__clerk_status`.",
            (302, json!({ "description": "To the redirect target.",
                "headers": { "Location": { "schema": string() } } })), &[400, 401, 404, 409, 422, 429, 503])
            .params(vec![json!({ "name": "ticket", "in": "query", "required": true, "schema": string() })])
            .html_errors()),
    route!(POST ACCEPT_LINK_PATH, TicketVerify, SignedIn, handler = |f| unstored(f, accept_with_ticket),
        op("AcceptInvitationTicket", "The signed-in invitee accepts with the ticket.",
            (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
            .body(object(&["ticket"], json!({ "ticket": string() })))),
    route!(POST "/v1/tickets/decline", TicketVerify, Anyone, handler = |f| unstored(f, decline_with_ticket),
        op("DeclineInvitationTicket", "Whoever holds the link declines: the invitation is `declined`, its seat freed, its links dead. JSON only; from a page, an allowed Origin. The answer says only that it is declined.",
            (200, ok(r("Declined"), json!({}))), WRITE_ERRORS)
            .body(object(&["ticket"], json!({ "ticket": string() })))),
    route!(POST "/v1/me/organization_invitations/{inv}/decline", TicketVerify, SignedIn,
        handler = |f| unstored(f, decline_by_id),
        op("DeclineMyOrganizationInvitation", "The signed-in invitee declines by id.",
            (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
            .params(vec![inv()])),
    route!(POST "/v1/me/organization_invitations/{inv}/accept", TicketVerify, SignedIn,
        handler = |f| unstored(f, accept_by_id),
        op("AcceptMyOrganizationInvitation", "The signed-in invitee accepts by id.",
            (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
            .params(vec![inv()])),
];

async fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// 302 onwards with `__clerk_ticket` and `__clerk_status`, or a refusal (a page for browsers,
/// the JSON envelope otherwise) and never a redirect.
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
                ApiError::Service(ServiceError::RedirectNotAllowed),
            ),
        },
        Err(e) => error_for(&headers, e.into()),
    }
}

/// The signed-in invitee accepts with the ticket.
async fn accept_with_ticket(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Retried(key): Retried,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let ticket = parse::ticket(&body)?;
    let service = state.service.for_request(key);
    let (membership, org) = service.accept_ticket(&ticket, &session).await?;
    Ok(joined(&state, &session.user_id, &membership, &org))
}

async fn accept_by_id(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Retried(key): Retried,
    Path(inv): Path<String>,
) -> Result<Response, ApiError> {
    let service = state.service.for_request(key);
    let (membership, org) = service.accept_my_invitation(&inv, &session).await?;
    Ok(joined(&state, &session.user_id, &membership, &org))
}

/// The holder of the link says no.
/// Whoever holds the link may decline, with no account: the answer says that it is declined
/// and nothing else (the invitation itself is its organization's business).
async fn decline_with_ticket(
    State(state): State<AppState>,
    headers: HeaderMap,
    Retried(key): Retried,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    state
        .browser
        .check_link_write(&headers)
        .map_err(ApiError::CrossSiteWrite)?;
    let ticket = parse::ticket(&body)?;
    state
        .service
        .for_request(key)
        .decline_ticket(&ticket)
        .await?;
    Ok(
        Json(json!({ "object": "organization_invitation_decline", "status": "declined" }))
            .into_response(),
    )
}

async fn decline_by_id(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Retried(key): Retried,
    Path(inv): Path<String>,
) -> Result<Response, ApiError> {
    let service = state.service.for_request(key);
    let declined = service.decline_my_invitation(&inv, &session).await?;
    Ok(as_invitee(&state, &declined))
}

/// The invitation as its invitee may see it: the public body, no private metadata.
fn as_invitee(state: &AppState, inv: &Invitation) -> Response {
    let (roles, now) = (state.service.roles(), state.service.now());
    Json(wire::invitation(
        InvitationView::Member,
        inv,
        roles,
        now,
        None,
    ))
    .into_response()
}

/// The membership the invitee now holds, as they may see it.
fn joined(
    state: &AppState,
    user: &UserId,
    membership: &Membership,
    org: &Organization,
) -> Response {
    answers::membership(state, &Actor::Member(user.clone()), membership, org)
}
