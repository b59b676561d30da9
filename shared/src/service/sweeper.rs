//! Expiry on time: the sweeper marks pending invitations `expired` once their expiry has
//! passed, freeing their seats, reading only the due ones (GSI7, by expiry, 8 partitions).

use std::sync::Arc;

use super::ServiceError;
use crate::clock::Clock;
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::listing::INSTANCE_SHARDS;
use crate::store::{ExpiryStore, StoreError};
use crate::telemetry;

/// Due invitations read per query.
const PAGE: u32 = 100;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Invitations the queries returned: only due ones.
    pub read: u64,
    pub expired: u64,
    /// Changed meanwhile (accepted, revoked, resent): left as they are now.
    pub skipped: u64,
}

/// The sweeper function's service: the expiry store and a clock, nothing else.
#[derive(Clone)]
pub struct Sweeper {
    store: Arc<dyn ExpiryStore>,
    clock: Arc<dyn Clock>,
    audit_retention_days: u32,
}

impl Sweeper {
    pub fn new(store: Arc<dyn ExpiryStore>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            audit_retention_days: crate::domain::audit::DEFAULT_RETENTION_DAYS,
        }
    }

    /// How long its audit entries are kept (`AUDIT_RETENTION_DAYS`).
    pub fn with_audit_retention(mut self, days: u32) -> Self {
        self.audit_retention_days = days;
        self
    }

    /// Per partition, pages of up to 100 due invitations, each expired in one transaction,
    /// until a page comes back short. Cost: one query per page and one write per due
    /// invitation; invitations not yet due are never read.
    #[tracing::instrument(skip_all)]
    pub async fn sweep_expired(&self) -> Result<SweepReport, ServiceError> {
        let now = self.clock.now();
        let mut report = SweepReport::default();
        let mut oldest_due = now;
        for shard in 0..INSTANCE_SHARDS {
            loop {
                let due = self.store.due_invitations(shard, now, PAGE).await?;
                report.read += due.len() as u64;
                if let Some(first) = due.first() {
                    oldest_due = oldest_due.min(first.expires_at);
                }
                let mut progressed = false;
                for inv in &due {
                    let audit = AuditEntry::by_system(
                        &inv.organization.id,
                        AuditAction::InvitationExpired,
                        "sweeper",
                        now,
                        self.audit_retention_days,
                    )
                    .target("invitation", &inv.id)
                    .with("email_address", inv.email_address.as_str())
                    .with("expires_at", inv.expires_at);
                    match self.store.expire_invitation(inv, now, &audit).await {
                        Ok(()) => {
                            report.expired += 1;
                            progressed = true;
                        }
                        Err(StoreError::Contention) => report.skipped += 1,
                        Err(e) => return Err(e.into()),
                    }
                }
                // A short page ends the partition; so does a page where nothing could change
                // (its items changed meanwhile, and the index will catch up).
                if (due.len() as u32) < PAGE || !progressed {
                    break;
                }
            }
        }
        telemetry::count_n(telemetry::INVITATIONS_EXPIRED, report.expired);
        telemetry::sweep(now - oldest_due);
        tracing::info!(
            read = report.read,
            expired = report.expired,
            skipped = report.skipped,
            "swept"
        );
        Ok(report)
    }
}
