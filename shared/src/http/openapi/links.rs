//! The schemas of shareable invitation links (ours).

use serde_json::{json, Value};

use super::schemas::{boolean, int, nullable, object, r, string};

pub fn schemas() -> Value {
    let timestamp = json!({ "type": "integer", "description": "Unix time in milliseconds." });
    let domains = json!({ "type": "array", "maxItems": 10, "items": string() });
    json!({
        "InvitationLink": object(
            &["object", "id", "organization_id", "role", "status", "max_uses", "uses", "last_used_at",
              "allowed_email_domains", "requires_approval", "created_by", "revoked_at", "expires_at",
              "created_at", "updated_at"],
            json!({
                "object": { "const": "organization_invitation_link" }, "id": string(),
                "organization_id": string(), "role": string(),
                "status": { "type": "string", "enum": ["active", "revoked", "expired", "exhausted"] },
                "max_uses": int(), "uses": int(), "last_used_at": nullable(int()),
                "allowed_email_domains": domains, "requires_approval": boolean(),
                "created_by": nullable(r("PublicUserData")),
                "revoked_at": nullable(int()), "expires_at": timestamp,
                "token": { "type": "string", "description": "Only in the answer that made the link." },
                "url": { "type": ["string", "null"], "description": "The join page with the token (`INVITATION_LINK_URL`); only in the answer that made the link." },
                "created_at": timestamp, "updated_at": timestamp,
            }),
        ),
        "InvitationLinks": object(&["data", "total_count"], json!({
            "data": { "type": "array", "items": r("InvitationLink") }, "total_count": int(),
        })),
        "NewInvitationLink": {
            "type": "object",
            "properties": {
                "role": string(),
                "max_uses": { "type": "integer", "minimum": 1, "maximum": 1000 },
                "expires_in_days": { "type": "integer", "minimum": 1, "maximum": 90 },
                "expires_at": { "type": "integer", "description": "Unix time in milliseconds, at most 90 days away; not with `expires_in_days`." },
                "allowed_email_domains": domains,
                "requires_approval": boolean(),
            },
        },
        "InvitationLinkPreview": object(
            &["object", "public_organization_data", "role", "role_name", "requires_approval",
              "allowed_email_domains", "expires_at"],
            json!({
                "object": { "const": "organization_invitation_link_preview" },
                "public_organization_data": r("PublicOrganizationData"),
                "role": string(), "role_name": string(), "requires_approval": boolean(),
                "allowed_email_domains": domains, "expires_at": timestamp,
            }),
        ),
        "InvitationLinkRedemption": object(
            &["object", "outcome", "public_organization_data", "role", "organization_invitation_id",
              "organization_membership_request"],
            json!({
                "object": { "const": "organization_invitation_link_redemption" },
                "outcome": { "type": "string", "enum": ["joined", "requested"] },
                "public_organization_data": r("PublicOrganizationData"),
                "role": string(),
                "organization_invitation_id": nullable(string()),
                "organization_membership_request": nullable(r("MembershipRequest")),
            }),
        ),
    })
}
