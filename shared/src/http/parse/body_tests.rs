//! Request bodies: each bad field with its own code, all reported at once.

use super::*;
use crate::domain::FieldErrorKind;
use serde_json::json;

fn parse(body: Value) -> Result<NewInvitation, Vec<FieldError>> {
    invitation(&body, &RoleCatalog::default(), &RedirectPolicy::default())
}

fn first_error(body: Value) -> (String, FieldErrorKind) {
    let errors = parse(body).unwrap_err();
    (errors[0].param.clone(), errors[0].kind)
}

#[test]
fn a_minimal_invitation_gets_the_defaults() {
    let inv = parse(json!({"email_address": "ada@example.com", "role": "basic_member"})).unwrap();
    assert_eq!(inv.role, "org:member");
    assert_eq!(inv.expires_in_days, 30);
    assert!(inv.notify);
    assert_eq!(inv.inviter_user_id, None);
}

#[test]
fn each_bad_field_gets_its_own_code() {
    use FieldErrorKind::*;
    let cases = [
        (json!({"role": "org:member"}), ("email_address", Missing)),
        (
            json!({"email_address": "ada@example.com"}),
            ("role", Missing),
        ),
        (
            json!({"email_address": 7, "role": "org:member"}),
            ("email_address", FormatInvalid),
        ),
        (
            json!({"email_address": "not-an-email", "role": "org:member"}),
            ("email_address", FormatInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:owner"}),
            ("role", ValueInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "expires_in_days": 0}),
            ("expires_in_days", ValueInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "expires_in_days": 366}),
            ("expires_in_days", ValueInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "expires_in_days": "7"}),
            ("expires_in_days", FormatInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "notify": "yes"}),
            ("notify", FormatInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "public_metadata": [1]}),
            ("public_metadata", FormatInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "private_metadata": {"k": "x".repeat(9000)}}),
            ("private_metadata", ValueInvalid),
        ),
        (
            json!({"email_address": "ada@example.com", "role": "org:member", "redirect_url": "javascript:alert(1)"}),
            ("redirect_url", ValueInvalid),
        ),
    ];
    for (body, (param, kind)) in cases {
        assert_eq!(
            first_error(body.clone()),
            (param.to_string(), kind),
            "{body}"
        );
    }
}

#[test]
fn every_bad_field_is_reported_at_once() {
    let errors = parse(json!({"email_address": "x", "role": "nope", "notify": 1})).unwrap_err();
    let params: Vec<&str> = errors.iter().map(|e| e.param.as_str()).collect();
    assert_eq!(params, ["email_address", "role", "notify"]);
}

#[test]
fn a_body_that_is_not_an_object_is_refused() {
    assert_eq!(first_error(json!([1, 2])).0, "body");
}

#[test]
fn a_user_needs_at_least_one_distinct_address() {
    assert!(user(&json!({"email_address": ["a@example.com"]})).is_ok());
    assert!(user(&json!({"email_address": "a@example.com"})).is_ok());
    assert_eq!(
        user(&json!({})).unwrap_err()[0].kind,
        FieldErrorKind::Missing
    );
    assert!(user(&json!({"email_address": []})).is_err());
    assert!(user(&json!({"email_address": ["a@example.com", "A@example.com"]})).is_err());
}
