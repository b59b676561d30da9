//! Clerk's published Backend API spec (`shared/tests/data/clerk/`), as a validator of answers:
//! the response schema Clerk gives for an operation and status, in JSON Schema, with OpenAPI's
//! `nullable` honoured. `additionalProperties: false` is relaxed: fields beyond Clerk's
//! (`delivery`, `locale`, `next_cursor`, …) are allowed, since strict clients ignore unknown
//! fields but refuse missing ones.

pub mod checked;
mod conformance;
mod organizations;
mod ours;

use std::sync::OnceLock;

use serde_json::{json, Map, Value};
use yaml_rust2::{Yaml, YamlLoader};

pub const SPEC_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/clerk/bapi-2026-05-12.yml"
);

pub struct ClerkSpec {
    doc: Value,
    draft: jsonschema::Draft,
}

pub fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Real(r) => r.parse::<f64>().map(Value::from).unwrap_or(Value::Null),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::String(s) => Value::from(s.clone()),
        Yaml::Boolean(b) => Value::from(*b),
        Yaml::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        Yaml::Boolean(b) => b.to_string(),
                        other => format!("{other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// OpenAPI 3.0 schema → JSON Schema: `nullable: true` admits `null`; `additionalProperties:
/// false` admits more.
pub fn to_json_schema(v: &mut Value) {
    match v {
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        Value::Object(map) => {
            for child in map.values_mut() {
                to_json_schema(child);
            }
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.insert("additionalProperties".into(), Value::Bool(true));
            }
            if map.remove("nullable") == Some(Value::Bool(true)) {
                let inner = Value::Object(std::mem::take(map));
                *map = Map::from_iter([("anyOf".to_string(), json!([inner, { "type": "null" }]))]);
            }
        }
        _ => {}
    }
}

impl ClerkSpec {
    pub fn get() -> &'static ClerkSpec {
        static SPEC: OnceLock<ClerkSpec> = OnceLock::new();
        SPEC.get_or_init(|| {
            let text = std::fs::read_to_string(SPEC_FILE).expect("the Clerk spec is in test data");
            let yaml = YamlLoader::load_from_str(&text).expect("the Clerk spec is YAML");
            let mut doc = to_json(&yaml[0]);
            to_json_schema(&mut doc["components"]);
            ClerkSpec {
                doc,
                draft: jsonschema::Draft::Draft7,
            }
        })
    }

    /// This service's own document (OpenAPI 3.1: its schemas are JSON Schema 2020-12).
    pub fn ours() -> &'static ClerkSpec {
        static OURS: OnceLock<ClerkSpec> = OnceLock::new();
        OURS.get_or_init(|| ClerkSpec {
            doc: serde_json::from_str(invitations::http::routes::document())
                .expect("our document is JSON"),
            draft: jsonschema::Draft::Draft202012,
        })
    }

    pub fn paths(&self) -> &serde_json::Map<String, Value> {
        self.doc["paths"].as_object().expect("paths")
    }

    fn resolve<'a>(&'a self, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/")
                .map(|p| p.split('/').fold(&self.doc, |at, seg| &at[seg]))
                .unwrap_or(&Value::Null),
            None => v,
        }
    }

    /// The operation at `path` (as the spec writes it, without `/v1`), if the spec has it.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        let op = &self.doc["paths"][path][method.to_ascii_lowercase()];
        (!op.is_null()).then_some(op)
    }

    /// Validates `body` against the spec's response schema for the operation and `status`.
    /// `Err` lists why; a status the spec does not list for the operation is an error too.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &Value) -> Result<(), String> {
        let op = self
            .operation(method, path)
            .ok_or_else(|| format!("the spec has no {method} {path}"))?;
        let response = op["responses"]
            .get(status.to_string())
            .ok_or_else(|| format!("the spec lists no {status} for {method} {path}"))?;
        let schema = &self.resolve(response)["content"]["application/json"]["schema"];
        if schema.is_null() {
            return if body.is_null() {
                Ok(())
            } else {
                Err(format!("the spec gives {method} {path} {status} no body"))
            };
        }
        let root = json!({
            "allOf": [schema],
            "components": self.doc["components"],
        });
        let validator = jsonschema::options()
            .with_draft(self.draft)
            .build(&root)
            .map_err(|e| format!("the spec's schema does not compile: {e}"))?;
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{method} {path} {status} does not match Clerk's schema:\n  {}",
                errors.join("\n  ")
            ))
        }
    }
}

/// The route template (of the route table) a concrete path is served by.
pub fn template_of(method: &str, path: &str) -> Option<&'static str> {
    let path = path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').collect();
    invitations::http::routes::all()
        .filter(|r| r.verb.as_str().eq_ignore_ascii_case(method))
        .map(|r| r.path)
        .find(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
}
