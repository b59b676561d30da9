//! Shareable invitation links (ours, in Clerk's style): an organization's admins make, list,
//! read and revoke them; anyone holding one opens it (`GET`/`HEAD`, nothing written), and a
//! signed-in person redeems it (`POST`). Every answer is `no-store`: a made link's answer
//! carries its secret, and an opened link's address carries it.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::tickets::unstored;
use crate::domain::invitation_link::InvitationLinkId;
use crate::domain::OrganizationId;
use crate::http::caller::Caller;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{
    list_params, ok, op, org, param, r, with, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::parse::{self, query_pairs};
use crate::http::session::SignedIn;
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::service::Redeemed;
use crate::wire;

fn link() -> serde_json::Value {
    param("link", "path", "The link's id (`orginvlnk_…`).")
}

fn token() -> serde_json::Value {
    param(
        "token",
        "path",
        "The link's token, as its `url` carries it.",
    )
}

/// Where a link is opened and redeemed: the organization and the token, nothing else.
const OPEN_PATH: &str = "/v1/join/{org}/{token}";

pub const ROUTES: &[Route] = &[
    route!(POST "/v1/organizations/{org}/invitation_links", Directory, BackendOrSignedIn, handler = |f| unstored(f, create),
        op("CreateOrganizationInvitationLink", "Make a shareable link: a role, a hard cap of uses (1 unset), an expiry (7 days unset, 90 at most), optionally allowed email domains and approval. The token is shown in this answer only.",
            (200, ok(r("InvitationLink"), json!({}))), WRITE_ERRORS)
            .params(vec![org()]).body(r("NewInvitationLink"))),
    route!(GET "/v1/organizations/{org}/invitation_links", Directory, BackendOrSignedIn, handler = |f| unstored(f, list),
        op("ListOrganizationInvitationLinks", "The organization's links, newest first, with their uses and status.",
            (200, ok(r("InvitationLinks"), json!({}))), READ_ERRORS)
            .params(with(vec![org()], list_params(false, &[])))),
    route!(GET "/v1/organizations/{org}/invitation_links/{link}", Directory, BackendOrSignedIn, handler = |f| unstored(f, get),
        op("GetOrganizationInvitationLink", "One link (never its token).",
            (200, ok(r("InvitationLink"), json!({}))), READ_ERRORS)
            .params(vec![org(), link()])),
    route!(POST "/v1/organizations/{org}/invitation_links/{link}/revoke", Directory, BackendOrSignedIn, handler = |f| unstored(f, revoke),
        op("RevokeOrganizationInvitationLink", "Revoke the link: it admits no one from now on. Regenerating is revoking and making another.",
            (200, ok(r("InvitationLink"), json!({}))), WRITE_ERRORS)
            .params(vec![org(), link()])),
    route!(GET OPEN_PATH, Directory, Anyone, handler = |f| unstored(f, preview),
        op("OpenInvitationLink", "What the link leads to (the organization, the role, whether an admin approves), for anyone holding it; writes nothing, so previews and mail scanners use nothing. A link that admits no one says only why (410).",
            (200, ok(r("InvitationLinkPreview"), json!({}))), &[404, 410])
            .params(vec![org(), token()])),
    route!(HEAD OPEN_PATH, Directory, Anyone, handler = |f| unstored(f, preview),
        op("OpenInvitationLinkHead", "The same as `GET`, without a body.",
            (200, json!({ "description": "The link admits people." })), &[404, 410])
            .params(vec![org(), token()])),
    route!(POST OPEN_PATH, Directory, SignedIn, handler = |f| unstored(f, redeem),
        op("RedeemInvitationLink", "Join (or, with approval, ask to join) as the signed-in person: counted only while the link is active, unexpired and under its cap, with a free seat.",
            (200, ok(r("InvitationLinkRedemption"), json!({}))), &[400, 401, 403, 404, 409, 410, 413, 422, 429, 503])
            .params(vec![org(), token()])),
];

async fn create(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let input = parse::new_link(&body)?;
    let made = state.service.create_link(&actor, &org, input).await?;
    let shown = Some((made.token.as_str(), made.url.as_deref()));
    Ok(Json(wire::invitation_link(
        &made.link,
        shown,
        state.service.now(),
    ))
    .into_response())
}

async fn list(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (limit, offset) =
        parse::limit_offset_only(&query_pairs(raw.as_deref())).map_err(ApiError::InvalidQuery)?;
    let (page, total) = state
        .service
        .invitation_links(&actor, &org, limit, offset)
        .await?;
    let now = state.service.now();
    let data: Vec<_> = page
        .iter()
        .map(|l| wire::invitation_link(l, None, now))
        .collect();
    Ok(Json(json!({ "data": data, "total_count": total })).into_response())
}

async fn get(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Path((org, id)): Path<(OrganizationId, InvitationLinkId)>,
) -> Result<Response, ApiError> {
    let l = state.service.invitation_link(&actor, &org, &id).await?;
    Ok(Json(wire::invitation_link(&l, None, state.service.now())).into_response())
}

async fn revoke(
    Caller(actor): Caller,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path((org, id)): Path<(OrganizationId, InvitationLinkId)>,
) -> Result<Response, ApiError> {
    let l = state
        .service
        .for_request(scope)
        .revoke_link(&actor, &org, &id)
        .await?;
    Ok(Json(wire::invitation_link(&l, None, state.service.now())).into_response())
}

async fn preview(
    State(state): State<AppState>,
    Path((org, token)): Path<(OrganizationId, String)>,
) -> Result<Response, ApiError> {
    let l = state.service.preview_link(&org, &token).await?;
    let role_name = state.service.roles().name_of(&l.role);
    Ok(Json(wire::link_preview(&l, role_name)).into_response())
}

async fn redeem(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
    Retried(scope): Retried,
    Path((org, token)): Path<(OrganizationId, String)>,
) -> Result<Response, ApiError> {
    let redeemed = state
        .service
        .for_request(scope)
        .redeem_link(&session, &org, &token)
        .await?;
    let body = match &redeemed {
        Redeemed::Joined {
            link,
            invitation_id,
        } => wire::link_redemption(link, Some(invitation_id.as_str()), None),
        Redeemed::Requested { link, request } => wire::link_redemption(link, None, Some(request)),
    };
    Ok(Json(body).into_response())
}
