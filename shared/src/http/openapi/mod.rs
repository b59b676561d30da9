//! This service's own OpenAPI 3.1 document: Clerk's operations it shares and its own (resend,
//! cursors, delivery, tickets, signed-in routes), served at `GET /v1/openapi.json`. Its paths
//! are the route table's (`http::routes`), each with the operation declared beside the route;
//! every answer of the conformance flows validates against it, and schemathesis (in the test
//! command) checks generated requests against it.

use serde_json::{json, Map, Value};

use super::table::{Audience, Route};

pub mod builder;
mod schemas;

/// The security an audience asks for (`None`: the document's default, a secret key).
fn security(audience: Audience) -> Option<Value> {
    match audience {
        Audience::Backend => None,
        Audience::BackendOrSignedIn => Some(json!([
            { "secretKey": [] }, { "session": [] }, { "sessionCookie": [] }
        ])),
        Audience::SignedIn => Some(json!([{ "session": [] }, { "sessionCookie": [] }])),
        Audience::LinkHolder => Some(json!([{}, { "sessionCookie": [] }, { "session": [] }])),
        Audience::Anyone => Some(json!([{}])),
    }
}

/// The document of `routes`.
pub fn document<'a>(routes: impl Iterator<Item = &'a Route>) -> Value {
    let mut paths = Map::new();
    for route in routes {
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        let operation = (route.operation)().to_json(security(route.audience));
        entry[route.verb.as_str().to_ascii_lowercase()] = operation;
    }
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
            "schemas": schemas::schemas(),
        },
    })
}
