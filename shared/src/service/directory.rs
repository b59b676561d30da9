//! Users and memberships: the records invitations refer to (organizations are in `organizations.rs`).

use super::{retry_on_contention, NewMembership, NewUser, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::{
    FieldError, Membership, Metadata, Organization, OrganizationId, RoleKey, User, UserEmail,
    UserId,
};
use crate::ids::new_id;
use crate::store::StoreError;

impl Service {
    /// One write round trip.
    #[tracing::instrument(skip_all)]
    pub async fn create_user(&self, input: NewUser) -> Result<User, ServiceError> {
        let now = self.clock.now();
        let user = User {
            id: UserId::new(new_id("user")),
            email_addresses: input
                .email_addresses
                .into_iter()
                .map(|address| UserEmail {
                    id: new_id("idn"),
                    address,
                })
                .collect(),
            first_name: input.first_name,
            last_name: input.last_name,
            image_url: input.image_url,
            public_metadata: input.public_metadata,
            private_metadata: input.private_metadata,
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_user(&user).await {
            Ok(()) => Ok(user),
            Err(StoreError::EmailTaken) => Err(ServiceError::EmailTaken),
            // 160 random bits collided: nothing was written, and a retry gets a new id.
            Err(StoreError::AlreadyExists) => Err(ServiceError::Busy),
            Err(e) => Err(e.into()),
        }
    }

    /// One read round trip.
    pub async fn get_user(&self, user_id: &UserId) -> Result<User, ServiceError> {
        self.store
            .get_user(user_id)
            .await?
            .ok_or(ServiceError::NotFound("user"))
    }

    /// Two concurrent reads (user, organization) and one write round trip.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn create_membership(
        &self,
        org_id: &OrganizationId,
        input: NewMembership,
    ) -> Result<(Membership, Organization), ServiceError> {
        let (user, org) = tokio::join!(
            self.store.get_user(&input.user_id),
            self.store.get_organization(org_id)
        );
        let mut org = org?.ok_or(ServiceError::NotFound("organization"))?;
        let user = user?.ok_or_else(|| {
            ServiceError::from(FieldError::value(
                "user_id",
                "user_id must name an existing user.",
            ))
        })?;
        let now = self.clock.now();
        let membership = membership_for(
            &org,
            &user,
            &input.role,
            input.public_metadata,
            input.private_metadata,
            now,
        );
        let audit = self
            .backend_audit(org_id, AuditAction::MembershipCreated, now)
            .target("user", &membership.user_id)
            .with("role", membership.role.as_str());
        match self.store.insert_membership(&membership, &audit).await {
            Ok(()) => {
                org.members_count += 1;
                Ok((membership, org))
            }
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization")),
            Err(StoreError::AlreadyMember) => Err(ServiceError::AlreadyMember),
            Err(StoreError::QuotaExceeded) => Err(ServiceError::QuotaExceeded),
            Err(e) => Err(e.into()),
        }
    }

    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn list_memberships(
        &self,
        org_id: &OrganizationId,
        limit: u32,
        offset: u32,
    ) -> Result<(Organization, Vec<Membership>), ServiceError> {
        let (org, page) = self.store.list_memberships(org_id, limit, offset).await?;
        Ok((org.ok_or(ServiceError::NotFound("organization"))?, page))
    }

    /// A user's memberships across organizations, newest first: one query of `offset + limit`
    /// (at most `PageRequest::MAX_LIMIT`) plus the organizations' reads. No counter is kept
    /// per user, so the total is what is known: up to this page's end, plus one when more
    /// follow.
    #[tracing::instrument(skip_all, fields(user = %user_id))]
    pub async fn user_memberships(
        &self,
        user_id: &UserId,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<(Membership, Organization)>, u64), ServiceError> {
        let max = crate::domain::PageRequest::MAX_LIMIT;
        if u64::from(offset) + u64::from(limit) > u64::from(max) {
            return Err(crate::domain::FieldError::value(
                "offset",
                format!("offset + limit may be at most {max}."),
            )
            .into());
        }
        let (read, more) = self.store.user_memberships(user_id, offset + limit).await?;
        let page: Vec<_> = read.into_iter().skip(offset as usize).collect();
        let total = u64::from(offset) + page.len() as u64 + u64::from(more);
        Ok((page, total))
    }

    /// Clerk's metadata update: each given object is deep-merged into the membership's (a
    /// `null` value removes its key). One read of the membership (with the organization, for
    /// the answer, alongside) and one conditional write; a concurrent change is read again.
    #[tracing::instrument(skip_all, fields(organization = %org_id, user = %user_id))]
    pub async fn update_membership_metadata(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
        public_patch: serde_json::Value,
        private_patch: serde_json::Value,
    ) -> Result<(Membership, Organization), ServiceError> {
        retry_on_contention(|| async {
            let (read, org) = tokio::join!(
                self.store.get_membership(org_id, user_id),
                self.store.get_organization(org_id)
            );
            let org = org?.ok_or(ServiceError::NotFound("organization"))?;
            let read = read?.ok_or(ServiceError::NotFound("membership"))?;
            let mut errors = Vec::new();
            let mut updated = read.clone();
            match read
                .public_metadata
                .merged("public_metadata", public_patch.clone())
            {
                Ok(m) => updated.public_metadata = m,
                Err(e) => errors.push(e),
            }
            match read
                .private_metadata
                .merged("private_metadata", private_patch.clone())
            {
                Ok(m) => updated.private_metadata = m,
                Err(e) => errors.push(e),
            }
            if !errors.is_empty() {
                return Err(ServiceError::Invalid(errors));
            }
            updated.updated_at = self.clock.now();
            let audit = self
                .backend_audit(
                    org_id,
                    AuditAction::MembershipMetadataUpdated,
                    updated.updated_at,
                )
                .target("user", user_id);
            match self
                .store
                .replace_membership_metadata(&read, &updated, &audit)
                .await
            {
                Ok(()) => Ok((updated, org)),
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("membership")),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// One write round trip, plus one read of the organization for the answer.
    #[tracing::instrument(skip_all, fields(organization = %org_id, user = %user_id))]
    pub async fn update_membership_role(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
    ) -> Result<(Membership, Organization), ServiceError> {
        let now = self.clock.now();
        let audit = self
            .backend_audit(org_id, AuditAction::MembershipRoleUpdated, now)
            .target("user", user_id)
            .with("role", role.as_str());
        let (updated, org) = tokio::join!(
            self.store
                .update_membership_role(org_id, user_id, role, now, &audit),
            self.store.get_organization(org_id)
        );
        let membership = match updated {
            Ok(m) => m,
            Err(StoreError::NotFound) => return Err(ServiceError::NotFound("membership")),
            Err(e) => return Err(e.into()),
        };
        Ok((
            membership,
            org?.ok_or(ServiceError::NotFound("organization"))?,
        ))
    }

    /// One write (retried if it loses a race) and one read of the organization for the answer.
    #[tracing::instrument(skip_all, fields(organization = %org_id, user = %user_id))]
    pub async fn delete_membership(
        &self,
        org_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<(Membership, Organization), ServiceError> {
        let membership = retry_on_contention(|| async {
            let audit = self
                .backend_audit(org_id, AuditAction::MembershipDeleted, self.clock.now())
                .target("user", user_id);
            match self.store.delete_membership(org_id, user_id, &audit).await {
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("membership")),
                other => Ok(other?),
            }
        })
        .await?;
        let org = self
            .store
            .get_organization(org_id)
            .await?
            .ok_or(ServiceError::NotFound("organization"))?;
        Ok((membership, org))
    }
}

pub(super) fn membership_for(
    org: &Organization,
    user: &User,
    role: &RoleKey,
    public_metadata: Metadata,
    private_metadata: Metadata,
    now: crate::clock::Millis,
) -> Membership {
    Membership {
        id: new_id("orgmem"),
        organization_id: org.id.clone(),
        user_id: user.id.clone(),
        role: role.clone(),
        public_metadata,
        private_metadata,
        public_user_data: user.public_data(),
        email_keys: user.address_keys(),
        created_at: now,
        updated_at: now,
    }
}
