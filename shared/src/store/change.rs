//! What changed, as both stores report it: the record before and after one write.

use crate::domain::reputation::MailPause;
use crate::domain::{Invitation, Membership, OrganizationId};

/// One changed record. `id` is stable for the change: DynamoDB Streams' `eventID` (the same on
/// a redelivery), or the in-memory feed's sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub id: String,
    /// When the change was made, if the feed says (DynamoDB's approximate creation time).
    pub at: Option<crate::clock::Millis>,
    pub record: ChangeRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChangeRecord {
    Invitation {
        old: Option<Box<Invitation>>,
        new: Option<Box<Invitation>>,
    },
    Membership {
        old: Option<Box<Membership>>,
        new: Option<Box<Membership>>,
    },
    /// An organization's email paused or resumed.
    MailSending {
        organization_id: OrganizationId,
        old: Option<MailPause>,
        new: Option<MailPause>,
    },
    /// An organization's domain claimed, changed or removed.
    Domain {
        old: Option<Box<crate::domain::org_domain::OrgDomain>>,
        new: Option<Box<crate::domain::org_domain::OrgDomain>>,
    },
    /// A membership request filed, accepted or rejected.
    MembershipRequest {
        old: Option<Box<crate::domain::membership_request::MembershipRequest>>,
        new: Option<Box<crate::domain::membership_request::MembershipRequest>>,
    },
    /// A shareable invitation link made, used, revoked.
    InvitationLink {
        old: Option<Box<crate::domain::invitation_link::InvitationLink>>,
        new: Option<Box<crate::domain::invitation_link::InvitationLink>>,
    },
    /// An audit entry written (never changed; its removal by retention makes no event).
    Audit(Box<crate::domain::audit::AuditEntry>),
    /// Any other item (pointers, slots, counters, limits): no event.
    Other,
}

impl Change {
    /// What the change is about: changes with the same key are delivered in order.
    pub fn key(&self) -> String {
        match &self.record {
            ChangeRecord::Invitation { old, new } => new
                .as_deref()
                .or(old.as_deref())
                .map(|i| i.id.to_string())
                .unwrap_or_default(),
            ChangeRecord::Membership { old, new } => new
                .as_deref()
                .or(old.as_deref())
                .map(|m| format!("{}#{}", m.organization_id, m.user_id))
                .unwrap_or_default(),
            ChangeRecord::MailSending {
                organization_id, ..
            } => format!("mail#{organization_id}"),
            ChangeRecord::Domain { old, new } => new
                .as_deref()
                .or(old.as_deref())
                .map(|d| format!("domain#{}", d.id))
                .unwrap_or_default(),
            ChangeRecord::MembershipRequest { old, new } => new
                .as_deref()
                .or(old.as_deref())
                .map(|r| format!("request#{}", r.id))
                .unwrap_or_default(),
            ChangeRecord::InvitationLink { old, new } => new
                .as_deref()
                .or(old.as_deref())
                .map(|l| format!("link#{}", l.id))
                .unwrap_or_default(),
            ChangeRecord::Audit(entry) => format!("audit#{}", entry.organization_id),
            ChangeRecord::Other => String::new(),
        }
    }
}

/// The change feed of an in-memory store: what DynamoDB Streams is to the table.
pub type ChangeFeed = tokio::sync::mpsc::UnboundedReceiver<Change>;
