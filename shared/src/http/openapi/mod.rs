//! The pieces of this service's own OpenAPI 3.1 document: the operation builder, the schemas
//! of the answers, and the document around its paths. The paths are the route table's: the
//! document is assembled in `http::routes::document`, served at `GET /v1/openapi.json`; every
//! answer of the conformance flows validates against it, and schemathesis (in the test
//! command) checks generated requests against it.

use serde_json::{json, Map, Value};

pub mod builder;
mod links;
mod schemas;
mod ways_in;

/// The document around `paths`.
pub fn document(paths: Map<String, Value>) -> Value {
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
