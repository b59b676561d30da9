//! This service's own OpenAPI 3.1 document: Clerk's operations it shares and its own (resend,
//! cursors, delivery, tickets, signed-in routes), served at `GET /v1/openapi.json`. Written by
//! hand, kept true by tests: its operations are exactly `ROUTES`
//! (`shared/tests/api/spec/ours.rs`), every answer of the conformance flows validates against
//! it, and schemathesis (in the test command) checks generated requests against it.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::ROUTES;

/// The document, serialized once per process.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| document_value().to_string())
}

pub async fn serve() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document(),
    )
        .into_response()
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn nullable(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn int() -> Value {
    json!({ "type": "integer" })
}

fn boolean() -> Value {
    json!({ "type": "boolean" })
}

/// An address as this service accepts it (`domain/email.rs` has the whole rule; this pattern
/// is a simple subset, so that generated examples are mostly valid).
fn address() -> Value {
    json!({ "type": "string", "pattern": "^[a-z0-9]{8,20}@[a-z0-9]{3,12}\\.(com|org|test)$",
            "maxLength": 254 })
}

/// The system roles; a deployment's `CUSTOM_ROLES` are accepted too.
fn role() -> Value {
    json!({ "type": "string", "enum": ["org:admin", "org:member"] })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "required": required, "properties": properties })
}

fn list_of(item: Value) -> Value {
    object(
        &["data", "total_count"],
        json!({
            "data": { "type": "array", "items": item },
            "total_count": int(),
            "next_cursor": { "type": "string", "description": "Where the next page starts (beyond Clerk): pass it as `cursor`." },
        }),
    )
}

fn schemas() -> Value {
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
            "status": { "type": "string", "enum": ["sent", "failed"] },
            "message_id": nullable(string()), "error": nullable(string()), "at": timestamp,
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
                "expires_at": timestamp, "created_at": timestamp, "updated_at": timestamp,
                "private_metadata": r("Metadata"), "locale": string(),
                "delivery": nullable(r("Delivery")),
            }),
        ),
        "Invitations": list_of(r("Invitation")),
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
                "notify": boolean(), "locale": string(),
            },
        },
    })
}

/// An error answer: Clerk's envelope, and for the link a page for browsers.
fn error(description: &str, html: bool) -> Value {
    let mut content = json!({ "application/json": { "schema": r("Errors") } });
    if html {
        content["text/html"] = json!({ "schema": string() });
    }
    json!({ "description": description, "content": content })
}

fn ok(schema: Value, links: Value) -> Value {
    let mut answer = json!({
        "description": "OK",
        "content": { "application/json": { "schema": schema } },
    });
    if links.as_object().is_some_and(|l| !l.is_empty()) {
        answer["links"] = links;
    }
    answer
}

/// Statuses every operation may answer with the error envelope.
fn errors(codes: &[u16], html: bool) -> Map<String, Value> {
    codes
        .iter()
        .map(|code| {
            let why = match code {
                400 => "Refused: see the error's code.",
                401 => "No valid secret key or session.",
                403 => "Not allowed, or over a quota.",
                404 => "No such organization, invitation, user or membership.",
                405 => "Another method is served here.",
                409 => "Concurrent writers kept winning; retry.",
                413 => "The body is too large.",
                422 => "A field is missing or invalid (`meta.param_name`).",
                429 => "An abuse limit, or the store throttling; `Retry-After` says when.",
                503 => "The store is unreachable; nothing was changed.",
                _ => "Error.",
            };
            (code.to_string(), error(why, html))
        })
        .collect()
}

const READ_ERRORS: &[u16] = &[400, 401, 403, 404, 422, 429, 503];
const WRITE_ERRORS: &[u16] = &[400, 401, 403, 404, 409, 413, 422, 429, 503];

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

fn param(name: &str, location: &str, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": location == "path",
            "description": description, "schema": string() })
}

/// `limit` and `offset`; with `statuses`, also `status` and `cursor` (invitation lists).
fn list_params(statuses: bool, extra: &[Value]) -> Vec<Value> {
    let mut params = vec![
        json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }),
        json!({ "name": "offset", "in": "query", "schema": { "type": "integer", "minimum": 0 } }),
    ];
    if statuses {
        params.push(param(
            "cursor",
            "query",
            "The `next_cursor` of the page before.",
        ));
        params.push(json!({ "name": "status", "in": "query", "style": "form", "explode": true,
            "schema": { "type": "array", "items": { "type": "string", "enum": ["pending", "accepted", "revoked", "expired", "declined"] } } }));
    }
    params.extend_from_slice(extra);
    params
}

/// One operation: its id, summary, parameters, body, success answer and error statuses.
struct Op {
    id: &'static str,
    summary: &'static str,
    params: Vec<Value>,
    body: Option<Value>,
    ok: (u16, Value),
    /// Other answers beside `ok` and the errors.
    more: Vec<(u16, Value)>,
    errors: &'static [u16],
    html_errors: bool,
    security: Option<Value>,
}

fn op(id: &'static str, summary: &'static str, ok: (u16, Value), errors: &'static [u16]) -> Op {
    Op {
        id,
        summary,
        params: Vec::new(),
        body: None,
        ok,
        more: Vec::new(),
        errors,
        html_errors: false,
        security: None,
    }
}

impl Op {
    fn params(mut self, params: Vec<Value>) -> Self {
        self.params = params;
        self
    }

    fn body(mut self, schema: Value) -> Self {
        self.body = Some(json_body(schema));
        self
    }

    fn signed_in(mut self) -> Self {
        self.security = Some(json!([{ "session": [] }, { "sessionCookie": [] }]));
        self
    }

    fn to_json(&self) -> Value {
        let mut responses = errors(self.errors, self.html_errors);
        responses.insert(self.ok.0.to_string(), self.ok.1.clone());
        for (status, answer) in &self.more {
            responses.insert(status.to_string(), answer.clone());
        }
        let mut o = json!({
            "operationId": self.id,
            "summary": self.summary,
            "responses": responses,
        });
        if !self.params.is_empty() {
            o["parameters"] = Value::Array(self.params.clone());
        }
        if let Some(body) = &self.body {
            o["requestBody"] = body.clone();
        }
        if let Some(security) = &self.security {
            o["security"] = security.clone();
        }
        o
    }
}

fn org() -> Value {
    param(
        "org",
        "path",
        "The organization's id (or, on GET, its slug).",
    )
}
fn inv() -> Value {
    param("inv", "path", "The invitation's id.")
}
fn user() -> Value {
    param("user", "path", "The user's id.")
}

fn invitation_links() -> Value {
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
fn operations() -> Vec<(&'static str, &'static str, Op)> {
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

fn document_value() -> Value {
    let mut paths = Map::new();
    for (method, path, op) in operations() {
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method.to_ascii_lowercase()] = op.to_json();
    }
    // Every route of every function, and nothing else (a test holds this too).
    debug_assert_eq!(
        paths
            .values()
            .map(|p| p.as_object().map_or(0, Map::len))
            .sum::<usize>(),
        ROUTES.len()
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Invitations",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Organization invitations in Clerk's Backend API shape, self-hosted on AWS Lambda, DynamoDB and SES. Operations marked Clerk's follow Clerk's published Backend API; the rest are this service's own.",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" },
        },
        "servers": [{ "url": "/" }],
        "security": [{ "secretKey": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "secretKey": { "type": "http", "scheme": "bearer", "description": "A backend secret key (`INVITATIONS_SECRET_KEY`)." },
                "session": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "The identity provider's session token." },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": "__session" },
            },
            "schemas": schemas(),
        },
    })
}
