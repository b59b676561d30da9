//! Findings 3 to 5: idempotency keys and their replays.

use super::super::*;

use axum::http::StatusCode;

use crate::helpers::app::{KEY, ROTATED_KEY};

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

both_stores!(
    finding_3_a_key_sent_without_a_valid_credential_stores_nothing,
    finding_3_callers_without_a_credential_cannot_squat_each_others_keys,
    finding_4_a_replay_to_an_expired_session_is_refused,
    finding_4_a_replay_to_a_rotated_out_key_is_refused,
    finding_4_a_replay_to_a_demoted_admin_is_refused,
    finding_5_a_replayed_create_or_resend_keeps_cache_control_no_store,
);
