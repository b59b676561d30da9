//! Clerk's `organization_domain`, and ours in its style: `organization_suggestion` and
//! `organization_membership_request` (shaped after Clerk's Frontend API objects of those names).

use serde::Serialize;

use super::{PublicOrganizationDataBody, PublicUserDataBody};
use crate::clock::Millis;
use crate::domain::membership_request::{MembershipRequest, Suggestion};
use crate::domain::org_domain::{OrgDomain, Verification};
use crate::domain::OrganizationId;

#[derive(Debug, Serialize)]
pub struct VerificationBody {
    pub status: &'static str,
    pub strategy: &'static str,
    pub attempts: Option<u32>,
    /// Clerk's `expire_at`: when an emailed code stops being good (ms).
    pub expire_at: Option<Millis>,
    pub verified_at: Option<Millis>,
}

/// Clerk fills `verified_at` on the ownership verification only (null on the affiliation's).
fn verification(v: &Verification, ownership: bool) -> VerificationBody {
    VerificationBody {
        status: v.status.as_str(),
        strategy: v.strategy.as_str(),
        attempts: v.attempts,
        expire_at: v.expire_at,
        verified_at: v.verified_at.filter(|_| ownership),
    }
}

#[derive(Debug, Serialize)]
pub struct DomainBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub name: &'a str,
    pub enrollment_mode: &'static str,
    pub affiliation_email_address: Option<&'a str>,
    pub affiliation_verification: Option<VerificationBody>,
    pub ownership_verification: Option<VerificationBody>,
    /// Clerk's deprecated alias of `affiliation_verification`.
    pub verification: Option<VerificationBody>,
    pub total_pending_invitations: u32,
    pub total_pending_suggestions: u32,
    pub public_organization_data: PublicOrganizationDataBody<'a>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

pub fn domain(d: &OrgDomain) -> DomainBody<'_> {
    DomainBody {
        object: "organization_domain",
        id: d.id.as_str(),
        organization_id: &d.organization.id,
        name: d.name.as_str(),
        enrollment_mode: d.enrollment_mode.as_str(),
        affiliation_email_address: d.affiliation_email_address.as_deref(),
        affiliation_verification: d.affiliation.as_ref().map(|v| verification(v, false)),
        ownership_verification: d.ownership.as_ref().map(|v| verification(v, true)),
        verification: d.affiliation.as_ref().map(|v| verification(v, false)),
        total_pending_invitations: d.pending_invitations,
        total_pending_suggestions: d.pending_suggestions,
        public_organization_data: (&d.organization).into(),
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

#[derive(Debug, Serialize)]
pub struct SuggestionBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub public_organization_data: PublicOrganizationDataBody<'a>,
    /// `pending`, or `accepted` once it filed a membership request.
    pub status: &'static str,
    pub created_at: Millis,
    pub updated_at: Millis,
}

pub fn suggestion(s: &Suggestion) -> SuggestionBody<'_> {
    SuggestionBody {
        object: "organization_suggestion",
        id: s.id.as_str(),
        public_organization_data: (&s.organization).into(),
        status: if s.accepted { "accepted" } else { "pending" },
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

#[derive(Debug, Serialize)]
pub struct MembershipRequestBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub status: &'static str,
    pub public_user_data: PublicUserDataBody<'a>,
    /// The domain whose suggestion filed it.
    pub organization_domain_id: Option<&'a str>,
    /// The shareable link it was filed through (ours).
    pub organization_invitation_link_id: Option<&'a str>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

pub fn membership_request(r: &MembershipRequest) -> MembershipRequestBody<'_> {
    MembershipRequestBody {
        object: "organization_membership_request",
        id: r.id.as_str(),
        organization_id: &r.organization_id,
        status: r.status.as_str(),
        public_user_data: (&r.public_user_data).into(),
        organization_domain_id: r.domain_id.as_ref().map(|d| d.as_str()),
        organization_invitation_link_id: r.link_id.as_ref().map(|l| l.as_str()),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}
