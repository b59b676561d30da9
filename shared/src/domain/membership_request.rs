//! A person's request to join an organization (filed by accepting a domain's suggestion), which
//! an admin accepts (a membership with the domain's default role) or rejects. Ours: Clerk keeps
//! these out of its Backend API; the shape follows its Frontend API's
//! `organization_membership_request`.

use crate::clock::Millis;

use super::{DomainId, MembershipRequestId, OrganizationId, PublicUserData, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestStatus {
    Pending,
    Accepted,
    Rejected,
}

impl RequestStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Accepted, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MembershipRequest {
    pub id: MembershipRequestId,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub public_user_data: PublicUserData,
    /// The requester's address keys: "already a member" is checked on them when accepted.
    pub email_keys: Vec<String>,
    /// The domain whose suggestion it came from.
    pub domain_id: Option<DomainId>,
    /// The shareable link it was filed through, and the role that link grants.
    pub link_id: Option<super::invitation_link::InvitationLinkId>,
    pub role: Option<super::RoleKey>,
    pub status: RequestStatus,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// The order of an organization's requests in one status: newest first.
pub fn request_sort_key(r: &MembershipRequest) -> String {
    format!("{}#{}", super::listing::time_key(r.created_at), r.id)
}

/// An organization offered to a person because a verified domain of it matches one of their
/// verified addresses (`automatic_suggestion`). Accepting it files a membership request.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub id: super::SuggestionId,
    pub user_id: UserId,
    pub organization: super::PublicOrganizationData,
    pub domain_id: DomainId,
    pub accepted: bool,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// What a domain offered one person in one organization, made once per (person, organization):
/// an automatic invitation (by its id) or a suggestion.
#[derive(Debug, Clone, PartialEq)]
pub enum Offer {
    Invitation {
        organization_id: OrganizationId,
        domain_id: DomainId,
        invitation_id: super::InvitationId,
    },
    Suggestion(Suggestion),
}

impl Offer {
    pub fn organization_id(&self) -> &OrganizationId {
        match self {
            Offer::Invitation {
                organization_id, ..
            } => organization_id,
            Offer::Suggestion(s) => &s.organization.id,
        }
    }

    pub fn domain_id(&self) -> &DomainId {
        match self {
            Offer::Invitation { domain_id, .. } => domain_id,
            Offer::Suggestion(s) => &s.domain_id,
        }
    }
}
