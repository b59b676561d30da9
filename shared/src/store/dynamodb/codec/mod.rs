//! Records to items and back. Nested values (metadata, public user data) are stored as JSON
//! strings: they are only ever read whole, and it keeps 8 KB metadata within one attribute.

use std::collections::HashMap;
use std::str::FromStr;

use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};

use super::keys;
use crate::domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Membership, Metadata, Organization,
    OrganizationId, PublicOrganizationData, PublicUserData, SettledInvitations, User, UserEmail,
    UserId,
};
use crate::store::{SlotHolder, StoreError};

mod audit;
mod domains;
mod invitation;
mod links;

pub use audit::{audit_from, audit_item, is_audit};
pub use domains::*;
pub use invitation::{
    address_counts_from, delivery_value, invitation_from, invitation_item, invitation_pointer_item,
    slot_from, slot_item,
};
pub use links::{link_from, link_item};

pub type Item = HashMap<String, AttributeValue>;

/// The organization's counters of settled invitations (see `SettledInvitations`).
pub const ACCEPTED_COUNT: &str = "accepted_invitations_count";
pub const REVOKED_COUNT: &str = "revoked_invitations_count";
pub const EXPIRED_COUNT: &str = "expired_invitations_count";
pub const DECLINED_COUNT: &str = "declined_invitations_count";

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

pub fn key((pk, sk): (String, String)) -> Item {
    HashMap::from([(keys::PK.to_string(), s(pk)), (keys::SK.to_string(), s(sk))])
}

pub(super) fn json(v: &impl serde::Serialize) -> AttributeValue {
    s(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

pub(super) fn metadata(m: &Metadata) -> AttributeValue {
    json(m.as_map())
}

pub(super) struct ItemBuilder(pub(super) Item);

impl ItemBuilder {
    pub(super) fn new(k: (String, String), entity: &str) -> Self {
        let mut item = key(k);
        item.insert("entity".into(), s(entity));
        Self(item)
    }

    pub(super) fn set(mut self, name: &str, value: AttributeValue) -> Self {
        self.0.insert(name.to_string(), value);
        self
    }

    pub(super) fn set_opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.set(name, s(v)),
            None => self,
        }
    }
}

/// Typed reads of one item, naming the record in any error.
pub struct Reader<'a> {
    item: &'a Item,
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(item: &'a Item, what: &'static str) -> Self {
        Self { item, what }
    }

    pub(super) fn corrupt(&self, name: &str) -> StoreError {
        StoreError::Corrupt(format!("{} item lacks a valid {name}", self.what))
    }

    /// A string attribute, as the type the record field has (`String`, `UserId`, …).
    pub fn opt_s<T: From<String>>(&self, name: &str) -> Option<T> {
        self.item
            .get(name)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .map(T::from)
    }

    pub fn s<T: From<String>>(&self, name: &str) -> Result<T, StoreError> {
        self.opt_s(name).ok_or_else(|| self.corrupt(name))
    }

    pub fn n<T: FromStr>(&self, name: &str) -> Result<T, StoreError> {
        self.item
            .get(name)
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| self.corrupt(name))
    }

    /// A counter added after the record was first written reads 0 until it is first moved
    /// (DynamoDB's `ADD` starts a missing number at 0 too).
    pub fn counter(&self, name: &str) -> Result<u64, StoreError> {
        match self.item.get(name) {
            None => Ok(0),
            Some(_) => self.n(name),
        }
    }

    pub(super) fn bool(&self, name: &str) -> Result<bool, StoreError> {
        self.item
            .get(name)
            .and_then(|v| v.as_bool().ok())
            .copied()
            .ok_or_else(|| self.corrupt(name))
    }

    pub(super) fn json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, StoreError> {
        serde_json::from_str(&self.s::<String>(name)?).map_err(|_| self.corrupt(name))
    }

    pub(super) fn metadata(&self, name: &str) -> Result<Metadata, StoreError> {
        Ok(Metadata::from_stored(
            self.json::<Map<String, Value>>(name)?,
        ))
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct StoredEmail {
    id: String,
    address: String,
}

pub fn user_item(u: &User) -> Item {
    let emails: Vec<StoredEmail> = u
        .email_addresses
        .iter()
        .map(|e| StoredEmail {
            id: e.id.clone(),
            address: e.address.as_str().to_string(),
        })
        .collect();
    ItemBuilder::new(keys::user(&u.id), "user")
        .set("id", s(&u.id))
        .set("email_addresses", json(&emails))
        .set_opt("first_name", u.first_name.as_deref())
        .set_opt("last_name", u.last_name.as_deref())
        .set_opt("image_url", u.image_url.as_deref())
        .set("public_metadata", metadata(&u.public_metadata))
        .set("private_metadata", metadata(&u.private_metadata))
        .set("created_at", n(u.created_at))
        .set("updated_at", n(u.updated_at))
        .0
}

pub fn user_from(item: &Item) -> Result<User, StoreError> {
    let r = Reader::new(item, "user");
    let emails: Vec<StoredEmail> = r.json("email_addresses")?;
    Ok(User {
        id: r.s("id")?,
        email_addresses: emails
            .into_iter()
            .map(|e| UserEmail {
                id: e.id,
                address: EmailAddress::from_stored(e.address),
            })
            .collect(),
        first_name: r.opt_s("first_name"),
        last_name: r.opt_s("last_name"),
        image_url: r.opt_s("image_url"),
        public_metadata: r.metadata("public_metadata")?,
        private_metadata: r.metadata("private_metadata")?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}

pub fn email_owner_item(email_key: &str, user_id: &UserId) -> Item {
    ItemBuilder::new(keys::email_owner(email_key), "email_owner")
        .set("user_id", s(user_id.as_str()))
        .0
}

pub fn organization_item(o: &Organization) -> Item {
    // No index keys: its counters move with every invitation, and an index holding it would
    // take a copy of it (metadata and all) each time. Its slug claim lists it (`slug_item`).
    ItemBuilder::new(keys::organization(&o.id), "organization")
        .set("id", s(&o.id))
        .set("name", s(&o.name))
        .set("slug", s(&o.slug))
        .set("max_allowed_memberships", n(o.max_allowed_memberships))
        .set("members_count", n(o.members_count))
        .set("pending_invitations_count", n(o.pending_invitations_count))
        // members + pending, kept as one number so a condition can compare it with the maximum.
        .set(
            "seats_used",
            n(o.members_count + o.pending_invitations_count),
        )
        .set(ACCEPTED_COUNT, n(o.settled_invitations.accepted))
        .set(REVOKED_COUNT, n(o.settled_invitations.revoked))
        .set(EXPIRED_COUNT, n(o.settled_invitations.expired))
        .set(DECLINED_COUNT, n(o.settled_invitations.declined))
        .set_opt("created_by", o.created_by.as_deref())
        .set("public_metadata", metadata(&o.public_metadata))
        .set("private_metadata", metadata(&o.private_metadata))
        .set("created_at", n(o.created_at))
        .set("updated_at", n(o.updated_at))
        .0
}

pub fn organization_from(item: &Item) -> Result<Organization, StoreError> {
    let r = Reader::new(item, "organization");
    Ok(Organization {
        id: r.s("id")?,
        name: r.s("name")?,
        slug: r.s("slug")?,
        max_allowed_memberships: r.n("max_allowed_memberships")?,
        members_count: r.n("members_count")?,
        pending_invitations_count: r.n("pending_invitations_count")?,
        settled_invitations: settled_from(&r)?,
        created_by: r.opt_s("created_by"),
        public_metadata: r.metadata("public_metadata")?,
        private_metadata: r.metadata("private_metadata")?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}

/// A slug's claim, which is also its organization's entry in the lists of organizations: by
/// creation (GSI1) and by slug (GSI2). Small and written only when the slug is, so the
/// organization's counters never reach an index.
pub fn slug_item(slug: &str, o: &Organization) -> Item {
    ItemBuilder::new(keys::slug(slug), "slug")
        .set(keys::GSI1PK, s(keys::ALL_ORGANIZATIONS))
        .set(keys::GSI1SK, s(keys::organization_created_key(o)))
        .set(keys::GSI2PK, s(keys::ALL_ORGANIZATIONS))
        .set(keys::GSI2SK, s(slug))
        .set("organization_id", s(&o.id))
        .0
}

pub fn membership_item(m: &Membership) -> Item {
    ItemBuilder::new(
        keys::membership(&m.organization_id, &m.user_id),
        "membership",
    )
    .set(
        keys::GSI1PK,
        s(keys::memberships_by_created(&m.organization_id)),
    )
    .set(keys::GSI1SK, s(keys::membership_created_key(m)))
    .set(keys::GSI3PK, s(keys::memberships_of_user(&m.user_id)))
    .set(keys::GSI3SK, s(keys::user_membership_key(m)))
    .set("id", s(&m.id))
    .set("organization_id", s(&m.organization_id))
    .set("user_id", s(&m.user_id))
    .set("role", s(&m.role))
    .set("public_metadata", metadata(&m.public_metadata))
    .set("private_metadata", metadata(&m.private_metadata))
    .set("public_user_data", json(&m.public_user_data))
    .set("email_keys", json(&m.email_keys))
    .set("created_at", n(m.created_at))
    .set("updated_at", n(m.updated_at))
    .0
}

pub fn membership_from(item: &Item) -> Result<Membership, StoreError> {
    let r = Reader::new(item, "membership");
    Ok(Membership {
        id: r.s("id")?,
        organization_id: r.s("organization_id")?,
        user_id: r.s("user_id")?,
        role: r.s("role")?,
        public_metadata: r.metadata("public_metadata")?,
        private_metadata: r.metadata("private_metadata")?,
        public_user_data: r.json("public_user_data")?,
        email_keys: r.json("email_keys")?,
        created_at: r.n("created_at")?,
        updated_at: r.n("updated_at")?,
    })
}

pub fn member_address_item(org_id: &OrganizationId, email_key: &str, user_id: &UserId) -> Item {
    ItemBuilder::new(keys::member_address(org_id, email_key), "member_address")
        .set("user_id", s(user_id.as_str()))
        .0
}

pub fn entity(item: &Item) -> Option<&str> {
    item.get("entity")
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

/// The end-state counters an organization (and an address's counters item) carries.
fn settled_from(r: &Reader<'_>) -> Result<SettledInvitations, StoreError> {
    Ok(SettledInvitations {
        accepted: r.counter(ACCEPTED_COUNT)?,
        revoked: r.counter(REVOKED_COUNT)?,
        declined: r.counter(DECLINED_COUNT)?,
        expired: r.counter(EXPIRED_COUNT)?,
    })
}
