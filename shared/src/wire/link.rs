//! Shareable invitation links (ours, in Clerk's style): the admin's object (with the token and
//! address only in the answer that made it), the preview anyone holding it sees, and what a
//! redemption made.

use serde::Serialize;

use super::{MembershipRequestBody, PublicOrganizationDataBody, PublicUserDataBody};
use crate::clock::Millis;
use crate::domain::invitation_link::InvitationLink;
use crate::domain::OrganizationId;

#[derive(Debug, Serialize)]
pub struct InvitationLinkBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub role: &'a str,
    /// `active`, `revoked`, `expired` or `exhausted`, as of the answer (or the event).
    pub status: &'static str,
    pub max_uses: u32,
    pub uses: u32,
    pub last_used_at: Option<Millis>,
    pub allowed_email_domains: Vec<&'a str>,
    pub requires_approval: bool,
    pub created_by: Option<PublicUserDataBody<'a>>,
    pub revoked_at: Option<Millis>,
    pub expires_at: Millis,
    /// Only in the answer that made the link: the secret is kept as a digest, never again
    /// shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<&'a str>,
    /// The join page's address with the token (`INVITATION_LINK_URL`); with the token only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Option<&'a str>>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// The link's body as of `now`; `shown` is the token and address, once.
pub fn invitation_link<'a>(
    l: &'a InvitationLink,
    shown: Option<(&'a str, Option<&'a str>)>,
    now: Millis,
) -> InvitationLinkBody<'a> {
    InvitationLinkBody {
        object: "organization_invitation_link",
        id: l.id.as_str(),
        organization_id: l.organization_id(),
        role: l.role.as_str(),
        status: l.status(now).as_str(),
        max_uses: l.max_uses,
        uses: l.uses,
        last_used_at: l.last_used_at,
        allowed_email_domains: l.allowed_email_domains.iter().map(|d| d.as_str()).collect(),
        requires_approval: l.requires_approval,
        created_by: l.created_by.as_ref().map(Into::into),
        revoked_at: l.revoked_at,
        expires_at: l.expires_at,
        token: shown.map(|(token, _)| token),
        url: shown.map(|(_, url)| url),
        created_at: l.created_at,
        updated_at: l.updated_at,
    }
}

/// What opening a link shows anyone holding it: whose it is and what redeeming does. Nothing
/// about who made it, how often it was used, or other links.
#[derive(Debug, Serialize)]
pub struct LinkPreviewBody<'a> {
    pub object: &'static str,
    pub public_organization_data: PublicOrganizationDataBody<'a>,
    pub role: &'a str,
    pub role_name: String,
    pub requires_approval: bool,
    pub allowed_email_domains: Vec<&'a str>,
    pub expires_at: Millis,
}

pub fn link_preview(l: &InvitationLink, role_name: String) -> LinkPreviewBody<'_> {
    LinkPreviewBody {
        object: "organization_invitation_link_preview",
        public_organization_data: (&l.organization).into(),
        role: l.role.as_str(),
        role_name,
        requires_approval: l.requires_approval,
        allowed_email_domains: l.allowed_email_domains.iter().map(|d| d.as_str()).collect(),
        expires_at: l.expires_at,
    }
}

/// What a redemption made: a membership (through the invitation, `source: link`) or a request.
#[derive(Debug, Serialize)]
pub struct LinkRedemptionBody<'a> {
    pub object: &'static str,
    /// `joined` or `requested`.
    pub outcome: &'static str,
    pub public_organization_data: PublicOrganizationDataBody<'a>,
    pub role: &'a str,
    pub organization_invitation_id: Option<&'a str>,
    pub organization_membership_request: Option<MembershipRequestBody<'a>>,
}

pub fn link_redemption<'a>(
    l: &'a InvitationLink,
    invitation_id: Option<&'a str>,
    request: Option<&'a crate::domain::membership_request::MembershipRequest>,
) -> LinkRedemptionBody<'a> {
    LinkRedemptionBody {
        object: "organization_invitation_link_redemption",
        outcome: if request.is_some() {
            "requested"
        } else {
            "joined"
        },
        public_organization_data: (&l.organization).into(),
        role: l.role.as_str(),
        organization_invitation_id: invitation_id,
        organization_membership_request: request.map(super::membership_request),
    }
}
