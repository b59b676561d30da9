//! Expiry in memory: the due index (DynamoDB's GSI7) read below now, and the write that ends
//! each due invitation.

use super::index::EndedBy;
use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::{Invitation, InvitationStatus};
use crate::store::{ExpiryStore, StoreError};

#[async_trait]
impl ExpiryStore for MemoryStore {
    async fn due_invitations(
        &self,
        shard: u32,
        now: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let t = self.tables();
        let Some(index) = t.due.get(&shard) else {
            return Ok(Vec::new());
        };
        Ok(index
            .range(..crate::domain::listing::time_key(now + 1))
            .take(limit as usize)
            .filter_map(|(_, k)| t.invitations.get(k).map(super::owned))
            .collect())
    }

    async fn expire_invitation(
        &self,
        inv: &Invitation,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        let current = t
            .invitations
            .get(&key(org_id, inv.id.as_str()))
            .ok_or(StoreError::Contention)?;
        if current.stored_status != InvitationStatus::Pending
            || current.expires_at > now
            || current.ticket_hash != inv.ticket_hash
        {
            return Err(StoreError::Contention);
        }
        let slot_key = key(org_id, inv.email_address.key());
        if t.slots.get(&slot_key).map(|h| &h.invitation_id) == Some(&inv.id) {
            t.slots.remove(&slot_key);
        }
        if let Some(org) = t.organizations.get_mut(org_id) {
            org.pending_invitations_count = org.pending_invitations_count.saturating_sub(1);
        }
        let token = crate::domain::request::write_token(None);
        t.settle_invitation(
            org_id,
            &inv.id,
            InvitationStatus::Expired,
            now,
            EndedBy::default(),
            &token,
        );
        t.audit(audit);
        Ok(())
    }
}
