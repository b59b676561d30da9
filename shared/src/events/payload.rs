//! The `data` of each event, in the shapes Clerk's webhook spec gives them: an invitation as
//! `OrganizationInvitation` (no field beyond it), a membership as `OrganizationMembership`.

use serde::Serialize;
use serde_json::{json, Value};

use crate::domain::{Invitation, Membership, Metadata, Organization, RoleCatalog};
use crate::http::wire;
use crate::service::Actor;

/// Clerk's `OrganizationInvitationPublicUserData`, which allows only these fields.
#[derive(Serialize)]
struct InviterData<'a> {
    user_id: &'a str,
    first_name: Option<&'a str>,
    last_name: Option<&'a str>,
    image_url: &'a str,
    has_image: bool,
    identifier: &'a str,
}

#[derive(Serialize)]
struct InvitationData<'a> {
    object: &'static str,
    id: &'a str,
    email_address: &'a str,
    role: &'a str,
    role_name: String,
    organization_id: &'a str,
    inviter_id: Option<&'a str>,
    public_inviter_data: Option<InviterData<'a>>,
    status: &'static str,
    public_metadata: &'a Metadata,
    private_metadata: &'a Metadata,
    /// The link is never stored (only its ticket's hash), so an event cannot carry it.
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    expires_at: i64,
    created_at: i64,
    updated_at: i64,
    data: Value,
}

/// The invitation as it is now; for a bounce, `data.delivery` says what SES reported.
pub fn invitation(inv: &Invitation, roles: &RoleCatalog, with_delivery: bool) -> Value {
    let mut nested = json!({
        "public_organization_data": {
            "id": inv.organization.id, "name": inv.organization.name,
            "slug": inv.organization.slug, "image_url": "", "has_image": false,
        }
    });
    if let (true, Some(delivery)) = (with_delivery, &inv.delivery) {
        nested["delivery"] = json!(delivery);
    }
    let data = InvitationData {
        object: "organization_invitation",
        id: inv.id.as_str(),
        email_address: inv.email_address.as_str(),
        role: &inv.role,
        role_name: roles.name_of(&inv.role),
        organization_id: &inv.organization.id,
        inviter_id: inv.inviter.as_ref().map(|i| i.user_id.as_str()),
        public_inviter_data: inv.inviter.as_ref().map(|i| InviterData {
            user_id: &i.user_id,
            first_name: i.first_name.as_deref(),
            last_name: i.last_name.as_deref(),
            image_url: i.image_url.as_deref().unwrap_or_default(),
            has_image: i.image_url.is_some(),
            identifier: &i.identifier,
        }),
        status: inv.stored_status.as_str(),
        public_metadata: &inv.public_metadata,
        private_metadata: &inv.private_metadata,
        url: None,
        user_id: inv.accepted_user_id.as_ref().map(|u| u.as_str()),
        expires_at: inv.expires_at,
        created_at: inv.created_at,
        updated_at: inv.updated_at,
        data: nested,
    };
    serde_json::to_value(data).unwrap_or(Value::Null)
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
