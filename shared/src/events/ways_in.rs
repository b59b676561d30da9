//! The events of domains, membership requests and shareable links: Clerk's
//! `organizationDomain.*` (the payload is its `OrganizationDomain`), and ours,
//! `organizationMembershipRequest.*` and `organizationInvitationLink.*`.

use super::EventType;
use crate::clock::Millis;
use crate::domain::membership_request::RequestStatus;
use crate::store::change::ChangeRecord;

/// Each event's kind, time and `data`. `removed_at` dates a removal the feed did not date.
pub fn events(
    record: &ChangeRecord,
    removed_at: Millis,
) -> Vec<(EventType, Millis, serde_json::Value)> {
    match record {
        ChangeRecord::Domain { old, new } => match (old.as_deref(), new.as_deref()) {
            (None, Some(d)) => vec![(
                EventType::DomainCreated,
                d.created_at,
                data(crate::wire::domain(d)),
            )],
            (Some(o), Some(d)) if o != d => {
                vec![(
                    EventType::DomainUpdated,
                    d.updated_at,
                    data(crate::wire::domain(d)),
                )]
            }
            // Clerk's deleted object: `{object, id, deleted}`.
            (Some(o), None) => vec![(
                EventType::DomainDeleted,
                removed_at,
                serde_json::json!({ "object": "organization_domain", "id": o.id.as_str(), "deleted": true }),
            )],
            _ => Vec::new(),
        },
        ChangeRecord::MembershipRequest { old, new } => {
            let Some(r) = new.as_deref() else {
                return Vec::new();
            };
            let was = old.as_deref().map(|o| o.status);
            let kind = match (was, r.status) {
                (None, RequestStatus::Pending) => EventType::MembershipRequestCreated,
                (Some(RequestStatus::Pending), RequestStatus::Accepted) => {
                    EventType::MembershipRequestAccepted
                }
                (Some(RequestStatus::Pending), RequestStatus::Rejected) => {
                    EventType::MembershipRequestRejected
                }
                _ => return Vec::new(),
            };
            vec![(kind, r.updated_at, data(crate::wire::membership_request(r)))]
        }
        ChangeRecord::InvitationLink { old, new } => {
            let Some(l) = new.as_deref() else {
                return Vec::new();
            };
            let body = || data(crate::wire::invitation_link(l, None, l.updated_at));
            match old.as_deref() {
                None => vec![(EventType::InvitationLinkCreated, l.created_at, body())],
                Some(o) if o.revoked_at.is_none() && l.revoked_at.is_some() => {
                    vec![(EventType::InvitationLinkRevoked, l.updated_at, body())]
                }
                // The use that reached the cap.
                Some(o) if o.uses < o.max_uses && l.uses >= l.max_uses => {
                    vec![(EventType::InvitationLinkExhausted, l.updated_at, body())]
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// A body as an event's JSON `data`.
fn data(body: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(body).unwrap_or_default()
}
