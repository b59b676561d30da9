//! The findings of the first attack review (issue 9), each reproduced and shown refused or
//! bounded, on both stores where the store takes part.

use axum::http::{Method, StatusCode};
use invitations::config::{HttpConfig, Target};
use invitations::domain::limits::Limit;
use invitations::http::Function;
use invitations::service::{Actor, InvitationAction, ServiceError};
use serde_json::json;

use crate::helpers::app::TestApp;
use crate::helpers::links::{path_of, ticket_of};
use crate::helpers::*;

use super::*;

// 1. Open redirect by default.

#[tokio::test]
async fn finding_1_without_an_allow_list_only_the_services_own_origins_are_redirect_targets() {
    let port = 4321;
    let config = HttpConfig::from_lookup(Target::Local { port }, &|_| None).unwrap();
    let app = TestApp::builder().policy(config.policy.clone()).build();
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let phishing = app
        .post(
            &path,
            json!({"email_address": "victim@example.com", "role": "org:member",
                   "redirect_url": "https://login-acme.evil.test/signin"}),
        )
        .await;
    assert_eq!(
        (phishing.status, phishing.code(), phishing.param()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "redirect_url"
        )
    );
    assert_eq!(app.invitation_count(&org).await, 0, "nothing stored");
    let own = app
        .post(
            &path,
            json!({"email_address": "victim@example.com", "role": "org:member",
                   "redirect_url": format!("http://127.0.0.1:{port}/welcome")}),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);

    let deployed = HttpConfig::from_lookup(Target::Function(Function::TicketVerify), &|name| {
        match name {
            "TABLE_NAME" => Some("t"),
            "TICKET_SIGNING_KEY" => Some("0123456789abcdef0123456789abcdef"),
            "PUBLIC_BASE_URL" => Some("https://api.acme.test/"),
            "DEFAULT_REDIRECT_URL" => Some("https://app.acme.test/join"),
            _ => None,
        }
        .map(str::to_string)
    })
    .unwrap();
    assert_eq!(
        deployed.policy.redirects.describe(),
        "https://api.acme.test, https://app.acme.test"
    );
}

// 2. Email relay: invite-then-revoke to one address.

async fn finding_2_invite_and_revoke_cycles_stop_at_the_recipient_limit(h: Harness) {
    let (app, mailer) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let create = format!("/v1/organizations/{org}/invitations");
    let invite = || {
        app.post(
            &create,
            json!({"email_address": "victim@example.com", "role": "org:member"}),
        )
    };

    // At once, the (organization, address) cooldown holds across a revoke.
    let first = invite().await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    app.post(
        &format!("/v1/organizations/{org}/invitations/{}/revoke", first.id()),
        json!({}),
    )
    .await;
    let again = invite().await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::TOO_MANY_REQUESTS, "resend_cooldown")
    );
    assert!(retry_after(&again) <= 60);

    // Spaced past the cooldown, 25 cycles reach the address 5 times in all.
    let mut sent = 1;
    let mut refused = Vec::new();
    for _ in 0..25 {
        h.clock.advance(61 * SECOND);
        let reply = invite().await;
        if reply.status == StatusCode::OK {
            sent += 1;
            let revoked = app
                .post(
                    &format!("/v1/organizations/{org}/invitations/{}/revoke", reply.id()),
                    json!({}),
                )
                .await;
            assert_eq!(revoked.status, StatusCode::OK);
        } else {
            assert_eq!(
                (reply.status, reply.code()),
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    "recipient_email_limit_reached"
                )
            );
            refused.push(retry_after(&reply));
        }
    }
    assert_eq!(sent, 5);
    assert_eq!(refused.len(), 21);
    assert_eq!(mailer.sent().len(), 5, "nothing sent past the limit");
    assert_eq!(
        app.invitation_count(&org).await,
        5,
        "nothing stored past it"
    );

    // The limit is the address's, whichever organization asks.
    let other = another_org(&app, "Other").await;
    let elsewhere = app
        .post(
            &format!("/v1/organizations/{other}/invitations"),
            json!({"email_address": "Victim@Example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(elsewhere.code(), "recipient_email_limit_reached");

    // Once the oldest leaves the 24 hours, one more goes through.
    let wait = *refused.last().unwrap();
    h.clock.advance(wait as i64 * SECOND);
    assert_eq!(invite().await.status, StatusCode::OK);
    assert_eq!(mailer.sent().len(), 6);
}

async fn finding_2_organization_and_inviter_limits_refuse_with_their_own_codes(h: Harness) {
    let policy = limits(|l| {
        l.organization_emails = Limit::per_hour(3);
        l.inviter_emails = Limit::per_hour(2);
    });
    let (app, mailer) = app_over(&h, policy);
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let by_admin = |n: u32| {
        app.post(
            &path,
            json!({"email_address": format!("a{n}@example.com"), "role": "org:member",
                   "inviter_user_id": admin}),
        )
    };
    assert_eq!(by_admin(1).await.status, StatusCode::OK);
    assert_eq!(by_admin(2).await.status, StatusCode::OK);
    let third = by_admin(3).await;
    assert_eq!(
        (third.status, third.code()),
        (StatusCode::TOO_MANY_REQUESTS, "inviter_email_limit_reached")
    );
    assert!(retry_after(&third) <= 3600);
    let backend = app
        .post(
            &path,
            json!({"email_address": "b1@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(backend.status, StatusCode::OK, "{}", backend.body);
    let fourth = app
        .post(
            &path,
            json!({"email_address": "b2@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(
        (fourth.status, fourth.code()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "organization_email_limit_reached"
        )
    );
    // Without an email, nothing is counted.
    let quiet = app
        .post(
            &path,
            json!({"email_address": "b3@example.com", "role": "org:member", "notify": false}),
        )
        .await;
    assert_eq!(quiet.status, StatusCode::OK);
    assert_eq!(mailer.sent().len(), 3);
    assert_eq!(app.invitation_count(&org).await, 4);
}

// 3. Metadata from the browser.

#[tokio::test]
async fn finding_3_a_signed_in_admin_cannot_set_metadata() {
    let app = TestApp::new();
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    for field in ["public_metadata", "private_metadata"] {
        let mut body = json!({"email_address": "grace@example.com", "role": "org:member"});
        body[field] = json!({"role_override": "owner"});
        let reply = as_user(
            &app,
            &admin,
            Method::POST,
            &format!("/v1/organizations/{org}/invitations"),
            body,
        )
        .await;
        assert_eq!(
            (reply.status, reply.param()),
            (StatusCode::UNPROCESSABLE_ENTITY, field),
            "{}",
            reply.body
        );
    }
    assert_eq!(app.invitation_count(&org).await, 0);
}

// 4. Existence leaks.

async fn finding_4_revoke_and_resend_tell_a_non_manager_nothing_about_the_invitation(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (_, outsider) = org_with_admin(&h, "admin@other.test", 0).await;
    let member = user(&h, "member@acme.test").await;
    add_member(&h, &org, &member, "org:member").await;
    let pending = invite(&h, &org, "pending@example.com").await;
    let revoked = invite(&h, &org, "revoked@example.com").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, revoked.id.as_str(), None)
        .await
        .unwrap();
    let missing = "orginv_2vNoSuchInvitation000000000";
    for person in [&outsider, &member] {
        let actor = Actor::Member(person.id.clone());
        for id in [pending.id.as_str(), revoked.id.as_str(), missing] {
            let revoke = h.service.revoke_invitation(&actor, &org.id, id, None).await;
            assert!(
                matches!(revoke, Err(ServiceError::NotAllowed(_))),
                "revoke {id}: {revoke:?}"
            );
            let resend = h
                .service
                .resend_invitation(
                    &actor,
                    &org.id,
                    id,
                    &InvitationAction {
                        requesting_user_id: None,
                        notify: true,
                    },
                )
                .await;
            assert!(
                matches!(resend, Err(ServiceError::NotAllowed(_))),
                "resend {id}: {resend:?}"
            );
        }
    }
}

/// Whether an address has an account is told by a link's `sign_in` / `sign_up`; an
/// organization can hold links to addresses of its choosing only by inviting them without an
/// email, and those invitations are bounded per hour (the second review moved the bound off
/// the links: `second_review::finding_1_*`).
async fn finding_4_an_organization_probing_addresses_is_bounded_by_its_silent_invitations(
    h: Harness,
) {
    let (app, mailer) = app_over(&h, limits(|l| l.silent_invitations = Limit::per_hour(3)));
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let probe = |n: u32| {
        app.post(
            &path,
            json!({"email_address": format!("probe{n}@example.com"), "role": "org:member",
                   "notify": false}),
        )
    };
    let mut links = Vec::new();
    for n in 0..3 {
        let reply = probe(n).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        links.push(reply.body["url"].as_str().unwrap().to_string());
    }
    let fourth = probe(3).await;
    assert_eq!(
        (fourth.status, fourth.code()),
        (
            StatusCode::TOO_MANY_REQUESTS,
            "organization_silent_invitation_limit_reached"
        )
    );
    assert!(retry_after(&fourth) <= 3600);
    assert_eq!(app.invitation_count(&org).await, 3, "nothing stored");
    for link in &links {
        assert_eq!(app.get(&path_of(link)).await.status, StatusCode::FOUND);
    }
    assert!(mailer.sent().is_empty());
    assert!(!ticket_of(&links[0]).is_empty());
}

// 5. Keys.

#[test]
fn finding_5_a_ticket_key_shared_with_another_kind_of_key_never_starts() {
    let base = |extra: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            extra
                .iter()
                .chain(&[("INVITATIONS_SECRET_KEY", "sk_test_0123456789abcdef")])
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let same_as_backend = base(&[("TICKET_SIGNING_KEY", "sk_test_0123456789abcdef")]);
    let e = HttpConfig::from_lookup(Target::Local { port: 1 }, &same_as_backend)
        .unwrap()
        .check_keys_are_distinct()
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("it must differ from INVITATIONS_SECRET_KEY"),
        "{e}"
    );
    let same_as_session = base(&[
        ("TICKET_SIGNING_KEY", "0123456789abcdef0123456789abcdef"),
        ("SESSION_JWT_SECRET", "0123456789abcdef0123456789abcdef"),
    ]);
    let e = HttpConfig::from_lookup(Target::Local { port: 1 }, &same_as_session)
        .unwrap()
        .check_keys_are_distinct()
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("it must differ from SESSION_JWT_SECRET"),
        "{e}"
    );
}

#[tokio::test]
async fn finding_5_a_session_minted_to_last_for_decades_is_refused() {
    let app = TestApp::new();
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    let now = crate::helpers::app::chrono_now();
    let forever = crate::helpers::links::forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": admin, "iat": now, "exp": 4_102_444_800i64}),
        Some(crate::helpers::app::SESSION_SECRET),
    );
    let reply = app
        .request(
            Method::GET,
            &format!("/v1/organizations/{org}/invitations"),
            &[("authorization", format!("Bearer {forever}"))],
            None,
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::UNAUTHORIZED, "session_invalid")
    );
    let day = crate::helpers::links::forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": admin, "iat": now, "exp": now + 3600}),
        Some(crate::helpers::app::SESSION_SECRET),
    );
    let ok = app
        .request(
            Method::GET,
            &format!("/v1/organizations/{org}/invitations"),
            &[("authorization", format!("Bearer {day}"))],
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
}

// 6. Addresses.

async fn finding_6_addresses_that_smuggle_delimiters_or_lookalikes_are_refused(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    for bad in [
        "x@corp.test#evil.io",
        "x@a/b.io",
        "x@corp.test%0d%0a.io",
        "\u{212A}ate@corp.test",
        "\"x\"@corp.test",
    ] {
        let reply = app
            .post(
                &path,
                json!({"email_address": bad, "role": "org:member", "notify": false}),
            )
            .await;
        assert_eq!(
            (reply.status, reply.param()),
            (StatusCode::UNPROCESSABLE_ENTITY, "email_address"),
            "{bad}"
        );
    }
    for good in ["x@corp.test", "x@corp.test.evil.io", "kate@corp.test"] {
        let reply = app
            .post(
                &path,
                json!({"email_address": good, "role": "org:member", "notify": false}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{good}: {}", reply.body);
    }
    let filtered = app.get(&format!("{path}?email_address=x@corp.test")).await;
    let found: Vec<&str> = filtered.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email_address"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["x@corp.test"]);
    assert_eq!(filtered.body["total_count"], 1);
}

// 7. Unbounded reads.

async fn finding_7_a_persons_list_is_paged_and_each_page_reads_a_bounded_number(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let grace = user(&h, "grace@example.com").await;
    let mut expected = Vec::new();
    for n in 0..23 {
        let org = another_org(&app, &format!("Org {n}")).await;
        h.clock.advance(1);
        let reply = app
            .post(
                &format!("/v1/organizations/{org}/invitations"),
                json!({"email_address": "grace@example.com", "role": "org:member",
                       "notify": false}),
            )
            .await;
        expected.push(reply.id());
    }
    expected.reverse();
    h.calls.take();
    let mut seen = Vec::new();
    let mut path = "/v1/me/organization_invitations?limit=10".to_string();
    let mut pages = 0;
    loop {
        let reply = as_user(&app, grace.id.as_str(), Method::GET, &path, json!(null)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        pages += 1;
        let data = reply.body["data"].as_array().unwrap();
        assert!(data.len() <= 10);
        seen.extend(data.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        for (op, body) in h.calls.take_requests() {
            if op == "Query" {
                assert!(
                    body["Limit"].as_u64().is_some_and(|l| l <= 10),
                    "each query reads at most a page: {body}"
                );
            }
        }
        match reply.body["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/v1/me/organization_invitations?limit=10&cursor={cursor}")
            }
            None => break,
        }
    }
    assert_eq!(seen, expected, "every invitation once, newest first");
    assert!(pages <= 4, "{pages} pages");

    let too_deep = as_user(
        &app,
        grace.id.as_str(),
        Method::GET,
        "/v1/me/organization_invitations?offset=600",
        json!(null),
    )
    .await;
    assert_eq!(
        (too_deep.status, too_deep.param()),
        (StatusCode::BAD_REQUEST, "offset")
    );
}

both_stores!(
    finding_2_invite_and_revoke_cycles_stop_at_the_recipient_limit,
    finding_2_organization_and_inviter_limits_refuse_with_their_own_codes,
    finding_4_revoke_and_resend_tell_a_non_manager_nothing_about_the_invitation,
    finding_4_an_organization_probing_addresses_is_bounded_by_its_silent_invitations,
    finding_6_addresses_that_smuggle_delimiters_or_lookalikes_are_refused,
    finding_7_a_persons_list_is_paged_and_each_page_reads_a_bounded_number,
);
