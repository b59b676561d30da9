//! The findings of the second attack review (issue 18): limits that could be turned against
//! the people they protect, and what was left of the first round.

use super::*;

use axum::http::StatusCode;
use invitations::domain::limits::Limit;

use crate::helpers::app::{KEY, ROTATED_KEY};
use crate::helpers::links::path_of;

// 1. One link locked out a whole organization.

/// Whoever holds one link (an invitee, a forwarded email, a scanner) spends that link's budget
/// alone: 300 GETs and HEADs of it, then another invitee's link still answers its 302; the
/// spent link's refusal, in JSON or as the browser's page, says when to come back.
async fn finding_1_one_link_followed_300_times_leaves_another_invitees_link_working(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let link = |address: &'static str| {
        let app = &app;
        let org = org.clone();
        async move {
            let reply = app
                .post(
                    &format!("/v1/organizations/{org}/invitations"),
                    json!({"email_address": address, "role": "org:member"}),
                )
                .await;
            path_of(reply.body["url"].as_str().unwrap())
        }
    };
    let hammered = link("forwarded@example.com").await;
    let other = link("colleague@example.com").await;
    let mut answered = 0;
    for n in 0..300 {
        let method = if n % 2 == 0 {
            Method::GET
        } else {
            Method::HEAD
        };
        let reply = app.request(method, &hammered, &[], None).await;
        if reply.status == StatusCode::FOUND {
            answered += 1;
        }
    }
    assert_eq!(answered, 20, "the link's own budget; HEAD counts as GET");
    let spent = app.get(&hammered).await;
    assert_eq!(
        (spent.status, spent.code()),
        (StatusCode::TOO_MANY_REQUESTS, "link_lookup_limit_reached")
    );
    assert!(retry_after(&spent) <= 3600);
    let page = app
        .request(
            Method::GET,
            &hammered,
            &[("accept", "text/html".into())],
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.headers.get("retry-after").is_some(),
        "the browser's page says when too"
    );
    let colleague = app.get(&other).await;
    assert_eq!(colleague.status, StatusCode::FOUND, "{}", colleague.body);
}

/// With the budget set low, the limit is still the link's: the third link of one organization
/// is not refused for the first two's lookups.
async fn finding_1_link_budgets_are_per_invitation_whatever_their_size(h: Harness) {
    let (app, _) = app_over(&h, limits(|l| l.link_lookups = Limit::per_hour(2)));
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let mut links = Vec::new();
    for n in 0..3 {
        let reply = app
            .post(
                &format!("/v1/organizations/{org}/invitations"),
                json!({"email_address": format!("p{n}@example.com"), "role": "org:member"}),
            )
            .await;
        links.push(path_of(reply.body["url"].as_str().unwrap()));
    }
    for link in &links {
        for _ in 0..2 {
            assert_eq!(app.get(link).await.status, StatusCode::FOUND);
        }
        assert_eq!(app.get(link).await.status, StatusCode::TOO_MANY_REQUESTS);
    }
}

// 2. The per-recipient limit counted address strings, not mailboxes.

/// 40 spellings of one Gmail inbox (tags, dots, `googlemail.com`, case), from one organization
/// a minute apart (past the cooldown): the inbox gets its daily limit (5), no more.
async fn finding_2_spellings_of_one_gmail_mailbox_share_its_daily_limit(h: Harness) {
    let (app, mailer) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let spellings: Vec<String> = (0..40)
        .map(|n| match n % 4 {
            0 => format!("victim+{n}@gmail.com"),
            1 => format!("v.ictim+{n}@googlemail.com"),
            2 => format!("vi.ct.im+{n}@Gmail.com"),
            _ => format!("V.I.C.T.I.M+{n}@gmail.com"),
        })
        .collect();
    let mut refused = 0;
    for address in &spellings {
        h.clock.advance(61 * SECOND);
        let reply = app
            .post(
                &path,
                json!({"email_address": address, "role": "org:member"}),
            )
            .await;
        match reply.status {
            StatusCode::OK => {}
            _ => {
                assert_eq!(
                    (reply.status, reply.code()),
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        "recipient_email_limit_reached"
                    ),
                    "{address}"
                );
                refused += 1;
            }
        }
    }
    assert_eq!(mailer.sent().len(), 5, "one inbox, its daily limit");
    assert_eq!(refused, 35);
    // The addresses are kept as typed.
    assert_eq!(mailer.sent()[1].to, "v.ictim+1@googlemail.com");
}

/// The cooldown is the mailbox's too: a second spelling within the minute waits.
async fn finding_2_the_cooldown_counts_the_mailbox_not_the_spelling(h: Harness) {
    let (app, mailer) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let first = app
        .post(
            &path,
            json!({"email_address": "ada@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app
        .post(
            &path,
            json!({"email_address": "ada+2@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::TOO_MANY_REQUESTS, "resend_cooldown")
    );
    assert_eq!(mailer.sent().len(), 1);
}

// 3. The key was taken before authentication.

async fn with_key(
    app: &TestApp,
    path: &str,
    body: &Value,
    key: &str,
    auth: Option<String>,
) -> Reply {
    let mut headers = vec![
        ("content-type", "application/json".to_string()),
        ("idempotency-key", key.to_string()),
    ];
    if let Some(auth) = auth {
        headers.push(("authorization", auth));
    }
    app.request(Method::POST, path, &headers, Some(body.to_string()))
        .await
}

/// A request with a wrong or no credential answers 401 and stores nothing: the key is still
/// free for its owner, with any body.
async fn finding_3_a_key_sent_without_a_valid_credential_stores_nothing(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let squatted = json!({"email_address": "squat@example.com", "role": "org:member"});
    let forged = with_key(
        &app,
        &path,
        &squatted,
        "k-1",
        Some("Bearer sk_test_not_a_key_000000".into()),
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    // Nothing was kept: the same credential with another body is told 401 again, not that
    // the key was used for another request.
    let again = with_key(
        &app,
        &path,
        &json!({"email_address": "other@example.com", "role": "org:member"}),
        "k-1",
        Some("Bearer sk_test_not_a_key_000000".into()),
    )
    .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::UNAUTHORIZED, "authentication_invalid")
    );
    let bare = with_key(&app, &path, &squatted, "k-1", None).await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);
    let bare_again = with_key(&app, &path, &json!({}), "k-1", None).await;
    assert_eq!(bare_again.status, StatusCode::UNAUTHORIZED);
    let body = json!({"email_address": "grace@example.com", "role": "org:member"});
    let real = with_key(&app, &path, &body, "k-1", Some(format!("Bearer {KEY}"))).await;
    assert_eq!(real.status, StatusCode::OK, "{}", real.body);
    assert!(real.headers.get("idempotent-replayed").is_none());
}

/// Callers without a credential (a link's decline) share no scope: one who sends a key first,
/// with another body, takes nothing from the one who holds the link.
async fn finding_3_callers_without_a_credential_cannot_squat_each_others_keys(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let made = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await;
    let ticket = crate::helpers::links::ticket_of(made.body["url"].as_str().unwrap());
    let squat = with_key(
        &app,
        "/v1/tickets/decline",
        &json!({"ticket": "not-a-ticket"}),
        "decline-1",
        None,
    )
    .await;
    assert_eq!(squat.status, StatusCode::BAD_REQUEST);
    let declined = with_key(
        &app,
        "/v1/tickets/decline",
        &json!({ "ticket": ticket }),
        "decline-1",
        None,
    )
    .await;
    assert_eq!(declined.status, StatusCode::OK, "{}", declined.body);
}

// 4. A replay ran without authenticating again.

fn expired_session(user: &str) -> String {
    let now = crate::helpers::app::chrono_now();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &json!({"sub": user, "iat": now - 120, "exp": now - 9}),
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::app::SESSION_SECRET),
    )
    .unwrap()
}

/// A second admin, Grace, signed in: returns her id.
async fn second_admin(app: &TestApp, org: &str) -> String {
    let grace = app
        .post(
            "/v1/users",
            json!({"email_address": ["grace@acme.test"], "first_name": "Grace"}),
        )
        .await
        .id();
    let joined = app
        .post(
            &format!("/v1/organizations/{org}/memberships"),
            json!({"user_id": grace, "role": "org:admin"}),
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    grace
}

/// A session that expired since its request was answered gets no replay (the answer holds a
/// live link); a fresh token of the same person does, whatever the token.
async fn finding_4_a_replay_to_an_expired_session_is_refused(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let grace = second_admin(&app, &org).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let body = json!({"email_address": "alan@example.com", "role": "org:member"});
    let bearer = |token: String| Some(format!("Bearer {token}"));
    let first = with_key(
        &app,
        &path,
        &body,
        "by-grace",
        bearer(session_token(&grace, None)),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let stale = with_key(
        &app,
        &path,
        &body,
        "by-grace",
        bearer(expired_session(&grace)),
    )
    .await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED, "{}", stale.body);
    assert!(stale.body.get("url").is_none());
    let fresh = with_key(
        &app,
        &path,
        &body,
        "by-grace",
        bearer(session_token(&grace, None)),
    )
    .await;
    assert_eq!((fresh.status, &fresh.body), (first.status, &first.body));
    assert!(fresh.headers.get("idempotent-replayed").is_some());
}

/// A backend key rotated out since gets no replay.
async fn finding_4_a_replay_to_a_rotated_out_key_is_refused(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let body = json!({"email_address": "alan@example.com", "role": "org:member"});
    let rotated = Some(format!("Bearer {ROTATED_KEY}"));
    let first = with_key(&app, &path, &body, "by-old-key", rotated.clone()).await;
    assert_eq!(first.status, StatusCode::OK);
    let after = TestApp::builder()
        .store(h.store.clone())
        .clock(h.clock.clone())
        .secret_keys(&[KEY])
        .build();
    let replay = with_key(&after, &path, &body, "by-old-key", rotated).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert!(replay.body.get("url").is_none());
}

/// An admin demoted since gets no replay of what they did as admin.
async fn finding_4_a_replay_to_a_demoted_admin_is_refused(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let grace = second_admin(&app, &org).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let body = json!({"email_address": "alan@example.com", "role": "org:member"});
    let token = || Some(format!("Bearer {}", session_token(&grace, None)));
    let first = with_key(&app, &path, &body, "before-demotion", token()).await;
    assert_eq!(first.status, StatusCode::OK);
    let demoted = app
        .request(
            Method::PATCH,
            &format!("/v1/organizations/{org}/memberships/{grace}"),
            &[
                ("authorization", format!("Bearer {KEY}")),
                ("content-type", "application/json".into()),
            ],
            Some(json!({"role": "org:member"}).to_string()),
        )
        .await;
    assert_eq!(demoted.status, StatusCode::OK, "{}", demoted.body);
    let replay = with_key(&app, &path, &body, "before-demotion", token()).await;
    assert_eq!(
        (replay.status, replay.code()),
        (StatusCode::FORBIDDEN, "not_allowed_access")
    );
    assert!(replay.body.get("url").is_none());
}

// 5. A replay dropped the first answer's cache headers.

async fn finding_5_a_replayed_create_or_resend_keeps_cache_control_no_store(h: Harness) {
    let (app, _) = app_over(&h, policy());
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let body = json!({"email_address": "alan@example.com", "role": "org:member"});
    let auth = Some(format!("Bearer {KEY}"));
    let first = with_key(&app, &path, &body, "c-1", auth.clone()).await;
    let again = with_key(&app, &path, &body, "c-1", auth.clone()).await;
    let resend = format!("{path}/{}/resend", first.id());
    let quiet = json!({"notify": false});
    let resent = with_key(&app, &resend, &quiet, "r-1", auth.clone()).await;
    let resent_again = with_key(&app, &resend, &quiet, "r-1", auth).await;
    for (first, again) in [(first, again), (resent, resent_again)] {
        assert_eq!(first.headers["cache-control"], "no-store");
        assert!(again.headers.get("idempotent-replayed").is_some());
        assert_eq!(again.headers["cache-control"], "no-store");
        assert_eq!(
            again.headers.get("referrer-policy"),
            first.headers.get("referrer-policy")
        );
    }
}

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

both_stores!(
    finding_6_a_links_decline_is_json_from_the_app_and_answers_only_its_status,
    finding_6_a_signed_in_decline_is_recorded_as_such,
    finding_3_a_key_sent_without_a_valid_credential_stores_nothing,
    finding_3_callers_without_a_credential_cannot_squat_each_others_keys,
    finding_4_a_replay_to_an_expired_session_is_refused,
    finding_4_a_replay_to_a_rotated_out_key_is_refused,
    finding_4_a_replay_to_a_demoted_admin_is_refused,
    finding_5_a_replayed_create_or_resend_keeps_cache_control_no_store,
    finding_1_one_link_followed_300_times_leaves_another_invitees_link_working,
    finding_1_link_budgets_are_per_invitation_whatever_their_size,
    finding_2_spellings_of_one_gmail_mailbox_share_its_daily_limit,
    finding_2_the_cooldown_counts_the_mailbox_not_the_spelling,
);
