//! Each operation's audit entry: who acted (a person, a backend's secret key, the holder of a
//! link, the service itself), from where (the request's context), and the retention. Reading
//! the log is one page of one index.

use super::{Actor, Service, ServiceError};
use crate::clock::Millis;
use crate::domain::audit::{AuditAction, AuditActor, AuditEntry, AuditPage, AuditQuery};
use crate::domain::limits::LimitReached;
use crate::domain::{OrganizationId, UserId};

/// The most entries one page holds.
pub const MAX_AUDIT_PAGE: u32 = 100;

/// A refusal of one limit in one minute is one entry.
const TRIP_BUCKET_MS: i64 = 60_000;

/// Who an entry names: the person acted as (themselves when signed in, or the user a backend
/// names), else the backend's secret key. How they were authenticated is in its metadata.
pub(super) fn audit_actor(actor: &Actor, acting: Option<&UserId>) -> AuditActor {
    match (actor, acting) {
        (Actor::Member(me), _) => AuditActor::user(me),
        (Actor::Backend, Some(user)) => AuditActor::user(user),
        (Actor::Backend, None) => AuditActor::api_key(),
    }
}

fn authenticated_by(actor: &Actor) -> &'static str {
    if actor.is_backend() {
        "secret_key"
    } else {
        "session"
    }
}

impl Service {
    /// An entry for `action` on `org` at `now`, from this request.
    pub(super) fn audit_entry(
        &self,
        org: &OrganizationId,
        action: AuditAction,
        actor: AuditActor,
        now: Millis,
    ) -> AuditEntry {
        AuditEntry::new(
            org,
            action,
            actor,
            &self.origin,
            now,
            self.policy.audit_retention_days,
        )
    }

    /// An entry for `action` by a backend acting as no one (the directory's routes).
    pub(super) fn backend_audit(
        &self,
        org: &OrganizationId,
        action: AuditAction,
        now: Millis,
    ) -> AuditEntry {
        self.audit_by(org, action, &Actor::Backend, None, now)
    }

    /// An entry for `action` by a caller of an organization's routes.
    pub(super) fn audit_by(
        &self,
        org: &OrganizationId,
        action: AuditAction,
        actor: &Actor,
        acting: Option<&UserId>,
        now: Millis,
    ) -> AuditEntry {
        self.audit_entry(org, action, audit_actor(actor, acting), now)
            .with("authenticated_by", authenticated_by(actor))
    }

    /// A limit refused a request on `org`: one entry per limit and minute however often it
    /// refuses (its id is made from both), written alone (nothing else changed). A failure to
    /// write it is logged; the refusal is answered all the same.
    pub(super) async fn record_trip(
        &self,
        org: &OrganizationId,
        actor: AuditActor,
        refused: &LimitReached,
        now: Millis,
    ) {
        let bucket = now - now.rem_euclid(TRIP_BUCKET_MS);
        let mut entry = self
            .audit_entry(org, AuditAction::LimitTripped, actor, bucket)
            .with("limit", refused.kind.as_str())
            .with("retry_after_seconds", refused.retry_after_seconds);
        entry.id = format!(
            "audit_trip{}{}",
            refused.kind.as_str().replace('_', ""),
            bucket / TRIP_BUCKET_MS
        );
        if let Err(e) = self.store.record_audit(&entry).await {
            tracing::warn!(organization = %org, error = %e, "a limit trip was not recorded in the audit log");
        }
    }

    /// `GET /v1/organizations/{org}/audit_logs`: one page, newest first. One query.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn audit_log(
        &self,
        org_id: &OrganizationId,
        query: &AuditQuery,
    ) -> Result<AuditPage, ServiceError> {
        let query = AuditQuery {
            limit: query.limit.clamp(1, MAX_AUDIT_PAGE),
            ..query.clone()
        };
        Ok(self
            .store
            .audit_entries(org_id, &query, self.clock.now())
            .await?)
    }
}
