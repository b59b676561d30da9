//! The audit log: who did what to an organization, when, from where. An entry is shaped like
//! WorkOS's audit log events (action, occurred_at, actor, targets, context, metadata) and is
//! written in the same transaction as the change it records. Entries are kept
//! `AUDIT_RETENTION_DAYS` and read newest first, one page of one index per question (every
//! entry, by action, by actor, by both).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::listing::time_key;
use super::OrganizationId;
use crate::clock::Millis;

mod action;

pub use action::AuditAction;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Kept this long unless `AUDIT_RETENTION_DAYS` says otherwise (a year: what B2B customers'
/// reviews ask to see).
pub const DEFAULT_RETENTION_DAYS: u32 = 365;
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// Who acted: a person (`user`), a backend holding a secret key (`api_key`), the invitee
/// holding a link (`link_holder`), or the service itself (`system`: the sweeper, the breaker).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditActor {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl AuditActor {
    pub fn user(id: &str) -> Self {
        Self::of("user", id)
    }

    pub fn api_key() -> Self {
        Self::of("api_key", "secret_key")
    }

    pub fn system(what: &str) -> Self {
        Self::of("system", what)
    }

    pub fn link_holder(invitation_id: &str) -> Self {
        Self::of("link_holder", invitation_id)
    }

    fn of(kind: &str, id: &str) -> Self {
        Self {
            kind: kind.into(),
            id: id.into(),
            name: None,
        }
    }

    /// `type:id`, how the actor index and the `actor` filter name it.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.kind, self.id)
    }
}

/// What the action was done to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditTarget {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

impl AuditTarget {
    pub fn new(kind: &str, id: impl ToString) -> Self {
        Self {
            kind: kind.into(),
            id: id.to_string(),
        }
    }
}

/// Where the request came from, as the edge saw it (API Gateway's source IP, never a header a
/// caller can set; its user agent; the gateway's request id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditContext {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The longest user agent kept: a browser's is under 300 characters.
const MAX_USER_AGENT: usize = 512;

impl AuditContext {
    pub fn new(ip: Option<String>, user_agent: Option<&str>, request_id: Option<String>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
            request_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub organization_id: OrganizationId,
    pub action: AuditAction,
    pub occurred_at: Millis,
    pub actor: AuditActor,
    pub targets: Vec<AuditTarget>,
    pub context: AuditContext,
    pub metadata: Map<String, Value>,
    /// When it leaves the log (the table's TTL).
    pub retain_until: Millis,
}

impl AuditEntry {
    /// An entry with no targets or metadata yet, kept `retention_days`.
    pub fn new(
        organization_id: &OrganizationId,
        action: AuditAction,
        actor: AuditActor,
        context: &AuditContext,
        occurred_at: Millis,
        retention_days: u32,
    ) -> Self {
        Self {
            id: crate::ids::new_id("audit"),
            organization_id: organization_id.clone(),
            action,
            occurred_at,
            actor,
            targets: Vec::new(),
            context: context.clone(),
            metadata: Map::new(),
            retain_until: retain_until(occurred_at, retention_days),
        }
    }

    /// An entry of the service's own doing (`what`: the sweeper, the breaker), with no request
    /// behind it.
    pub fn by_system(
        organization_id: &OrganizationId,
        action: AuditAction,
        what: &str,
        occurred_at: Millis,
        retention_days: u32,
    ) -> Self {
        Self::new(
            organization_id,
            action,
            AuditActor::system(what),
            &AuditContext::default(),
            occurred_at,
            retention_days,
        )
    }

    pub fn target(mut self, kind: &str, id: impl ToString) -> Self {
        self.targets.push(AuditTarget::new(kind, id));
        self
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Newest-first order within every index: time, then id.
    pub fn sort_key(&self) -> String {
        format!("{}#{}", time_key(self.occurred_at), self.id)
    }

    /// The partitions (each an index's question) this entry is found under, besides the
    /// organization's whole log.
    pub fn action_partition(&self) -> String {
        action_partition(&self.organization_id, self.action)
    }

    pub fn actor_partition(&self) -> String {
        actor_partition(&self.organization_id, &self.actor.reference())
    }

    pub fn actor_action_partition(&self) -> String {
        actor_action_partition(&self.organization_id, &self.actor.reference(), self.action)
    }
}

/// How long entries are kept, in days (1 to 3650).
pub fn retain_until(occurred_at: Millis, retention_days: u32) -> Millis {
    occurred_at + i64::from(retention_days.clamp(1, MAX_RETENTION_DAYS)) * DAY_MS
}

pub fn log_partition(org: &OrganizationId) -> String {
    format!("ORG#{org}#AUDIT")
}

pub fn action_partition(org: &OrganizationId, action: AuditAction) -> String {
    format!("ORG#{org}#AUDIT#ACTION#{}", action.as_str())
}

pub fn actor_partition(org: &OrganizationId, actor: &str) -> String {
    format!("ORG#{org}#AUDIT#ACTOR#{actor}")
}

pub fn actor_action_partition(org: &OrganizationId, actor: &str, action: AuditAction) -> String {
    format!("ORG#{org}#AUDIT#ACTOR#{actor}#ACTION#{}", action.as_str())
}

/// One page of an organization's log: filtered by action, actor (`type:id`), or both, each
/// answered by its own index; newest first, from before `before` (a sort key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub action: Option<AuditAction>,
    pub actor: Option<String>,
    pub before: Option<String>,
    pub limit: u32,
}

impl AuditQuery {
    /// The partition that answers this question.
    pub fn partition(&self, org: &OrganizationId) -> String {
        match (&self.actor, self.action) {
            (Some(actor), Some(action)) => actor_action_partition(org, actor, action),
            (Some(actor), None) => actor_partition(org, actor),
            (None, Some(action)) => action_partition(org, action),
            (None, None) => log_partition(org),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// The sort key of the last entry, when more may follow.
    pub next: Option<String>,
}

/// Whether a cursor is a sort key this log makes (13 digits, `#`, an id): anything else is
/// refused before it reaches a query.
pub fn is_sort_key(raw: &str) -> bool {
    match raw.split_once('#') {
        Some((time, id)) => {
            time.len() == 13
                && time.bytes().all(|b| b.is_ascii_digit())
                && !id.is_empty()
                && id.len() <= 64
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
