//! Clerk's webhook spec (`shared/tests/data/clerk/webhooks-2025-04-15.yml`) as a validator of
//! event bodies: the request schema Clerk gives each event type, read the way `spec` reads the
//! Backend API (`nullable` honoured, extra fields allowed).

use std::sync::OnceLock;

use serde_json::{json, Value};
use yaml_rust2::YamlLoader;

use crate::spec::{to_json, to_json_schema};

const FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/clerk/webhooks-2025-04-15.yml"
);

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        let text = std::fs::read_to_string(FILE).expect("the webhook spec is in test data");
        let yaml = YamlLoader::load_from_str(&text).expect("the webhook spec is YAML");
        let mut doc = to_json(&yaml[0]);
        to_json_schema(&mut doc["components"]);
        to_json_schema(&mut doc["x-webhooks"]);
        doc
    })
}

/// The type whose schema an event is held to: Clerk's own, or for ours the revoked one (the
/// same invitation object in another end state).
fn schema_type(kind: &str) -> &str {
    match kind {
        "organizationInvitation.expired"
        | "organizationInvitation.declined"
        | "organizationInvitation.bounced" => "organizationInvitation.revoked",
        other => other,
    }
}

/// Validates an event body against its type's schema; `Err` says why.
pub fn check(body: &Value) -> Result<(), String> {
    let kind = body["type"].as_str().ok_or("an event names its type")?;
    let schema = &doc()["x-webhooks"][schema_type(kind)]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    if schema.is_null() {
        return Err(format!("Clerk's webhook spec has no {kind}"));
    }
    let root = json!({ "allOf": [schema], "components": doc()["components"] });
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&root)
        .map_err(|e| format!("the schema does not compile: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{kind} does not match Clerk's schema:\n  {}",
            errors.join("\n  ")
        ))
    }
}

#[test]
fn the_validator_refuses_what_clerk_would() {
    let good = json!({
        "object": "event", "type": "organizationInvitation.created", "timestamp": 1,
        "instance_id": "ins_1",
        "data": {
            "object": "organization_invitation", "id": "orginv_1", "email_address": "a@b.c",
            "role": "org:member", "role_name": "Member", "public_metadata": {}, "url": null,
            "inviter_id": null, "public_inviter_data": null,
            "expires_at": 2, "created_at": 1, "updated_at": 1
        }
    });
    check(&good).unwrap();
    let mut no_role = good.clone();
    no_role["data"].as_object_mut().unwrap().remove("role");
    assert!(check(&no_role).is_err());
    let mut no_instance = good.clone();
    no_instance.as_object_mut().unwrap().remove("instance_id");
    assert!(check(&no_instance).is_err());
    let mut accepted = good;
    accepted["type"] = json!("organizationInvitation.accepted");
    assert!(check(&accepted).is_err(), "accepted names its user_id");
}
