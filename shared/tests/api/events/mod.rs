//! Events and webhooks: a life played on a store makes Clerk's events, signed as Svix signs
//! them, valid against Clerk's webhook spec, delivered after retries or dead-lettered whole.

mod dynamodb;
mod lifecycle;
mod receiver;
pub mod schema;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use invitations::events::adapters::http::HttpTransport;
use invitations::events::delivery::{DeadLetter, DeadLetters};
use invitations::events::svix::SigningSecret;
use invitations::events::{endpoints, Change, EventContext, Pipeline};
use invitations::store::memory::MemoryStore;
use serde_json::Value;

use crate::helpers::{CallLog, Harness};
use lifecycle::EXPECTED;
use receiver::{Behaviour, Receiver};

pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const FAST: [Duration; 2] = [Duration::from_millis(20), Duration::from_millis(40)];

#[derive(Default)]
pub struct Letters(Mutex<Vec<DeadLetter>>);

#[async_trait]
impl DeadLetters for Letters {
    async fn put(&self, letter: &DeadLetter) -> Result<(), String> {
        self.0.lock().unwrap().push(letter.clone());
        Ok(())
    }
}

/// `(url, events filter)` per endpoint, all with [`SECRET`].
pub fn pipeline(
    h: &Harness,
    hooks: &[(&str, Option<&str>)],
    dead: Arc<dyn DeadLetters>,
) -> Pipeline {
    let raw: Vec<Value> = hooks
        .iter()
        .map(|(url, events)| {
            let mut e = serde_json::json!({ "url": url, "secret": SECRET });
            if let Some(filter) = events {
                e["events"] = serde_json::json!([filter]);
            }
            e
        })
        .collect();
    Pipeline {
        ctx: EventContext {
            instance_id: "ins_test".into(),
            roles: Default::default(),
        },
        endpoints: endpoints::parse(Some(&Value::Array(raw).to_string())).unwrap(),
        transport: Arc::new(HttpTransport::new().unwrap()),
        dead_letters: dead,
        sinks: Vec::new(),
        organizations: h.store.clone(),
        clock: h.clock.clone(),
        retry_delays: FAST.to_vec(),
    }
}

/// A harness on an in-memory store, and the store's change feed.
pub fn memory_with_feed() -> (Harness, tokio::sync::mpsc::UnboundedReceiver<Change>) {
    let (store, feed) = MemoryStore::with_change_feed();
    (Harness::new(Arc::new(store), CallLog::default()), feed)
}

pub fn drain(feed: &mut tokio::sync::mpsc::UnboundedReceiver<Change>) -> Vec<Change> {
    std::iter::from_fn(|| feed.try_recv().ok()).collect()
}

/// Every delivery the receiver took is signed for its id and body (checked as a receiver
/// would, at the receiver's clock) and valid against Clerk's schema for its type; per
/// invitation or membership the types arrive in the life's order. Returns the bodies by id.
pub fn check_life(receiver: &Receiver, now_secs: i64) -> HashMap<String, Value> {
    let secret = SigningSecret::parse(SECRET).unwrap();
    let mut by_label: HashMap<String, Vec<String>> = HashMap::new();
    let mut bodies = HashMap::new();
    for d in receiver.taken() {
        secret
            .verify(&d.id, &d.timestamp, &d.signature, &d.body, now_secs)
            .unwrap_or_else(|e| panic!("{}: {e}", d.id));
        let body: Value = serde_json::from_str(&d.body).unwrap();
        schema::check(&body).unwrap_or_else(|e| panic!("{e}\n{body:#}"));
        let kind = body["type"].as_str().unwrap().to_string();
        let label = match body["data"]["email_address"].as_str() {
            Some(email) => email.to_string(),
            None if body["data"]["public_user_data"]["user_id"] == "user_idp_accepts" => {
                "member".into()
            }
            None => "admin".into(),
        };
        by_label.entry(label).or_default().push(kind);
        bodies.insert(d.id.clone(), body);
    }
    for (label, kinds) in EXPECTED {
        let got = by_label.remove(label).unwrap_or_default();
        assert_eq!(got, kinds, "the events about {label}");
    }
    assert!(by_label.is_empty(), "unexpected events: {by_label:?}");
    bodies
}

fn now_secs(h: &Harness) -> i64 {
    use invitations::clock::Clock;
    h.clock.now() / 1000
}

#[tokio::test]
async fn a_life_on_the_memory_store_makes_clerks_events_signed_and_valid() {
    let (h, mut feed) = memory_with_feed();
    lifecycle::live(&h).await;
    let receiver = Receiver::start(Behaviour::Take).await;
    let pipeline = pipeline(&h, &[(&receiver.url, None)], Arc::new(Letters::default()));
    let changes = drain(&mut feed);
    let outcome = pipeline.process(&changes).await;
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    assert_eq!(outcome.dead_lettered, 0);
    let bodies = check_life(&receiver, now_secs(&h));
    let accepted = bodies
        .values()
        .find(|b| b["type"] == "organizationInvitation.accepted")
        .unwrap();
    assert_eq!(accepted["data"]["user_id"], "user_idp_accepts");
    assert_eq!(accepted["instance_id"], "ins_test");
    let bounced = bodies
        .values()
        .find(|b| b["type"] == "organizationInvitation.bounced")
        .unwrap();
    assert_eq!(bounced["data"]["data"]["delivery"]["status"], "bounced");
    assert_eq!(
        bounced["data"]["data"]["delivery"]["bounce_type"],
        "Permanent/General"
    );
    // The same changes again (a redelivered batch) name the same events.
    let again = Receiver::start(Behaviour::Take).await;
    let replay = self::pipeline(&h, &[(&again.url, None)], Arc::new(Letters::default()));
    replay.process(&changes).await;
    let mut first: Vec<_> = receiver.taken().into_iter().map(|d| d.id).collect();
    let mut second: Vec<_> = again.taken().into_iter().map(|d| d.id).collect();
    first.sort();
    second.sort();
    assert_eq!(first, second);
}

#[tokio::test]
async fn a_receiver_that_fails_twice_then_succeeds_takes_each_event_exactly_once() {
    let (h, mut feed) = memory_with_feed();
    lifecycle::live(&h).await;
    let receiver = Receiver::start(Behaviour::FailFirst(2)).await;
    let pipeline = pipeline(&h, &[(&receiver.url, None)], Arc::new(Letters::default()));
    let outcome = pipeline.process(&drain(&mut feed)).await;
    assert!(
        outcome.failed.is_empty() && outcome.dead_lettered == 0,
        "{outcome:?}"
    );
    let taken = receiver.taken_per_id();
    // Every event the endpoint wants (all but the audit log's, which it did not ask for).
    assert_eq!(taken.len() as u64, outcome.delivered);
    assert!(
        outcome.events > outcome.delivered,
        "the audit entries are events too"
    );
    assert!(taken.values().all(|n| *n == 1), "{taken:?}");
    assert_eq!(
        receiver.attempts().len(),
        3 * taken.len(),
        "two failures, then the take"
    );
    check_life(&receiver, now_secs(&h));
}

#[tokio::test]
async fn a_delivery_that_keeps_failing_goes_to_the_dead_letters_whole_and_the_rest_go_through() {
    let (h, mut feed) = memory_with_feed();
    lifecycle::live(&h).await;
    let good = Receiver::start(Behaviour::Take).await;
    let broken = Receiver::start(Behaviour::FailAlways).await;
    let letters = Arc::new(Letters::default());
    let pipeline = pipeline(
        &h,
        &[
            (&good.url, None),
            (&broken.url, Some("organizationInvitation.*")),
        ],
        letters.clone(),
    );
    let outcome = pipeline.process(&drain(&mut feed)).await;
    assert!(
        outcome.failed.is_empty(),
        "dead-lettered changes are finished: {outcome:?}"
    );
    let bodies = check_life(&good, now_secs(&h));
    let letters = letters.0.lock().unwrap().clone();
    let invitation_events = bodies
        .values()
        .filter(|b| {
            b["type"]
                .as_str()
                .unwrap()
                .starts_with("organizationInvitation.")
        })
        .count();
    assert_eq!(letters.len(), invitation_events);
    assert_eq!(outcome.dead_lettered as usize, letters.len());
    for letter in &letters {
        assert_eq!(letter.endpoint, broken.url);
        assert_eq!(letter.attempts, 3);
        assert_eq!(letter.last_error, "the endpoint answered 503");
        assert_eq!(
            &letter.body, &bodies[&letter.event_id],
            "the same event, whole"
        );
        assert!(!serde_json::to_string(letter).unwrap().contains(SECRET));
    }
}

#[tokio::test]
async fn without_a_dead_letter_queue_a_failed_change_is_handed_back_and_the_others_finish() {
    let (h, mut feed) = memory_with_feed();
    lifecycle::live(&h).await;
    let good = Receiver::start(Behaviour::Take).await;
    let broken = Receiver::start(Behaviour::FailAlways).await;
    let pipeline = pipeline(
        &h,
        &[
            (&good.url, None),
            (&broken.url, Some("organizationInvitation.revoked")),
        ],
        Arc::new(invitations::events::delivery::NoDeadLetters),
    );
    let changes = drain(&mut feed);
    let outcome = pipeline.process(&changes).await;
    assert_eq!(outcome.failed.len(), 1, "{outcome:?}");
    let failed = changes.iter().find(|c| c.id == outcome.failed[0]).unwrap();
    let invitations::events::ChangeRecord::Invitation { new: Some(inv), .. } = &failed.record
    else {
        panic!("{failed:?}")
    };
    assert_eq!(inv.email_address.as_str(), "revoked@example.com");
    // The other endpoint got every event (the failed change's too: when the stream hands it
    // back, it gets it again, with the same id, for it to drop).
    check_life(&good, now_secs(&h));
}

/// `events/stream-invitation-created.json` (a stream record as Lambda hands it over, the
/// fixture for `cargo lambda invoke events`) makes one `organizationInvitation.created`.
#[tokio::test]
async fn the_stream_fixture_makes_one_created_event() {
    let (h, _) = memory_with_feed();
    let fixture = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/stream-invitation-created.json"
    ));
    let receiver = Receiver::start(Behaviour::Take).await;
    let pipeline = pipeline(&h, &[(&receiver.url, None)], Arc::new(Letters::default()));
    let response = invitations::events::lambda::handle_stream(
        &pipeline,
        serde_json::from_str(fixture).unwrap(),
    )
    .await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let taken = receiver.taken();
    assert_eq!(taken.len(), 1);
    let body: Value = serde_json::from_str(&taken[0].body).unwrap();
    assert_eq!(body["type"], "organizationInvitation.created");
    assert_eq!(body["data"]["email_address"], "grace@example.com");
    schema::check(&body).unwrap();
}
