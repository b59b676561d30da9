//! Invitations across organizations: a person's, the signed-in person's own, and every
//! organization's.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::json;

use crate::domain::{EmailAddress, FieldError, UserId};
use crate::http::answers;
use crate::http::auth::Backend;
use crate::http::error::ApiError;
use crate::http::openapi::builder::{address, list_params, ok, op, r, user, with, READ_ERRORS};
use crate::http::parse::{self, query_pairs};
use crate::http::session::SignedIn;
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::service::Actor;

pub const ROUTES: &[Route] = &[
    route!(GET "/v1/users/{user}/organization_invitations", List, Backend, list_for_user,
        op("UsersGetOrganizationInvitations", "A person's invitations across organizations, newest first (Clerk's).",
            (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
            .params(with(vec![user()], list_params(true, &[])))),
    route!(GET "/v1/me/organization_invitations", Directory, SignedIn, list_mine,
        op("ListMyOrganizationInvitations", "The signed-in person's invitations (beyond Clerk's Backend API).",
            (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
            .params(list_params(true, &[]))),
    route!(GET "/v1/organization_invitations", List, Backend, list_instance,
    op("ListInstanceOrganizationInvitations", "Every organization's invitations, newest first; `query` names an address (Clerk's).",
        (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
        .params(list_params(true, &[
            json!({ "name": "query", "in": "query", "description": "An email address: its invitations.", "schema": address() }),
            json!({ "name": "order_by", "in": "query", "schema": { "type": "string", "enum": ["-created_at"] } }),
        ]))),
];

/// Every organization's invitations, newest first: `status`, `limit`, `offset` or `cursor`,
/// and `query` (an address: its invitations).
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
            "query" if !v.trim().is_empty() => match EmailAddress::parse("query", v) {
                Ok(a) => address = Some(a),
                Err(_) => errors.push(FieldError::value(
                    "query",
                    "query must be an email address: its invitations are listed.",
                )),
            },
            "order_by" if v != "-created_at" => errors.push(FieldError::value(
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
    Ok(answers::page(&state, &Actor::Backend, page))
}

/// A backend asks for one person's invitations.
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
    Ok(answers::page(&state, &Actor::Backend, page))
}

/// The signed-in person's own invitations.
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
    Ok(answers::page(&state, &me, page))
}
