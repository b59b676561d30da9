use crate::domain::{FieldError, InvitationStatus};
use crate::store::StoreError;
use crate::tokens::session::SessionError;
use crate::tokens::ticket::TicketError;

/// Everything an operation can refuse or fail with. The HTTP layer maps each variant to one
/// status and one error code, in one place.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid request: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("a pending invitation for this email address already exists")]
    DuplicateInvitation,
    #[error("the email address belongs to a member of the organization")]
    AlreadyMember,
    #[error("the organization has reached its maximum number of memberships")]
    QuotaExceeded,
    #[error("the acting user may not do this: {0}")]
    NotAllowed(&'static str),
    #[error("the invitation is {}, not pending", .0.as_str())]
    InvitationNotPending(InvitationStatus),
    #[error("an email address is taken by another user")]
    EmailTaken,
    #[error("the slug is taken by another organization")]
    SlugTaken,
    #[error(transparent)]
    Ticket(#[from] TicketError),
    #[error("the invitation was revoked")]
    TicketRevoked,
    #[error("the invitation was already accepted")]
    TicketAlreadyAccepted,
    #[error("the invitation was declined")]
    TicketDeclined,
    #[error("a newer link was sent for this invitation")]
    TicketSuperseded,
    #[error("the redirect target is not on the allow-list")]
    RedirectNotAllowed,
    #[error("no redirect target: the invitation has none and DEFAULT_REDIRECT_URL is not set")]
    NoRedirectTarget,
    #[error("the signed-in user does not own the invited email address")]
    EmailMismatch,
    #[error("a session is required")]
    SessionMissing,
    #[error("the session is not valid: {0}")]
    Session(#[from] SessionError),
    #[error("the session's user is unknown and the token carries no verified email")]
    SessionUserUnknown,
    #[error("an abuse limit ({:?}) refused the request; retry in {} s", .0.kind, .0.retry_after_seconds)]
    LimitReached(crate::domain::limits::LimitReached),
    #[error("the recipient's mailbox is suppressed ({})", .0.reason.as_str())]
    Suppressed(Box<crate::domain::reputation::Suppression>),
    #[error("the organization's email is paused by the {}", .0.by.as_str())]
    MailPaused(Box<crate::domain::reputation::MailPause>),
    #[error("issuing a ticket failed: {0}")]
    TicketIssue(String),
    #[error("the Idempotency-Key was used with another request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is still in flight")]
    IdempotencyInFlight,
    /// Concurrent writers kept winning; the caller may retry.
    #[error("the records kept changing concurrently")]
    Busy,
    /// An email this request sends (a domain's code) could not be sent; nothing else changed
    /// but the code, which a new request replaces.
    #[error("the email could not be sent: {0}")]
    MailFailed(String),
    /// A domain, suggestion or membership request operation refused, with its own code.
    #[error(transparent)]
    Domain(#[from] crate::domain::org_domain::DomainRefusal),
    /// A shareable link operation refused, with its own code.
    #[error(transparent)]
    Link(#[from] crate::domain::invitation_link::LinkRefusal),
    #[error(transparent)]
    Store(StoreError),
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(vec![e])
    }
}

impl From<StoreError> for ServiceError {
    /// Store errors that carry no operation-specific meaning; each operation maps the rest.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Contention => Self::Busy,
            other => Self::Store(other),
        }
    }
}
