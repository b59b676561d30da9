//! An organization's invitations, written: the context a create reads, the create itself,
//! one invitation read, the record of its email, a new ticket, and revoking.

use crate::domain::audit::AuditEntry;
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
    /// The request that wrote the holder (`Invitation::written_by`).
    pub written_by: Option<String>,
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
    /// When an email is asked for: the recipient mailbox's suppression, if any.
    pub suppression: Option<crate::domain::reputation::Suppression>,
    /// When an email is asked for: the organization's email pause, if any.
    pub mail_pause: Option<crate::domain::reputation::MailPause>,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    async fn invitation_context(
        &self,
        organization_id: &OrganizationId,
        email_key: &str,
        actor_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
        mailbox: Option<&str>,
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
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    async fn get_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError>;

    /// Gives a pending invitation (as read just before) a new ticket and expiry, killing the old
    /// link: the invitation and its slot change together, only if the invitation still holds
    /// the ticket read. `reissued` is the invitation as it must become (its new ticket hash,
    /// issue time, expiry, `written_by`, and `queued` delivery when an email is asked for).
    /// Fails with `ActorNotAllowed` or `Contention`; a retry of its own applied write is done.
    async fn reissue_ticket(
        &self,
        read: &Invitation,
        reissued: &Invitation,
        actor: Option<&ActorRequirement>,
        limits: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// Marks a pending (or expired-but-unreplaced) invitation revoked, frees its slot and seat,
    /// marked `written_by` `token`. Fails with `NotFound`, `InvitationNotPending`,
    /// `ActorNotAllowed` or `Contention`; an invitation this token revoked already is answered
    /// as revoked (a retry of the same request).
    async fn revoke_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError>;
}
