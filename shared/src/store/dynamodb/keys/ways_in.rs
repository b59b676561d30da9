//! The keys of the ways in beyond an invitation: domains, offers, membership requests,
//! shareable links.

use super::*;

/// An organization's domain (`DOMAIN#{id}`); its counters sort right after it
/// (`DOMAIN#{id}#COUNT`), so one query of `DOMAIN#` reads both.
pub fn domain(org_id: &OrganizationId, id: &crate::domain::DomainId) -> (String, String) {
    (format!("ORG#{org_id}"), format!("DOMAIN#{id}"))
}

pub const DOMAIN_PREFIX: &str = "DOMAIN#";

/// A domain's pending automatic invitations and suggestions: moved by the writes that make and
/// end them, apart from the domain so that a late end never recreates the domain.
pub fn domain_counts(org_id: &OrganizationId, id: &crate::domain::DomainId) -> (String, String) {
    (format!("ORG#{org_id}"), format!("DOMAIN#{id}#COUNT"))
}

/// Every organization's claim on a name, and the name's verified marker (`VERIFIED`), in one
/// partition.
pub fn domain_name_partition(name: &str) -> String {
    format!("DOMAINNAME#{name}")
}

pub fn domain_claim(name: &str, org_id: &OrganizationId) -> (String, String) {
    (domain_name_partition(name), format!("ORG#{org_id}"))
}

pub fn verified_name(name: &str) -> (String, String) {
    (domain_name_partition(name), "VERIFIED".into())
}

/// The instance's domains per (verified, mode) partition, counted.
pub fn domain_counters() -> (String, String) {
    ("DOMAINS".into(), "COUNT".into())
}

/// What a domain offered one person in one organization.
pub fn offer(user_id: &UserId, org_id: &OrganizationId) -> (String, String) {
    (format!("USER#{user_id}"), format!("OFFER#{org_id}"))
}

pub const OFFER_PREFIX: &str = "OFFER#";

/// A domain's offers (GSI1), for withdrawing them.
pub fn offers_of_domain(id: &crate::domain::DomainId) -> String {
    format!("DOMAIN#{id}#OFFERS")
}

pub fn membership_request(
    org_id: &OrganizationId,
    id: &crate::domain::MembershipRequestId,
) -> (String, String) {
    (format!("ORG#{org_id}"), format!("MREQ#{id}"))
}

/// One pending request per (organization, person).
pub fn pending_requester(org_id: &OrganizationId, user_id: &UserId) -> (String, String) {
    (format!("ORG#{org_id}"), format!("MREQUSER#{user_id}"))
}

/// An organization's requests in one status (GSI1), newest last.
pub fn requests_partition(
    org_id: &OrganizationId,
    status: crate::domain::membership_request::RequestStatus,
) -> String {
    format!("ORG#{org_id}#MREQ#{}", status.as_str())
}

/// An organization's requests counted by status.
pub fn request_counters(org_id: &OrganizationId) -> (String, String) {
    (format!("ORG#{org_id}"), "MREQCOUNT".into())
}

/// A shareable invitation link.
pub fn invitation_link(
    org_id: &OrganizationId,
    id: &crate::domain::invitation_link::InvitationLinkId,
) -> (String, String) {
    (format!("ORG#{org_id}"), format!("LINK#{id}"))
}

/// An organization's links, newest first (GSI1).
pub fn links_partition(org_id: &OrganizationId) -> String {
    format!("ORG#{org_id}#LINKS")
}

pub fn link_sort_key(l: &crate::domain::invitation_link::InvitationLink) -> String {
    format!("{}#{}", time_key(l.created_at), l.id)
}

/// A link's redemptions in one hour (`join_window`): its own item, so counting one contends
/// only with another redemption of the same link.
pub fn link_joins(
    org_id: &OrganizationId,
    id: &crate::domain::invitation_link::InvitationLinkId,
    window: i64,
) -> (String, String) {
    (format!("ORG#{org_id}"), format!("LINKJOINS#{id}#{window}"))
}

/// The organization's count of links made (their list's total).
pub const LINKS_COUNT: &str = "invitation_links_count";
