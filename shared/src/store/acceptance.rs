//! Following a link and answering it: the context a link reads, accepting, declining, and an
//! invitation found by its id alone.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitState};
use crate::domain::{Invitation, InvitationId, Membership, OrganizationId, User, UserId};

/// Everything a ticket link needs, fetched in one round trip.
#[derive(Debug, Clone, Default)]
pub struct TicketContext {
    pub invitation: Option<Invitation>,
    /// The user who owns the invited address, if any (decides `sign_in` or `sign_up`).
    pub address_owner: Option<UserId>,
    /// The user a session names, if one was presented and is known.
    pub session_user: Option<User>,
    /// The abuse-limit logs asked for, in the order asked.
    pub limits: Vec<LimitState>,
}

#[async_trait]
pub trait AcceptanceStore: Send + Sync {
    async fn ticket_context(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        email_key: &str,
        session_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
    ) -> Result<TicketContext, StoreError>;

    /// Turns `invitation` (pending, as read just before) into `membership`, atomically: the
    /// invitation becomes accepted only if it is still pending with the same ticket, the
    /// address's slot is freed, the membership and its address claims are created only if new,
    /// and the seat passes from the invitation to the member.
    /// Fails with `AlreadyMember`, or `Contention` when the invitation changed since the read;
    /// the write is marked `written_by` `token`, and a retry of its own applied write is done.
    async fn accept_invitation(
        &self,
        invitation: &Invitation,
        membership: &Membership,
        now: Millis,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// Marks `invitation` (pending, on the ticket read just before) declined, frees its slot
    /// and seat, and counts it; only if it is still so. Fails with `Contention` otherwise; the
    /// write is marked `written_by` `token`, and a retry of its own applied write is done. It
    /// records how it was declined (`via`).
    async fn decline_invitation(
        &self,
        invitation: &Invitation,
        now: Millis,
        token: &str,
        via: crate::domain::DeclineChannel,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError>;

    /// An invitation by its id alone, in whatever organization it belongs to.
    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError>;
}
