//! An organization's invitations, written: the context a create reads, the create itself,
//! one invitation read, the record of its email, a new ticket, and revoking.

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitState, LimitWrite};
use crate::domain::{
    Invitation, InvitationId, Membership, Organization, OrganizationId, RoleKey, User, UserId,
};

/// Who holds a pending slot, as read before a create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotHolder {
    pub invitation_id: InvitationId,
    pub expires_at: Millis,
}

/// An acting user who must hold one of `roles` in the organization at the moment of the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRequirement {
    pub user_id: UserId,
    pub roles: Vec<RoleKey>,
}

/// Everything a create needs to read, fetched in one round trip.
#[derive(Debug, Clone, Default)]
pub struct InvitationContext {
    pub organization: Option<Organization>,
    pub slot_holder: Option<SlotHolder>,
    pub actor_membership: Option<Membership>,
    pub actor_user: Option<User>,
    /// Whether the address already belongs to a member (the write checks it again).
    pub address_is_member: bool,
    /// The abuse-limit logs asked for, in the order asked.
    pub limits: Vec<LimitState>,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    async fn invitation_context(
        &self,
        organization_id: &OrganizationId,
        email_key: &str,
        actor_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
    ) -> Result<InvitationContext, StoreError>;

    /// Writes a pending invitation, atomically taking its address's slot and a seat.
    /// `replacing` names the expired invitation that holds the slot now (read just before);
    /// it is marked expired and its seat passes to the new one.
    /// The limit logs are written in the same transaction, each only at its read version.
    /// Fails with `AlreadyMember`, `QuotaExceeded`, `NotFound`
    /// (organization), `ActorNotAllowed` or `Contention` (the slot was taken meanwhile, say: the
    /// retry's read then tells why).
    async fn insert_invitation(
        &self,
        invitation: &Invitation,
        replacing: Option<&SlotHolder>,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
    ) -> Result<(), StoreError>;

    async fn get_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError>;

    /// Records what became of the invitation's email. Fails with `NotFound`.
    async fn record_delivery(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        delivery: &crate::domain::Delivery,
    ) -> Result<(), StoreError>;

    /// Gives a pending invitation (as read just before) a new ticket and expiry, killing the old
    /// link: the invitation and its slot change together, only if the invitation still holds
    /// the ticket read. Fails with `ActorNotAllowed` or `Contention`.
    async fn reissue_ticket(
        &self,
        invitation: &Invitation,
        new_ticket_hash: &str,
        new_expires_at: Millis,
        now: Millis,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
    ) -> Result<(), StoreError>;

    /// Marks a pending (or expired-but-unreplaced) invitation revoked, frees its slot and seat.
    /// Fails with `NotFound`, `InvitationNotPending`, `ActorNotAllowed` or `Contention`.
    async fn revoke_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
    ) -> Result<Invitation, StoreError>;
}
