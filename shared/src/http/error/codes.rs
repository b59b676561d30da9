//! Each error's status and Clerk-shaped entries: one match, every code in one place.

use axum::http::StatusCode;
use serde_json::json;

use super::entries::{
    domain_entry, field_entry, limit_entry, link_entry, mail_paused_entry, suppressed_entry,
};
use super::{ApiError, ErrorEntry};
use crate::service::ServiceError;
use crate::store::StoreError;
use crate::tokens::ticket::TicketError;

impl ApiError {
    /// Status and entries, without a trace id (shared with bulk per-item results).
    pub fn describe(&self) -> (StatusCode, Vec<ErrorEntry>) {
        use ServiceError as S;
        let one = |status, entry| (status, vec![entry]);
        match self {
            ApiError::Service(S::Invalid(fields)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                fields.iter().map(field_entry).collect(),
            ),
            ApiError::CrossSiteWrite(why) => one(
                StatusCode::FORBIDDEN,
                ErrorEntry::new(
                    "cross_site_request_refused",
                    "cross-site request refused",
                    format!("Refused: {why}."),
                ),
            ),
            ApiError::InvalidQuery(fields) => (
                StatusCode::BAD_REQUEST,
                fields.iter().map(field_entry).collect(),
            ),
            ApiError::Service(S::NotFound(what)) => one(
                StatusCode::NOT_FOUND,
                ErrorEntry::new(
                    "resource_not_found",
                    "not found",
                    format!("The {what} was not found."),
                ),
            ),
            ApiError::Service(S::DuplicateInvitation) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "duplicate_record",
                    "duplicate invitation",
                    "There is already a pending invitation for this email address.",
                )
                .with_meta(json!({ "param_name": "email_address" })),
            ),
            ApiError::Service(S::AlreadyMember) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "already_a_member_in_organization",
                    "already a member",
                    "The email address belongs to a member of this organization.",
                )
                .with_meta(json!({ "param_name": "email_address" })),
            ),
            ApiError::Service(S::QuotaExceeded) => one(
                StatusCode::FORBIDDEN,
                ErrorEntry::new(
                    "organization_membership_quota_exceeded",
                    "membership quota exceeded",
                    concat!(
                        "The organization's members and pending invitations have reached ",
                        "max_allowed_memberships."
                    ),
                ),
            ),
            ApiError::Service(S::NotAllowed(why)) => one(
                StatusCode::FORBIDDEN,
                ErrorEntry::new(
                    "not_allowed_access",
                    "not allowed",
                    format!("Not allowed: {why}."),
                ),
            ),
            ApiError::Service(S::InvitationNotPending(status)) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "organization_invitation_not_pending",
                    "invitation is not pending",
                    format!(
                        "The invitation is {} and can no longer be changed.",
                        status.as_str()
                    ),
                )
                .with_meta(json!({ "status": status.as_str() })),
            ),
            ApiError::Service(S::EmailTaken) => one(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorEntry::new(
                    "form_identifier_exists",
                    "already taken",
                    "That email address is taken. Please try another.",
                )
                .with_meta(json!({ "param_name": "email_address" })),
            ),
            ApiError::Service(S::SlugTaken) => one(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorEntry::new(
                    "form_identifier_exists",
                    "already taken",
                    "That slug is taken. Please try another.",
                )
                .with_meta(json!({ "param_name": "slug" })),
            ),
            ApiError::Service(S::Ticket(e)) => {
                let (code, long) = match e {
                    TicketError::Malformed => (
                        "ticket_malformed",
                        "The invitation link is damaged or incomplete.",
                    ),
                    TicketError::AlgorithmNotAllowed => (
                        "ticket_algorithm_not_allowed",
                        "The invitation link is signed in a way this service does not accept.",
                    ),
                    TicketError::SignatureInvalid => (
                        "ticket_signature_invalid",
                        "The invitation link was not issued by this service.",
                    ),
                    TicketError::Expired => (
                        "ticket_expired",
                        "This invitation has expired. Ask for a new one.",
                    ),
                };
                one(
                    StatusCode::BAD_REQUEST,
                    ErrorEntry::new(code, "invalid invitation link", long),
                )
            }
            ApiError::Service(S::TicketRevoked) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "ticket_revoked",
                    "invitation revoked",
                    "This invitation was revoked.",
                ),
            ),
            ApiError::Service(S::TicketAlreadyAccepted) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "ticket_already_accepted",
                    "invitation already accepted",
                    "This invitation has already been accepted.",
                ),
            ),
            ApiError::Service(S::TicketDeclined) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "ticket_declined",
                    "invitation declined",
                    "This invitation was declined.",
                ),
            ),
            ApiError::Service(S::TicketSuperseded) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "ticket_superseded",
                    "newer invitation link sent",
                    "A newer link was sent for this invitation; use the latest email.",
                ),
            ),
            ApiError::Service(S::RedirectNotAllowed) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "redirect_url_not_allowed",
                    "redirect not allowed",
                    "The invitation's redirect URL is not on the list of allowed origins.",
                ),
            ),
            ApiError::Service(S::NoRedirectTarget) => one(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorEntry::new(
                    "redirect_url_missing",
                    "no redirect target",
                    "The service has nowhere to send you next.",
                ),
            ),
            ApiError::Service(S::EmailMismatch) => one(
                StatusCode::FORBIDDEN,
                ErrorEntry::new(
                    "email_mismatch",
                    "invitation is for another address",
                    "This invitation was sent to an email address the signed-in user does not own.",
                ),
            ),
            ApiError::Service(S::SessionMissing) => one(
                StatusCode::UNAUTHORIZED,
                ErrorEntry::new(
                    "authentication_invalid",
                    "unauthenticated",
                    "Sign in first: no session was presented.",
                ),
            ),
            ApiError::Service(S::Session(e)) => one(
                if matches!(e, crate::tokens::session::SessionError::KeysUnavailable(_)) {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::UNAUTHORIZED
                },
                ErrorEntry::new(
                    "session_invalid",
                    "invalid session",
                    format!("The session token was refused: {e}."),
                ),
            ),
            ApiError::Service(S::SessionUserUnknown) => one(
                StatusCode::FORBIDDEN,
                ErrorEntry::new(
                    "session_user_unknown",
                    "unknown user",
                    concat!(
                        "The session names a user this service does not know, ",
                        "and carries no verified email."
                    ),
                ),
            ),
            ApiError::Service(S::IdempotencyKeyReused) => one(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorEntry::new(
                    "idempotency_key_reused",
                    "idempotency key reused",
                    "This Idempotency-Key was used with another request (method, path or body).",
                )
                .with_meta(json!({ "param_name": "Idempotency-Key" })),
            ),
            ApiError::Service(S::IdempotencyInFlight) => one(
                StatusCode::CONFLICT,
                ErrorEntry::new(
                    "idempotency_request_in_flight",
                    "request in flight",
                    "A request with this Idempotency-Key is still being handled. Retry shortly.",
                ),
            ),
            ApiError::Service(S::MailFailed(why)) => one(
                StatusCode::BAD_GATEWAY,
                ErrorEntry::new(
                    "email_send_failed",
                    "email not sent",
                    format!("The email could not be sent ({why}); ask again."),
                ),
            ),
            ApiError::Service(S::Domain(refusal)) => one(
                match refusal {
                    r if r.is_input() => StatusCode::UNPROCESSABLE_ENTITY,
                    r if r.is_forbidden() => StatusCode::FORBIDDEN,
                    _ => StatusCode::BAD_REQUEST,
                },
                domain_entry(*refusal),
            ),
            ApiError::Service(S::Link(refusal)) => one(
                StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::BAD_REQUEST),
                link_entry(*refusal),
            ),
            ApiError::Service(S::LimitReached(limit)) => {
                one(StatusCode::TOO_MANY_REQUESTS, limit_entry(limit))
            }
            ApiError::Service(S::Suppressed(x)) => {
                one(StatusCode::UNPROCESSABLE_ENTITY, suppressed_entry(x))
            }
            ApiError::Service(S::MailPaused(p)) => one(StatusCode::FORBIDDEN, mail_paused_entry(p)),
            ApiError::Service(S::TicketIssue(_)) => one(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorEntry::new(
                    "internal_clerk_error",
                    "internal error",
                    "Something went wrong on our side.",
                ),
            ),
            ApiError::Service(S::Busy) | ApiError::Service(S::Store(StoreError::Contention)) => {
                one(
                    StatusCode::CONFLICT,
                    ErrorEntry::new(
                        "concurrent_modification",
                        "try again",
                        "The records changed while the request was handled. Please try again.",
                    ),
                )
            }
            ApiError::Service(S::Store(StoreError::Throttled)) => one(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorEntry::new(
                    "too_many_requests",
                    "too many requests",
                    "The store is throttling. Please retry shortly.",
                ),
            ),
            ApiError::Service(S::Store(StoreError::Unavailable(_))) => one(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorEntry::new(
                    "service_unavailable",
                    "service unavailable",
                    "The store could not be reached. Nothing was changed; please retry.",
                ),
            ),
            ApiError::Service(S::Store(_)) => one(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorEntry::new(
                    "internal_clerk_error",
                    "internal error",
                    "Something went wrong on our side.",
                ),
            ),
            ApiError::Unauthenticated(why) => one(
                StatusCode::UNAUTHORIZED,
                ErrorEntry::new(
                    "authentication_invalid",
                    "unauthenticated",
                    format!("Authentication failed: {why}."),
                ),
            ),
            ApiError::MalformedBody(why) => one(
                StatusCode::BAD_REQUEST,
                ErrorEntry::new(
                    "malformed_request",
                    "malformed request",
                    format!("The request body is not valid JSON: {why}."),
                ),
            ),
            ApiError::BodyTooLarge(limit) => one(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorEntry::new(
                    "request_body_too_large",
                    "request too large",
                    format!("The request body may be at most {limit} bytes."),
                ),
            ),
            ApiError::RouteNotFound => one(
                StatusCode::NOT_FOUND,
                ErrorEntry::new("resource_not_found", "not found", "There is no such route."),
            ),
            ApiError::MethodNotAllowed => one(
                StatusCode::METHOD_NOT_ALLOWED,
                ErrorEntry::new(
                    "method_not_allowed",
                    "method not allowed",
                    "This route does not accept that method.",
                ),
            ),
        }
    }
}
