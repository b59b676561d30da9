//! Findings 6 to 9: declining by link, records, sessions and published keys.

use super::super::*;

use axum::http::StatusCode;
use invitations::config::{HttpConfig, Target};
use invitations::http::Function;

// 6. A link's decline took text/plain from any origin and told the whole invitation.

/// Declining by link is JSON only, from a page only an allowed origin, and the answer says
/// that it is declined and nothing more; the invitation records that it was by link (a
/// signed-in decline records `signed_in`).
async fn finding_6_a_links_decline_is_json_from_the_app_and_answers_only_its_status(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let made = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await;
    let id = made.id();
    let ticket = crate::helpers::links::ticket_of(made.body["url"].as_str().unwrap());
    let body = json!({ "ticket": ticket }).to_string();
    let decline = |headers: Vec<(&'static str, String)>| {
        let body = body.clone();
        let app = &app;
        async move {
            app.request(Method::POST, "/v1/tickets/decline", &headers, Some(body))
                .await
        }
    };
    let form = decline(vec![
        ("content-type", "text/plain".into()),
        ("origin", "https://evil.example".into()),
    ])
    .await;
    assert_eq!(
        (form.status, form.code()),
        (StatusCode::FORBIDDEN, "cross_site_request_refused")
    );
    let foreign = decline(vec![
        ("content-type", "application/json".into()),
        ("origin", "https://evil.example".into()),
    ])
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    let still = app
        .get(&format!("/v1/organizations/{org}/invitations/{id}"))
        .await;
    assert_eq!(still.body["status"], "pending", "nothing was declined");
    let from_app = decline(vec![
        ("content-type", "application/json".into()),
        ("origin", crate::helpers::app::APP_ORIGIN.into()),
    ])
    .await;
    assert_eq!(from_app.status, StatusCode::OK, "{}", from_app.body);
    assert_eq!(
        from_app.body,
        json!({"object": "organization_invitation_decline", "status": "declined"})
    );
    let seen = app
        .get(&format!("/v1/organizations/{org}/invitations/{id}"))
        .await;
    assert_eq!(
        (
            seen.body["status"].as_str(),
            seen.body["declined_via"].as_str()
        ),
        (Some("declined"), Some("link"))
    );
}

/// A signed-in invitee's decline records `signed_in`.
async fn finding_6_a_signed_in_decline_is_recorded_as_such(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let alan = app
        .post("/v1/users", json!({"email_address": ["alan@example.com"]}))
        .await
        .id();
    let id = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "alan@example.com", "role": "org:member"}),
        )
        .await
        .id();
    let declined = as_user(
        &app,
        &alan,
        Method::POST,
        &format!("/v1/me/organization_invitations/{id}/decline"),
        json!({}),
    )
    .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
    let seen = app
        .get(&format!("/v1/organizations/{org}/invitations/{id}"))
        .await;
    assert_eq!(seen.body["declined_via"], "signed_in");
}

// 9. Records, sessions and fixtures.

/// A record whose first request died (a function stopped) is free once no function could
/// still be running it; one past its day is ignored whether or not the table removed it yet.
async fn finding_9_a_dead_requests_key_is_free_and_an_expired_record_is_ignored(h: Harness) {
    use invitations::service::idempotency::{Idempotent, IDEMPOTENCY_TTL_MS, IN_FLIGHT_STALE_MS};
    let s = &h.service;
    assert_eq!(
        s.begin_idempotent("scope#dead", "fp", "died")
            .await
            .unwrap(),
        Idempotent::Proceed
    );
    h.clock.advance(IN_FLIGHT_STALE_MS + 1);
    assert_eq!(
        s.begin_idempotent("scope#dead", "fp", "next")
            .await
            .unwrap(),
        Idempotent::Proceed,
        "free again, not 409 for a day"
    );
    s.finish_idempotent("scope#dead", "next", 200, "kept").await;
    // The table keeps time to the second (its TTL attribute).
    h.clock.advance(IDEMPOTENCY_TTL_MS + 1_000);
    assert_eq!(
        s.begin_idempotent("scope#dead", "another request", "late")
            .await
            .unwrap(),
        Idempotent::Proceed,
        "a record past its TTL is not honoured"
    );
}

fn deployed(vars: &[(&str, &str)]) -> Result<(), String> {
    let lookup = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    };
    let config = HttpConfig::from_lookup(Target::Function(Function::Invite), &lookup)
        .map_err(|e| e.to_string())?;
    config.check_keys_are_distinct().map_err(|e| e.to_string())
}

/// The keys this repository publishes (`.env.lambda-local`, `events/`) never start a function
/// that keeps data in DynamoDB; on the in-memory store (`cargo lambda watch`) they do.
#[test]
fn finding_9_the_published_fixture_keys_never_start_a_deployment() {
    let base = [
        ("TABLE_NAME", "invitations"),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
        ("SES_FROM_ADDRESS", "invitations@example.com"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut vars = base.to_vec();
        vars.extend_from_slice(extra);
        deployed(&vars)
    };
    let fixture_key = ("INVITATIONS_SECRET_KEY", "sk_test_fixture_key_0123456789");
    let own_ticket = (
        "TICKET_SIGNING_KEY",
        "a-ticket-key-of-this-deployment-0123456789",
    );
    let refused = with(&[fixture_key, own_ticket]).unwrap_err();
    assert!(refused.contains("publishes"), "{refused}");
    let digest = invitations::config::digest_hex("sk_test_fixture_key_0123456789");
    let digest: &'static str = Box::leak(digest.into_boxed_str());
    let by_digest = with(&[("INVITATIONS_SECRET_KEY_SHA256", digest), own_ticket]).unwrap_err();
    assert!(by_digest.contains("publishes"), "{by_digest}");
    let fixture_ticket = (
        "TICKET_SIGNING_KEY",
        "local-development-ticket-key-0123456789abcdef",
    );
    let own_key = (
        "INVITATIONS_SECRET_KEY",
        "sk_live_this_deployments_own_key_0001",
    );
    let ticket = with(&[own_key, fixture_ticket]).unwrap_err();
    assert!(ticket.contains("TICKET_SIGNING_KEY"), "{ticket}");
    assert_eq!(with(&[own_key, own_ticket]), Ok(()));
    assert_eq!(
        with(&[fixture_key, fixture_ticket, ("STORE", "memory")]),
        Ok(()),
        "nothing persists on the in-memory store"
    );
}

/// A JWKS signs for whoever its provider serves: without a pinned issuer no function starts.
#[test]
fn finding_9_sessions_from_a_jwks_need_their_issuer() {
    let vars = [
        (
            "INVITATIONS_SECRET_KEY",
            "sk_live_this_deployments_own_key_0001",
        ),
        ("TABLE_NAME", "invitations"),
        ("PUBLIC_BASE_URL", "https://api.example.com/"),
        (
            "TICKET_SIGNING_KEY",
            "a-ticket-key-of-this-deployment-0123456789",
        ),
        ("SES_FROM_ADDRESS", "invitations@example.com"),
        (
            "SESSION_JWKS_URL",
            "https://clerk.example.com/.well-known/jwks.json",
        ),
    ];
    let refused = deployed(&vars).unwrap_err();
    assert!(refused.contains("SESSION_JWT_ISSUER"), "{refused}");
    let mut pinned = vars.to_vec();
    pinned.push(("SESSION_JWT_ISSUER", "https://clerk.example.com"));
    assert_eq!(deployed(&pinned), Ok(()));
}

/// A token made for another site (its `azp`) is no session here; one made for the app is.
#[tokio::test]
async fn finding_9_a_session_made_for_another_site_is_refused() {
    let verifier =
        invitations::tokens::session::SessionVerifier::hs256(crate::helpers::app::SESSION_SECRET)
            .unwrap()
            .authorized_parties(vec![crate::helpers::app::APP_ORIGIN.into()]);
    let now = crate::helpers::app::chrono_now();
    let made_for = |azp: &str| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &json!({"sub": "user_1", "iat": now, "exp": now + 60, "azp": azp}),
            &jsonwebtoken::EncodingKey::from_secret(crate::helpers::app::SESSION_SECRET),
        )
        .unwrap()
    };
    let other = verifier.verify(&made_for("https://evil.example")).await;
    assert!(
        matches!(
            other,
            Err(invitations::tokens::session::SessionError::UnauthorizedParty)
        ),
        "{other:?}"
    );
    assert!(verifier
        .verify(&made_for(crate::helpers::app::APP_ORIGIN))
        .await
        .is_ok());
    assert!(
        verifier
            .verify(&session_token("user_1", None))
            .await
            .is_ok(),
        "no azp"
    );
}

both_stores!(
    finding_9_a_dead_requests_key_is_free_and_an_expired_record_is_ignored,
    finding_6_a_links_decline_is_json_from_the_app_and_answers_only_its_status,
    finding_6_a_signed_in_decline_is_recorded_as_such,
);
