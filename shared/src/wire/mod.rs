//! Clerk's object shapes, as typed response bodies. What an audience may see is part of the
//! type: a signed-in member gets the `Public…` body, a backend the `Backend…` body, which adds
//! the private fields to it.

use serde::Serialize;

use crate::clock::Millis;
use crate::domain::{
    Invitation, Membership, Metadata, Organization, OrganizationId, PublicUserData, RoleCatalog,
    RoleKey, UserId,
};
use crate::service::Actor;

mod audit;
mod domain;
mod invitation;
mod link;
mod mail;
mod user;

pub use audit::{audit_entry, audit_page, AuditEntryBody, AuditPageBody};
pub use domain::{
    domain, membership_request, suggestion, DomainBody, MembershipRequestBody, SuggestionBody,
};
pub use invitation::{
    invitation, AnswerFields, BackendFields, EventData, EventFields, InvitationBody, InvitationView,
};
pub use link::{
    invitation_link, link_preview, link_redemption, InvitationLinkBody, LinkPreviewBody,
    LinkRedemptionBody,
};
pub use mail::{mail_sending, suppression, MailSendingBody, SuppressionBody};
pub use user::{user, AdminVerification, EmailAddressBody, UserBody};

/// A body as one audience sees it.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Shown<P, B> {
    Member(P),
    Backend(B),
}

impl<P, B> Shown<P, B> {
    /// The backend body for a backend, else the public one.
    pub fn to(actor: &Actor, public: P, backend: impl FnOnce(P) -> B) -> Self {
        if actor.is_backend() {
            Shown::Backend(backend(public))
        } else {
            Shown::Member(public)
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PublicUserDataBody<'a> {
    pub user_id: &'a UserId,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    /// Deprecated by Clerk for `image_url`, still required by its Backend API schema (its
    /// webhook schema allows no such field: absent there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_image_url: Option<Option<&'a str>>,
    pub image_url: &'a str,
    pub has_image: bool,
    pub identifier: &'a str,
    /// Users here have no usernames (absent from webhooks, as above).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<Option<&'a str>>,
}

impl<'a> From<&'a PublicUserData> for PublicUserDataBody<'a> {
    fn from(p: &'a PublicUserData) -> Self {
        Self {
            user_id: &p.user_id,
            first_name: p.first_name.as_deref(),
            last_name: p.last_name.as_deref(),
            profile_image_url: Some(p.image_url.as_deref()),
            image_url: p.image_url.as_deref().unwrap_or_default(),
            has_image: p.image_url.is_some(),
            identifier: &p.identifier,
            username: Some(None),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PublicOrganizationDataBody<'a> {
    pub id: &'a OrganizationId,
    pub name: &'a str,
    pub slug: &'a str,
    pub image_url: &'static str,
    pub has_image: bool,
}

impl<'a> PublicOrganizationDataBody<'a> {
    fn of(inv: &'a Invitation) -> Self {
        (&inv.organization).into()
    }
}

impl<'a> From<&'a crate::domain::PublicOrganizationData> for PublicOrganizationDataBody<'a> {
    fn from(o: &'a crate::domain::PublicOrganizationData) -> Self {
        Self {
            id: &o.id,
            name: &o.name,
            slug: &o.slug,
            image_url: "",
            has_image: false,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PublicOrganization<'a> {
    pub object: &'static str,
    pub id: &'a OrganizationId,
    pub name: &'a str,
    pub slug: &'a str,
    pub image_url: &'static str,
    pub has_image: bool,
    pub max_allowed_memberships: u32,
    pub admin_delete_enabled: bool,
    pub members_count: u32,
    pub pending_invitations_count: u32,
    /// Absent when no user created it (Clerk's schema has it a string, never `null`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<&'a UserId>,
    pub public_metadata: &'a Metadata,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Serialize)]
pub struct BackendOrganization<'a> {
    #[serde(flatten)]
    pub public: PublicOrganization<'a>,
    pub private_metadata: &'a Metadata,
}

pub type OrganizationBody<'a> = Shown<PublicOrganization<'a>, BackendOrganization<'a>>;

pub fn organization<'a>(actor: &Actor, org: &'a Organization) -> OrganizationBody<'a> {
    let public = PublicOrganization {
        object: "organization",
        id: &org.id,
        name: &org.name,
        slug: &org.slug,
        image_url: "",
        has_image: false,
        max_allowed_memberships: org.max_allowed_memberships,
        admin_delete_enabled: true,
        members_count: org.members_count,
        pending_invitations_count: org.pending_invitations_count,
        created_by: org.created_by.as_ref(),
        public_metadata: &org.public_metadata,
        created_at: org.created_at,
        updated_at: org.updated_at,
    };
    Shown::to(actor, public, |public| BackendOrganization {
        public,
        private_metadata: &org.private_metadata,
    })
}

#[derive(Debug, Serialize)]
pub struct PublicMembership<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub role: &'a RoleKey,
    pub role_name: String,
    pub permissions: Vec<String>,
    pub public_metadata: &'a Metadata,
    pub organization: OrganizationBody<'a>,
    pub public_user_data: PublicUserDataBody<'a>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[derive(Debug, Serialize)]
pub struct BackendMembership<'a> {
    #[serde(flatten)]
    pub public: PublicMembership<'a>,
    pub private_metadata: &'a Metadata,
}

pub type MembershipBody<'a> = Shown<PublicMembership<'a>, BackendMembership<'a>>;

pub fn membership<'a>(
    actor: &Actor,
    m: &'a Membership,
    org: &'a Organization,
    roles: &RoleCatalog,
) -> MembershipBody<'a> {
    let public = PublicMembership {
        object: "organization_membership",
        id: &m.id,
        role: &m.role,
        role_name: roles.name_of(&m.role),
        permissions: roles.permissions_of(&m.role),
        public_metadata: &m.public_metadata,
        organization: organization(actor, org),
        public_user_data: PublicUserDataBody::from(&m.public_user_data),
        created_at: m.created_at,
        updated_at: m.updated_at,
    };
    Shown::to(actor, public, |public| BackendMembership {
        public,
        private_metadata: &m.private_metadata,
    })
}

/// `{ "data": [...], "total_count": N }`, with the cursor of the next page when there is one.
#[derive(Debug, Serialize)]
pub struct List<T> {
    pub data: Vec<T>,
    pub total_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>, total_count: u64, next_cursor: Option<String>) -> Self {
        Self {
            data,
            total_count,
            next_cursor,
        }
    }
}
