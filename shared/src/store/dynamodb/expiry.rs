//! Expiry on DynamoDB: the sweeper's reads of due invitations (GSI7) and the write that ends
//! each one.

use super::codec::{self, s, EXPIRED_COUNT};
use super::settle::Guard;
use super::tx::{failed, own_write, settled_by, Tx, TxOutcome};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::{Invitation, InvitationStatus};
use crate::store::{ExpiryStore, StoreError};
use async_trait::async_trait;

#[async_trait]
impl ExpiryStore for DynamoStore {
    /// One `Query` on GSI7: the partition's keys below `now`, so only due items are read.
    async fn due_invitations(
        &self,
        shard: u32,
        now: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI7)
            .key_condition_expression("GSI7PK = :pk AND GSI7SK < :now")
            .expression_attribute_values(":pk", s(keys::due_partition(shard)))
            .expression_attribute_values(":now", s(crate::domain::listing::time_key(now + 1)))
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

    /// One round trip: a transaction of the invitation (expired only if still pending, past its
    /// expiry, on the same ticket), its slot (deleted) and the organization (seat back,
    /// counted).
    async fn expire_invitation(
        &self,
        inv: &Invitation,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let token = crate::domain::request::write_token(None);
        let mut tx = Tx::new(&self.table);
        let (inv_index, slot_index) = tx.settle_pending(
            inv,
            InvitationStatus::Expired,
            Guard {
                same_ticket: true,
                expiry: Some("expires_at <= :now"),
                accepted_by: None,
                declined_via: None,
            },
            now,
            self.retention_secs,
            &token,
        )?;
        tx.free_seat(&inv.organization.id, EXPIRED_COUNT)?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if own_write(&r, inv_index, settled_by("expired", &token)) => {
                Ok(())
            }
            TxOutcome::Cancelled(r) if failed(&r, inv_index) || failed(&r, slot_index) => {
                Err(StoreError::Contention)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
