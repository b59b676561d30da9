//! Shareable invitation links: made, listed, revoked, and redeemed in one conditional write.

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::invitation_link::{InvitationLink, InvitationLinkId};
use crate::domain::limits::{LimitKey, LimitState, LimitWrite};
use crate::domain::membership_request::MembershipRequest;
use crate::domain::{Invitation, Membership, OrganizationId, UserId};

/// What a redemption reads first, in one round trip: the link, its organization (its seats),
/// whether the person is a member already, and their redemption log.
#[derive(Debug, Default)]
pub struct RedemptionContext {
    pub link: Option<InvitationLink>,
    pub organization: Option<crate::domain::Organization>,
    pub already_member: bool,
    pub limits: Vec<LimitState>,
}

/// What redeeming makes: a member (through an invitation born accepted) or a request.
#[derive(Debug)]
pub enum RedeemedInto<'a> {
    Member {
        invitation: &'a Invitation,
        membership: &'a Membership,
    },
    Request(&'a MembershipRequest),
}

/// One redemption: the link as read, the hour's cap, what it makes.
#[derive(Debug)]
pub struct Redemption<'a> {
    pub link: &'a InvitationLink,
    pub now: Millis,
    /// Redemptions the link admits in the current hour (`LIMIT_LINK_JOINS_PER_HOUR`).
    pub joins_per_hour: u32,
    pub into: RedeemedInto<'a>,
}

#[async_trait]
pub trait LinkStore: Send + Sync {
    /// The link, counted on its organization, with the creator's limit logs, only if the
    /// organization exists (`NotFound`) and the logs are as read (`Contention`).
    async fn insert_link(
        &self,
        link: &InvitationLink,
        limits: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    async fn get_link(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationLinkId,
    ) -> Result<Option<InvitationLink>, StoreError>;

    /// The organization's links, newest first: one page of its index and their total.
    async fn links(
        &self,
        organization_id: &OrganizationId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<InvitationLink>, u64), StoreError>;

    /// Revokes the link, only if not revoked yet (`Contention`; `NotFound` when gone).
    async fn revoke_link(
        &self,
        link: &InvitationLink,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<InvitationLink, StoreError>;

    async fn redemption_context(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationLinkId,
        user_id: &UserId,
        limit_keys: &[LimitKey],
    ) -> Result<RedemptionContext, StoreError>;

    /// One conditional write: a use is counted only while the link is not revoked, unexpired
    /// and under its cap (else `Contention`: the caller reads why) and under the hour's cap
    /// (`Throttled`), together with what it makes: the invitation, membership and seat
    /// (`AlreadyMember`, `QuotaExceeded`), or the request (`AlreadyExists` when one is
    /// pending; `AlreadyMember`).
    async fn redeem_link(
        &self,
        redemption: &Redemption<'_>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;
}
