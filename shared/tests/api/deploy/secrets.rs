//! Secrets named by ARN are read from Secrets Manager (moto's, on loopback) at start, and a
//! function that does not use tickets starts without the ticket key.

use invitations::config::secrets;
use invitations::config::{Config, Mode, Uses};

use crate::helpers::dynamodb_endpoint;

async fn secret(client: &aws_sdk_secretsmanager::Client, name: &str, value: &str) -> String {
    client
        .create_secret()
        .name(format!("{name}-{}", invitations::ids::random_base62(8)))
        .secret_string(value)
        .send()
        .await
        .unwrap()
        .arn()
        .unwrap()
        .to_string()
}

fn client(endpoint: &str) -> aws_sdk_secretsmanager::Client {
    let shared = invitations::runtime::shared_aws().unwrap();
    let conf = aws_sdk_secretsmanager::config::Builder::from(shared)
        .endpoint_url(endpoint)
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn secrets_named_by_arn_are_read_once_at_start() {
    let endpoint = dynamodb_endpoint();
    let sm = client(&endpoint);
    let backend = secret(&sm, "secret-key", "sk_live_0123456789abcdef0123").await;
    let ticket = secret(
        &sm,
        "ticket-key",
        "ticket-secret-0123456789abcdef-0123456789",
    )
    .await;
    let env = |name: &str| -> Option<String> {
        match name {
            "INVITATIONS_SECRET_KEY_ARN" => Some(backend.clone()),
            "TICKET_SIGNING_KEY_ARN" => Some(ticket.clone()),
            "TABLE_NAME" => Some("t".into()),
            "PUBLIC_BASE_URL" => Some("https://api.example.com/".into()),
            "SES_FROM_ADDRESS" => Some("i@mail.example.com".into()),
            _ => None,
        }
    };
    let found = secrets::resolve(&env, Some(&endpoint)).await.unwrap();
    assert_eq!(
        found["INVITATIONS_SECRET_KEY"],
        "sk_live_0123456789abcdef0123"
    );
    assert_eq!(
        found["TICKET_SIGNING_KEY"],
        "ticket-secret-0123456789abcdef-0123456789"
    );
    assert!(!found.contains_key("SESSION_JWT_SECRET"));
    let config = Config::from_lookup(
        Mode::Lambda(Uses {
            mail: true,
            tickets: true,
        }),
        &|name| found.get(name).cloned().or_else(|| env(name)),
    )
    .unwrap();
    assert_eq!(config.secret_keys, ["sk_live_0123456789abcdef0123"]);

    // A value set directly wins, and its secret is not read.
    let direct = |name: &str| match name {
        "INVITATIONS_SECRET_KEY" => Some("sk_test_direct_value_0000".into()),
        other => env(other),
    };
    let found = secrets::resolve(&direct, Some(&endpoint)).await.unwrap();
    assert!(!found.contains_key("INVITATIONS_SECRET_KEY"));
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_unreadable_secret_stops_the_start_naming_its_variable() {
    let endpoint = dynamodb_endpoint();
    let env = |name: &str| -> Option<String> {
        (name == "TICKET_SIGNING_KEY_ARN").then(|| {
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf".to_string()
        })
    };
    let e = secrets::resolve(&env, Some(&endpoint)).await.unwrap_err();
    assert!(
        e.to_string()
            .starts_with("TICKET_SIGNING_KEY_ARN is invalid"),
        "{e}"
    );
}

#[test]
fn the_list_and_revoke_functions_start_without_a_ticket_key() {
    let env = |name: &str| -> Option<String> {
        match name {
            "INVITATIONS_SECRET_KEY" => Some("sk_test_0123456789abcdef".into()),
            "TABLE_NAME" => Some("t".into()),
            "PUBLIC_BASE_URL" => Some("https://api.example.com/".into()),
            _ => None,
        }
    };
    let reads_only = Mode::Lambda(Uses {
        mail: false,
        tickets: false,
    });
    let config = Config::from_lookup(reads_only, &env).unwrap();
    assert!(matches!(
        config.ticket_key,
        invitations::config::TicketKey::Absent
    ));
    let verifies = Mode::Lambda(Uses {
        mail: false,
        tickets: true,
    });
    assert!(Config::from_lookup(verifies, &env)
        .unwrap_err()
        .to_string()
        .starts_with("TICKET_SIGNING_KEY is not set"));
}
