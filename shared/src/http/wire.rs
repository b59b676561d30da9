//! Clerk's object shapes, built from domain records.

use serde_json::{json, Value};

use crate::clock::Millis;
use crate::domain::{Invitation, Membership, Organization, PublicUserData, RoleCatalog, User};

/// What a caller may see: backend callers get private metadata, signed-in people do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Backend,
    Frontend,
}

fn public_user_data(p: &PublicUserData) -> Value {
    json!({
        "user_id": p.user_id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "image_url": p.image_url.clone().unwrap_or_default(),
        "has_image": p.image_url.is_some(),
        "identifier": p.identifier,
    })
}

/// `url` is the accept link, known only when the ticket was just issued.
pub fn invitation(
    inv: &Invitation,
    roles: &RoleCatalog,
    now: Millis,
    audience: Audience,
    url: Option<&str>,
) -> Value {
    let mut v = json!({
        "object": "organization_invitation",
        "id": inv.id.as_str(),
        "email_address": inv.email_address.as_str(),
        "role": inv.role,
        "role_name": roles.name_of(&inv.role),
        "organization_id": inv.organization.id,
        "inviter_id": inv.inviter.as_ref().map(|i| i.user_id.clone()),
        "public_inviter_data": inv.inviter.as_ref().map(public_user_data),
        "public_organization_data": {
            "id": inv.organization.id,
            "name": inv.organization.name,
            "slug": inv.organization.slug,
            "image_url": "",
            "has_image": false,
        },
        "status": inv.status(now).as_str(),
        "public_metadata": inv.public_metadata.to_value(),
        "url": url,
        "redirect_url": inv.redirect_url,
        "notify": inv.notify,
        "expires_at": inv.expires_at,
        "created_at": inv.created_at,
        "updated_at": inv.updated_at,
    });
    if audience == Audience::Backend {
        v["private_metadata"] = inv.private_metadata.to_value();
        v["locale"] = inv.locale.clone().into();
        v["delivery"] = inv
            .delivery
            .as_ref()
            .and_then(|d| serde_json::to_value(d).ok())
            .unwrap_or(Value::Null);
    }
    v
}

pub fn organization(org: &Organization, audience: Audience) -> Value {
    let mut v = json!({
        "object": "organization",
        "id": org.id,
        "name": org.name,
        "slug": org.slug,
        "image_url": "",
        "has_image": false,
        "max_allowed_memberships": org.max_allowed_memberships,
        "admin_delete_enabled": true,
        "members_count": org.members_count,
        "pending_invitations_count": org.pending_invitations_count,
        "created_by": org.created_by,
        "public_metadata": org.public_metadata.to_value(),
        "created_at": org.created_at,
        "updated_at": org.updated_at,
    });
    if audience == Audience::Backend {
        v["private_metadata"] = org.private_metadata.to_value();
    }
    v
}

pub fn membership(
    m: &Membership,
    org: &Organization,
    roles: &RoleCatalog,
    audience: Audience,
) -> Value {
    let mut v = json!({
        "object": "organization_membership",
        "id": m.id,
        "role": m.role,
        "role_name": roles.name_of(&m.role),
        "permissions": roles.permissions_of(&m.role),
        "public_metadata": m.public_metadata.to_value(),
        "organization": organization(org, audience),
        "public_user_data": public_user_data(&m.public_user_data),
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    });
    if audience == Audience::Backend {
        v["private_metadata"] = m.private_metadata.to_value();
    }
    v
}

pub fn user(u: &User) -> Value {
    let emails: Vec<Value> = u
        .email_addresses
        .iter()
        .map(|e| {
            json!({
                "object": "email_address",
                "id": e.id,
                "email_address": e.address.as_str(),
                // Addresses are created by a backend holding the secret key, which vouches for them.
                "verification": { "object": "verification_admin", "status": "verified", "strategy": "admin", "attempts": null, "expire_at": null },
                "linked_to": [],
                "reserved": false,
            })
        })
        .collect();
    json!({
        "object": "user",
        "id": u.id,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "image_url": u.image_url.clone().unwrap_or_default(),
        "has_image": u.image_url.is_some(),
        "primary_email_address_id": u.primary_email().map(|e| e.id.clone()),
        "primary_phone_number_id": null,
        "primary_web3_wallet_id": null,
        "email_addresses": emails,
        "phone_numbers": [],
        "web3_wallets": [],
        "external_accounts": [],
        "enterprise_accounts": [],
        "password_enabled": false,
        "two_factor_enabled": false,
        "totp_enabled": false,
        "backup_code_enabled": false,
        "banned": false,
        "locked": false,
        "public_metadata": u.public_metadata.to_value(),
        "private_metadata": u.private_metadata.to_value(),
        "unsafe_metadata": {},
        "created_at": u.created_at,
        "updated_at": u.updated_at,
    })
}

/// `{ "data": [...], "total_count": N }`, with the cursor of the next page when there is one.
pub fn list(data: Vec<Value>, total_count: u64, next_cursor: Option<String>) -> Value {
    let mut v = json!({ "data": data, "total_count": total_count });
    if let Some(cursor) = next_cursor {
        v["next_cursor"] = Value::String(cursor);
    }
    v
}
