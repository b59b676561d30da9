//! Reminders in memory: the index of due and taken ones (GSI9's twin), each take checked as
//! the DynamoDB transaction's conditions check it.

use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::limits::LimitWrite;
use crate::domain::listing::time_key;
use crate::domain::reminder::{due_partition, index_key, taken_partition};
use crate::domain::{Delivery, Invitation};
use crate::store::{ReminderStore, StoreError};

#[async_trait]
impl ReminderStore for MemoryStore {
    async fn due_reminders(
        &self,
        shard: u32,
        now: Millis,
        taken_before: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let t = self.tables();
        let mut found = Vec::new();
        for (partition, upto) in [
            (due_partition(shard), now + 1),
            (taken_partition(shard), taken_before),
        ] {
            if let Some(index) = t.reminders.get(&partition) {
                found.extend(
                    index
                        .range(..time_key(upto))
                        .take(limit as usize)
                        .filter_map(|(_, k)| t.invitations.get(k).map(super::owned)),
                );
            }
        }
        Ok(found)
    }

    async fn take_reminder(
        &self,
        read: &Invitation,
        claim: &str,
        at: Millis,
        limits: &[LimitWrite],
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let k = key(&read.organization.id, read.id.as_str());
        let current = t.invitations.get(&k).ok_or(StoreError::Contention)?;
        if index_key(current).is_none()
            || index_key(current) != index_key(read)
            || !t.limits_unchanged(limits)
        {
            return Err(StoreError::Contention);
        }
        let before = current.clone();
        t.unindex_pending(&before);
        let mut after = super::owned(&before);
        after.reminder = Some(Delivery::queued(at));
        t.index_pending(&after);
        t.invitations.insert(k.clone(), super::Stored::new(after));
        t.reminder_claims.insert(k, claim.to_string());
        t.store_limits(limits);
        if let Some(audit) = audit {
            t.audit(audit);
        }
        Ok(())
    }

    async fn record_reminder(
        &self,
        invitation: &Invitation,
        claim: &str,
        outcome: &Delivery,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let k = key(&invitation.organization.id, invitation.id.as_str());
        if t.reminder_claims.get(&k).map(String::as_str) != Some(claim) {
            return Err(StoreError::Contention);
        }
        let Some(before) = t.invitations.get(&k).cloned() else {
            return Err(StoreError::NotFound);
        };
        t.unindex_pending(&before);
        let mut after = super::owned(&before);
        after.reminder = Some(outcome.clone());
        t.invitations.insert(k.clone(), super::Stored::new(after));
        t.reminder_claims.remove(&k);
        Ok(())
    }
}
