//! A membership's metadata or role changed, each in one transaction with its audit entry.

use super::codec::{self, n, s};
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM};
use super::{keys, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::{Membership, OrganizationId, RoleKey, UserId};
use crate::store::StoreError;

impl DynamoStore {
    /// One transaction: the metadata, only if the membership still has the metadata read
    /// (compared whole, as the stored JSON), and the audit entry.
    pub(super) async fn replace_metadata(
        &self,
        read: &Membership,
        updated: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(self.table());
        let membership = tx.update(
            keys::membership(&read.organization_id, &read.user_id),
            "SET public_metadata = :public, private_metadata = :private, updated_at = :now",
            "attribute_exists(PK) AND public_metadata = :old_public AND private_metadata = :old_private",
            Params::new()
                .value(":public", codec::metadata(&updated.public_metadata))
                .value(":private", codec::metadata(&updated.private_metadata))
                .value(":old_public", codec::metadata(&read.public_metadata))
                .value(":old_private", codec::metadata(&read.private_metadata))
                .value(":now", n(updated.updated_at)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if failed(&r, membership) => {
                if old_item(&r, membership).is_some() {
                    Err(StoreError::Contention)
                } else {
                    Err(StoreError::NotFound)
                }
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// Two round trips: one transaction (the role, only if the membership exists, and the
    /// audit entry), then a strongly consistent read of the membership for the answer (a
    /// transaction returns no item).
    pub(super) async fn change_role(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError> {
        let mut tx = Tx::new(self.table());
        let membership = tx.update(
            keys::membership(organization_id, user_id),
            "SET #role = :role, updated_at = :now",
            EXISTING_ITEM,
            Params::new()
                .name("#role", "role")
                .value(":role", s(role))
                .value(":now", n(now)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => {}
            TxOutcome::Cancelled(r) if failed(&r, membership) => return Err(StoreError::NotFound),
            TxOutcome::Cancelled(r) => return Err(unexplained(&r)),
        }
        // Deleted between the two: the role change happened and is recorded; it is gone now.
        let item = self
            .get(keys::membership(organization_id, user_id))
            .await?
            .ok_or(StoreError::NotFound)?;
        codec::membership_from(&item)
    }
}
