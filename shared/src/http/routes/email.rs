//! Email reputation, for backends: suppressed mailboxes (seen, lifted) and each
//! organization's email sending (seen; paused or resumed by an operator).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::{FieldError, OrganizationId};
use crate::http::auth::Backend;
use crate::http::error::ApiError;
use crate::http::extract::{JsonBody, Retried};
use crate::http::openapi::builder::{
    boolean, object, ok, op, org, param, r, READ_ERRORS, WRITE_ERRORS,
};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::wire;

pub const ROUTES: &[Route] = &[
    route!(GET "/v1/email_suppressions/{email_address}", Directory, Backend, get_suppression,
        op("GetEmailSuppression", "Why an address's mailbox is not emailed (it bounced for good, or its owner complained). Any spelling of the mailbox finds it.",
            (200, ok(r("EmailSuppression"), json!({}))), READ_ERRORS)
            .params(vec![address_param()])),
    route!(DELETE "/v1/email_suppressions/{email_address}", Directory, Backend, lift_suppression,
        op("DeleteEmailSuppression", "The mailbox may be emailed again: the suppression as it was.",
            (200, ok(r("EmailSuppression"), json!({}))), WRITE_ERRORS)
            .params(vec![address_param()])),
    route!(GET "/v1/organizations/{org}/email_sending", Directory, Backend, get_sending,
        op("GetOrganizationEmailSending", "Whether the organization's invitation email is paused (by the breaker or an operator), and what SES reported over the last 7 days.",
            (200, ok(r("EmailSending"), json!({}))), READ_ERRORS)
            .params(vec![org()])),
    route!(PATCH "/v1/organizations/{org}/email_sending", Directory, Backend, set_sending,
        op("UpdateOrganizationEmailSending", "An operator pauses or resumes the organization's invitation email.",
            (200, ok(r("EmailSending"), json!({}))), WRITE_ERRORS)
            .params(vec![org()])
            .body(object(&["paused"], json!({ "paused": boolean() })))),
];

fn address_param() -> serde_json::Value {
    param(
        "email_address",
        "path",
        "An address; its mailbox is looked up.",
    )
}

async fn get_suppression(
    _: Backend,
    State(state): State<AppState>,
    Path(address): Path<String>,
) -> Result<Response, ApiError> {
    let found = state.service.suppression(&address).await?;
    Ok(Json(wire::suppression(&found)).into_response())
}

async fn lift_suppression(
    _: Backend,
    State(state): State<AppState>,
    Path(address): Path<String>,
) -> Result<Response, ApiError> {
    let lifted = state.service.lift_suppression(&address).await?;
    Ok(Json(wire::suppression(&lifted)).into_response())
}

async fn get_sending(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
) -> Result<Response, ApiError> {
    let (pause, days) = state.service.mail_sending(&org).await?;
    Ok(Json(wire::mail_sending(&org, pause.as_ref(), Some(&days))).into_response())
}

async fn set_sending(
    _: Backend,
    State(state): State<AppState>,
    Retried(scope): Retried,
    Path(org): Path<OrganizationId>,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let paused = body
        .get("paused")
        .and_then(serde_json::Value::as_bool)
        .ok_or_else(|| ApiError::from(vec![FieldError::missing("paused")]))?;
    let (pause, days) = state
        .service
        .for_request(scope)
        .set_mail_sending(&org, paused)
        .await?;
    Ok(Json(wire::mail_sending(&org, pause.as_ref(), Some(&days))).into_response())
}
