//! The one invitation body, as each audience sees it: a backend's answer, a member's, and
//! Clerk's webhook object for an event.

use serde::Serialize;

use super::{PublicOrganizationDataBody, PublicUserDataBody};
use crate::clock::Millis;
use crate::domain::{
    DeclineChannel, Delivery, Invitation, Metadata, OrganizationId, RoleCatalog, RoleKey, UserId,
};
use crate::service::Actor;

/// Who an invitation is shown to, which decides its fields: Clerk's Backend API object for
/// an answer (a member's without the private fields), or Clerk's webhook object for an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationView {
    Member,
    Backend,
    /// An event's `data`: the stored status, private metadata, no link (only the ticket's hash
    /// is stored), the accepting user, the organization nested under `data`, and the latest
    /// delivery when `with_delivery` (a bounce).
    Event {
        with_delivery: bool,
    },
}

impl InvitationView {
    pub fn for_actor(actor: &Actor) -> Self {
        if actor.is_backend() {
            Self::Backend
        } else {
            Self::Member
        }
    }
}

/// An answer's own fields (beyond Clerk's webhook object).
#[derive(Debug, Serialize)]
pub struct AnswerFields<'a> {
    pub public_organization_data: PublicOrganizationDataBody<'a>,
    pub redirect_url: Option<&'a str>,
    pub notify: bool,
    /// How it came to be: `admin`, `domain` (a verified domain's automatic invitation) or
    /// `link` (a shareable link's redemption, born accepted).
    pub source: &'static str,
    pub organization_invitation_link_id: Option<&'a str>,
}

/// What only a backend sees.
#[derive(Debug, Serialize)]
pub struct BackendFields<'a> {
    pub locale: &'a str,
    pub delivery: Option<&'a Delivery>,
    /// Whether a reminder goes out before it lapses, when it is due, and what became of it.
    pub remind: bool,
    pub remind_at: Option<Millis>,
    pub reminder: Option<&'a Delivery>,
    /// `link` or `signed_in`, once declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declined_via: Option<&'static str>,
}

/// An event's own fields.
#[derive(Debug, Serialize)]
pub struct EventFields<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<&'a UserId>,
    pub data: EventData<'a>,
}

#[derive(Debug, Serialize)]
pub struct EventData<'a> {
    pub public_organization_data: PublicOrganizationDataBody<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery: Option<&'a Delivery>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declined_via: Option<&'static str>,
    /// `link` or `domain`; absent for an admin's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_invitation_link_id: Option<&'a str>,
}

/// The one invitation body: HTTP answers and event payloads alike.
#[derive(Debug, Serialize)]
pub struct InvitationBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub email_address: &'a str,
    pub role: &'a RoleKey,
    pub role_name: String,
    pub organization_id: &'a OrganizationId,
    pub inviter_id: Option<&'a UserId>,
    pub public_inviter_data: Option<PublicUserDataBody<'a>>,
    pub status: &'static str,
    pub public_metadata: &'a Metadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_metadata: Option<&'a Metadata>,
    /// The accept link, known only when the ticket was just issued.
    pub url: Option<&'a str>,
    pub expires_at: Millis,
    pub created_at: Millis,
    pub updated_at: Millis,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub answer: Option<AnswerFields<'a>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendFields<'a>>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub event: Option<EventFields<'a>>,
}

/// `url` is the accept link, known only when the ticket was just issued.
pub fn invitation<'a>(
    view: InvitationView,
    inv: &'a Invitation,
    roles: &RoleCatalog,
    now: Millis,
    url: Option<&'a str>,
) -> InvitationBody<'a> {
    let event = matches!(view, InvitationView::Event { .. });
    let inviter = inv.inviter.as_ref().map(|i| {
        let mut body = PublicUserDataBody::from(i);
        if event {
            // Clerk's webhook object allows only its own fields here.
            body.profile_image_url = None;
            body.username = None;
        }
        body
    });
    InvitationBody {
        object: "organization_invitation",
        id: inv.id.as_str(),
        email_address: inv.email_address.as_str(),
        role: &inv.role,
        role_name: roles.name_of(&inv.role),
        organization_id: &inv.organization.id,
        inviter_id: inv.inviter.as_ref().map(|i| &i.user_id),
        public_inviter_data: inviter,
        // An event tells what was written; an answer, what it reads as now.
        status: if event {
            inv.stored_status.as_str()
        } else {
            inv.status(now).as_str()
        },
        public_metadata: &inv.public_metadata,
        private_metadata: (view != InvitationView::Member).then_some(&inv.private_metadata),
        url: if event { None } else { url },
        expires_at: inv.expires_at,
        created_at: inv.created_at,
        updated_at: inv.updated_at,
        answer: (!event).then(|| AnswerFields {
            public_organization_data: PublicOrganizationDataBody::of(inv),
            redirect_url: inv.redirect_url.as_deref(),
            notify: inv.notify,
            source: inv.source(),
            organization_invitation_link_id: inv.link_id.as_ref().map(|l| l.as_str()),
        }),
        backend: (view == InvitationView::Backend).then(|| BackendFields {
            locale: &inv.locale,
            delivery: inv.delivery.as_ref(),
            remind: inv.remind,
            remind_at: inv.remind_at,
            reminder: inv.reminder.as_ref(),
            declined_via: inv.declined_via.map(DeclineChannel::as_str),
        }),
        event: match view {
            InvitationView::Event { with_delivery } => Some(EventFields {
                user_id: inv.accepted_user_id.as_ref(),
                data: EventData {
                    public_organization_data: PublicOrganizationDataBody::of(inv),
                    delivery: inv.delivery.as_ref().filter(|_| with_delivery),
                    declined_via: inv.declined_via.map(DeclineChannel::as_str),
                    source: Some(inv.source()).filter(|s| *s != "admin"),
                    organization_invitation_link_id: inv.link_id.as_ref().map(|l| l.as_str()),
                },
            }),
            _ => None,
        },
    }
}
