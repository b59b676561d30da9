//! `Idempotency-Key`: a retried write does its work once and answers as the first time.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use invitations::clock::Clock;
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

/// A key never sticks: only the attempt that took it answers or releases it, and a holder
/// that died is free once no function could still be running it.
async fn a_key_is_held_by_its_owner_until_it_answers_or_goes_stale(h: Harness) {
    use invitations::service::idempotency::{Idempotent, IN_FLIGHT_STALE_MS};
    let s = &h.service;
    let first = s
        .begin_idempotent("scope#k", "fp", "owner-a")
        .await
        .unwrap();
    assert_eq!(first, Idempotent::Proceed);
    // Another attempt may neither answer nor release it.
    h.store
        .complete_request("scope#k", "owner-b", 200, "theirs")
        .await
        .unwrap();
    h.store.abandon_request("scope#k", "owner-b").await.unwrap();
    let seen = h
        .store
        .request_state("scope#k", "fp", h.clock.now(), 0)
        .await
        .unwrap();
    assert_eq!(seen, invitations::store::IdempotencyBegin::InFlight);
    // The holder died: once it is stale, the next attempt takes the key and runs.
    h.clock.advance(IN_FLIGHT_STALE_MS + 1);
    let next = s
        .begin_idempotent("scope#k", "fp", "owner-c")
        .await
        .unwrap();
    assert_eq!(next, Idempotent::Proceed);
    s.finish_idempotent("scope#k", "owner-c", 200, "answer")
        .await;
    // The dead one's late answer is not kept over the live one's.
    s.finish_idempotent("scope#k", "owner-a", 200, "stale")
        .await;
    let replay = s
        .begin_idempotent("scope#k", "fp", "owner-d")
        .await
        .unwrap();
    assert_eq!(
        replay,
        Idempotent::Replay {
            status: 200,
            body: "answer".into()
        }
    );
    // A day later the record is gone for good, whether or not the table deleted it yet.
    h.clock
        .advance(invitations::service::idempotency::IDEMPOTENCY_TTL_MS + 1_000);
    let fresh = s
        .begin_idempotent("scope#k", "other fp", "owner-e")
        .await
        .unwrap();
    assert_eq!(fresh, Idempotent::Proceed);
}

/// A bulk answer with an item a retry could better (here one waiting on the address's
/// cooldown) is not kept: the same key runs again, answers the item made as made (the same
/// invitation, no second email) and tries the other, which later goes through.
async fn a_bulk_with_an_item_to_retry_runs_again_with_its_key_and_does_the_rest(h: Harness) {
    let (app, mailer) = app_over(&h);
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let cooling = post_with_key(
        &app,
        &path,
        &json!({"email_address": "kay@example.com", "role": "org:member"}).to_string(),
        "first-kay",
        KEY,
    )
    .await;
    let revoke = format!("{path}/{}/revoke", cooling.id());
    assert_eq!(
        post_with_key(&app, &revoke, "{}", "revoke-kay", KEY)
            .await
            .status,
        StatusCode::OK
    );
    let bulk = format!("{path}/bulk");
    let body = json!([
        {"email_address": "alan@example.com", "role": "org:member"},
        {"email_address": "kay@example.com", "role": "org:member"},
    ])
    .to_string();
    let first = post_with_key(&app, &bulk, &body, "bulk-1", KEY).await;
    assert_eq!(first.status, StatusCode::MULTI_STATUS, "{}", first.body);
    assert_eq!(first.body["data"][1]["status"], 429, "{}", first.body);
    let alan = first.body["data"][0]["id"].clone();
    assert_eq!(mailer.sent().len(), 2, "kay's first, alan's");

    h.clock.advance(61_000);
    let again = post_with_key(&app, &bulk, &body, "bulk-1", KEY).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert!(again.headers.get("idempotent-replayed").is_none(), "it ran");
    assert_eq!(again.body["data"][0]["id"], alan, "alan's, as made");
    assert_eq!(again.body["data"][1]["email_address"], "kay@example.com");
    assert_eq!(mailer.sent().len(), 3, "kay's second only");
    let kept = post_with_key(&app, &bulk, &body, "bulk-1", KEY).await;
    assert_eq!((kept.status, &kept.body), (again.status, &again.body));
    assert!(
        kept.headers.get("idempotent-replayed").is_some(),
        "now kept"
    );
}

both_stores!(
    twenty_concurrent_creates_with_one_key_make_one_invitation_and_one_email,
    a_key_is_held_by_its_owner_until_it_answers_or_goes_stale,
    a_bulk_with_an_item_to_retry_runs_again_with_its_key_and_does_the_rest,
);

/// The key's taking applied and its answer was lost: the SDK's retry meets its own record and
/// the request runs, instead of waiting 5 s for itself and answering 409.
#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_key_whose_taking_lost_its_answer_is_its_own() {
    let calls = CallLog::default();
    let lose = LoseAnswers::default();
    let h = Harness::new(Arc::new(dynamodb_losing(&calls, &lose).await), calls);
    lose.next("PutItem", 1);
    let started = tokio::time::Instant::now();
    let taken = h.service.begin_idempotent("scope#k", "fp", "owner-a").await;
    assert_eq!(
        taken.unwrap(),
        invitations::service::idempotency::Idempotent::Proceed
    );
    assert_eq!(lose.pending(), 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

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
