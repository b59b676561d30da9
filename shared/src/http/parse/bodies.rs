//! Request bodies into the service's commands: every field checked and typed here, at the edge.

use serde_json::Value;

use super::fields::Fields;
use crate::domain::RedirectPolicy;
use crate::domain::{EmailAddress, FieldError, RoleCatalog, RoleKey, UserId};
use crate::service::commands::{
    InvitationAction, NewInvitation, NewMembership, NewOrganization, NewUser, OrganizationPatch,
    DEFAULT_EXPIRES_IN_DAYS,
};

/// `POST /organizations/{org}/invitations` (and each item of `/bulk`).
pub fn invitation(
    body: &Value,
    roles: &RoleCatalog,
    redirects: &RedirectPolicy,
) -> Result<NewInvitation, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let email = f
        .required_str("email_address")
        .and_then(|raw| f.email("email_address", raw));
    let role = f
        .required_str("role")
        .and_then(|raw| f.role("role", raw, roles));
    let inviter_user_id = f.optional_str("inviter_user_id").map(UserId::from);
    let public_metadata = f.metadata("public_metadata");
    let private_metadata = f.metadata("private_metadata");
    let redirect_url = match f.optional_str("redirect_url") {
        Some(raw) => match redirects.check("redirect_url", raw) {
            Ok(url) => Some(url),
            Err(e) => {
                f.reject(e);
                None
            }
        },
        None => None,
    };
    let expires_in_days = f
        .optional_u32_in("expires_in_days", 1..=365)
        .unwrap_or(DEFAULT_EXPIRES_IN_DAYS);
    let notify = f.optional_bool("notify").unwrap_or(true);
    let remind = f.optional_bool("remind").unwrap_or(true);
    let locale = crate::mail::compose::locale_for(f.optional_str("locale"));
    f.finish(|| {
        Some(NewInvitation {
            email_address: email?,
            role: role?,
            inviter_user_id,
            public_metadata,
            private_metadata,
            redirect_url,
            expires_in_days,
            notify,
            remind,
            locale,
            domain_offer: None,
        })
    })
}

/// `POST /users`. Clerk takes `email_address` as an array; a single string is accepted too.
pub fn user(body: &Value) -> Result<NewUser, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let raw: Vec<Value> = match body.get("email_address") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(v @ Value::String(_)) => vec![v.clone()],
        Some(_) => {
            f.reject(FieldError::format(
                "email_address",
                "email_address must be an array of strings.",
            ));
            Vec::new()
        }
    };
    let mut addresses: Vec<EmailAddress> = Vec::new();
    for (i, v) in raw.iter().enumerate() {
        let param = format!("email_address[{i}]");
        match v.as_str() {
            Some(s) => {
                if let Some(e) = f.email(&param, s) {
                    if addresses.iter().any(|a| a.key() == e.key()) {
                        f.reject(FieldError::value(
                            param,
                            "The same email address is given twice.",
                        ));
                    } else {
                        addresses.push(e);
                    }
                }
            }
            None => f.reject(FieldError::format(
                param,
                "Each email address must be a string.",
            )),
        }
    }
    if raw.is_empty() && body.get("email_address").is_none_or(Value::is_null) {
        f.reject(FieldError::missing("email_address"));
    } else if raw.is_empty() || raw.len() > NewUser::MAX_ADDRESSES {
        f.reject(FieldError::value(
            "email_address",
            format!(
                "email_address must hold 1 to {} addresses.",
                NewUser::MAX_ADDRESSES
            ),
        ));
    }
    let first_name = f.optional_text("first_name", 256);
    let last_name = f.optional_text("last_name", 256);
    let image_url = f.optional_text("image_url", 2048);
    let public_metadata = f.metadata("public_metadata");
    let private_metadata = f.metadata("private_metadata");
    f.finish(|| {
        Some(NewUser {
            email_addresses: addresses,
            first_name,
            last_name,
            image_url,
            public_metadata,
            private_metadata,
        })
    })
}

/// `POST /organizations`.
pub fn organization(body: &Value) -> Result<NewOrganization, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let name = f.required_str("name").map(str::trim).map(str::to_string);
    check_organization_name(&mut f, name.as_deref());
    let slug = f.optional_str("slug").map(str::to_string);
    check_slug(&mut f, slug.as_deref());
    let created_by = f.optional_str("created_by").map(UserId::from);
    let max_allowed_memberships = f.optional_u32_in("max_allowed_memberships", 0..=1_000_000);
    let public_metadata = f.metadata("public_metadata");
    let private_metadata = f.metadata("private_metadata");
    f.finish(|| {
        Some(NewOrganization {
            name: name?,
            slug,
            created_by,
            max_allowed_memberships,
            public_metadata,
            private_metadata,
        })
    })
}

fn check_organization_name(f: &mut Fields<'_>, name: Option<&str>) {
    if name.is_some_and(|n| n.chars().count() > 256 || n.chars().any(char::is_control)) {
        f.reject(FieldError::value(
            "name",
            "name must be at most 256 characters on one line.",
        ));
    }
}

fn check_slug(f: &mut Fields<'_>, slug: Option<&str>) {
    if slug.is_some_and(|s| !crate::domain::organization::is_valid_slug(s)) {
        f.reject(FieldError::format(
            "slug",
            "slug may contain only lowercase letters, digits, dashes and underscores (at most 64).",
        ));
    }
}

/// `PATCH /organizations/{org}`: `name`, `slug`, `max_allowed_memberships`,
/// `public_metadata`, `private_metadata`; each given one replaces the stored one.
pub fn organization_patch(body: &Value) -> Result<OrganizationPatch, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let name = match f.get("name") {
        None => None,
        Some(_) => f.required_str("name").map(str::trim).map(str::to_string),
    };
    check_organization_name(&mut f, name.as_deref());
    let slug = f.optional_str("slug").map(str::to_string);
    check_slug(&mut f, slug.as_deref());
    let max_allowed_memberships = f.optional_u32_in("max_allowed_memberships", 0..=1_000_000);
    let public_metadata = f
        .get("public_metadata")
        .is_some()
        .then(|| f.metadata("public_metadata"));
    let private_metadata = f
        .get("private_metadata")
        .is_some()
        .then(|| f.metadata("private_metadata"));
    f.finish(|| {
        Some(OrganizationPatch {
            name,
            slug,
            max_allowed_memberships,
            public_metadata,
            private_metadata,
        })
    })
}

/// `POST /organizations/{org}/memberships`.
pub fn membership(body: &Value, roles: &RoleCatalog) -> Result<NewMembership, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let user_id = f.required_str("user_id").map(UserId::from);
    let role = f
        .required_str("role")
        .and_then(|raw| f.role("role", raw, roles));
    let public_metadata = f.metadata("public_metadata");
    let private_metadata = f.metadata("private_metadata");
    f.finish(|| {
        Some(NewMembership {
            user_id: user_id?,
            role: role?,
            public_metadata,
            private_metadata,
        })
    })
}

/// `PATCH /organizations/{org}/memberships/{user}`.
pub fn role_update(body: &Value, roles: &RoleCatalog) -> Result<RoleKey, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let role = f
        .required_str("role")
        .and_then(|raw| f.role("role", raw, roles));
    f.finish(|| role)
}

/// The body of a revoke or resend: `requesting_user_id` and (resend) `notify`, both optional;
/// an empty body names no one and sends the email.
pub fn invitation_action(body: &Value) -> Result<InvitationAction, Vec<FieldError>> {
    if body.is_null() {
        return Ok(InvitationAction {
            requesting_user_id: None,
            notify: true,
        });
    }
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let requesting_user_id = f.optional_str("requesting_user_id").map(UserId::from);
    let notify = f.optional_bool("notify").unwrap_or(true);
    f.finish(|| {
        Some(InvitationAction {
            requesting_user_id,
            notify,
        })
    })
}

/// `{"ticket": "…"}` of `POST /tickets/accept`.
pub fn ticket(body: &Value) -> Result<String, Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let ticket = f.required_str("ticket").map(str::to_string);
    f.finish(|| ticket)
}

/// The most invitations one bulk request may carry.
pub const BULK_MAX_ITEMS: usize = 10;

/// A JSON array of 1 to [`BULK_MAX_ITEMS`] invitations. One malformed item refuses the whole
/// request, each error named by its item (`[2].email_address`).
pub fn bulk_invitations(
    body: &Value,
    roles: &RoleCatalog,
    redirects: &RedirectPolicy,
) -> Result<Vec<NewInvitation>, Vec<FieldError>> {
    let Value::Array(items) = body else {
        return Err(vec![FieldError::format(
            "body",
            "The request body must be a JSON array of invitations.",
        )]);
    };
    if items.is_empty() || items.len() > BULK_MAX_ITEMS {
        return Err(vec![FieldError::value(
            "body",
            format!("Send 1 to {BULK_MAX_ITEMS} invitations at once."),
        )]);
    }
    let mut inputs = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match invitation(item, roles, redirects) {
            Ok(input) => inputs.push(input),
            Err(errs) => errors.extend(errs.into_iter().map(|e| e.within(&format!("[{i}]")))),
        }
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[path = "body_tests.rs"]
mod tests;

/// `PATCH …/metadata`: the patches of `public_metadata` and `private_metadata` (absent or
/// `null`: no change), each an object if given.
pub fn metadata_patch(body: &Value) -> Result<(Value, Value), Vec<FieldError>> {
    let mut f = Fields::of(body).map_err(|e| vec![e])?;
    let mut patch = |name: &str| match f.get(name) {
        None => Value::Null,
        Some(v @ Value::Object(_)) => v.clone(),
        Some(_) => {
            f.reject(FieldError::format(
                name,
                format!("{name} must be a JSON object."),
            ));
            Value::Null
        }
    };
    let public = patch("public_metadata");
    let private = patch("private_metadata");
    f.finish(|| Some((public, private)))
}
