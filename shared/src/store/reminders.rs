//! Reminders before expiry: the due ones read from their own index, taken by one sweep at a
//! time, and their fate recorded (`domain::reminder`).

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::limits::LimitWrite;
use crate::domain::{Delivery, Invitation};

#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// Pending invitations of one instance partition whose reminder is due at `now`, and those
    /// a sweep took before `taken_before` and never recorded (its sweep stopped), oldest
    /// first, at most `limit` of each: only those are read.
    async fn due_reminders(
        &self,
        shard: u32,
        now: Millis,
        taken_before: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError>;

    /// Takes `read`'s reminder for one sweep (`claim`): it becomes `queued` at `at`, only if
    /// the invitation is still pending and its reminder where `read` found it; the email's
    /// limit logs are written at the versions read, and a first take's audit entry with it.
    /// `Contention` when another sweep took it, or anything changed.
    async fn take_reminder(
        &self,
        read: &Invitation,
        claim: &str,
        at: Millis,
        limits: &[LimitWrite],
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError>;

    /// What became of the reminder `claim` took; it leaves the index. `Contention` when a
    /// later sweep took it over meanwhile (that sweep records it).
    async fn record_reminder(
        &self,
        invitation: &Invitation,
        claim: &str,
        outcome: &Delivery,
    ) -> Result<(), StoreError>;
}
