//! Reminders on DynamoDB: the due and the taken ones read from GSI9 (sparse: only pending
//! invitations with a reminder to come), one sweep's take as a transaction, and the outcome.

use async_trait::async_trait;

use super::codec::{self, s};
use super::tx::{failed, old_item, Params, Tx, TxOutcome};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::limits::LimitWrite;
use crate::domain::listing::time_key;
use crate::domain::reminder::{due_partition, index_key, taken_partition};
use crate::domain::{Delivery, Invitation};
use crate::store::{ReminderStore, StoreError};

/// Which sweep took an invitation's reminder.
const CLAIM: &str = "reminder_claim";

impl DynamoStore {
    /// One `Query` on GSI9: one partition's keys below `upto`.
    async fn reminder_page(
        &self,
        partition: String,
        upto: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.client()
            .query()
            .table_name(self.table())
            .index_name(keys::GSI9)
            .key_condition_expression("GSI9PK = :pk AND GSI9SK < :upto")
            .expression_attribute_values(":pk", s(partition))
            .expression_attribute_values(":upto", s(time_key(upto)))
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(sdk_error)?
            .items
            .unwrap_or_default()
            .iter()
            .map(codec::invitation_from)
            .collect()
    }
}

#[async_trait]
impl ReminderStore for DynamoStore {
    /// Two queries on GSI9 (the due, the taken and stale): only those are read.
    async fn due_reminders(
        &self,
        shard: u32,
        now: Millis,
        taken_before: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let (due, taken) = tokio::join!(
            self.reminder_page(due_partition(shard), now + 1, limit),
            self.reminder_page(taken_partition(shard), taken_before, limit),
        );
        let mut found = due?;
        found.extend(taken?);
        Ok(found)
    }

    /// One transaction: the invitation (its reminder queued, moved to the taken partition, the
    /// claim named) only if still pending with its reminder where it was read; the limit logs
    /// at their versions; a first take's audit entry.
    async fn take_reminder(
        &self,
        read: &Invitation,
        claim: &str,
        at: Millis,
        limits: &[LimitWrite],
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        let Some((was_pk, was_sk)) = index_key(read) else {
            return Err(StoreError::Contention);
        };
        let mut taken = read.clone();
        taken.reminder = Some(Delivery::queued(at));
        let Some((pk, sk)) = index_key(&taken) else {
            return Err(StoreError::Contention);
        };
        let mut tx = Tx::new(self.table());
        let invitation = tx.update(
            keys::invitation(&read.organization.id, &read.id),
            "SET reminder = :queued, #claim = :claim, GSI9PK = :pk, GSI9SK = :sk",
            "GSI9PK = :was_pk AND GSI9SK = :was_sk",
            Params::new()
                .name("#claim", CLAIM)
                .value(":queued", codec::delivery_value(&Delivery::queued(at)))
                .value(":claim", s(claim))
                .value(":pk", s(pk))
                .value(":sk", s(sk))
                .value(":was_pk", s(was_pk))
                .value(":was_sk", s(was_sk)),
        )?;
        let limit_indexes = tx.put_limits(limits)?;
        if let Some(audit) = audit {
            tx.audit(audit)?;
        }
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            // This very take, applied before its answer was lost.
            TxOutcome::Cancelled(r)
                if old_item(&r, invitation)
                    .and_then(|i| i.get(CLAIM))
                    .and_then(|v| v.as_s().ok())
                    .is_some_and(|c| c == claim) =>
            {
                Ok(())
            }
            TxOutcome::Cancelled(r)
                if failed(&r, invitation) || limit_indexes.iter().any(|&i| failed(&r, i)) =>
            {
                Err(StoreError::Contention)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One `UpdateItem`, only while `claim` holds: the outcome, out of the index.
    async fn record_reminder(
        &self,
        invitation: &Invitation,
        claim: &str,
        outcome: &Delivery,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.table())
            .set_key(Some(codec::key(keys::invitation(
                &invitation.organization.id,
                &invitation.id,
            ))))
            .update_expression("SET reminder = :outcome REMOVE GSI9PK, GSI9SK, #claim")
            .condition_expression("#claim = :claim")
            .expression_attribute_names("#claim", CLAIM)
            .expression_attribute_values(":outcome", codec::delivery_value(outcome))
            .expression_attribute_values(":claim", s(claim))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if super::condition_failed(&err) => Err(StoreError::Contention),
            Err(err) => Err(sdk_error(err)),
        }
    }
}
