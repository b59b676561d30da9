//! Lists of invitations: an organization's (by status, address and order), one address's
//! across organizations, and one partition of the instance's; each reads one page of an index
//! built for its question.

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::person_list::AddressRead;
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
    /// newest first, created before `before`, at most `limit`.
    async fn invitations_in_shard(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError>;
}
