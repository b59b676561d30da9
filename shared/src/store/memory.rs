//! The embedded default: every record in process memory behind one mutex, so each operation is
//! as atomic as its DynamoDB transaction. Nothing survives a restart.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::{
    AcceptanceStore, ActorRequirement, InvitationContext, InvitationStore, MembershipStore,
    OrganizationStore, SlotHolder, StoreError, TicketContext, UserStore,
};
use crate::clock::Millis;
use crate::domain::listing::{sort_key, PageStart};
use crate::domain::{
    Invitation, InvitationId, InvitationQuery, InvitationStatus, Membership, Organization, Page,
    User,
};

type OrgKey = (String, String);

#[derive(Default)]
struct Tables {
    users: HashMap<String, User>,
    email_owners: HashMap<String, String>,
    organizations: HashMap<String, Organization>,
    slugs: HashMap<String, String>,
    memberships: HashMap<OrgKey, Membership>,
    member_addresses: HashSet<OrgKey>,
    invitations: HashMap<OrgKey, Invitation>,
    slots: HashMap<OrgKey, SlotHolder>,
}

impl Tables {
    fn actor_allowed(&self, org: &str, actor: Option<&ActorRequirement>) -> bool {
        actor.is_none_or(|a| {
            self.memberships
                .get(&(org.to_string(), a.user_id.clone()))
                .is_some_and(|m| a.roles.contains(&m.role))
        })
    }
}

#[derive(Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        // No operation panics while holding the lock, and every operation checks before it
        // writes, so a poisoned lock still guards consistent data.
        self.tables
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn key(a: &str, b: &str) -> OrgKey {
    (a.to_string(), b.to_string())
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let mut t = self.tables();
        if user
            .email_addresses
            .iter()
            .any(|e| t.email_owners.contains_key(e.address.key()))
        {
            return Err(StoreError::EmailTaken);
        }
        if t.users.contains_key(&user.id) {
            return Err(StoreError::Contention);
        }
        for e in &user.email_addresses {
            t.email_owners
                .insert(e.address.key().to_string(), user.id.clone());
        }
        t.users.insert(user.id.clone(), user.clone());
        Ok(())
    }

    async fn get_user(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.get(user_id).cloned())
    }
}

#[async_trait]
impl OrganizationStore for MemoryStore {
    async fn insert_organization(
        &self,
        org: &Organization,
        creator: Option<&Membership>,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.slugs.contains_key(&org.slug) {
            return Err(StoreError::SlugTaken);
        }
        if t.organizations.contains_key(&org.id) {
            return Err(StoreError::Contention);
        }
        t.slugs.insert(org.slug.clone(), org.id.clone());
        t.organizations.insert(org.id.clone(), org.clone());
        if let Some(m) = creator {
            for addr in &m.email_keys {
                t.member_addresses.insert(key(&org.id, addr));
            }
            t.memberships.insert(key(&org.id, &m.user_id), m.clone());
        }
        Ok(())
    }

    async fn get_organization(
        &self,
        organization_id: &str,
    ) -> Result<Option<Organization>, StoreError> {
        Ok(self.tables().organizations.get(organization_id).cloned())
    }

    async fn find_organization_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organization>, StoreError> {
        let t = self.tables();
        Ok(t.slugs
            .get(slug)
            .and_then(|id| t.organizations.get(id))
            .cloned())
    }
}

#[async_trait]
impl MembershipStore for MemoryStore {
    async fn insert_membership(&self, m: &Membership) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org = t
            .organizations
            .get(&m.organization_id)
            .ok_or(StoreError::NotFound)?;
        if t.memberships
            .contains_key(&key(&m.organization_id, &m.user_id))
            || m.email_keys
                .iter()
                .any(|a| t.member_addresses.contains(&key(&m.organization_id, a)))
        {
            return Err(StoreError::AlreadyMember);
        }
        if !org.has_free_seat() {
            return Err(StoreError::QuotaExceeded);
        }
        for addr in &m.email_keys {
            t.member_addresses.insert(key(&m.organization_id, addr));
        }
        t.memberships
            .insert(key(&m.organization_id, &m.user_id), m.clone());
        if let Some(org) = t.organizations.get_mut(&m.organization_id) {
            org.members_count += 1;
        }
        Ok(())
    }

    async fn get_membership(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Option<Membership>, StoreError> {
        Ok(self
            .tables()
            .memberships
            .get(&key(organization_id, user_id))
            .cloned())
    }

    async fn list_memberships(
        &self,
        organization_id: &str,
        limit: u32,
        offset: u32,
    ) -> Result<(Option<Organization>, Vec<Membership>), StoreError> {
        let t = self.tables();
        let mut all: Vec<&Membership> = t
            .memberships
            .values()
            .filter(|m| m.organization_id == organization_id)
            .collect();
        all.sort_by(|a, b| (b.created_at, &b.user_id).cmp(&(a.created_at, &a.user_id)));
        let page = all
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .cloned()
            .collect();
        Ok((t.organizations.get(organization_id).cloned(), page))
    }

    async fn update_membership_role(
        &self,
        organization_id: &str,
        user_id: &str,
        role: &str,
        now: Millis,
    ) -> Result<Membership, StoreError> {
        let mut t = self.tables();
        let m = t
            .memberships
            .get_mut(&key(organization_id, user_id))
            .ok_or(StoreError::NotFound)?;
        m.role = role.to_string();
        m.updated_at = now;
        Ok(m.clone())
    }

    async fn delete_membership(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Membership, StoreError> {
        let mut t = self.tables();
        let m = t
            .memberships
            .remove(&key(organization_id, user_id))
            .ok_or(StoreError::NotFound)?;
        for addr in &m.email_keys {
            t.member_addresses.remove(&key(organization_id, addr));
        }
        if let Some(org) = t.organizations.get_mut(organization_id) {
            org.members_count = org.members_count.saturating_sub(1);
        }
        Ok(m)
    }
}

#[async_trait]
impl InvitationStore for MemoryStore {
    async fn invitation_context(
        &self,
        organization_id: &str,
        email_key: &str,
        actor_user_id: Option<&str>,
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
        })
    }

    async fn insert_invitation(
        &self,
        inv: &Invitation,
        replacing: Option<&SlotHolder>,
        actor: Option<&ActorRequirement>,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = inv.organization.id.as_str();
        let org = t.organizations.get(org_id).ok_or(StoreError::NotFound)?;
        if !t.actor_allowed(org_id, actor) {
            return Err(StoreError::ActorNotAllowed);
        }
        let slot_key = key(org_id, inv.email_address.key());
        if t.slots.get(&slot_key) != replacing {
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
            if let Some(prev) = t
                .invitations
                .get_mut(&key(org_id, old.invitation_id.as_str()))
            {
                prev.stored_status = InvitationStatus::Expired;
                prev.updated_at = inv.created_at;
            }
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
        t.invitations
            .insert(key(org_id, inv.id.as_str()), inv.clone());
        Ok(())
    }

    async fn get_invitation(
        &self,
        organization_id: &str,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        Ok(self
            .tables()
            .invitations
            .get(&key(organization_id, id.as_str()))
            .cloned())
    }

    async fn list_invitations(
        &self,
        organization_id: &str,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError> {
        let t = self.tables();
        let mut matching: Vec<(String, &Invitation)> = t
            .invitations
            .values()
            .filter(|inv| inv.organization.id == organization_id && query.matches(inv, now))
            .map(|inv| (sort_key(query.order, inv), inv))
            .collect();
        matching.sort_by(|a, b| a.0.cmp(&b.0));
        if !query.order.ascending() {
            matching.reverse();
        }
        let total_count = matching.len() as u64;
        let after: Vec<&(String, &Invitation)> = match &query.page.start {
            PageStart::Offset(n) => matching.iter().skip(*n as usize).collect(),
            PageStart::After(cursor) => matching
                .iter()
                .filter(|(k, _)| {
                    if query.order.ascending() {
                        *k > cursor.sort_key
                    } else {
                        *k < cursor.sort_key
                    }
                })
                .collect(),
        };
        let limit = query.page.limit as usize;
        let has_more = after.len() > limit;
        let page: Vec<&(String, &Invitation)> = after.into_iter().take(limit).collect();
        let next_cursor = has_more.then(|| {
            page.last().map(|(k, _)| {
                crate::domain::listing::Cursor {
                    order: query.order,
                    sort_key: k.clone(),
                }
                .encode()
            })
        });
        Ok(Page {
            data: page.into_iter().map(|(_, inv)| (*inv).clone()).collect(),
            total_count,
            next_cursor: next_cursor.flatten(),
        })
    }

    async fn record_delivery(
        &self,
        organization_id: &str,
        id: &InvitationId,
        delivery: &crate::domain::Delivery,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let inv = t
            .invitations
            .get_mut(&key(organization_id, id.as_str()))
            .ok_or(StoreError::NotFound)?;
        inv.delivery = Some(delivery.clone());
        Ok(())
    }

    async fn reissue_ticket(
        &self,
        inv: &Invitation,
        new_ticket_hash: &str,
        new_expires_at: Millis,
        now: Millis,
        actor: Option<&ActorRequirement>,
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
        {
            return Err(StoreError::Contention);
        }
        if let Some(slot) = t.slots.get_mut(&slot_key) {
            slot.expires_at = new_expires_at;
        }
        if let Some(stored) = t.invitations.get_mut(&key(org_id, inv.id.as_str())) {
            stored.ticket_hash = Some(new_ticket_hash.to_string());
            stored.expires_at = new_expires_at;
            stored.updated_at = now;
        }
        Ok(())
    }

    async fn revoke_invitation(
        &self,
        organization_id: &str,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
    ) -> Result<Invitation, StoreError> {
        let mut t = self.tables();
        let inv = t
            .invitations
            .get(&key(organization_id, id.as_str()))
            .ok_or(StoreError::NotFound)?;
        if inv.stored_status != InvitationStatus::Pending {
            return Err(StoreError::InvitationNotPending(Box::new(inv.clone())));
        }
        if !t.actor_allowed(organization_id, actor) {
            return Err(StoreError::ActorNotAllowed);
        }
        let slot_key = key(organization_id, inv.email_address.key());
        t.slots.remove(&slot_key);
        if let Some(org) = t.organizations.get_mut(organization_id) {
            org.pending_invitations_count = org.pending_invitations_count.saturating_sub(1);
        }
        let inv = t
            .invitations
            .get_mut(&key(organization_id, id.as_str()))
            .ok_or(StoreError::NotFound)?;
        inv.stored_status = InvitationStatus::Revoked;
        inv.updated_at = now;
        Ok(inv.clone())
    }
}

#[async_trait]
impl AcceptanceStore for MemoryStore {
    async fn ticket_context(
        &self,
        organization_id: &str,
        id: &InvitationId,
        email_key: &str,
        session_user_id: Option<&str>,
    ) -> Result<TicketContext, StoreError> {
        let t = self.tables();
        Ok(TicketContext {
            invitation: t
                .invitations
                .get(&key(organization_id, id.as_str()))
                .cloned(),
            address_owner: t.email_owners.get(email_key).cloned(),
            session_user: session_user_id.and_then(|u| t.users.get(u).cloned()),
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
        t.memberships.insert(key(org_id, &m.user_id), m.clone());
        if let Some(org) = t.organizations.get_mut(org_id) {
            org.members_count += 1;
            org.pending_invitations_count = org.pending_invitations_count.saturating_sub(1);
        }
        if let Some(stored) = t.invitations.get_mut(&key(org_id, inv.id.as_str())) {
            stored.stored_status = InvitationStatus::Accepted;
            stored.updated_at = now;
        }
        Ok(())
    }

    async fn invitations_for_addresses(
        &self,
        email_keys: &[String],
    ) -> Result<Vec<Invitation>, StoreError> {
        let t = self.tables();
        let mut found: Vec<Invitation> = t
            .invitations
            .values()
            .filter(|inv| email_keys.iter().any(|k| k == inv.email_address.key()))
            .cloned()
            .collect();
        found.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(found)
    }
}
