//! For every function: the secrets `template.yaml` lets it read are exactly the secrets its
//! configuration reads, given the environment the template gives it, with and without the
//! optional secrets. And in the default deployment, only the functions that sign read a
//! secret at start, the ticket signing key: invite, and the sweeper (which sends the emails
//! whose request stopped, with their links).

use std::collections::{BTreeMap, BTreeSet};

use invitations::config::{
    BouncesConfig, EventsConfig, HoldsSecrets, HttpConfig, SweeperConfig, Target,
};
use invitations::http::Function;

use super::template::{all_functions, environment, readable_secrets, template, Conditions};

/// The secret resource the template grants for each secret variable.
fn resource_of(var: &str) -> &'static str {
    match var {
        "TICKET_SIGNING_KEY" => "TicketSigningKeySecret",
        "SESSION_JWT_SECRET" => "SessionJwtSecretSecret",
        "WEBHOOK_ENDPOINTS" => "WebhookEndpointsSecret",
        other => panic!("{other} is not a secret the template knows"),
    }
}

/// What the function's configuration reads by ARN, under `env`.
fn config_reads(binary: &str, env: &BTreeMap<String, String>) -> BTreeSet<String> {
    let lookup = |name: &str| env.get(name).cloned();
    let vars = match binary {
        "sweeper" => SweeperConfig::from_lookup(&lookup)
            .unwrap()
            .secrets_by_arn(),
        "bounces" => BouncesConfig::from_lookup(&lookup)
            .unwrap()
            .secrets_by_arn(),
        "events" => EventsConfig::from_lookup(false, &lookup)
            .unwrap()
            .secrets_by_arn(),
        http => {
            let function = Function::from_name(http).expect("an HTTP function");
            HttpConfig::from_lookup(Target::Function(function), &lookup)
                .unwrap_or_else(|e| {
                    panic!("{http} does not start on the template's environment: {e}")
                })
                .secrets_by_arn()
        }
    };
    vars.into_iter()
        .map(|v| resource_of(v).to_string())
        .collect()
}

#[test]
fn every_function_may_read_exactly_the_secrets_its_configuration_reads() {
    let t = template();
    for conditions in [Conditions::defaults(), Conditions::with_optional_secrets()] {
        for (binary, resource) in all_functions(&t) {
            let env = environment(&t, &resource, &conditions);
            assert_eq!(
                readable_secrets(&resource, &conditions),
                config_reads(&binary, &env),
                "{binary} under {:?}",
                conditions.0
            );
        }
    }
}

#[test]
fn in_the_default_deployment_only_the_signers_read_a_secret_the_ticket_signing_key() {
    let t = template();
    let defaults = Conditions::defaults();
    for (binary, resource) in all_functions(&t) {
        let expected: BTreeSet<String> = match binary.as_str() {
            "invite" | "sweeper" => ["TicketSigningKeySecret".to_string()].into(),
            _ => BTreeSet::new(),
        };
        assert_eq!(readable_secrets(&resource, &defaults), expected, "{binary}");
    }
    let globals = &t["Globals"]["Function"]["Environment"]["Variables"];
    for (name, _) in globals.as_hash().unwrap() {
        let name = name.as_str().unwrap();
        assert!(
            !name.ends_with("_ARN")
                && !matches!(
                    name,
                    "TICKET_SIGNING_KEY" | "SESSION_JWT_SECRET" | "INVITATIONS_SECRET_KEY"
                ),
            "{name}: no secret, nor its ARN, is given to every function"
        );
    }
}
