//! Shareable invitation links as items.

use aws_sdk_dynamodb::types::AttributeValue;

use super::*;
use crate::domain::invitation_link::{InvitationLink, InvitationLinkId};
use crate::domain::org_domain::DomainName;
use crate::domain::PublicUserData;

pub fn link_item(l: &InvitationLink) -> Item {
    let org_id = l.organization_id();
    let domains: Vec<&str> = l.allowed_email_domains.iter().map(|d| d.as_str()).collect();
    let b = ItemBuilder::new(keys::invitation_link(org_id, &l.id), "invitation_link")
        .set(keys::GSI1PK, s(keys::links_partition(org_id)))
        .set(keys::GSI1SK, s(keys::link_sort_key(l)))
        .set("id", s(l.id.as_str()))
        .set("organization_id", s(org_id.as_str()))
        .set("organization_name", s(&l.organization.name))
        .set("organization_slug", s(&l.organization.slug))
        .set("role", s(l.role.as_str()))
        .set("max_uses", n(l.max_uses))
        .set("uses", n(l.uses))
        .set("allowed_email_domains", json(&domains))
        .set(
            "requires_approval",
            AttributeValue::Bool(l.requires_approval),
        )
        .set("token_digest", s(&l.token_digest))
        .set("expires_at", n(l.expires_at))
        .set("created_at", n(l.created_at))
        .set("updated_at", n(l.updated_at));
    let b = match &l.created_by {
        Some(by) => b.set("created_by", json(by)),
        None => b,
    };
    let b = match l.last_used_at {
        Some(at) => b.set("last_used_at", n(at)),
        None => b,
    };
    match l.revoked_at {
        Some(at) => b.set("revoked_at", n(at)).0,
        None => b.0,
    }
}

fn opt_n(r: &Reader<'_>, item: &Item, name: &str) -> Result<Option<i64>, StoreError> {
    match item.get(name) {
        Some(_) => Ok(Some(r.n(name)?)),
        None => Ok(None),
    }
}

pub fn link_from(item: &Item) -> Result<InvitationLink, StoreError> {
    let r = Reader::new(item, "invitation link");
    let domains: Vec<String> = r.json("allowed_email_domains")?;
    Ok(InvitationLink {
        id: InvitationLinkId::parse(&r.s::<String>("id")?).ok_or_else(|| r.corrupt("id"))?,
        organization: crate::domain::PublicOrganizationData {
            id: r.s("organization_id")?,
            name: r.s("organization_name")?,
            slug: r.s("organization_slug")?,
        },
        role: r.s("role")?,
        max_uses: r.n("max_uses")?,
        uses: r.n("uses")?,
        last_used_at: opt_n(&r, item, "last_used_at")?,
        allowed_email_domains: domains.into_iter().map(DomainName::stored).collect(),
        requires_approval: r.bool("requires_approval")?,
        token_digest: r.s("token_digest")?,
        created_by: match r.opt_s::<String>("created_by") {
            Some(_) => Some(r.json::<PublicUserData>("created_by")?),
            None => None,
        },
        revoked_at: opt_n(&r, item, "revoked_at")?,
        expires_at: r.n("expires_at")?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}
