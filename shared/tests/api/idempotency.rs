//! `Idempotency-Key`: a retried write does its work once and answers as the first time.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use invitations::mail::memory::CapturingMailer;
use serde_json::json;

use crate::helpers::app::{Reply, TestApp, KEY};
use crate::helpers::*;

fn app_over(h: &Harness) -> (TestApp, Arc<CapturingMailer>) {
    let mailer = Arc::new(CapturingMailer::new());
    let app = TestApp::builder()
        .store(h.store.clone())
        .clock(h.clock.clone())
        .mailer(mailer.clone())
        .build();
    (app, mailer)
}

async fn post_with_key(app: &TestApp, path: &str, body: &str, key: &str, secret: &str) -> Reply {
    app.request(
        Method::POST,
        path,
        &[
            ("authorization", format!("Bearer {secret}")),
            ("content-type", "application/json".into()),
            ("idempotency-key", key.into()),
        ],
        Some(body.to_string()),
    )
    .await
}

async fn twenty_concurrent_creates_with_one_key_make_one_invitation_and_one_email(h: Harness) {
    let (app, mailer) = app_over(&h);
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let body = json!({"email_address": "grace@example.com", "role": "org:member"}).to_string();
    let replies = futures::future::join_all(
        (0..20).map(|_| post_with_key(&app, &path, &body, "create-grace-1", KEY)),
    )
    .await;
    let first = &replies[0];
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    for reply in &replies {
        assert_eq!((reply.status, &reply.body), (first.status, &first.body));
    }
    let replayed = replies
        .iter()
        .filter(|r| r.headers.get("idempotent-replayed").is_some())
        .count();
    assert_eq!(
        replayed, 19,
        "one did the work, the others were told its answer"
    );
    assert_eq!(app.invitation_count(&org).await, 1);
    assert_eq!(mailer.sent().len(), 1);

    // The key with another body is refused; another caller's same key is theirs alone.
    let other = json!({"email_address": "alan@example.com", "role": "org:member"}).to_string();
    let reused = post_with_key(&app, &path, &other, "create-grace-1", KEY).await;
    assert_eq!(
        (reused.status, reused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
    );
    let theirs = post_with_key(
        &app,
        &path,
        &other,
        "create-grace-1",
        "sk_test_rotated_key_00000",
    )
    .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(theirs.headers.get("idempotent-replayed").is_none());

    // A revoke retried answers as the first did, not "not pending".
    let revoke = format!("{path}/{}/revoke", first.id());
    let once = post_with_key(&app, &revoke, "{}", "revoke-grace-1", KEY).await;
    let again = post_with_key(&app, &revoke, "{}", "revoke-grace-1", KEY).await;
    assert_eq!(once.status, StatusCode::OK);
    assert_eq!((again.status, &again.body), (once.status, &once.body));

    // A bad key is refused before anything runs.
    let bad = post_with_key(&app, &path, &body, "has spaces", KEY).await;
    assert_eq!(
        (bad.status, bad.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "Idempotency-Key")
    );
}

both_stores!(twenty_concurrent_creates_with_one_key_make_one_invitation_and_one_email);

/// The kept answer holds the accept link; the table must not give it away.
#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn the_kept_answer_is_sealed_in_the_table() {
    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await;
    let table = store.table().to_string();
    let h = Harness::new(Arc::new(store), calls);
    let (app, _) = app_over(&h);
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let created = post_with_key(
        &app,
        &format!("/v1/organizations/{org}/invitations"),
        &json!({"email_address": "grace@example.com", "role": "org:member"}).to_string(),
        "sealed-1",
        KEY,
    )
    .await;
    let link = created.body["url"].as_str().unwrap().to_string();
    // A scan of this test's own table, to look at every item (never done on a request path).
    let raw = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let items = raw.scan().table_name(&table).send().await.unwrap();
    let mut seen_record = false;
    for item in items.items() {
        let text = format!("{item:?}");
        if text.contains("IDEM#") {
            seen_record = true;
            assert!(
                !text.contains("ticket="),
                "the link is in the table: {text}"
            );
            assert!(!text.contains(&link));
        }
    }
    assert!(seen_record, "the record was kept");
}
