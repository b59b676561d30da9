//! Invitations in memory: the same checks, in the same order, as the DynamoDB transactions.

use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitWrite};
use crate::domain::{Delivery, Invitation, InvitationId, InvitationStatus, OrganizationId, UserId};
use crate::store::{ActorRequirement, InvitationContext, InvitationStore, SlotHolder, StoreError};

#[async_trait]
impl InvitationStore for MemoryStore {
    async fn invitation_context(
        &self,
        organization_id: &OrganizationId,
        email_key: &str,
        actor_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
    ) -> Result<InvitationContext, StoreError> {
        let t = self.tables();
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
        })
    }

    async fn insert_invitation(
        &self,
        inv: &Invitation,
        replacing: Option<&SlotHolder>,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        let org = t.organizations.get(org_id).ok_or(StoreError::NotFound)?;
        if !t.actor_allowed(org_id, actor) {
            return Err(StoreError::ActorNotAllowed);
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
                None,
            );
        } else if let Some(org) = t.organizations.get_mut(org_id) {
            org.pending_invitations_count += 1;
        }
        t.slots.insert(
            slot_key,
            SlotHolder {
                invitation_id: inv.id.clone(),
                expires_at: inv.expires_at,
            },
        );
        t.invitation_index
            .entry(inv.organization.id.clone())
            .or_default()
            .add(inv);
        t.address_counts
            .entry(key(org_id, inv.email_address.key()))
            .or_default()
            .created += 1;
        t.invitations
            .insert(key(org_id, inv.id.as_str()), inv.clone());
        t.feed_invitation(None, Some(inv.clone()));
        t.by_address
            .entry(inv.email_address.key().to_string())
            .or_default()
            .insert(
                crate::domain::listing::created_sort_key(inv),
                key(org_id, inv.id.as_str()),
            );
        t.invitation_orgs
            .insert(inv.id.clone(), inv.organization.id.clone());
        t.due_add(inv);
        t.by_shard
            .entry(crate::domain::listing::instance_shard(&inv.id))
            .or_default()
            .insert(
                crate::domain::listing::created_sort_key(inv),
                key(org_id, inv.id.as_str()),
            );
        t.store_limits(limits);
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
            .cloned())
    }

    async fn record_delivery(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        delivery: &Delivery,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let inv = t
            .invitations
            .get_mut(&key(organization_id, id.as_str()))
            .ok_or(StoreError::NotFound)?;
        let before = inv.clone();
        inv.delivery = Some(delivery.clone());
        let after = inv.clone();
        // As GSI8: only the latest message names the invitation.
        if let Some(old) = before.delivery.as_ref().and_then(|d| d.message_id.as_ref()) {
            t.messages.remove(old);
        }
        if let Some(message_id) = &delivery.message_id {
            t.messages
                .insert(message_id.clone(), key(organization_id, id.as_str()));
        }
        t.feed_invitation(Some(before), Some(after));
        Ok(())
    }

    async fn reissue_ticket(
        &self,
        inv: &Invitation,
        new_ticket_hash: &str,
        new_expires_at: Millis,
        now: Millis,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
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
            || stored.ticket_hash != inv.ticket_hash
            || t.slots.get(&slot_key).map(|h| &h.invitation_id) != Some(&inv.id)
            || !t.limits_unchanged(limits)
        {
            return Err(StoreError::Contention);
        }
        let old_expires_at = stored.expires_at;
        if let Some(slot) = t.slots.get_mut(&slot_key) {
            slot.expires_at = new_expires_at;
        }
        if let Some(index) = t.invitation_index.get_mut(org_id) {
            index.reexpire(&inv.id, old_expires_at, new_expires_at);
        }
        let mut moved = inv.clone();
        moved.expires_at = old_expires_at;
        t.due_remove(&moved);
        moved.expires_at = new_expires_at;
        t.due_add(&moved);
        if let Some(stored) = t.invitations.get_mut(&key(org_id, inv.id.as_str())) {
            let before = stored.clone();
            stored.ticket_hash = Some(new_ticket_hash.to_string());
            stored.expires_at = new_expires_at;
            stored.updated_at = now;
            let after = stored.clone();
            t.feed_invitation(Some(before), Some(after));
        }
        t.store_limits(limits);
        Ok(())
    }

    async fn revoke_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
    ) -> Result<Invitation, StoreError> {
        self.tables().revoke(organization_id, id, now, actor)
    }
}
