//! Following a link and accepting, in memory.

use super::index::EndedBy;
use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::limits::LimitKey;
use crate::domain::{
    Invitation, InvitationId, InvitationStatus, Membership, OrganizationId, UserId,
};
use crate::store::{AcceptanceStore, StoreError, TicketContext};

#[async_trait]
impl AcceptanceStore for MemoryStore {
    async fn ticket_context(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        email_key: &str,
        session_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
    ) -> Result<TicketContext, StoreError> {
        let t = self.tables();
        Ok(TicketContext {
            invitation: t
                .invitations
                .get(&key(organization_id, id.as_str()))
                .map(super::owned),
            address_owner: t.email_owners.get(email_key).cloned(),
            session_user: session_user_id.and_then(|u| t.users.get(u).cloned()),
            limits: t.limit_states(limit_keys),
        })
    }

    async fn accept_invitation(
        &self,
        inv: &Invitation,
        m: &Membership,
        now: Millis,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        let current = t
            .invitations
            .get(&key(org_id, inv.id.as_str()))
            .ok_or(StoreError::Contention)?;
        if current.stored_status != InvitationStatus::Pending
            || current.expires_at <= now
            || current.ticket_hash != inv.ticket_hash
        {
            return Err(StoreError::Contention);
        }
        if t.memberships.contains_key(&key(org_id, &m.user_id))
            || m.email_keys
                .iter()
                .any(|a| t.member_addresses.contains(&key(org_id, a)))
        {
            return Err(StoreError::AlreadyMember);
        }
        t.slots.remove(&key(org_id, inv.email_address.key()));
        for addr in &m.email_keys {
            t.member_addresses.insert(key(org_id, addr));
        }
        t.add_membership(m);
        if let Some(org) = t.organizations.get_mut(org_id) {
            org.members_count += 1;
            org.pending_invitations_count = org.pending_invitations_count.saturating_sub(1);
        }
        t.settle_invitation(
            org_id,
            &inv.id,
            InvitationStatus::Accepted,
            now,
            EndedBy {
                accepted_by: Some(&m.user_id),
                declined_via: None,
            },
            token,
        );
        t.audit(audit);
        Ok(())
    }

    async fn decline_invitation(
        &self,
        inv: &Invitation,
        now: Millis,
        token: &str,
        via: crate::domain::DeclineChannel,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        let current = t
            .invitations
            .get(&key(org_id, inv.id.as_str()))
            .ok_or(StoreError::NotFound)?;
        if current.stored_status != InvitationStatus::Pending
            || current.ticket_hash != inv.ticket_hash
        {
            return Err(StoreError::Contention);
        }
        t.slots.remove(&key(org_id, inv.email_address.key()));
        if let Some(org) = t.organizations.get_mut(org_id) {
            org.pending_invitations_count = org.pending_invitations_count.saturating_sub(1);
        }
        let declined = t
            .settle_invitation(
                org_id,
                &inv.id,
                InvitationStatus::Declined,
                now,
                EndedBy {
                    accepted_by: None,
                    declined_via: Some(via),
                },
                token,
            )
            .ok_or(StoreError::NotFound)?;
        t.audit(audit);
        Ok(declined)
    }

    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        let t = self.tables();
        Ok(t.invitation_orgs
            .get(id)
            .and_then(|org| t.invitations.get(&key(org, id.as_str())))
            .map(super::owned))
    }
}
