//! The audit log, for backends: an organization's entries, newest first.

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::domain::OrganizationId;
use crate::http::auth::Backend;
use crate::http::error::ApiError;
use crate::http::openapi::builder::{ok, op, org, param, r, READ_ERRORS};
use crate::http::parse::{audit_cursor, audit_query, query_pairs};
use crate::http::table::{route, Route};
use crate::http::AppState;
use crate::wire;

pub const ROUTES: &[Route] = &[
    route!(GET "/v1/organizations/{org}/audit_logs", List, Backend, list_audit_logs,
    op("ListOrganizationAuditLogs", "Who did what to the organization, newest first (WorkOS-shaped entries; beyond Clerk). Each filter is answered by its own index.",
        (200, ok(r("AuditLogEntries"), json!({}))), READ_ERRORS)
        .params(vec![
            org(),
            json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }),
            param("cursor", "query", "The `next_cursor` of the page before."),
            json!({ "name": "action", "in": "query", "schema": { "type": "string",
                "enum": crate::domain::audit::AuditAction::ALL.map(|a| a.as_str()) } }),
            param("actor_id", "query", "Only this actor's entries (a user id, `secret_key`, `sweeper`, `breaker`, an invitation id for a link's holder)."),
            json!({ "name": "actor_type", "in": "query", "schema": { "type": "string",
                "enum": ["user", "api_key", "system", "link_holder"] } }),
        ])),
];

async fn list_audit_logs(
    _: Backend,
    State(state): State<AppState>,
    Path(org): Path<OrganizationId>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let query = audit_query(&query_pairs(raw.as_deref()))?;
    let page = state.service.audit_log(&org, &query).await?;
    Ok(Json(wire::audit_page(&page, audit_cursor)).into_response())
}
