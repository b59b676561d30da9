//! Users and organizations in memory (memberships: `memberships.rs`).

use super::index::EndedBy;
use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::{Membership, Organization, OrganizationId, User, UserId};
use crate::store::{OrganizationStore, StoreError, UserStore};

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

    async fn get_user(&self, user_id: &UserId) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.get(user_id).cloned())
    }
}

#[async_trait]
impl OrganizationStore for MemoryStore {
    async fn insert_organization(
        &self,
        org: &Organization,
        creator: Option<&Membership>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.slugs.contains_key(&org.slug) {
            return Err(StoreError::SlugTaken);
        }
        if t.organizations.contains_key(&org.id) {
            return Err(StoreError::Contention);
        }
        t.slugs.insert(org.slug.clone(), org.id.clone());
        t.organizations_by_created
            .insert(organization_created_key(org), org.id.clone());
        t.organizations.insert(org.id.clone(), org.clone());
        if let Some(m) = creator {
            for addr in &m.email_keys {
                t.member_addresses.insert(key(&org.id, addr));
            }
            t.add_membership(m);
        }
        t.audit(audit);
        Ok(())
    }

    async fn get_organization(
        &self,
        organization_id: &OrganizationId,
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

    async fn list_organizations(
        &self,
        ascending: bool,
        limit: u32,
    ) -> Result<(Vec<Organization>, u64), StoreError> {
        let t = self.tables();
        let ids: Box<dyn Iterator<Item = &OrganizationId>> = if ascending {
            Box::new(t.organizations_by_created.values())
        } else {
            Box::new(t.organizations_by_created.values().rev())
        };
        let page = ids
            .take(limit as usize)
            .filter_map(|id| t.organizations.get(id).cloned())
            .collect();
        Ok((page, t.organizations.len() as u64))
    }

    async fn organizations_by_slug_prefix(
        &self,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Organization>, StoreError> {
        let t = self.tables();
        Ok(t.slugs
            .range(prefix.to_string()..)
            .take_while(|(slug, _)| slug.starts_with(prefix))
            .take(limit as usize)
            .filter_map(|(_, id)| t.organizations.get(id).cloned())
            .collect())
    }

    async fn update_organization(
        &self,
        read: &Organization,
        updated: &Organization,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let current = t.organizations.get(&read.id).ok_or(StoreError::NotFound)?;
        let unchanged = current.name == read.name
            && current.slug == read.slug
            && current.max_allowed_memberships == read.max_allowed_memberships
            && current.public_metadata == read.public_metadata
            && current.private_metadata == read.private_metadata;
        if !unchanged {
            return Err(StoreError::Contention);
        }
        if updated.slug != read.slug {
            if t.slugs.contains_key(&updated.slug) {
                return Err(StoreError::SlugTaken);
            }
            t.slugs.remove(&read.slug);
            t.slugs.insert(updated.slug.clone(), read.id.clone());
        }
        if let Some(org) = t.organizations.get_mut(&read.id) {
            org.name = updated.name.clone();
            org.slug = updated.slug.clone();
            org.max_allowed_memberships = updated.max_allowed_memberships;
            org.public_metadata = updated.public_metadata.clone();
            org.private_metadata = updated.private_metadata.clone();
            org.updated_at = updated.updated_at;
        }
        t.audit(audit);
        Ok(())
    }

    async fn delete_organization(
        &self,
        org: &Organization,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if !t.organizations.contains_key(&org.id) {
            return Err(StoreError::NotFound);
        }
        let pending: Vec<_> = t
            .invitation_index
            .get(org.id.as_str())
            .and_then(|index| {
                index
                    .by_status
                    .get(&crate::domain::InvitationStatus::Pending)
            })
            .map(|pending| pending.values().cloned().collect())
            .unwrap_or_default();
        for id in pending {
            if let Some(inv) = t.settle_invitation(
                &org.id,
                &id,
                crate::domain::InvitationStatus::Revoked,
                now,
                EndedBy::default(),
                "organization deleted",
            ) {
                t.slots.remove(&key(&org.id, inv.email_address.key()));
            }
        }
        let members: Vec<UserId> = t
            .memberships_by_org
            .get(&org.id)
            .map(|index| index.values().cloned().collect())
            .unwrap_or_default();
        for user_id in members {
            if let Some(m) = t.remove_membership(&org.id, &user_id) {
                for addr in &m.email_keys {
                    t.member_addresses.remove(&key(&org.id, addr));
                }
            }
        }
        t.slugs.remove(&org.slug);
        t.organizations_by_created
            .remove(&organization_created_key(org));
        t.organizations.remove(&org.id);
        t.audit(audit);
        Ok(())
    }
}

fn organization_created_key(o: &Organization) -> String {
    format!(
        "{}#{}",
        crate::domain::listing::time_key(o.created_at),
        o.id
    )
}
