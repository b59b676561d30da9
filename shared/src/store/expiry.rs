//! Expiry on time: the sweeper reads the due invitations, and only those, and ends each one.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::Invitation;

#[async_trait]
pub trait ExpiryStore: Send + Sync {
    /// Pending invitations of one instance partition whose expiry has passed at `now`, oldest
    /// expiry first, at most `limit`: only those are read.
    async fn due_invitations(
        &self,
        shard: u32,
        now: Millis,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError>;

    /// Marks a pending invitation past its expiry (as read just before) `expired`, frees its
    /// slot and seat and counts it, only if it is still so; else `Contention`.
    async fn expire_invitation(
        &self,
        invitation: &Invitation,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}
