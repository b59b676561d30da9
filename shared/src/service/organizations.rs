//! Organizations: created with their creator as admin, read by id or slug, listed, updated
//! and deleted.

use super::directory::membership_for;
use super::{retry_on_contention, NewOrganization, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::organization::slugify;
use crate::domain::role::ADMIN;
use crate::domain::{FieldError, Metadata, Organization, OrganizationId, RoleKey};
use crate::ids::{new_id, random_base62};
use crate::store::StoreError;

impl Service {
    /// One read (the creator, when named) and one write round trip.
    #[tracing::instrument(skip_all)]
    pub async fn create_organization(
        &self,
        input: NewOrganization,
    ) -> Result<Organization, ServiceError> {
        let creator = match &input.created_by {
            Some(user_id) => Some(self.store.get_user(user_id).await?.ok_or_else(|| {
                ServiceError::from(FieldError::value(
                    "created_by",
                    "created_by must name an existing user.",
                ))
            })?),
            None => None,
        };
        let now = self.clock.now();
        let mut slug = input.slug.clone().unwrap_or_else(|| slugify(&input.name));
        if slug.is_empty() {
            slug = format!("org-{}", random_base62(8).to_lowercase());
        }
        let org = Organization {
            id: OrganizationId::new(new_id("org")),
            name: input.name,
            slug,
            max_allowed_memberships: input
                .max_allowed_memberships
                .unwrap_or(self.policy.default_max_allowed_memberships),
            members_count: u32::from(creator.is_some()),
            pending_invitations_count: 0,
            settled_invitations: Default::default(),
            created_by: input.created_by,
            public_metadata: input.public_metadata,
            private_metadata: input.private_metadata,
            created_at: now,
            updated_at: now,
        };
        let membership = creator.map(|user| {
            membership_for(
                &org,
                &user,
                &RoleKey::from(ADMIN),
                Metadata::default(),
                Metadata::default(),
                now,
            )
        });
        let audit = self
            .audit_by(
                &org.id,
                AuditAction::OrganizationCreated,
                &super::Actor::Backend,
                org.created_by.as_ref(),
                now,
            )
            .target("organization", &org.id)
            .with("slug", org.slug.as_str());
        match self
            .store
            .insert_organization(&org, membership.as_ref(), &audit)
            .await
        {
            Ok(()) => Ok(org),
            Err(StoreError::SlugTaken) => Err(ServiceError::SlugTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// One read round trip by id; two by slug (the slug claim, then the organization).
    pub async fn get_organization(&self, id_or_slug: &str) -> Result<Organization, ServiceError> {
        let found = if id_or_slug.starts_with("org_") {
            self.store
                .get_organization(&OrganizationId::from(id_or_slug))
                .await?
        } else {
            self.store.find_organization_by_slug(id_or_slug).await?
        };
        found.ok_or(ServiceError::NotFound("organization"))
    }

    /// Clerk's organization update: each given field replaces the stored one; a new slug is
    /// claimed (`form_identifier_exists` when taken). One read and one conditional write; a
    /// concurrent change is read again.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn update_organization(
        &self,
        org_id: &OrganizationId,
        patch: &super::OrganizationPatch,
    ) -> Result<Organization, ServiceError> {
        retry_on_contention(|| async {
            let read = self
                .store
                .get_organization(org_id)
                .await?
                .ok_or(ServiceError::NotFound("organization"))?;
            let mut updated = read.clone();
            if let Some(name) = &patch.name {
                updated.name = name.clone();
            }
            if let Some(slug) = &patch.slug {
                updated.slug = slug.clone();
            }
            if let Some(max) = patch.max_allowed_memberships {
                updated.max_allowed_memberships = max;
            }
            if let Some(m) = &patch.public_metadata {
                updated.public_metadata = m.clone();
            }
            if let Some(m) = &patch.private_metadata {
                updated.private_metadata = m.clone();
            }
            updated.updated_at = self.clock.now();
            let changed: Vec<&str> = [
                ("name", patch.name.is_some()),
                ("slug", patch.slug.is_some()),
                (
                    "max_allowed_memberships",
                    patch.max_allowed_memberships.is_some(),
                ),
                ("public_metadata", patch.public_metadata.is_some()),
                ("private_metadata", patch.private_metadata.is_some()),
            ]
            .into_iter()
            .filter_map(|(field, given)| given.then_some(field))
            .collect();
            let audit = self
                .backend_audit(org_id, AuditAction::OrganizationUpdated, updated.updated_at)
                .target("organization", org_id)
                .with("fields", changed);
            match self
                .store
                .update_organization(&read, &updated, &audit)
                .await
            {
                Ok(()) => Ok(updated),
                Err(StoreError::SlugTaken) => Err(ServiceError::SlugTaken),
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization")),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// Clerk's organization deletion. Its pending invitations are revoked first, so every link
    /// to it dies, then its memberships and the organization go (`delete_organization` in the
    /// store says what that costs).
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn delete_organization(
        &self,
        org_id: &OrganizationId,
    ) -> Result<Organization, ServiceError> {
        let org = self
            .store
            .get_organization(org_id)
            .await?
            .ok_or(ServiceError::NotFound("organization"))?;
        let now = self.clock.now();
        let audit = self
            .backend_audit(org_id, AuditAction::OrganizationDeleted, now)
            .target("organization", org_id)
            .with("slug", org.slug.as_str())
            .with("members_count", org.members_count)
            .with("pending_invitations_count", org.pending_invitations_count);
        match self.store.delete_organization(&org, now, &audit).await {
            Ok(()) => Ok(org),
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization")),
            Err(e) => Err(e.into()),
        }
    }

    /// Clerk's organization list. Without filters: one page of the index of all organizations,
    /// `total_count` from the count kept beside it. With `query`: the organization with that
    /// id and those whose slug starts with it. With `user_id`s: their memberships' organizations.
    /// Each reads at most `offset + limit` (≤ 500); filtered totals are what is known, as for a
    /// person's lists.
    #[tracing::instrument(skip_all)]
    pub async fn list_organizations(
        &self,
        q: &super::OrganizationListQuery,
    ) -> Result<(Vec<Organization>, u64), ServiceError> {
        let depth = q.offset + q.limit;
        let filtered = q.query.is_some() || !q.user_ids.is_empty();
        if !filtered {
            let (read, total) = self.store.list_organizations(q.ascending, depth).await?;
            return Ok((read.into_iter().skip(q.offset as usize).collect(), total));
        }
        let from_query = match &q.query {
            None => None,
            Some(query) => {
                let id = OrganizationId::from(query.as_str());
                let prefix = query.to_ascii_lowercase();
                let (by_id, by_slug) = tokio::join!(
                    self.store.get_organization(&id),
                    self.store.organizations_by_slug_prefix(&prefix, depth + 1)
                );
                let mut orgs = by_slug?;
                orgs.extend(by_id?);
                Some(orgs)
            }
        };
        let mut from_users = None;
        for user in &q.user_ids {
            let (memberships, _) = self.store.user_memberships(user, depth + 1).await?;
            from_users
                .get_or_insert_with(Vec::new)
                .extend(memberships.into_iter().map(|(_, org)| org));
        }
        let mut found = match (from_query, from_users) {
            // Both: organizations matching the query that one of the users belongs to.
            (Some(matching), Some(theirs)) => matching
                .into_iter()
                .filter(|o| theirs.iter().any(|t| t.id == o.id))
                .collect(),
            (Some(orgs), None) | (None, Some(orgs)) => orgs,
            (None, None) => Vec::new(),
        };
        found.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        found.dedup_by(|a, b| a.id == b.id);
        if !q.ascending {
            found.reverse();
        }
        let more = found.len() > depth as usize;
        let page: Vec<Organization> = found
            .into_iter()
            .skip(q.offset as usize)
            .take(q.limit as usize)
            .collect();
        let total = u64::from(q.offset) + page.len() as u64 + u64::from(more);
        Ok((page, total))
    }
}
