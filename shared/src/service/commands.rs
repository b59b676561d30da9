//! What the operations are asked to do, already checked and typed by the HTTP edge
//! (`http::parse`): nothing half-parsed reaches the service.

use crate::domain::{EmailAddress, Metadata, RoleKey, UserId};

pub const DEFAULT_EXPIRES_IN_DAYS: u32 = 30;

/// `POST /organizations/{org}/invitations` (and each item of `/bulk`).
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub email_address: EmailAddress,
    pub role: RoleKey,
    /// Whom a backend invites on behalf of; a signed-in actor may name only themselves.
    pub inviter_user_id: Option<UserId>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub expires_in_days: u32,
    pub notify: bool,
    /// A reminder before it lapses (beyond Clerk: `remind`, default true; only with an email).
    pub remind: bool,
    /// The email's language: the closest of the shipped locales to what was asked (beyond Clerk).
    pub locale: &'static str,
    /// Set when a verified domain makes it for a person (`automatic_invitation`): no email,
    /// made once per (person, organization), recorded by the system.
    pub domain_offer: Option<crate::domain::DomainOffer>,
}

/// `POST /users`.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email_addresses: Vec<EmailAddress>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: Option<String>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
}

impl NewUser {
    pub const MAX_ADDRESSES: usize = 10;
}

/// `POST /organizations`.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub slug: Option<String>,
    pub created_by: Option<UserId>,
    pub max_allowed_memberships: Option<u32>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
}

/// `GET /organizations`: every organization, or those matching `query` (an id exactly, or a
/// slug prefix), or those `user_ids` belong to; newest first unless `ascending`.
#[derive(Debug, Clone, Default)]
pub struct OrganizationListQuery {
    pub query: Option<String>,
    pub user_ids: Vec<UserId>,
    pub ascending: bool,
    pub limit: u32,
    pub offset: u32,
}

/// `PATCH /organizations/{org}`: what is given replaces what is stored.
#[derive(Debug, Clone, Default)]
pub struct OrganizationPatch {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub max_allowed_memberships: Option<u32>,
    pub public_metadata: Option<Metadata>,
    pub private_metadata: Option<Metadata>,
}

/// `POST /organizations/{org}/memberships`.
#[derive(Debug, Clone)]
pub struct NewMembership {
    pub user_id: UserId,
    pub role: RoleKey,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
}

/// A revoke or resend: whom a backend acts on behalf of (`requesting_user_id`), and for a
/// resend whether to send the email again.
#[derive(Debug, Clone)]
pub struct InvitationAction {
    pub requesting_user_id: Option<UserId>,
    pub notify: bool,
}
