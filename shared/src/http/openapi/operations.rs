//! The document's operations, one per route, with their parameters, bodies, answers and links.

use serde_json::{json, Value};

use super::builder::{list_params, ok, op, param, Op, READ_ERRORS, WRITE_ERRORS};
use super::schemas::{address, boolean, list_of, object, r, role, string};

pub(super) fn org() -> Value {
    param(
        "org",
        "path",
        "The organization's id (or, on GET, its slug).",
    )
}
pub(super) fn inv() -> Value {
    param("inv", "path", "The invitation's id.")
}
pub(super) fn user() -> Value {
    param("user", "path", "The user's id.")
}

pub(super) fn invitation_links() -> Value {
    json!({
        "GetInvitation": { "operationId": "GetOrganizationInvitation",
            "parameters": { "org": "$request.path.org", "inv": "$response.body#/id" } },
        "ResendInvitation": { "operationId": "ResendOrganizationInvitation",
            "parameters": { "org": "$request.path.org", "inv": "$response.body#/id" } },
        "RevokeInvitation": { "operationId": "RevokeOrganizationInvitation",
            "parameters": { "org": "$request.path.org", "inv": "$response.body#/id" } },
    })
}

/// Every operation, by (method, path) as in `ROUTES`.
pub(super) fn operations() -> Vec<(&'static str, &'static str, Op)> {
    let action = json!({ "type": "object", "properties": {
        "requesting_user_id": string(), "notify": boolean() } });
    vec![
        ("POST", "/v1/organizations/{org}/invitations",
            op("CreateOrganizationInvitation", "Invite by email with a role (Clerk's).",
               (200, ok(r("Invitation"), invitation_links())), WRITE_ERRORS)
                .params(vec![org()]).body(r("NewInvitation"))),
        ("POST", "/v1/organizations/{org}/invitations/bulk", {
            let mut o = op("CreateOrganizationInvitationBulk",
               "Up to 10 invitations, each with its own result (Clerk's; 207 beyond Clerk when some are refused).",
               (200, ok(r("BulkResults"), json!({}))), WRITE_ERRORS)
                .params(vec![org()])
                .body(json!({ "type": "array", "minItems": 1, "maxItems": 10, "items": r("NewInvitation") }));
            o.ok.1["description"] = json!("Every item created.");
            let mut some = ok(r("BulkResults"), json!({}));
            some["description"] = json!("Some items refused, each with its own error (beyond Clerk).");
            o.more.push((207, some));
            o
        }),
        ("POST", "/v1/organizations/{org}/invitations/{inv}/resend",
            op("ResendOrganizationInvitation", "A new link and expiry; older links stop working (beyond Clerk).",
               (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
                .params(vec![org(), inv()]).body(action.clone())),
        ("GET", "/v1/organizations/{org}/invitations",
            op("ListOrganizationInvitations", "An organization's invitations (Clerk's, with `cursor` beyond it).",
               (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
                .params({
                    let mut p = vec![org()];
                    p.extend(list_params(true, &[
                        json!({ "name": "email_address", "in": "query", "description": "One address, any case.", "schema": address() }),
                        json!({ "name": "order_by", "in": "query", "schema": { "type": "string",
                            "enum": ["created_at", "-created_at", "+created_at", "email_address", "-email_address", "+email_address"] } }),
                    ]));
                    p
                })),
        ("GET", "/v1/organizations/{org}/invitations/pending",
            op("ListPendingOrganizationInvitations", "Pending invitations (Clerk's, deprecated there: use `status=pending`).",
               (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
                .params({
                    let mut p = vec![org()];
                    p.extend(list_params(false, &[param("cursor", "query", "The `next_cursor` of the page before.")]));
                    p
                })),
        ("GET", "/v1/organizations/{org}/invitations/{inv}",
            op("GetOrganizationInvitation", "One invitation (Clerk's).",
               (200, ok(r("Invitation"), json!({}))), READ_ERRORS)
                .params(vec![org(), inv()])),
        ("GET", "/v1/users/{user}/organization_invitations",
            op("UsersGetOrganizationInvitations", "A person's invitations across organizations, newest first (Clerk's).",
               (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
                .params({ let mut p = vec![user()]; p.extend(list_params(true, &[])); p })),
        ("GET", "/v1/organization_invitations",
            op("ListInstanceOrganizationInvitations", "Every organization's invitations, newest first; `query` names an address (Clerk's).",
               (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
                .params(list_params(true, &[
                    json!({ "name": "query", "in": "query", "description": "An email address: its invitations.", "schema": address() }),
                    json!({ "name": "order_by", "in": "query", "schema": { "type": "string", "enum": ["-created_at"] } }),
                ]))),
        ("GET", "/v1/me/organization_invitations",
            op("ListMyOrganizationInvitations", "The signed-in person's invitations (beyond Clerk's Backend API).",
               (200, ok(r("Invitations"), json!({}))), READ_ERRORS)
                .params(list_params(true, &[])).signed_in()),
        ("POST", "/v1/organizations/{org}/invitations/{inv}/revoke",
            op("RevokeOrganizationInvitation", "Revoke a pending invitation; its link dies (Clerk's).",
               (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
                .params(vec![org(), inv()])
                .body(json!({ "type": "object", "properties": { "requesting_user_id": string() } }))),
        ("GET", "/v1/tickets/accept", {
            let mut o = op("FollowInvitationLink", "The link in the email: 302 to the app with `__clerk_ticket` and `__clerk_status`.",
               (302, json!({ "description": "To the redirect target.",
                   "headers": { "Location": { "schema": string() } } })), &[400, 401, 404, 409, 422, 429, 503])
                .params(vec![json!({ "name": "ticket", "in": "query", "required": true, "schema": string() })]);
            o.html_errors = true;
            o.security = Some(json!([{}, { "sessionCookie": [] }, { "session": [] }]));
            o
        }),
        ("POST", "/v1/tickets/accept",
            op("AcceptInvitationTicket", "The signed-in invitee accepts with the ticket.",
               (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
                .body(object(&["ticket"], json!({ "ticket": string() }))).signed_in()),
        ("POST", "/v1/tickets/decline", {
            let mut o = op("DeclineInvitationTicket", "Whoever holds the link declines: the invitation is `declined`, its seat freed, its links dead.",
               (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
                .body(object(&["ticket"], json!({ "ticket": string() })));
            o.security = Some(json!([{}]));
            o
        }),
        ("POST", "/v1/me/organization_invitations/{inv}/decline",
            op("DeclineMyOrganizationInvitation", "The signed-in invitee declines by id.",
               (200, ok(r("Invitation"), json!({}))), WRITE_ERRORS)
                .params(vec![inv()]).signed_in()),
        ("POST", "/v1/me/organization_invitations/{inv}/accept",
            op("AcceptMyOrganizationInvitation", "The signed-in invitee accepts by id.",
               (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
                .params(vec![inv()]).signed_in()),
        ("POST", "/v1/users",
            op("CreateUser", "A user (Clerk's, the fields this service keeps).",
               (200, ok(r("User"), json!({
                   "GetUser": { "operationId": "GetUser", "parameters": { "user": "$response.body#/id" } },
                   "ListTheirInvitations": { "operationId": "UsersGetOrganizationInvitations",
                       "parameters": { "user": "$response.body#/id" } },
               }))), WRITE_ERRORS)
                .body(json!({ "type": "object", "required": ["email_address"], "properties": {
                    "email_address": { "type": "array", "items": address(), "minItems": 1, "maxItems": 3 },
                    "first_name": { "type": "string", "maxLength": 256, "pattern": "^[A-Za-z ]*$" },
                    "last_name": { "type": "string", "maxLength": 256, "pattern": "^[A-Za-z ]*$" },
                    "image_url": { "type": "string", "format": "uri" },
                    "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
        ("GET", "/v1/users/{user}",
            op("GetUser", "A user (Clerk's).", (200, ok(r("User"), json!({}))), READ_ERRORS)
                .params(vec![user()])),
        ("GET", "/v1/users/{user}/organization_memberships",
            op("UsersGetOrganizationMemberships", "A user's memberships across organizations, newest first (Clerk's).",
               (200, ok(r("Memberships"), json!({}))), READ_ERRORS)
                .params({ let mut p = vec![user()]; p.extend(list_params(false, &[])); p })),
        ("POST", "/v1/organizations",
            op("CreateOrganization", "An organization; `created_by` becomes its first admin (Clerk's).",
               (200, ok(r("Organization"), json!({
                   "GetOrganization": { "operationId": "GetOrganization", "parameters": { "org": "$response.body#/id" } },
                   "CreateInvitation": { "operationId": "CreateOrganizationInvitation", "parameters": { "org": "$response.body#/id" } },
                   "ListInvitations": { "operationId": "ListOrganizationInvitations", "parameters": { "org": "$response.body#/id" } },
                   "ListMemberships": { "operationId": "ListOrganizationMemberships", "parameters": { "org": "$response.body#/id" } },
                   "CreateMembership": { "operationId": "CreateOrganizationMembership", "parameters": { "org": "$response.body#/id" } },
               }))), WRITE_ERRORS)
                .body(json!({ "type": "object", "required": ["name"], "properties": {
                    "name": { "type": "string", "minLength": 8, "maxLength": 256, "pattern": "^[A-Za-z0-9]{8,40}$" },
                    "slug": { "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" },
                    "created_by": string(),
                    "max_allowed_memberships": { "type": "integer", "minimum": 0 },
                    "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
        ("GET", "/v1/organizations",
            op("ListOrganizations", "Every organization, newest first; or by `query` (an id, or a slug prefix) or `user_id` (Clerk's).",
               (200, ok(list_of(r("Organization")), json!({}))), READ_ERRORS)
                .params({
                    let mut p = list_params(false, &[]);
                    p.push(param("query", "query", "An organization id exactly, or the start of a slug."));
                    p.push(json!({ "name": "user_id", "in": "query", "style": "form", "explode": true,
                        "schema": { "type": "array", "maxItems": 10, "items": string() } }));
                    p.push(json!({ "name": "order_by", "in": "query",
                        "schema": { "type": "string", "enum": ["created_at", "+created_at", "-created_at"] } }));
                    p.push(json!({ "name": "include_members_count", "in": "query", "schema": boolean() }));
                    p
                })),
        ("GET", "/v1/organizations/{org}",
            op("GetOrganization", "An organization by id or slug (Clerk's).",
               (200, ok(r("Organization"), json!({}))), READ_ERRORS)
                .params(vec![org()])),
        ("PATCH", "/v1/organizations/{org}",
            op("UpdateOrganization", "Rename, re-slug, change the maximum or replace metadata (Clerk's).",
               (200, ok(r("Organization"), json!({}))), WRITE_ERRORS)
                .params(vec![org()])
                .body(json!({ "type": "object", "properties": {
                    "name": { "type": "string", "minLength": 1, "maxLength": 256 },
                    "slug": { "type": "string", "pattern": "^[a-z0-9_-]{1,64}$" },
                    "max_allowed_memberships": { "type": "integer", "minimum": 0 },
                    "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
        ("DELETE", "/v1/organizations/{org}",
            op("DeleteOrganization", "Delete an organization; its pending invitations are revoked first, so their links die (Clerk's).",
               (200, ok(object(&["object", "id", "slug", "deleted"], json!({
                   "object": { "const": "organization" }, "id": string(), "slug": string(), "deleted": { "const": true } })),
                   json!({}))), WRITE_ERRORS)
                .params(vec![org()])),
        ("POST", "/v1/organizations/{org}/memberships",
            op("CreateOrganizationMembership", "Add a user with a role (Clerk's).",
               (200, ok(r("Membership"), json!({
                   "UpdateMembership": { "operationId": "UpdateOrganizationMembership",
                       "parameters": { "org": "$request.path.org", "user": "$response.body#/public_user_data/user_id" } },
                   "DeleteMembership": { "operationId": "DeleteOrganizationMembership",
                       "parameters": { "org": "$request.path.org", "user": "$response.body#/public_user_data/user_id" } },
               }))), WRITE_ERRORS)
                .params(vec![org()])
                .body(object(&["user_id", "role"], json!({ "user_id": string(), "role": role() })))),
        ("GET", "/v1/organizations/{org}/memberships",
            op("ListOrganizationMemberships", "Members, newest first (Clerk's).",
               (200, ok(r("Memberships"), json!({}))), READ_ERRORS)
                .params({ let mut p = vec![org()]; p.extend(list_params(false, &[])); p })),
        ("PATCH", "/v1/organizations/{org}/memberships/{user}",
            op("UpdateOrganizationMembership", "Change a member's role (Clerk's).",
               (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
                .params(vec![org(), user()])
                .body(object(&["role"], json!({ "role": role() })))),
        ("DELETE", "/v1/organizations/{org}/memberships/{user}",
            op("DeleteOrganizationMembership", "Remove a member (Clerk's).",
               (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
                .params(vec![org(), user()])),
        ("PATCH", "/v1/organizations/{org}/memberships/{user}/metadata",
            op("UpdateOrganizationMembershipMetadata", "Deep-merge a member's metadata; `null` removes a key (Clerk's).",
               (200, ok(r("Membership"), json!({}))), WRITE_ERRORS)
                .params(vec![org(), user()])
                .body(json!({ "type": "object", "properties": {
                    "public_metadata": r("Metadata"), "private_metadata": r("Metadata") } }))),
        ("GET", "/v1/openapi.json",
            {
                let mut o = op("GetOpenApiDocument", "This document.",
                    (200, ok(json!({ "type": "object" }), json!({}))), &[]);
                o.security = Some(json!([{}]));
                o
            }),
    ]
}
