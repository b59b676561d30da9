//! The `data` of each event, in the shapes Clerk's webhook spec gives them: an invitation as
//! `OrganizationInvitation` (no field beyond it), a membership as `OrganizationMembership`.
//! Both are the bodies the HTTP answers use (`crate::wire`), in their event and backend views.

use serde_json::Value;

use crate::domain::{Invitation, Membership, Metadata, Organization, RoleCatalog};
use crate::service::Actor;
use crate::wire::{self, InvitationView};

/// The invitation as it is now: Clerk's `OrganizationInvitation` webhook object (the one
/// invitation body, in its event view); for a bounce, `data.delivery` says what SES reported.
pub fn invitation(inv: &Invitation, roles: &RoleCatalog, with_delivery: bool) -> Value {
    let view = InvitationView::Event { with_delivery };
    serde_json::to_value(wire::invitation(view, inv, roles, inv.updated_at, None))
        .unwrap_or(Value::Null)
}

/// The membership with its organization, as a backend sees both (Clerk's webhooks carry the
/// private metadata). An organization deleted meanwhile is described by what the membership
/// knows of it: its id.
pub fn membership(m: &Membership, org: Option<&Organization>, roles: &RoleCatalog) -> Value {
    let gone;
    let org = match org {
        Some(org) => org,
        None => {
            gone = Organization {
                id: m.organization_id.clone(),
                name: String::new(),
                slug: String::new(),
                max_allowed_memberships: 0,
                members_count: 0,
                pending_invitations_count: 0,
                settled_invitations: Default::default(),
                created_by: None,
                public_metadata: Metadata::default(),
                private_metadata: Metadata::default(),
                created_at: m.created_at,
                updated_at: m.updated_at,
            };
            &gone
        }
    };
    serde_json::to_value(wire::membership(&Actor::Backend, m, org, roles)).unwrap_or(Value::Null)
}

/// An organization's email sending, paused or resumed (our own events: Clerk has none).
pub fn mail_sending(
    organization_id: &crate::domain::OrganizationId,
    pause: Option<&crate::domain::reputation::MailPause>,
) -> Value {
    serde_json::to_value(wire::mail_sending(organization_id, pause, None)).unwrap_or(Value::Null)
}
