//! Secrets named by ARN are read from Secrets Manager (moto's, on loopback) at start, and only
//! where the function signs something: the functions that only verify start with none.

use invitations::config::{HoldsSecrets, HttpConfig, Secret, SecretSource, Target};
use invitations::http::Function;
use invitations::runtime::{resolve_secrets_at, Aws};

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

fn client(aws: &Aws, endpoint: &str) -> aws_sdk_secretsmanager::Client {
    let conf = aws_sdk_secretsmanager::config::Builder::from(aws.config().unwrap())
        .endpoint_url(endpoint)
        .build();
    aws_sdk_secretsmanager::Client::from_conf(conf)
}

const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn the_invite_functions_ticket_key_is_read_by_arn_once_at_start() {
    let endpoint = dynamodb_endpoint();
    let aws = Aws::default();
    let sm = client(&aws, &endpoint);
    let ticket = secret(
        &sm,
        "ticket-key",
        "ticket-secret-0123456789abcdef-0123456789",
    )
    .await;
    let env = |name: &str| -> Option<String> {
        match name {
            "INVITATIONS_SECRET_KEY_SHA256" => Some(DIGEST.into()),
            "TICKET_SIGNING_KEY_ARN" => Some(ticket.clone()),
            "TABLE_NAME" => Some("t".into()),
            "PUBLIC_BASE_URL" => Some("https://api.example.com/".into()),
            "SES_FROM_ADDRESS" => Some("i@mail.example.com".into()),
            _ => None,
        }
    };
    let mut config = HttpConfig::from_lookup(Target::Function(Function::Invite), &env).unwrap();
    assert_eq!(config.secrets_by_arn(), ["TICKET_SIGNING_KEY"]);
    resolve_secrets_at(&aws, Some(&endpoint), &mut config)
        .await
        .unwrap();
    assert!(config.secrets_by_arn().is_empty());
    assert_eq!(
        config.tickets.signing.as_ref().unwrap().value().unwrap(),
        "ticket-secret-0123456789abcdef-0123456789"
    );
    config.check_keys_are_distinct().unwrap();

    // A value set directly wins, and its secret is not read.
    let direct = |name: &str| match name {
        "TICKET_SIGNING_KEY" => Some("ticket-direct-0123456789abcdef-01234".into()),
        other => env(other),
    };
    let mut config = HttpConfig::from_lookup(Target::Function(Function::Invite), &direct).unwrap();
    assert!(config.secrets_by_arn().is_empty());
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_unreadable_secret_stops_the_start_naming_its_variable() {
    let endpoint = dynamodb_endpoint();
    let aws = Aws::default();
    struct One(Secret);
    impl HoldsSecrets for One {
        fn secrets_mut(&mut self) -> Vec<&mut Secret> {
            vec![&mut self.0]
        }
    }
    let mut webhooks = One(Secret {
        var: "WEBHOOK_ENDPOINTS",
        source: SecretSource::Arn(
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf".into(),
        ),
    });
    let e = resolve_secrets_at(&aws, Some(&endpoint), &mut webhooks)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("WEBHOOK_ENDPOINTS_ARN is invalid"),
        "{e}"
    );
}

#[tokio::test]
async fn a_function_that_reads_no_secret_builds_no_secrets_client() {
    // No AWS region or credentials are needed to start with nothing to fetch.
    let env = |name: &str| -> Option<String> {
        match name {
            "INVITATIONS_SECRET_KEY_SHA256" => Some(DIGEST.into()),
            "TABLE_NAME" => Some("t".into()),
            "PUBLIC_BASE_URL" => Some("https://api.example.com/".into()),
            _ => None,
        }
    };
    let mut config = HttpConfig::from_lookup(Target::Function(Function::List), &env).unwrap();
    resolve_secrets_at(&Aws::default(), None, &mut config)
        .await
        .unwrap();
    assert!(config.tickets.signing.is_none() && !config.tickets.issues);
}
