//! Lists of invitations: an organization's (by status, address and order), one address's
//! across organizations, and one partition of the instance's; each reads one page of an index
//! built for its question.

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::listing::Source;
use crate::domain::person_list::{AddressRead, InvitationRef, KeyedRead};
use crate::domain::{Invitation, InvitationQuery, OrganizationId, Page};

#[async_trait]
pub trait ListingStore: Send + Sync {
    async fn list_invitations(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError>;

    /// Invitations to one address in any organization, newest first, created before `before`
    /// (a created sort key, `domain::listing::created_sort_key`), at most `limit` of them.
    async fn invitations_to_address(
        &self,
        email_key: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError>;

    /// One partition of the instance's invitations (`domain::listing::instance_shard`),
    /// newest first, created before `before`, at most `limit`: their created keys and names.
    async fn instance_entries(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> Result<KeyedRead<InvitationRef>, StoreError>;

    /// One partition of the instance's invitations in one part of a status-bound list (a
    /// stored status; or the pending ones past their expiry), newest first, created before
    /// `before`, at most `limit`: their created keys and names, not the invitations.
    async fn instance_status_entries(
        &self,
        source: Source,
        shard: u32,
        before: Option<&str>,
        limit: u32,
        now: Millis,
    ) -> Result<KeyedRead<InvitationRef>, StoreError>;

    /// The invitations named (a page's, at most 101), whole, in any order; one gone since is
    /// left out.
    async fn invitations_named(
        &self,
        names: &[InvitationRef],
    ) -> Result<Vec<Invitation>, StoreError>;
}
