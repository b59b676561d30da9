//! Organizations: created, found by id or slug, listed, updated and deleted.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::{Membership, Organization, OrganizationId};

#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// Writes the organization and, when given, its creator's membership, atomically.
    async fn insert_organization(
        &self,
        org: &Organization,
        creator: Option<&Membership>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
    async fn get_organization(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Option<Organization>, StoreError>;
    async fn find_organization_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organization>, StoreError>;

    /// Every organization by creation (newest first unless `ascending`), at most `limit`, and
    /// how many exist.
    async fn list_organizations(
        &self,
        ascending: bool,
        limit: u32,
    ) -> Result<(Vec<Organization>, u64), StoreError>;

    /// Organizations whose slug starts with `prefix`, by slug, at most `limit`.
    async fn organizations_by_slug_prefix(
        &self,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Organization>, StoreError>;

    /// Writes `updated`'s name, slug, maximum and metadata, only if the organization still has
    /// `read`'s; a new slug is claimed and the old one released in the same write. Fails with
    /// `SlugTaken`, `NotFound` or `Contention`.
    async fn update_organization(
        &self,
        read: &Organization,
        updated: &Organization,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// Removes the organization: its pending invitations are revoked (their links die), its
    /// memberships and their address claims deleted, then the organization and its slug claim.
    /// The cost grows with its pending invitations and members, not with its history.
    async fn delete_organization(
        &self,
        org: &Organization,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}
