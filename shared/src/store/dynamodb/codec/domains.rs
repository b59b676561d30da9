//! Domains, their claims and verified markers, offers and membership requests as items.

use aws_sdk_dynamodb::types::AttributeValue;

use super::*;
use crate::domain::membership_request::{
    request_sort_key, MembershipRequest, Offer, RequestStatus, Suggestion,
};
use crate::domain::org_domain::{
    DomainName, EnrollmentMode, OrgDomain, Verification, VerificationStatus, VerificationStrategy,
    VerifiedName,
};
use crate::domain::PublicUserData;
use crate::store::{domain_created_key, domain_name_key, domain_partition};

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredVerification {
    status: String,
    strategy: String,
    attempts: Option<u32>,
    expire_at: Option<i64>,
    verified_at: Option<i64>,
    code_hash: Option<String>,
}

fn verification_value(v: &Verification) -> AttributeValue {
    json(&StoredVerification {
        status: v.status.as_str().into(),
        strategy: v.strategy.as_str().into(),
        attempts: v.attempts,
        expire_at: v.expire_at,
        verified_at: v.verified_at,
        code_hash: v.code_hash.clone(),
    })
}

fn verification_from(r: &Reader<'_>, name: &str) -> Result<Option<Verification>, StoreError> {
    if r.opt_s::<String>(name).is_none() {
        return Ok(None);
    }
    let v: StoredVerification = r.json(name)?;
    Ok(Some(Verification {
        status: VerificationStatus::parse(&v.status).ok_or_else(|| r.corrupt(name))?,
        strategy: VerificationStrategy::parse(&v.strategy).ok_or_else(|| r.corrupt(name))?,
        attempts: v.attempts,
        expire_at: v.expire_at,
        verified_at: v.verified_at,
        code_hash: v.code_hash,
    }))
}

fn mode_from(r: &Reader<'_>) -> Result<EnrollmentMode, StoreError> {
    EnrollmentMode::parse(&r.s::<String>("enrollment_mode")?)
        .ok_or_else(|| r.corrupt("enrollment_mode"))
}

pub fn domain_item(d: &OrgDomain) -> Item {
    let partition = domain_partition(d.is_verified(), d.enrollment_mode);
    let mut b = ItemBuilder::new(keys::domain(&d.organization.id, &d.id), "domain")
        .set(keys::GSI1PK, s(partition.clone()))
        .set(keys::GSI1SK, s(domain_created_key(d)))
        .set(keys::GSI2PK, s(partition))
        .set(keys::GSI2SK, s(domain_name_key(d)))
        .set("id", s(d.id.as_str()))
        .set("organization_id", s(d.organization.id.as_str()))
        .set("organization_name", s(&d.organization.name))
        .set("organization_slug", s(&d.organization.slug))
        .set("name", s(d.name.as_str()))
        .set("enrollment_mode", s(d.enrollment_mode.as_str()))
        .set("verified", AttributeValue::Bool(d.is_verified()))
        .set_opt(
            "affiliation_email_address",
            d.affiliation_email_address.as_deref(),
        )
        .set("created_at", n(d.created_at))
        .set("updated_at", n(d.updated_at));
    if let Some(v) = &d.affiliation {
        b = b.set("affiliation", verification_value(v));
    }
    if let Some(v) = &d.ownership {
        b = b.set("ownership", verification_value(v));
    }
    b.0
}

/// A domain, with its counters item when one was read beside it.
pub fn domain_from(item: &Item, counts: Option<&Item>) -> Result<OrgDomain, StoreError> {
    let r = Reader::new(item, "domain");
    let (invitations, suggestions) = match counts {
        Some(c) => {
            let c = Reader::new(c, "domain counters");
            (
                c.counter("pending_invitations")?,
                c.counter("pending_suggestions")?,
            )
        }
        None => (0, 0),
    };
    Ok(OrgDomain {
        id: r.s::<String>("id")?.into(),
        organization: PublicOrganizationData {
            id: r.s("organization_id")?,
            name: r.s("organization_name")?,
            slug: r.s("organization_slug")?,
        },
        name: DomainName::stored(r.s::<String>("name")?),
        enrollment_mode: mode_from(&r)?,
        affiliation_email_address: r.opt_s("affiliation_email_address"),
        affiliation: verification_from(&r, "affiliation")?,
        ownership: verification_from(&r, "ownership")?,
        pending_invitations: u32::try_from(invitations).unwrap_or(u32::MAX),
        pending_suggestions: u32::try_from(suggestions).unwrap_or(u32::MAX),
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}

/// Domains and their counters items, as one query of an organization's `DOMAIN#` keys returns
/// them (a counters item whose domain is gone is left out).
pub fn domains_from(items: &[Item]) -> Result<Vec<OrgDomain>, StoreError> {
    let sk = |i: &Item| {
        i.get(keys::SK)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    let counts: HashMap<String, &Item> = items
        .iter()
        .filter(|i| entity(i).is_none())
        .map(|i| (sk(i).trim_end_matches("#COUNT").to_string(), i))
        .collect();
    items
        .iter()
        .filter(|i| entity(i) == Some("domain"))
        .map(|i| domain_from(i, counts.get(&sk(i)).copied()))
        .collect()
}

pub fn claim_item(d: &OrgDomain) -> Item {
    ItemBuilder::new(
        keys::domain_claim(d.name.as_str(), &d.organization.id),
        "domain_claim",
    )
    .set("domain_id", s(d.id.as_str()))
    .set("organization_id", s(d.organization.id.as_str()))
    .0
}

pub fn verified_name_item(d: &OrgDomain) -> Item {
    ItemBuilder::new(keys::verified_name(d.name.as_str()), "verified_name")
        .set("name", s(d.name.as_str()))
        .set("domain_id", s(d.id.as_str()))
        .set("organization_id", s(d.organization.id.as_str()))
        .set("organization_name", s(&d.organization.name))
        .set("organization_slug", s(&d.organization.slug))
        .set("enrollment_mode", s(d.enrollment_mode.as_str()))
        .0
}

pub fn verified_name_from(item: &Item) -> Result<VerifiedName, StoreError> {
    let r = Reader::new(item, "verified name");
    Ok(VerifiedName {
        name: r.s("name")?,
        domain_id: r.s::<String>("domain_id")?.into(),
        organization: PublicOrganizationData {
            id: r.s("organization_id")?,
            name: r.s("organization_name")?,
            slug: r.s("organization_slug")?,
        },
        enrollment_mode: mode_from(&r)?,
    })
}

fn offer_builder(
    user: &UserId,
    org: &OrganizationId,
    domain: &crate::domain::DomainId,
) -> ItemBuilder {
    ItemBuilder::new(keys::offer(user, org), "offer")
        .set(keys::GSI1PK, s(keys::offers_of_domain(domain)))
        .set(keys::GSI1SK, s(user.as_str()))
        .set("user_id", s(user.as_str()))
        .set("organization_id", s(org.as_str()))
        .set("domain_id", s(domain.as_str()))
}

pub fn invitation_offer_item(
    inv: &crate::domain::Invitation,
    offer: &crate::domain::DomainOffer,
) -> Item {
    offer_builder(&offer.user_id, &inv.organization.id, &offer.domain_id)
        .set("kind", s("invitation"))
        .set("invitation_id", s(inv.id.as_str()))
        .0
}

pub fn suggestion_item(sg: &Suggestion) -> Item {
    offer_builder(&sg.user_id, &sg.organization.id, &sg.domain_id)
        .set("kind", s("suggestion"))
        .set("id", s(sg.id.as_str()))
        .set("accepted", AttributeValue::Bool(sg.accepted))
        .set("organization_name", s(&sg.organization.name))
        .set("organization_slug", s(&sg.organization.slug))
        .set("created_at", n(sg.created_at))
        .set("updated_at", n(sg.updated_at))
        .0
}

pub fn offer_from(item: &Item) -> Result<Offer, StoreError> {
    let r = Reader::new(item, "offer");
    let organization_id: OrganizationId = r.s("organization_id")?;
    let domain_id: crate::domain::DomainId = r.s::<String>("domain_id")?.into();
    if r.s::<String>("kind")? == "invitation" {
        return Ok(Offer::Invitation {
            organization_id,
            domain_id,
            invitation_id: crate::domain::InvitationId::parse(&r.s::<String>("invitation_id")?)
                .ok_or_else(|| r.corrupt("invitation_id"))?,
        });
    }
    Ok(Offer::Suggestion(Suggestion {
        id: r.s::<String>("id")?.into(),
        user_id: r.s("user_id")?,
        organization: PublicOrganizationData {
            id: organization_id,
            name: r.s("organization_name")?,
            slug: r.s("organization_slug")?,
        },
        domain_id,
        accepted: r.bool("accepted")?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    }))
}

pub fn request_item(q: &MembershipRequest) -> Item {
    let b = ItemBuilder::new(
        keys::membership_request(&q.organization_id, &q.id),
        "membership_request",
    )
    .set(
        keys::GSI1PK,
        s(keys::requests_partition(&q.organization_id, q.status)),
    )
    .set(keys::GSI1SK, s(request_sort_key(q)))
    .set("id", s(q.id.as_str()))
    .set("organization_id", s(q.organization_id.as_str()))
    .set("user_id", s(q.user_id.as_str()))
    .set("public_user_data", json(&q.public_user_data))
    .set("email_keys", json(&q.email_keys))
    .set("status", s(q.status.as_str()))
    .set("created_at", n(q.created_at))
    .set("updated_at", n(q.updated_at));
    b.set_opt("domain_id", q.domain_id.as_ref().map(|d| d.as_str()))
        .set_opt("link_id", q.link_id.as_ref().map(|l| l.as_str()))
        .set_opt("role", q.role.as_ref().map(|r| r.as_str()))
        .0
}

pub fn request_from(item: &Item) -> Result<MembershipRequest, StoreError> {
    let r = Reader::new(item, "membership request");
    Ok(MembershipRequest {
        id: r.s::<String>("id")?.into(),
        organization_id: r.s("organization_id")?,
        user_id: r.s("user_id")?,
        public_user_data: r.json::<PublicUserData>("public_user_data")?,
        email_keys: r.json("email_keys")?,
        domain_id: r.opt_s::<String>("domain_id").map(Into::into),
        link_id: r
            .opt_s::<String>("link_id")
            .and_then(|raw| crate::domain::invitation_link::InvitationLinkId::parse(&raw)),
        role: r.opt_s::<String>("role").map(Into::into),
        status: RequestStatus::parse(&r.s::<String>("status")?)
            .ok_or_else(|| r.corrupt("status"))?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}
