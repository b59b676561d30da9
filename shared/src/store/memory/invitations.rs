//! Invitations in memory: the same checks, in the same order, as the DynamoDB transactions.

use super::index::EndedBy;
use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitWrite};
use crate::domain::{Invitation, InvitationId, InvitationStatus, OrganizationId, UserId};
use crate::store::{ActorRequirement, InvitationContext, InvitationStore, SlotHolder, StoreError};

#[async_trait]
impl InvitationStore for MemoryStore {
    async fn invitation_context(
        &self,
        organization_id: &OrganizationId,
        email_key: &str,
        actor_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
        mailbox: Option<&str>,
    ) -> Result<InvitationContext, StoreError> {
        let t = self.tables();
        let (suppression, mail_pause) = match mailbox {
            Some(mailbox) => t.reputation.gate(organization_id, mailbox),
            None => (None, None),
        };
        Ok(InvitationContext {
            organization: t.organizations.get(organization_id).cloned(),
            slot_holder: t.slots.get(&key(organization_id, email_key)).cloned(),
            actor_membership: actor_user_id
                .and_then(|u| t.memberships.get(&key(organization_id, u)).cloned()),
            actor_user: actor_user_id.and_then(|u| t.users.get(u).cloned()),
            address_is_member: t
                .member_addresses
                .contains(&key(organization_id, email_key)),
            limits: t.limit_states(limit_keys),
            suppression,
            mail_pause,
        })
    }

    async fn insert_invitation(
        &self,
        inv: &Invitation,
        replacing: Option<&SlotHolder>,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        let org = t.organizations.get(org_id).ok_or(StoreError::NotFound)?;
        if !t.actor_allowed(org_id, actor) {
            return Err(StoreError::ActorNotAllowed);
        }
        if let Some(offer) = &inv.domain_offer {
            if t.offers.has(&offer.user_id, org_id) {
                return Err(StoreError::AlreadyExists);
            }
        }
        let slot_key = key(org_id, inv.email_address.key());
        if t.slots.get(&slot_key) != replacing || !t.limits_unchanged(limits) {
            return Err(StoreError::Contention);
        }
        if t.member_addresses
            .contains(&key(org_id, inv.email_address.key()))
        {
            return Err(StoreError::AlreadyMember);
        }
        // A replaced invitation hands its seat over, so only a fresh slot needs a free one.
        if replacing.is_none() && !org.has_free_seat() {
            return Err(StoreError::QuotaExceeded);
        }
        if let Some(old) = replacing {
            t.settle_invitation(
                org_id,
                &old.invitation_id,
                InvitationStatus::Expired,
                inv.created_at,
                EndedBy::default(),
                inv.written_by.as_deref().unwrap_or_default(),
            );
        } else if let Some(org) = t.organizations.get_mut(org_id) {
            org.pending_invitations_count += 1;
        }
        t.slots.insert(
            slot_key,
            SlotHolder {
                invitation_id: inv.id.clone(),
                expires_at: inv.expires_at,
                written_by: inv.written_by.clone(),
            },
        );
        t.invitation_index
            .entry(inv.organization.id.clone())
            .or_default()
            .add(inv);
        let stored = t.index_new_invitation(inv);
        t.feed_invitation(None, Some(stored));
        if let Some(offer) = &inv.domain_offer {
            t.offers.record(
                &offer.user_id,
                crate::domain::membership_request::Offer::Invitation {
                    organization_id: inv.organization.id.clone(),
                    domain_id: offer.domain_id.clone(),
                    invitation_id: inv.id.clone(),
                },
            );
            t.domains.count(org_id, &offer.domain_id, 1, 0);
        }
        t.index_pending(inv);
        if inv.delivery.as_ref().is_some_and(|d| d.is_queued()) {
            t.queue_email(inv);
        }
        t.store_limits(limits);
        t.audit(audit);
        Ok(())
    }

    async fn get_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        Ok(self
            .tables()
            .invitations
            .get(&key(organization_id, id.as_str()))
            .map(super::owned))
    }

    async fn reissue_ticket(
        &self,
        read: &Invitation,
        inv: &Invitation,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        if !t.actor_allowed(org_id, actor) {
            return Err(StoreError::ActorNotAllowed);
        }
        let stored = t
            .invitations
            .get(&key(org_id, inv.id.as_str()))
            .ok_or(StoreError::Contention)?;
        let slot_key = key(org_id, inv.email_address.key());
        if stored.stored_status != InvitationStatus::Pending
            || stored.ticket_hash != read.ticket_hash
            || t.slots.get(&slot_key).map(|h| &h.invitation_id) != Some(&inv.id)
            || !t.limits_unchanged(limits)
        {
            return Err(StoreError::Contention);
        }
        let before = stored.clone();
        if let Some(slot) = t.slots.get_mut(&slot_key) {
            slot.expires_at = inv.expires_at;
        }
        if let Some(index) = t.invitation_index.get_mut(org_id) {
            index.reexpire(inv, before.expires_at);
        }
        t.unindex_pending(&before);
        let mut after = super::owned(&before);
        after.ticket_hash = inv.ticket_hash.clone();
        after.ticket_issued_at = inv.ticket_issued_at;
        after.expires_at = inv.expires_at;
        after.updated_at = inv.updated_at;
        after.written_by = inv.written_by.clone();
        after.remind_at = inv.remind_at;
        after.reminder = None;
        t.index_pending(&after);
        if inv.delivery.as_ref().is_some_and(|d| d.is_queued()) {
            after.delivery = inv.delivery.clone();
            t.queue_email(&after);
        }
        let after = super::Stored::new(after);
        t.invitations
            .insert(key(org_id, inv.id.as_str()), after.clone());
        t.feed_invitation(Some(before), Some(after));
        t.store_limits(limits);
        t.audit(audit);
        Ok(())
    }

    async fn revoke_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError> {
        self.tables()
            .revoke(organization_id, id, now, actor, token, audit)
    }
}
