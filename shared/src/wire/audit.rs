//! An audit entry on the wire, shaped like WorkOS's audit log events: `action`, `occurred_at`
//! (ISO 8601, as WorkOS sends it; `occurred_at_ms` beside it, as Clerk counts time), `actor`,
//! `targets`, `context`, `metadata`. The same body is an answer of
//! `GET /v1/organizations/{org}/audit_logs` and the `data` of an `auditLogEntry.created` event.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::clock::Millis;
use crate::domain::audit::{AuditActor, AuditContext, AuditEntry, AuditPage, AuditTarget};
use crate::domain::OrganizationId;

#[derive(Debug, Serialize)]
pub struct AuditEntryBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub action: &'static str,
    pub occurred_at: String,
    pub occurred_at_ms: Millis,
    pub actor: &'a AuditActor,
    pub targets: &'a [AuditTarget],
    pub context: &'a AuditContext,
    pub metadata: &'a Map<String, Value>,
}

pub fn audit_entry(entry: &AuditEntry) -> AuditEntryBody<'_> {
    AuditEntryBody {
        object: "audit_log_entry",
        id: &entry.id,
        organization_id: &entry.organization_id,
        action: entry.action.as_str(),
        occurred_at: iso8601(entry.occurred_at),
        occurred_at_ms: entry.occurred_at,
        actor: &entry.actor,
        targets: &entry.targets,
        context: &entry.context,
        metadata: &entry.metadata,
    }
}

/// One page, newest first: `next_cursor` reads the page after (no `total_count`: counting an
/// organization's history is the kind of read this service never makes).
#[derive(Debug, Serialize)]
pub struct AuditPageBody<'a> {
    pub object: &'static str,
    pub data: Vec<AuditEntryBody<'a>>,
    pub next_cursor: Option<String>,
}

pub fn audit_page(page: &AuditPage, cursor: impl Fn(&str) -> String) -> AuditPageBody<'_> {
    AuditPageBody {
        object: "list",
        data: page.entries.iter().map(audit_entry).collect(),
        next_cursor: page.next.as_deref().map(cursor),
    }
}

fn iso8601(at: Millis) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}
