//! `template.yaml` as the tests read it: its functions, their policies, and the environment a
//! function gets under given conditions, with every `!Ref`, `!If` and `!GetAtt` resolved to a
//! stand-in value. (The YAML loader drops tags: `!Ref X` reads as `X`, `!If [c, a, b]` as a
//! list.)

use std::collections::{BTreeMap, BTreeSet};

use yaml_rust2::{Yaml, YamlLoader};

pub fn template() -> Yaml {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// (binary, resource) of every function in the template.
pub fn all_functions(t: &Yaml) -> Vec<(String, Yaml)> {
    t["Resources"]
        .as_hash()
        .unwrap()
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .map(|r| {
            (
                r["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                r.clone(),
            )
        })
        .collect()
}

/// (binary, resource) of every function that serves HTTP routes.
pub fn http_functions(t: &Yaml) -> Vec<(String, Yaml)> {
    all_functions(t)
        .into_iter()
        .filter(|(_, r)| {
            r["Properties"]["Events"].as_hash().is_some_and(|events| {
                events
                    .values()
                    .all(|e| e["Type"].as_str() == Some("HttpApi"))
            })
        })
        .collect()
}

pub fn function(t: &Yaml, binary: &str) -> Yaml {
    all_functions(t)
        .into_iter()
        .find(|(name, _)| name == binary)
        .unwrap_or_else(|| panic!("a {binary} function"))
        .1
}

pub fn actions(resource: &Yaml) -> Vec<String> {
    let mut out = Vec::new();
    for policy in resource["Properties"]["Policies"].as_vec().unwrap() {
        let Some(statements) = policy["Statement"].as_vec() else {
            continue; // a SAM policy template (the secrets), read by `readable_secrets`
        };
        for statement in statements {
            for action in statement["Action"].as_vec().unwrap() {
                out.push(action.as_str().unwrap().to_string());
            }
        }
    }
    out
}

/// Which of the template's conditions hold: the defaults, or with the optional secrets given.
pub struct Conditions(pub BTreeSet<&'static str>);

impl Conditions {
    pub fn defaults() -> Self {
        Self(["MakesConfigurationSet"].into_iter().collect())
    }

    pub fn with_optional_secrets() -> Self {
        Self(
            [
                "MakesConfigurationSet",
                "HasSessionSecret",
                "HasWebhookEndpoints",
            ]
            .into_iter()
            .collect(),
        )
    }

    fn holds(&self, name: &str) -> bool {
        self.0.contains(name)
    }
}

/// The secrets a function may read: its `AWSSecretsManagerGetSecretValuePolicy` templates,
/// plain or under an `!If` whose condition holds, by the secret resource each names.
pub fn readable_secrets(resource: &Yaml, conditions: &Conditions) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for policy in resource["Properties"]["Policies"].as_vec().unwrap() {
        let chosen = match policy.as_vec() {
            Some(branches) if branches.len() == 3 => {
                let condition = branches[0].as_str().unwrap_or_default();
                if conditions.holds(condition) {
                    &branches[1]
                } else {
                    &branches[2]
                }
            }
            _ => policy,
        };
        if let Some(arn) = chosen["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"].as_str() {
            out.insert(arn.to_string());
        }
    }
    out
}

/// The environment a function gets (Globals and its own), under `conditions`.
pub fn environment(t: &Yaml, resource: &Yaml, conditions: &Conditions) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    for vars in [
        &t["Globals"]["Function"]["Environment"]["Variables"],
        &resource["Properties"]["Environment"]["Variables"],
    ] {
        for (k, v) in vars.as_hash().into_iter().flatten() {
            env.insert(k.as_str().unwrap().to_string(), value(t, v, conditions));
        }
    }
    env
}

/// A stand-in for what CloudFormation would put in the variable.
fn value(t: &Yaml, v: &Yaml, conditions: &Conditions) -> String {
    match v {
        Yaml::Array(branches) if branches.len() == 3 => {
            let condition = branches[0].as_str().unwrap_or_default();
            let chosen = if conditions.holds(condition) {
                &branches[1]
            } else {
                &branches[2]
            };
            value(t, chosen, conditions)
        }
        Yaml::Integer(n) => n.to_string(),
        Yaml::String(s) => {
            let parameter = &t["Parameters"][s.as_str()];
            let resource = &t["Resources"][s.as_str()];
            if !parameter.is_badvalue() {
                parameter_value(s, parameter, conditions)
            } else if resource["Type"].as_str() == Some("AWS::SecretsManager::Secret") {
                format!("arn:aws:secretsmanager:us-east-1:000000000000:secret:{s}")
            } else {
                s.clone()
            }
        }
        _ => String::new(),
    }
}

/// A parameter's value: its default, or what a deployment gives for those without one.
fn parameter_value(name: &str, parameter: &Yaml, conditions: &Conditions) -> String {
    let given = match name {
        "PublicBaseUrl" => Some("https://api.example.com/"),
        "SesFromAddress" => Some("Acme <invitations@mail.example.com>"),
        "SecretKeyDigests" => {
            Some("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        }
        "TicketSigningKey" => Some("-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----"),
        "TicketVerifyingKey" => Some("-----BEGIN PUBLIC KEY-----\\nx\\n-----END PUBLIC KEY-----"),
        "SessionJwtSecret" if conditions.holds("HasSessionSecret") => {
            Some("session-secret-0123456789abcdef012345")
        }
        "WebhookEndpoints" if conditions.holds("HasWebhookEndpoints") => Some("[]"),
        _ => None,
    };
    match (given, &parameter["Default"]) {
        (Some(v), _) => v.to_string(),
        (None, Yaml::String(d)) => d.clone(),
        (None, Yaml::Integer(d)) => d.to_string(),
        _ => String::new(),
    }
}
