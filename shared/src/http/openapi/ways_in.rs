//! The schemas of the ways in beyond an invitation: Clerk's `OrganizationDomain`, and ours,
//! suggestions and membership requests.

use serde_json::{json, Value};

use super::schemas::{boolean, int, nullable, object, r, string};

fn verification() -> Value {
    nullable(object(
        &["status", "strategy", "attempts", "expire_at", "verified_at"],
        json!({
            "status": { "type": "string", "enum": ["unverified", "verified", "failed", "expired"] },
            "strategy": { "type": "string", "enum": ["admin", "affiliation_email", "email_code", "manual_override"] },
            "attempts": nullable(int()),
            "expire_at": nullable(int()),
            "verified_at": nullable(int()),
        }),
    ))
}

fn mode() -> Value {
    json!({ "type": "string", "enum": ["manual_invitation", "automatic_invitation", "automatic_suggestion"] })
}

pub fn schemas() -> Value {
    let timestamp = json!({ "type": "integer", "description": "Unix time in milliseconds." });
    json!({
        "OrganizationDomain": object(
            &["object", "id", "organization_id", "name", "enrollment_mode", "affiliation_email_address",
              "affiliation_verification", "ownership_verification", "verification",
              "total_pending_invitations", "total_pending_suggestions", "public_organization_data",
              "created_at", "updated_at"],
            json!({
                "object": { "const": "organization_domain" }, "id": string(), "organization_id": string(),
                "name": string(), "enrollment_mode": mode(),
                "affiliation_email_address": nullable(string()),
                "affiliation_verification": verification(), "ownership_verification": verification(),
                "verification": verification(),
                "total_pending_invitations": int(), "total_pending_suggestions": int(),
                "public_organization_data": r("PublicOrganizationData"),
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "OrganizationDomains": object(&["data", "total_count"], json!({
            "data": { "type": "array", "items": r("OrganizationDomain") }, "total_count": int(),
        })),
        "NewOrganizationDomain": {
            "type": "object", "required": ["name"],
            "properties": { "name": string(), "enrollment_mode": mode(), "verified": boolean() },
        },
        "OrganizationSuggestion": object(
            &["object", "id", "public_organization_data", "status", "created_at", "updated_at"],
            json!({
                "object": { "const": "organization_suggestion" }, "id": string(),
                "public_organization_data": r("PublicOrganizationData"),
                "status": { "type": "string", "enum": ["pending", "accepted"] },
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "OrganizationSuggestions": object(&["data", "total_count"], json!({
            "data": { "type": "array", "items": r("OrganizationSuggestion") }, "total_count": int(),
        })),
        "MembershipRequest": object(
            &["object", "id", "organization_id", "status", "public_user_data", "created_at", "updated_at"],
            json!({
                "object": { "const": "organization_membership_request" }, "id": string(),
                "organization_id": string(),
                "status": { "type": "string", "enum": ["pending", "accepted", "rejected"] },
                "public_user_data": r("PublicUserData"),
                "organization_domain_id": nullable(string()),
                "organization_invitation_link_id": nullable(string()),
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "MembershipRequests": object(&["data", "total_count"], json!({
            "data": { "type": "array", "items": r("MembershipRequest") }, "total_count": int(),
        })),
        "DeletedDomain": object(&["object", "id", "deleted"], json!({
            "object": { "const": "organization_domain" }, "id": string(), "deleted": { "const": true },
        })),
    })
}
