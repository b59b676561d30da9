//! Following a link and accepting, in memory.

use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::limits::LimitKey;
use crate::domain::person_list::AddressRead;
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
                .cloned(),
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
            Some(&m.user_id),
        );
        Ok(())
    }

    async fn decline_invitation(
        &self,
        inv: &Invitation,
        now: Millis,
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
        t.settle_invitation(org_id, &inv.id, InvitationStatus::Declined, now, None)
            .ok_or(StoreError::NotFound)
    }

    async fn invitations_to_address(
        &self,
        email_key: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError> {
        let t = self.tables();
        Ok(t.newest(t.by_address.get(email_key), before, limit))
    }

    async fn invitations_in_shard(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError> {
        let t = self.tables();
        Ok(t.newest(t.by_shard.get(&shard), before, limit))
    }

    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        let t = self.tables();
        Ok(t.invitation_orgs
            .get(id)
            .and_then(|org| t.invitations.get(&key(org, id.as_str())))
            .cloned())
    }
}

impl super::Tables {
    /// The newest invitations of a by-creation `index` (GSI3's and GSI6's twins), below
    /// `before` when given, at most `limit`.
    fn newest(
        &self,
        index: Option<&std::collections::BTreeMap<String, super::OrgKey>>,
        before: Option<&str>,
        limit: u32,
    ) -> AddressRead {
        let Some(index) = index else {
            return AddressRead {
                items: Vec::new(),
                exhausted: true,
            };
        };
        let newer_than_cursor = match before {
            Some(b) => index.range(..b.to_string()),
            None => index.range::<String, _>(..),
        };
        let mut found = newer_than_cursor.rev().map(|(_, k)| k);
        let items: Vec<Invitation> = found
            .by_ref()
            .take(limit as usize)
            .filter_map(|k| self.invitations.get(k).cloned())
            .collect();
        AddressRead {
            items,
            exhausted: found.next().is_none(),
        }
    }
}
