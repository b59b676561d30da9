//! What verified domains offer people (automatic invitations, suggestions, each made once per
//! person and organization) and the membership requests a suggestion files.

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::membership_request::{MembershipRequest, Offer, RequestStatus, Suggestion};
use crate::domain::{DomainId, Membership, MembershipRequestId, OrganizationId, UserId};

#[async_trait]
pub trait OfferStore: Send + Sync {
    /// The person's offers (one keyed read of their partition: at most one per organization).
    async fn offers_to(&self, user_id: &UserId) -> Result<Vec<Offer>, StoreError>;

    /// Makes a suggestion, only if the person has no offer from the organization yet, and
    /// counts it on its domain. Fails with `AlreadyExists`.
    async fn insert_suggestion(
        &self,
        suggestion: &Suggestion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// The person's suggestion (as read just before), accepted only if still pending, files
    /// `request` (unless one of theirs to the organization is pending). Fails with `NotFound`,
    /// `Contention` when it was accepted meanwhile, or `AlreadyExists` (a pending request).
    async fn accept_suggestion(
        &self,
        read: &Suggestion,
        request: &MembershipRequest,
        audit: &AuditEntry,
    ) -> Result<Suggestion, StoreError>;

    /// Removes every offer a domain made: its pending suggestions, and its automatic
    /// invitations' markers (the invitations themselves are revoked by the caller). Returns
    /// the automatic invitations, for that.
    async fn withdraw_offers(
        &self,
        domain_id: &DomainId,
        organization_id: &OrganizationId,
    ) -> Result<Vec<crate::domain::InvitationId>, StoreError>;

    async fn get_request(
        &self,
        organization_id: &OrganizationId,
        id: &MembershipRequestId,
    ) -> Result<Option<MembershipRequest>, StoreError>;

    /// The organization's requests in `status`, newest first: one page of its index, and
    /// their total (from the organization's counters).
    async fn requests(
        &self,
        organization_id: &OrganizationId,
        status: RequestStatus,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<MembershipRequest>, u64), StoreError>;

    /// Accepts a pending request (as read just before) into `membership`, atomically: the
    /// request becomes accepted only if still pending, the membership is made only if new and
    /// a seat is free. Fails with `Contention` (answered meanwhile: the caller reads why),
    /// `AlreadyMember` or `QuotaExceeded`.
    async fn accept_request(
        &self,
        request: &MembershipRequest,
        membership: &Membership,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError>;

    /// Rejects a pending request, only if still pending; else `Contention`.
    async fn reject_request(
        &self,
        request: &MembershipRequest,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError>;
}
