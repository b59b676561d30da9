//! Users and memberships: who exists, who belongs where, with which role.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::{Membership, Organization, OrganizationId, RoleKey, User, UserId};

#[async_trait]
pub trait UserStore: Send + Sync {
    /// Fails with `AlreadyExists` if the id is taken, else `EmailTaken` if any of the user's
    /// addresses belongs to another user.
    async fn insert_user(&self, user: &User) -> Result<(), StoreError>;
    async fn get_user(&self, user_id: &UserId) -> Result<Option<User>, StoreError>;
}

#[async_trait]
pub trait MembershipStore: Send + Sync {
    /// Fails with `NotFound` (no organization), `AlreadyMember` or `QuotaExceeded`.
    async fn insert_membership(
        &self,
        membership: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    async fn get_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<Option<Membership>, StoreError>;
    /// Newest first, with the organization (`None` if it does not exist), whose
    /// `members_count` is the total.
    async fn list_memberships(
        &self,
        organization_id: &OrganizationId,
        limit: u32,
        offset: u32,
    ) -> Result<(Option<Organization>, Vec<Membership>), StoreError>;
    /// A user's memberships in any organization, newest first: at most `limit`, each with its
    /// organization, and whether more follow.
    async fn user_memberships(
        &self,
        user_id: &UserId,
        limit: u32,
    ) -> Result<(Vec<(Membership, Organization)>, bool), StoreError>;

    /// Replaces the membership's metadata with `updated`'s, only if it still has `read`'s
    /// (as read just before); else `Contention`. `NotFound` when it no longer exists.
    async fn replace_membership_metadata(
        &self,
        read: &Membership,
        updated: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    async fn update_membership_role(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError>;
    async fn delete_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError>;
}
