//! Memberships in memory: each write checks what its DynamoDB transaction's conditions check.

use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::{Membership, Organization, OrganizationId, RoleKey, UserId};
use crate::store::{MembershipStore, StoreError};

impl super::Tables {
    /// A new member takes a seat, as DynamoDB's transaction does: the organization must exist
    /// (`NotFound`), the user and their addresses must not be members (`AlreadyMember`), and a
    /// seat must be free (`QuotaExceeded`). Shared by a direct add and an accepted request.
    pub(super) fn admit_member(&mut self, m: &Membership) -> Result<(), StoreError> {
        let org = self
            .organizations
            .get(&m.organization_id)
            .ok_or(StoreError::NotFound)?;
        if self
            .memberships
            .contains_key(&key(&m.organization_id, &m.user_id))
            || m.email_keys
                .iter()
                .any(|a| self.member_addresses.contains(&key(&m.organization_id, a)))
        {
            return Err(StoreError::AlreadyMember);
        }
        if !org.has_free_seat() {
            return Err(StoreError::QuotaExceeded);
        }
        for addr in &m.email_keys {
            self.member_addresses.insert(key(&m.organization_id, addr));
        }
        self.add_membership(m);
        if let Some(org) = self.organizations.get_mut(&m.organization_id) {
            org.members_count += 1;
        }
        Ok(())
    }
}

#[async_trait]
impl MembershipStore for MemoryStore {
    async fn insert_membership(
        &self,
        m: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        t.admit_member(m)?;
        t.audit(audit);
        Ok(())
    }

    async fn get_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<Option<Membership>, StoreError> {
        Ok(self
            .tables()
            .memberships
            .get(&key(organization_id, user_id))
            .cloned())
    }

    async fn list_memberships(
        &self,
        organization_id: &OrganizationId,
        limit: u32,
        offset: u32,
    ) -> Result<(Option<Organization>, Vec<Membership>), StoreError> {
        let t = self.tables();
        let page = t
            .memberships_by_org
            .get(organization_id)
            .map(|index| {
                index
                    .values()
                    .rev()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .filter_map(|user| t.memberships.get(&key(organization_id, user)).cloned())
                    .collect()
            })
            .unwrap_or_default();
        Ok((t.organizations.get(organization_id).cloned(), page))
    }

    async fn user_memberships(
        &self,
        user_id: &UserId,
        limit: u32,
    ) -> Result<(Vec<(Membership, Organization)>, bool), StoreError> {
        let t = self.tables();
        let Some(index) = t.memberships_by_user.get(user_id) else {
            return Ok((Vec::new(), false));
        };
        let mut newest = index.values().rev();
        let page = newest
            .by_ref()
            .take(limit as usize)
            .filter_map(|org_id| {
                let m = t.memberships.get(&key(org_id, user_id))?;
                let org = t.organizations.get(org_id)?;
                Some((m.clone(), org.clone()))
            })
            .collect();
        Ok((page, newest.next().is_some()))
    }

    async fn replace_membership_metadata(
        &self,
        read: &Membership,
        updated: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let m = t
            .memberships
            .get_mut(&key(&read.organization_id, &read.user_id))
            .ok_or(StoreError::NotFound)?;
        if m.public_metadata != read.public_metadata || m.private_metadata != read.private_metadata
        {
            return Err(StoreError::Contention);
        }
        let before = m.clone();
        m.public_metadata = updated.public_metadata.clone();
        m.private_metadata = updated.private_metadata.clone();
        m.updated_at = updated.updated_at;
        let after = m.clone();
        t.feed_membership(Some(before), Some(after));
        t.audit(audit);
        Ok(())
    }

    async fn update_membership_role(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError> {
        let mut t = self.tables();
        let m = t
            .memberships
            .get_mut(&key(organization_id, user_id))
            .ok_or(StoreError::NotFound)?;
        let before = m.clone();
        m.role = role.clone();
        m.updated_at = now;
        let after = m.clone();
        t.feed_membership(Some(before), Some(after.clone()));
        t.audit(audit);
        Ok(after)
    }

    async fn delete_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError> {
        let mut t = self.tables();
        let m = t
            .remove_membership(organization_id, user_id)
            .ok_or(StoreError::NotFound)?;
        for addr in &m.email_keys {
            t.member_addresses.remove(&key(organization_id, addr));
        }
        if let Some(org) = t.organizations.get_mut(organization_id) {
            org.members_count = org.members_count.saturating_sub(1);
        }
        t.audit(audit);
        Ok(m)
    }
}
