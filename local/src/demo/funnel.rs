//! The demo organization's funnel, for the admin view's chart: from the counters the store
//! keeps on the organization (every invitation counted once, by where it is now) and its last
//! seven days of what SES reported (none locally: the outbox gets no reports).

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::Shared;

pub async fn funnel(State((demo, state)): State<Shared>) -> Response {
    let org = match state.service.get_organization(&demo.organization_id).await {
        Ok(org) => org,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    };
    let days = match state.service.mail_sending(&org.id).await {
        Ok((_, days)) => days,
        Err(e) => return (StatusCode::SERVICE_UNAVAILABLE, e.to_string()).into_response(),
    };
    let settled = &org.settled_invitations;
    let pending = u64::from(org.pending_invitations_count);
    let invited = pending + settled.accepted + settled.declined + settled.revoked + settled.expired;
    let sum =
        |f: fn(&invitations::domain::reputation::MailDay) -> u64| days.iter().map(f).sum::<u64>();
    (
        [(CACHE_CONTROL, "no-store")],
        Json(json!({
            "invited": invited,
            "accepted": settled.accepted,
            "pending": pending,
            "declined": settled.declined,
            "revoked": settled.revoked,
            "expired": settled.expired,
            "last_7_days": {
                "delivered": sum(|d| d.delivered),
                "bounced": sum(|d| d.bounced),
                "complained": sum(|d| d.complained),
            },
        })),
    )
        .into_response()
}
