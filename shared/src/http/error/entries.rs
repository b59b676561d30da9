//! The entries of errors that carry their own data: a field's, an abuse limit's.

use serde_json::json;

use super::ErrorEntry;
use crate::domain::limits::{LimitKind, LimitReached};
use crate::domain::reputation::{MailPause, Suppression, SuppressionReason};
use crate::domain::{FieldError, FieldErrorKind};

pub(super) fn field_entry(e: &FieldError) -> ErrorEntry {
    let (code, message) = match e.kind {
        FieldErrorKind::Missing => ("form_param_missing", "missing required parameter"),
        FieldErrorKind::FormatInvalid => ("form_param_format_invalid", "is invalid"),
        FieldErrorKind::ValueInvalid => ("form_param_value_invalid", "is invalid"),
    };
    ErrorEntry::new(code, message, e.message.clone()).with_meta(json!({ "param_name": e.param }))
}

/// A refused domain, suggestion or membership request operation: its own code, and the
/// parameter at fault when there is one.
pub(super) fn domain_entry(refusal: crate::domain::org_domain::DomainRefusal) -> ErrorEntry {
    let long = refusal.to_string();
    let mut sentence = long.clone();
    if let Some(first) = sentence.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let entry = ErrorEntry::new(refusal.code(), "refused", format!("{sentence}."));
    match refusal.param() {
        Some(param) => entry.with_meta(json!({ "param_name": param })),
        None => entry,
    }
}

/// A refused link operation: its own code, and the parameter at fault when there is one.
pub(super) fn link_entry(refusal: crate::domain::invitation_link::LinkRefusal) -> ErrorEntry {
    let mut sentence = refusal.to_string();
    if let Some(first) = sentence.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    let entry = ErrorEntry::new(refusal.code(), "refused", format!("{sentence}."));
    match refusal.param() {
        Some(param) => entry.with_meta(json!({ "param_name": param })),
        None => entry,
    }
}

/// One code per abuse limit; `resend_cooldown` keeps the name it had before the cooldown
/// covered re-created invitations too.
pub(super) fn limit_entry(limit: &LimitReached) -> ErrorEntry {
    let wait = limit.retry_after_seconds;
    let (code, short, long) = match limit.kind {
        LimitKind::OrganizationEmails => (
            "organization_email_limit_reached",
            "too many emails from this organization",
            "This organization has sent as many invitation emails as it may in an hour.",
        ),
        LimitKind::InviterEmails => (
            "inviter_email_limit_reached",
            "too many emails from this inviter",
            "This inviter has sent as many invitation emails as they may in an hour.",
        ),
        LimitKind::AddressEmails => (
            "recipient_email_limit_reached",
            "too many emails to this address",
            "This address has received as many invitation emails as it may in a day.",
        ),
        LimitKind::AddressCooldown => (
            "resend_cooldown",
            "sent too recently",
            "This organization emailed this address moments ago.",
        ),
        LimitKind::LinkRedemptions => (
            "invitation_link_redemption_limit_reached",
            "too many link redemptions",
            "You have tried as many invitation links as you may in an hour.",
        ),
        LimitKind::LinkCreations => (
            "invitation_link_creation_limit_reached",
            "too many links",
            "This organization has made as many invitation links as it may in an hour.",
        ),
        LimitKind::LinkLookups => (
            "link_lookup_limit_reached",
            "too many link lookups",
            "This invitation link has been followed too often in the last hour.",
        ),
        LimitKind::SilentInvitations => (
            "organization_silent_invitation_limit_reached",
            "too many invitations without an email",
            "This organization has made as many invitations without an email as it may in an hour.",
        ),
    };
    ErrorEntry::new(code, short, format!("{long} Retry in {wait} s."))
        .with_meta(json!({ "retry_after_seconds": wait }))
}

/// An email to a mailbox that bounced for good or complained: named, with why and how to
/// lift it; nothing was stored.
pub(super) fn suppressed_entry(x: &Suppression) -> ErrorEntry {
    let why = match x.reason {
        SuppressionReason::HardBounce => "bounced for good",
        SuppressionReason::Complaint => "marked an invitation as spam",
    };
    ErrorEntry::new(
        "email_address_suppressed",
        "the address is suppressed",
        format!(
            "Invitation email to {} {why}, so none is sent to it any more. Invite without an email (\"notify\": false), or lift the suppression (DELETE /v1/email_suppressions/{}).",
            x.mailbox, x.mailbox
        ),
    )
    .with_meta(json!({
        "param_name": "email_address",
        "email_address": x.mailbox,
        "reason": x.reason.as_str(),
        "bounce_type": x.detail,
    }))
}

/// An email for an organization whose email is paused.
pub(super) fn mail_paused_entry(p: &MailPause) -> ErrorEntry {
    ErrorEntry::new(
        "organization_email_paused",
        "the organization's email is paused",
        format!(
            "This organization's invitation email is paused ({}: {}). Invite without an email (\"notify\": false), or have an operator resume it (PATCH /v1/organizations/{{org}}/email_sending).",
            p.by.as_str(),
            p.reason
        ),
    )
    .with_meta(json!({ "paused_by": p.by.as_str(), "paused_at": p.at, "reason": p.reason }))
}
