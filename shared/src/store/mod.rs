//! Persistence, split by capability. Every implementation passes the conformance suite in
//! `shared/tests/api/stores/conformance.rs`; the DynamoDB one also documents its round trips per call.

pub mod dynamodb;
mod error;
mod guards;
pub mod memory;

use async_trait::async_trait;

use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitState, LimitWrite};
use crate::domain::{
    Invitation, InvitationId, InvitationQuery, Membership, Organization, OrganizationId, Page,
    RoleKey, User, UserId,
};

pub use error::StoreError;
pub(crate) use guards::states_in_order;
pub use guards::{IdempotencyBegin, IdempotencyStore, LimitStore, MailFeedbackStore};

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
pub trait UserStore: Send + Sync {
    /// Fails with `AlreadyExists` if the id is taken, else `EmailTaken` if any of the user's
    /// addresses belongs to another user.
    async fn insert_user(&self, user: &User) -> Result<(), StoreError>;
    async fn get_user(&self, user_id: &UserId) -> Result<Option<User>, StoreError>;
}

#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// Writes the organization and, when given, its creator's membership, atomically.
    async fn insert_organization(
        &self,
        org: &Organization,
        creator: Option<&Membership>,
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
    ) -> Result<(), StoreError>;

    /// Removes the organization: its pending invitations are revoked (their links die), its
    /// memberships and their address claims deleted, then the organization and its slug claim.
    /// The cost grows with its pending invitations and members, not with its history.
    async fn delete_organization(&self, org: &Organization, now: Millis) -> Result<(), StoreError>;
}

#[async_trait]
pub trait MembershipStore: Send + Sync {
    /// Fails with `NotFound` (no organization), `AlreadyMember` or `QuotaExceeded`.
    async fn insert_membership(&self, membership: &Membership) -> Result<(), StoreError>;
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
    ) -> Result<(), StoreError>;

    async fn update_membership_role(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
        now: Millis,
    ) -> Result<Membership, StoreError>;
    async fn delete_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<Membership, StoreError>;
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
    /// Fails with `PendingInvitationExists`, `AlreadyMember`, `QuotaExceeded`, `NotFound`
    /// (organization), `ActorNotAllowed` or `Contention`.
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

    async fn list_invitations(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError>;

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
    /// Fails with `AlreadyMember`, or `Contention` when the invitation changed since the read.
    async fn accept_invitation(
        &self,
        invitation: &Invitation,
        membership: &Membership,
        now: Millis,
    ) -> Result<(), StoreError>;

    /// Marks `invitation` (pending, on the ticket read just before) declined, frees its slot
    /// and seat, and counts it; only if it is still so. Fails with `Contention` otherwise.
    async fn decline_invitation(
        &self,
        invitation: &Invitation,
        now: Millis,
    ) -> Result<Invitation, StoreError>;

    /// Invitations to one address in any organization, newest first, created before `before`
    /// (a created sort key, `domain::listing::created_sort_key`), at most `limit` of them.
    async fn invitations_to_address(
        &self,
        email_key: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<crate::domain::person_list::AddressRead, StoreError>;

    /// One partition of the instance's invitations (`domain::listing::instance_shard`),
    /// newest first, created before `before`, at most `limit`.
    async fn invitations_in_shard(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> Result<crate::domain::person_list::AddressRead, StoreError>;

    /// An invitation by its id alone, in whatever organization it belongs to.
    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError>;
}

/// Everything the service needs from persistence.
pub trait Store:
    UserStore
    + OrganizationStore
    + MembershipStore
    + InvitationStore
    + AcceptanceStore
    + LimitStore
    + IdempotencyStore
    + MailFeedbackStore
{
}

impl<
        T: UserStore
            + OrganizationStore
            + MembershipStore
            + InvitationStore
            + AcceptanceStore
            + LimitStore
            + IdempotencyStore
            + MailFeedbackStore,
    > Store for T
{
}
