//! Builders of the document's operations: answers, error statuses, parameters, and `Op`.

use serde_json::{json, Map, Value};

use super::schemas::{r, string};

/// An error answer: Clerk's envelope, and for the link a page for browsers.
pub(super) fn error(description: &str, html: bool) -> Value {
    let mut content = json!({ "application/json": { "schema": r("Errors") } });
    if html {
        content["text/html"] = json!({ "schema": string() });
    }
    json!({ "description": description, "content": content })
}

pub(super) fn ok(schema: Value, links: Value) -> Value {
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
pub(super) fn errors(codes: &[u16], html: bool) -> Map<String, Value> {
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

pub(super) const READ_ERRORS: &[u16] = &[400, 401, 403, 404, 422, 429, 503];
pub(super) const WRITE_ERRORS: &[u16] = &[400, 401, 403, 404, 409, 413, 422, 429, 503];

pub(super) fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

pub(super) fn param(name: &str, location: &str, description: &str) -> Value {
    json!({ "name": name, "in": location, "required": location == "path",
            "description": description, "schema": string() })
}

/// `limit` and `offset`; with `statuses`, also `status` and `cursor` (invitation lists).
pub(super) fn list_params(statuses: bool, extra: &[Value]) -> Vec<Value> {
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
pub(super) struct Op {
    id: &'static str,
    summary: &'static str,
    params: Vec<Value>,
    body: Option<Value>,
    pub(super) ok: (u16, Value),
    /// Other answers beside `ok` and the errors.
    pub(super) more: Vec<(u16, Value)>,
    errors: &'static [u16],
    pub(super) html_errors: bool,
    pub(super) security: Option<Value>,
}

pub(super) fn op(
    id: &'static str,
    summary: &'static str,
    ok: (u16, Value),
    errors: &'static [u16],
) -> Op {
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
    pub(super) fn params(mut self, params: Vec<Value>) -> Self {
        self.params = params;
        self
    }

    pub(super) fn body(mut self, schema: Value) -> Self {
        self.body = Some(json_body(schema));
        self
    }

    pub(super) fn signed_in(mut self) -> Self {
        self.security = Some(json!([{ "session": [] }, { "sessionCookie": [] }]));
        self
    }

    pub(super) fn to_json(&self) -> Value {
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
