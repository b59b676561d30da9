//! The document's schemas: the answers' shapes, and small builders of JSON Schema.

use serde_json::{json, Value};

pub fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

pub fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

pub fn string() -> Value {
    json!({ "type": "string" })
}

pub fn int() -> Value {
    json!({ "type": "integer" })
}

pub fn boolean() -> Value {
    json!({ "type": "boolean" })
}

/// An address as this service accepts it (`domain/email.rs` has the whole rule; this pattern
/// is a simple subset, so that generated examples are mostly valid).
pub fn address() -> Value {
    json!({ "type": "string", "pattern": "^[a-z0-9]{8,20}@[a-z0-9]{3,12}\\.(com|org|test)$",
            "maxLength": 254 })
}

/// The system roles; a deployment's `CUSTOM_ROLES` are accepted too.
pub fn role() -> Value {
    json!({ "type": "string", "enum": ["org:admin", "org:member"] })
}

pub fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

pub fn list_of(item: Value) -> Value {
    object(
        &["data", "total_count"],
        json!({
            "data": { "type": "array", "items": item },
            "total_count": int(),
            "next_cursor": { "type": "string", "description": "Where the next page starts (beyond Clerk): pass it as `cursor`." },
        }),
    )
}

pub fn schemas() -> Value {
    let mut all = core_schemas();
    for more in [super::ways_in::schemas(), super::links::schemas()] {
        if let (Value::Object(all), Value::Object(more)) = (&mut all, more) {
            all.extend(more);
        }
    }
    all
}

fn core_schemas() -> Value {
    let metadata = json!({ "type": "object", "additionalProperties": true });
    let timestamp = json!({ "type": "integer", "description": "Unix time in milliseconds." });
    json!({
        "Metadata": metadata,
        "ErrorEntry": object(&["code", "message", "long_message"], json!({
            "code": string(), "message": string(), "long_message": string(),
            "meta": { "type": "object", "additionalProperties": true },
        })),
        "Errors": object(&["errors"], json!({
            "errors": { "type": "array", "minItems": 1, "items": r("ErrorEntry") },
            "clerk_trace_id": string(),
        })),
        "PublicUserData": object(
            &["user_id", "first_name", "last_name", "profile_image_url", "image_url", "has_image", "identifier"],
            json!({
                "user_id": string(), "first_name": nullable(string()), "last_name": nullable(string()),
                "profile_image_url": nullable(string()), "image_url": string(), "has_image": boolean(),
                "identifier": string(), "username": nullable(string()),
            }),
        ),
        "PublicOrganizationData": object(
            &["id", "name", "slug", "image_url", "has_image"],
            json!({ "id": string(), "name": string(), "slug": string(), "image_url": string(), "has_image": boolean() }),
        ),
        "Delivery": object(&["status", "at"], json!({
            "status": { "type": "string", "enum": ["queued", "sent", "failed", "delivered", "bounced", "complained"] },
            "message_id": nullable(string()), "error": nullable(string()),
            "bounce_type": nullable(string()), "at": timestamp,
        })),
        "Invitation": object(
            &["object", "id", "email_address", "role", "role_name", "organization_id", "inviter_id",
              "public_inviter_data", "public_organization_data", "status", "public_metadata", "url",
              "expires_at", "created_at", "updated_at"],
            json!({
                "object": { "const": "organization_invitation" },
                "id": string(), "email_address": string(), "role": string(), "role_name": string(),
                "organization_id": string(), "inviter_id": nullable(string()),
                "public_inviter_data": nullable(r("PublicUserData")),
                "public_organization_data": r("PublicOrganizationData"),
                "status": { "type": "string", "enum": ["pending", "accepted", "revoked", "expired", "declined"] },
                "public_metadata": r("Metadata"),
                "url": { "description": "The accept link: on create and resend only.", "anyOf": [string(), { "type": "null" }] },
                "redirect_url": nullable(string()), "notify": boolean(),
                "source": { "type": "string", "enum": ["admin", "domain", "link"] },
                "organization_invitation_link_id": nullable(string()),
                "expires_at": timestamp, "created_at": timestamp, "updated_at": timestamp,
                "private_metadata": r("Metadata"), "locale": string(),
                "delivery": nullable(r("Delivery")),
                "remind": { "description": "A reminder goes out before it lapses (REMINDER_DAYS_BEFORE_EXPIRY).", "type": "boolean" },
                "remind_at": { "anyOf": [timestamp, { "type": "null" }] },
                "reminder": nullable(r("Delivery")),
                "declined_via": { "description": "How it was declined: by the link's holder, or by the signed-in owner of its address.", "type": "string", "enum": ["link", "signed_in"] },
            }),
        ),
        "Invitations": list_of(r("Invitation")),
        "AuditLogEntry": object(
            &["object", "id", "organization_id", "action", "occurred_at", "occurred_at_ms", "actor", "targets", "context", "metadata"],
            json!({
                "object": { "const": "audit_log_entry" }, "id": string(), "organization_id": string(),
                "action": string(),
                "occurred_at": { "description": "RFC 3339, as WorkOS sends it.", "type": "string" },
                "occurred_at_ms": timestamp,
                "actor": object(&["type", "id"], json!({
                    "type": { "type": "string", "enum": ["user", "api_key", "system", "link_holder"] },
                    "id": string(), "name": string(),
                })),
                "targets": { "type": "array", "items": object(&["type", "id"], json!({ "type": string(), "id": string() })) },
                "context": object(&[], json!({ "ip": string(), "user_agent": string(), "request_id": string() })),
                "metadata": { "type": "object" },
            }),
        ),
        "AuditLogEntries": object(&["object", "data", "next_cursor"], json!({
            "object": { "const": "list" },
            "data": { "type": "array", "items": r("AuditLogEntry") },
            "next_cursor": nullable(string()),
        })),
        "EmailSuppression": object(
            &["object", "email_address", "reason", "bounce_type", "organization_id", "invitation_id", "created_at"],
            json!({
                "object": { "const": "email_suppression" },
                "email_address": { "description": "The mailbox: the address as the limits fold it (case, +tag, Gmail's dots).", "type": "string" },
                "reason": { "type": "string", "enum": ["hard_bounce", "complaint"] },
                "bounce_type": nullable(string()), "organization_id": string(), "invitation_id": string(),
                "created_at": timestamp,
            }),
        ),
        "EmailSending": object(
            &["object", "organization_id", "paused", "paused_at", "paused_by", "reason"],
            json!({
                "object": { "const": "organization_email_sending" },
                "organization_id": string(), "paused": boolean(),
                "paused_at": { "anyOf": [timestamp, { "type": "null" }] },
                "paused_by": { "anyOf": [{ "type": "string", "enum": ["breaker", "operator"] }, { "type": "null" }] },
                "reason": nullable(string()),
                "last_days": object(&["days", "delivered", "bounced", "complained"], json!({
                    "days": int(), "delivered": int(), "bounced": int(), "complained": int(),
                })),
            }),
        ),
        "Declined": object(&["object", "status"], json!({
            "object": { "const": "organization_invitation_decline" },
            "status": { "const": "declined" },
        })),
        "BulkRefusal": object(&["object", "status", "email_address", "errors"], json!({
            "object": { "const": "error" }, "status": int(), "email_address": string(),
            "errors": { "type": "array", "items": r("ErrorEntry") },
        })),
        "BulkResults": list_of(json!({ "anyOf": [r("Invitation"), r("BulkRefusal")] })),
        "Organization": object(
            &["object", "id", "name", "slug", "image_url", "has_image", "max_allowed_memberships",
              "admin_delete_enabled", "members_count", "pending_invitations_count",
              "public_metadata", "created_at", "updated_at"],
            json!({
                "object": { "const": "organization" }, "id": string(), "name": string(), "slug": string(),
                "image_url": string(), "has_image": boolean(), "max_allowed_memberships": int(),
                "admin_delete_enabled": boolean(), "members_count": int(),
                "pending_invitations_count": int(), "created_by": string(),
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata"),
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "Membership": object(
            &["object", "id", "role", "role_name", "permissions", "public_metadata", "organization",
              "public_user_data", "created_at", "updated_at"],
            json!({
                "object": { "const": "organization_membership" }, "id": string(), "role": string(),
                "role_name": string(), "permissions": { "type": "array", "items": string() },
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata"),
                "organization": r("Organization"), "public_user_data": r("PublicUserData"),
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "Memberships": list_of(r("Membership")),
        "EmailAddress": object(
            &["object", "id", "email_address", "verification", "linked_to", "reserved", "created_at", "updated_at"],
            json!({
                "object": { "const": "email_address" }, "id": string(), "email_address": string(),
                "verification": object(&["status", "strategy"], json!({
                    "object": string(), "status": string(), "strategy": string(),
                    "attempts": nullable(int()), "expire_at": nullable(int()),
                })),
                "linked_to": { "type": "array" }, "reserved": boolean(),
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "User": object(
            &["object", "id", "first_name", "last_name", "image_url", "has_image",
              "primary_email_address_id", "email_addresses", "public_metadata", "private_metadata",
              "created_at", "updated_at"],
            json!({
                "object": { "const": "user" }, "id": string(),
                "first_name": nullable(string()), "last_name": nullable(string()),
                "image_url": string(), "has_image": boolean(),
                "primary_email_address_id": nullable(string()),
                "email_addresses": { "type": "array", "items": r("EmailAddress") },
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata"),
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "NewInvitation": {
            "type": "object",
            "required": ["email_address", "role"],
            "properties": {
                "email_address": address(), "role": role(), "inviter_user_id": string(),
                "public_metadata": r("Metadata"), "private_metadata": r("Metadata"),
                "redirect_url": string(), "expires_in_days": { "type": "integer", "minimum": 1, "maximum": 365 },
                "notify": boolean(), "remind": boolean(), "locale": string(),
            },
        },
    })
}
