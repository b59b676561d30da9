//! Configuration read from made-up environments.

use super::*;

fn config(mode: Mode, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(mode, &move |name| {
        vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
}

#[test]
fn the_local_server_needs_nothing_set() {
    let c = config(Mode::Local { port: 3001 }, &[]).unwrap();
    assert_eq!(c.store, StoreConfig::Memory);
    assert_eq!(c.links.public_base_url.as_str(), "http://127.0.0.1:3001/");
    assert!(matches!(c.mailer, MailerConfig::Outbox { .. }));
    assert!(c.secret_keys[0].starts_with("sk_test_"));
}

#[test]
fn a_function_names_the_first_missing_variable_in_a_sentence() {
    let e = config(
        Mode::Lambda(Uses {
            mail: true,
            tickets: true,
        }),
        &[],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "INVITATIONS_SECRET_KEY is not set: it holds the backend secret keys (comma-separated, \
         each at least 16 characters). Set it in the function's environment (README, \
         \"Configuration\")."
    );
    let e = config(
        Mode::Lambda(Uses {
            mail: true,
            tickets: true,
        }),
        &[
            ("INVITATIONS_SECRET_KEY", "sk_test_0123456789abcdef"),
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
fn a_complete_function_environment_reads_whole() {
    let c = config(
        Mode::Lambda(Uses {
            mail: true,
            tickets: true,
        }),
        &[
            (
                "INVITATIONS_SECRET_KEY",
                "sk_test_0123456789abcdef,sk_test_fedcba9876543210",
            ),
            ("TABLE_NAME", "invitations"),
            ("TICKET_SIGNING_KEY", "0123456789abcdef0123456789abcdef"),
            ("PUBLIC_BASE_URL", "https://api.example.com/"),
            ("SES_FROM_ADDRESS", "Acme <i@mail.example.com>"),
        ],
    )
    .unwrap();
    assert_eq!(c.secret_keys.len(), 2);
    assert!(c.links.default_redirect.is_none());
    assert!(matches!(c.mailer, MailerConfig::Ses { .. }));
}

#[test]
fn bad_values_name_their_variable() {
    for (var, value) in [
        ("STORE", "redis"),
        ("MAILER", "smtp"),
        ("PUBLIC_BASE_URL", "ftp://x"),
        ("DEFAULT_MAX_ALLOWED_MEMBERSHIPS", "-1"),
        ("ALLOWED_REDIRECT_ORIGINS", "not a url"),
    ] {
        let e = config(Mode::Local { port: 1 }, &[(var, value)]).unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("{var} is invalid")),
            "{e}"
        );
    }
}

#[test]
fn a_function_that_sends_no_email_needs_no_mail_settings() {
    let vars = [
        ("INVITATIONS_SECRET_KEY", "sk_test_0123456789abcdef"),
        ("TABLE_NAME", "invitations"),
        ("TICKET_SIGNING_KEY", "0123456789abcdef0123456789abcdef"),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
    ];
    assert!(config(
        Mode::Lambda(Uses {
            mail: true,
            tickets: true
        }),
        &vars
    )
    .unwrap_err()
    .to_string()
    .starts_with("SES_FROM_ADDRESS is not set"));
    let c = config(
        Mode::Lambda(Uses {
            mail: false,
            tickets: true,
        }),
        &vars,
    )
    .unwrap();
    assert!(matches!(c.mailer, MailerConfig::Disabled));
}
