//! Builders of the document's operations: answers, error statuses, parameters, and `Op`. The
//! route table (`http::routes`) writes each route's operation with these.

use serde_json::{json, Map, Value};

pub use super::schemas::{address, boolean, list_of, object, r, role, string};

/// An error answer: Clerk's envelope, and for the link a page for browsers.
pub fn error(description: &str, html: bool) -> Value {
    let mut content = json!({ "application/json": { "schema": r("Errors") } });
    if html {
        content["text/html"] = json!({ "schema": string() });
    }
    json!({ "description": description, "content": content })
}

pub fn ok(schema: Value, links: Value) -> Value {
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
pub fn errors(codes: &[u16], html: bool) -> Map<String, Value> {
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

pub const READ_ERRORS: &[u16] = &[400, 401, 403, 404, 422, 429, 503];
pub const WRITE_ERRORS: &[u16] = &[400, 401, 403, 404, 409, 413, 422, 429, 503];

pub fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

pub fn param(name: &str, location: &str, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": location == "path",
            "description": description, "schema": string() })
}

/// `limit` and `offset`; with `statuses`, also `status` and `cursor` (invitation lists).
pub fn list_params(statuses: bool, extra: &[Value]) -> Vec<Value> {
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
pub struct Op {
    id: &'static str,
    summary: &'static str,
    params: Vec<Value>,
    body: Option<Value>,
    ok: (u16, Value),
    /// Other answers beside `ok` and the errors.
    more: Vec<(u16, Value)>,
    errors: &'static [u16],
    html_errors: bool,
}

pub fn op(id: &'static str, summary: &'static str, ok: (u16, Value), errors: &'static [u16]) -> Op {
    Op {
        id,
        summary,
        params: Vec::new(),
        body: None,
        ok,
        more: Vec::new(),
        errors,
        html_errors: false,
    }
}

impl Op {
    pub fn params(mut self, params: Vec<Value>) -> Self {
        self.params = params;
        self
    }

    pub fn body(mut self, schema: Value) -> Self {
        self.body = Some(json_body(schema));
        self
    }

    /// Errors also answered as an HTML page (for browsers following a link).
    pub fn html_errors(mut self) -> Self {
        self.html_errors = true;
        self
    }

    /// The success answer's description.
    pub fn ok_described(mut self, description: &str) -> Self {
        self.ok.1["description"] = json!(description);
        self
    }

    /// Another answer beside `ok` and the errors.
    pub fn also(mut self, status: u16, answer: Value) -> Self {
        self.more.push((status, answer));
        self
    }

    /// The operation in the document, with the security its route's audience asks for
    /// (`None`: the document's default, a secret key).
    pub fn to_json(&self, security: Option<Value>) -> Value {
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
        if let Some(security) = security {
            o["security"] = security;
        }
        o
    }
}

pub fn org() -> Value {
    param(
        "org",
        "path",
        "The organization's id (or, on GET, its slug).",
    )
}

pub fn inv() -> Value {
    param("inv", "path", "The invitation's id.")
}

pub fn user() -> Value {
    param("user", "path", "The user's id.")
}

/// What a created invitation leads to, for stateful runs (schemathesis).
pub fn invitation_links() -> Value {
    json!({
        "GetInvitation": { "operationId": "GetOrganizationInvitation",
            "parameters": { "org": "$request.path.org", "inv": "$response.body#/id" } },
        "ResendInvitation": { "operationId": "ResendOrganizationInvitation",
            "parameters": { "org": "$request.path.org", "inv": "$response.body#/id" } },
        "RevokeInvitation": { "operationId": "RevokeOrganizationInvitation",
            "parameters": { "org": "$request.path.org", "inv": "$response.body#/id" } },
    })
}

/// `params` with `extra` after them.
pub fn with(mut params: Vec<Value>, extra: Vec<Value>) -> Vec<Value> {
    params.extend(extra);
    params
}
