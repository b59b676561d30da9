//! Configuration read from made-up environments.

use super::*;
use crate::http::Function;

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn http(target: Target, vars: &[(&str, &str)]) -> Result<HttpConfig, ConfigError> {
    HttpConfig::from_lookup(target, &lookup(vars))
}

const DIGEST: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

#[test]
fn the_local_server_needs_nothing_set() {
    let c = http(Target::Local { port: 3001 }, &[]).unwrap();
    assert_eq!(c.store, StoreConfig::Memory);
    assert_eq!(c.links.public_base_url.as_str(), "http://127.0.0.1:3001/");
    assert!(matches!(c.mailer, MailerConfig::Outbox { .. }));
    assert!(c.backend_keys.plain[0].starts_with("sk_test_"));
    assert_eq!(c.backend_keys.digests.len(), 1);
    assert!(c.tickets.issues && c.tickets.verifies && c.tickets.signing.is_some());
}

#[test]
fn a_function_names_the_first_missing_variable_in_a_sentence() {
    let e = http(Target::Function(Function::Invite), &[]).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "INVITATIONS_SECRET_KEY_SHA256 is not set: it holds the SHA-256 digests of the backend secret keys"
        ),
        "{e}"
    );
    let e = http(
        Target::Function(Function::Invite),
        &[
            ("INVITATIONS_SECRET_KEY_SHA256", DIGEST),
            ("TABLE_NAME", "t"),
        ],
    )
    .unwrap_err();
    assert!(
        e.to_string().starts_with("TICKET_SIGNING_KEY is not set"),
        "{e}"
    );
}

#[test]
fn a_complete_invite_environment_reads_whole_and_holds_digests_only() {
    let c = http(
        Target::Function(Function::Invite),
        &[
            (
                "INVITATIONS_SECRET_KEY_SHA256",
                &format!("{DIGEST},{DIGEST}"),
            ),
            ("TABLE_NAME", "invitations"),
            (
                "TICKET_SIGNING_KEY_ARN",
                "arn:aws:secretsmanager:us-east-1:1:secret:t",
            ),
            ("PUBLIC_BASE_URL", "https://api.example.com/"),
            ("SES_FROM_ADDRESS", "Acme <i@mail.example.com>"),
        ],
    )
    .unwrap();
    assert_eq!(c.backend_keys.digests.len(), 2);
    assert!(c.backend_keys.plain.is_empty());
    assert!(c.links.default_redirect.is_none());
    assert!(matches!(c.mailer, MailerConfig::Ses { .. }));
    let mut c = c;
    assert_eq!(c.secrets_by_arn(), ["TICKET_SIGNING_KEY"]);
}

#[test]
fn functions_that_only_verify_read_no_secret() {
    let base = [
        ("INVITATIONS_SECRET_KEY_SHA256", DIGEST),
        ("TABLE_NAME", "invitations"),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
        (
            "TICKET_VERIFYING_KEY",
            "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----",
        ),
        (
            "TICKET_SIGNING_KEY_ARN",
            "arn:aws:secretsmanager:us-east-1:1:secret:t",
        ),
        (
            "SESSION_JWKS_URL",
            "https://clerk.example.com/.well-known/jwks.json",
        ),
        ("SESSION_JWT_ISSUER", "https://clerk.example.com"),
    ];
    for function in [
        Function::List,
        Function::Revoke,
        Function::TicketVerify,
        Function::Directory,
    ] {
        let mut c = http(Target::Function(function), &base).unwrap();
        assert!(c.secrets_by_arn().is_empty(), "{function:?}");
        assert!(matches!(c.mailer, MailerConfig::Disabled), "{function:?}");
    }
    let verify = http(Target::Function(Function::TicketVerify), &base).unwrap();
    assert!(verify.tickets.signing.is_none() && verify.tickets.verifying.is_some());
    assert!(verify.backend_keys.digests.is_empty(), "no backend route");
    let directory = http(Target::Function(Function::Directory), &base).unwrap();
    assert!(
        directory.sessions.is_some(),
        "signed-in admins manage domains and membership requests there"
    );
}

#[test]
fn bad_values_name_their_variable() {
    for (var, value) in [
        ("STORE", "redis"),
        ("MAILER", "smtp"),
        ("PUBLIC_BASE_URL", "ftp://x"),
        ("DEFAULT_MAX_ALLOWED_MEMBERSHIPS", "-1"),
        ("ALLOWED_REDIRECT_ORIGINS", "not a url"),
        ("INVITATIONS_SECRET_KEY_SHA256", "abc"),
        ("INVITATIONS_SECRET_KEY", "short"),
    ] {
        let e = http(Target::Local { port: 1 }, &[(var, value)]).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("{var} is invalid")),
            "{e}"
        );
    }
}

#[test]
fn a_function_that_sends_no_email_needs_no_mail_settings() {
    let vars = [
        ("INVITATIONS_SECRET_KEY_SHA256", DIGEST),
        ("TABLE_NAME", "invitations"),
        ("TICKET_SIGNING_KEY", "0123456789abcdef0123456789abcdef"),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
    ];
    assert!(http(Target::Function(Function::Invite), &vars)
        .unwrap_err()
        .to_string()
        .starts_with("SES_FROM_ADDRESS is not set"));
    let c = http(Target::Function(Function::TicketVerify), &vars).unwrap();
    assert!(matches!(c.mailer, MailerConfig::Disabled));
}

#[test]
fn background_functions_need_only_what_they_use() {
    let vars = lookup(&[("TABLE_NAME", "invitations")]);
    assert!(BouncesConfig::from_lookup(&vars).is_ok());
    // The sweeper sends the emails whose request stopped: it signs their links again.
    let e = SweeperConfig::from_lookup(&vars).unwrap_err();
    assert!(
        e.to_string().starts_with("TICKET_SIGNING_KEY is not set"),
        "{e}"
    );
    let mut sweeper = SweeperConfig::from_lookup(&lookup(&[
        ("TABLE_NAME", "invitations"),
        (
            "TICKET_SIGNING_KEY_ARN",
            "arn:aws:secretsmanager:us-east-1:1:secret:t",
        ),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
        ("SES_FROM_ADDRESS", "i@mail.example.com"),
    ]))
    .unwrap();
    assert_eq!(sweeper.secrets_by_arn(), ["TICKET_SIGNING_KEY"]);
    let mut events = EventsConfig::from_lookup(false, &vars).unwrap();
    assert!(events.secrets_by_arn().is_empty());
    let with_webhooks = lookup(&[
        ("TABLE_NAME", "invitations"),
        (
            "WEBHOOK_ENDPOINTS_ARN",
            "arn:aws:secretsmanager:us-east-1:1:secret:w",
        ),
    ]);
    let mut events = EventsConfig::from_lookup(false, &with_webhooks).unwrap();
    assert_eq!(events.secrets_by_arn(), ["WEBHOOK_ENDPOINTS"]);
    let e = SweeperConfig::from_lookup(&lookup(&[])).unwrap_err();
    assert!(e.to_string().starts_with("TABLE_NAME is not set"), "{e}");
}

#[test]
fn a_secret_given_by_arn_is_named_by_its_own_variable() {
    let secret = Secret {
        var: "WEBHOOK_ENDPOINTS",
        source: SecretSource::Arn("arn".into()),
    };
    assert_eq!(secret.arn_var(), "WEBHOOK_ENDPOINTS_ARN");
    assert!(secret
        .value()
        .unwrap_err()
        .to_string()
        .starts_with("WEBHOOK_ENDPOINTS is invalid"));
}

#[test]
fn a_ticket_key_equal_to_a_backend_or_session_key_never_starts() {
    let key = "sk_test_shared_0123456789abcdef0123";
    let c = http(
        Target::Local { port: 1 },
        &[("INVITATIONS_SECRET_KEY", key), ("TICKET_SIGNING_KEY", key)],
    )
    .unwrap();
    assert!(c
        .check_keys_are_distinct()
        .unwrap_err()
        .to_string()
        .contains("it must differ from INVITATIONS_SECRET_KEY"));
    let c = http(
        Target::Local { port: 1 },
        &[("SESSION_JWT_SECRET", key), ("TICKET_SIGNING_KEY", key)],
    )
    .unwrap();
    assert!(c
        .check_keys_are_distinct()
        .unwrap_err()
        .to_string()
        .contains("SESSION_JWT_SECRET"));
}

#[test]
fn a_small_function_connects_to_dynamodb_at_init_unless_told() {
    let connects = |vars: &[(&str, &str)]| {
        let mut all = vec![
            ("TABLE_NAME", "t"),
            ("INVITATIONS_SECRET_KEY_SHA256", DIGEST),
            ("PUBLIC_BASE_URL", "https://api.example.com/"),
        ];
        all.extend_from_slice(vars);
        match http(Target::Function(Function::List), &all).map(|c| c.store) {
            Ok(StoreConfig::DynamoDb {
                connect_at_init, ..
            }) => Ok(connect_at_init),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e.to_string()),
        }
    };
    assert_eq!(connects(&[]), Ok(true), "no memory size: as the smallest");
    assert_eq!(
        connects(&[("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")]),
        Ok(true)
    );
    assert_eq!(
        connects(&[("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")]),
        Ok(false)
    );
    assert_eq!(
        connects(&[
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1769"),
            ("DYNAMODB_CONNECT_AT_INIT", "true")
        ]),
        Ok(true)
    );
    assert_eq!(
        connects(&[
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
            ("DYNAMODB_CONNECT_AT_INIT", "false")
        ]),
        Ok(false)
    );
    let refused = connects(&[("DYNAMODB_CONNECT_AT_INIT", "yes")]).unwrap_err();
    assert!(refused.contains("DYNAMODB_CONNECT_AT_INIT"), "{refused}");
}
