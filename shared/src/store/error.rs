//! Why a store operation did not happen: each operation says which of these it can answer.

use crate::domain::Invitation;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the address belongs to a member of the organization")]
    AlreadyMember,
    #[error("the organization has no free membership seat")]
    QuotaExceeded,
    #[error("the record does not exist")]
    NotFound,
    #[error("the invitation is no longer pending")]
    InvitationNotPending(Box<Invitation>),
    #[error("the acting user lacks the role the operation requires")]
    ActorNotAllowed,
    #[error("an email address is already taken by another user")]
    EmailTaken,
    /// A record with this id exists already (a user registered by a concurrent request).
    #[error("the record exists already")]
    AlreadyExists,
    #[error("the slug is already taken by another organization")]
    SlugTaken,
    /// Another writer touched the same records at the same moment; the operation may be retried.
    #[error("the records changed concurrently")]
    Contention,
    #[error("another organization verified the domain name")]
    DomainVerifiedElsewhere,
    /// A shareable link admitted as many redemptions as it may in the current hour.
    #[error("the link's hourly cap is reached")]
    HourlyCapReached,
    #[error("the store is throttling requests")]
    Throttled,
    #[error("the store is unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("a stored record is malformed: {0}")]
    Corrupt(String),
}
