//! Which events a change makes. Only transitions make events: a resend (new ticket, new expiry)
//! or a recorded send changes the item but not the invitation's life, so it makes none.

use sha2::{Digest, Sha256};

use super::payload;
use super::{Change, ChangeRecord, Event, EventBody};
use crate::clock::Millis;
use crate::domain::{
    DeliveryStatus, Invitation, InvitationStatus, Membership, Organization, RoleCatalog,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    InvitationCreated,
    InvitationAccepted,
    InvitationRevoked,
    InvitationExpired,
    InvitationDeclined,
    InvitationBounced,
    MembershipCreated,
    MembershipUpdated,
    MembershipDeleted,
    OrganizationEmailPaused,
    OrganizationEmailResumed,
    /// Clerk's `organizationDomain.*`.
    DomainCreated,
    DomainUpdated,
    DomainDeleted,
    /// Ours: a membership request filed, accepted, rejected.
    MembershipRequestCreated,
    MembershipRequestAccepted,
    MembershipRequestRejected,
    /// Ours: a shareable invitation link made, revoked, or used up.
    InvitationLinkCreated,
    InvitationLinkRevoked,
    InvitationLinkExhausted,
    /// An audit log entry (our own event: Clerk has none). Sent to an endpoint that asks for
    /// it (`auditLogEntry.created`, `auditLogEntry.*` or `*`), never to one with no filter.
    AuditLogEntryCreated,
}

impl EventType {
    pub const ALL: [Self; 21] = [
        Self::InvitationCreated,
        Self::InvitationAccepted,
        Self::InvitationRevoked,
        Self::InvitationExpired,
        Self::InvitationDeclined,
        Self::InvitationBounced,
        Self::MembershipCreated,
        Self::MembershipUpdated,
        Self::MembershipDeleted,
        Self::OrganizationEmailPaused,
        Self::OrganizationEmailResumed,
        Self::DomainCreated,
        Self::DomainUpdated,
        Self::DomainDeleted,
        Self::MembershipRequestCreated,
        Self::MembershipRequestAccepted,
        Self::MembershipRequestRejected,
        Self::InvitationLinkCreated,
        Self::InvitationLinkRevoked,
        Self::InvitationLinkExhausted,
        Self::AuditLogEntryCreated,
    ];

    /// What an endpoint with no `events` filter gets: Clerk's events and ours about email,
    /// not the audit log (which doubles the traffic; asked for by name).
    pub fn is_default(self) -> bool {
        self != Self::AuditLogEntryCreated
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvitationCreated => "organizationInvitation.created",
            Self::InvitationAccepted => "organizationInvitation.accepted",
            Self::InvitationRevoked => "organizationInvitation.revoked",
            Self::InvitationExpired => "organizationInvitation.expired",
            Self::InvitationDeclined => "organizationInvitation.declined",
            Self::InvitationBounced => "organizationInvitation.bounced",
            Self::MembershipCreated => "organizationMembership.created",
            Self::MembershipUpdated => "organizationMembership.updated",
            Self::MembershipDeleted => "organizationMembership.deleted",
            Self::OrganizationEmailPaused => "organizationEmail.paused",
            Self::OrganizationEmailResumed => "organizationEmail.resumed",
            Self::DomainCreated => "organizationDomain.created",
            Self::DomainUpdated => "organizationDomain.updated",
            Self::DomainDeleted => "organizationDomain.deleted",
            Self::MembershipRequestCreated => "organizationMembershipRequest.created",
            Self::MembershipRequestAccepted => "organizationMembershipRequest.accepted",
            Self::MembershipRequestRejected => "organizationMembershipRequest.rejected",
            Self::InvitationLinkCreated => "organizationInvitationLink.created",
            Self::InvitationLinkRevoked => "organizationInvitationLink.revoked",
            Self::InvitationLinkExhausted => "organizationInvitationLink.exhausted",
            Self::AuditLogEntryCreated => "auditLogEntry.created",
        }
    }
}

/// What every event of an instance shares.
#[derive(Debug, Clone)]
pub struct EventContext {
    /// Clerk's `instance_id` (`INSTANCE_ID`).
    pub instance_id: String,
    pub roles: RoleCatalog,
}

/// The organization a membership change needs, if it is a membership change.
pub fn organization_needed(change: &Change) -> Option<&crate::domain::OrganizationId> {
    match &change.record {
        ChangeRecord::Membership { old, new } => new
            .as_deref()
            .or(old.as_deref())
            .map(|m| &m.organization_id),
        _ => None,
    }
}

/// The events of one change, in the order they happened. `org` is the membership's
/// organization (read by the caller), `now` the time of a deletion the feed did not date.
pub fn events_of(
    change: &Change,
    ctx: &EventContext,
    org: Option<&Organization>,
    now: Millis,
) -> Vec<Event> {
    let key = change.key();
    let make = |kind: EventType, timestamp: Millis, data: serde_json::Value| Event {
        id: event_id(&change.id, kind),
        kind,
        key: key.clone(),
        body: EventBody {
            object: "event",
            kind: kind.as_str(),
            data,
            timestamp,
            instance_id: ctx.instance_id.clone(),
        },
    };
    match &change.record {
        ChangeRecord::Invitation { old, new } => {
            let Some(new) = new.as_deref() else {
                return Vec::new();
            };
            invitation_events(old.as_deref(), new)
                .into_iter()
                .map(|kind| {
                    let data =
                        payload::invitation(new, &ctx.roles, kind == EventType::InvitationBounced);
                    make(kind, new.updated_at, data)
                })
                .collect()
        }
        ChangeRecord::Membership { old, new } => {
            match membership_event(old.as_deref(), new.as_deref()) {
                Some((kind, m)) => {
                    let at = match kind {
                        EventType::MembershipDeleted => change.at.unwrap_or(now),
                        _ => m.updated_at,
                    };
                    vec![make(kind, at, payload::membership(m, org, &ctx.roles))]
                }
                None => Vec::new(),
            }
        }
        ChangeRecord::MailSending {
            organization_id,
            old,
            new,
        } => match (old, new) {
            (None, Some(pause)) => vec![make(
                EventType::OrganizationEmailPaused,
                pause.at,
                payload::mail_sending(organization_id, Some(pause)),
            )],
            (Some(_), None) => vec![make(
                EventType::OrganizationEmailResumed,
                change.at.unwrap_or(now),
                payload::mail_sending(organization_id, None),
            )],
            _ => Vec::new(),
        },
        ChangeRecord::Audit(entry) => vec![make(
            EventType::AuditLogEntryCreated,
            entry.occurred_at,
            serde_json::to_value(crate::wire::audit_entry(entry)).unwrap_or_default(),
        )],
        ChangeRecord::Domain { .. }
        | ChangeRecord::MembershipRequest { .. }
        | ChangeRecord::InvitationLink { .. } => {
            super::ways_in::events(&change.record, change.at.unwrap_or(now))
                .into_iter()
                .map(|(kind, at, data)| make(kind, at, data))
                .collect()
        }
        ChangeRecord::Other => Vec::new(),
    }
}

fn invitation_events(old: Option<&Invitation>, new: &Invitation) -> Vec<EventType> {
    let mut kinds = Vec::new();
    let was = old.map(|o| o.stored_status);
    match (was, new.stored_status) {
        (None, InvitationStatus::Pending) => kinds.push(EventType::InvitationCreated),
        // A link's redemption makes its invitation accepted in the same write: made, then
        // accepted, as an admin's invitation would be.
        (None, InvitationStatus::Accepted) if new.link_id.is_some() => {
            kinds.extend([EventType::InvitationCreated, EventType::InvitationAccepted])
        }
        (Some(InvitationStatus::Pending), end) => match end {
            InvitationStatus::Accepted => kinds.push(EventType::InvitationAccepted),
            InvitationStatus::Revoked => kinds.push(EventType::InvitationRevoked),
            InvitationStatus::Expired => kinds.push(EventType::InvitationExpired),
            InvitationStatus::Declined => kinds.push(EventType::InvitationDeclined),
            InvitationStatus::Pending => {}
        },
        _ => {}
    }
    let bounced = |i: Option<&Invitation>| {
        i.and_then(|i| i.delivery.as_ref())
            .is_some_and(|d| d.status == DeliveryStatus::Bounced)
    };
    if bounced(Some(new)) && !bounced(old) {
        kinds.push(EventType::InvitationBounced);
    }
    kinds
}

fn membership_event<'a>(
    old: Option<&'a Membership>,
    new: Option<&'a Membership>,
) -> Option<(EventType, &'a Membership)> {
    match (old, new) {
        (None, Some(m)) => Some((EventType::MembershipCreated, m)),
        (Some(o), Some(m))
            if o.role != m.role
                || o.public_metadata != m.public_metadata
                || o.private_metadata != m.private_metadata =>
        {
            Some((EventType::MembershipUpdated, m))
        }
        (Some(o), None) => Some((EventType::MembershipDeleted, o)),
        _ => None,
    }
}

/// `evt_` and 32 hex digits of SHA-256 over the change's id and the event's type: the same
/// change redelivered names the same event, so receivers can drop what they have seen.
fn event_id(change_id: &str, kind: EventType) -> String {
    let digest = Sha256::digest(format!("{change_id}#{}", kind.as_str()));
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("evt_{hex}")
}

#[cfg(test)]
#[path = "derive_tests.rs"]
mod tests;
