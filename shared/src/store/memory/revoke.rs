//! Revoking in memory: the same checks, in the same order, as the DynamoDB transaction.

use super::index::EndedBy;
use super::{key, Tables};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::{Invitation, InvitationId, InvitationStatus, OrganizationId};
use crate::store::{ActorRequirement, StoreError};

impl Tables {
    pub(super) fn revoke(
        &mut self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError> {
        // The actor first: someone who may not revoke learns nothing about the invitation.
        if !self.actor_allowed(organization_id, actor) {
            return Err(StoreError::ActorNotAllowed);
        }
        let inv = self
            .invitations
            .get(&key(organization_id, id.as_str()))
            .ok_or(StoreError::NotFound)?;
        // This request revoked it already (its answer was lost): done, not refused.
        if inv.stored_status == InvitationStatus::Revoked
            && inv.written_by.as_deref() == Some(token)
        {
            return Ok(super::owned(inv));
        }
        if inv.stored_status != InvitationStatus::Pending {
            return Err(StoreError::InvitationNotPending(Box::new(super::owned(
                inv,
            ))));
        }
        let slot_key = key(organization_id, inv.email_address.key());
        self.slots.remove(&slot_key);
        if let Some(org) = self.organizations.get_mut(organization_id) {
            org.pending_invitations_count = org.pending_invitations_count.saturating_sub(1);
        }
        let revoked = self
            .settle_invitation(
                organization_id,
                id,
                InvitationStatus::Revoked,
                now,
                EndedBy::default(),
                token,
            )
            .ok_or(StoreError::NotFound)?;
        self.audit(audit);
        Ok(revoked)
    }
}
