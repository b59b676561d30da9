//! The same life on DynamoDB (moto): the table's stream records, fed to the events function's
//! handler as Lambda hands them over, make the same events; dead letters go to SQS, events to
//! EventBridge, and SES's bounce (the fixture in `events/`) reaches its invitation.

use std::sync::Arc;

use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord};
use aws_sdk_dynamodb::config::{Credentials, Region};
use invitations::clock::{Clock, SystemClock};
use invitations::domain::DeliveryStatus;
use invitations::events::adapters::eventbridge::EventBridgeSink;
use invitations::events::adapters::sqs::SqsDeadLetters;
use invitations::events::delivery::DeadLetter;
use invitations::events::lambda::{handle_sns, handle_stream};
use invitations::service::Actor;
use invitations::store::dynamodb::{ensure_streamed_table, DynamoStore};
use serde_json::{json, Value};

use super::receiver::{Behaviour, Receiver};
use super::{check_life, lifecycle, pipeline, Letters, SECRET};
use crate::helpers::*;

/// Where the Node test (`tests/sdk/webhooks.test.mjs`) finds deliveries to verify with Clerk's
/// `verifyWebhook`.
const DELIVERIES_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../target/webhook-deliveries.json"
);

fn aws() -> aws_types::SdkConfig {
    aws_types::SdkConfig::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
                "test", "test", None, None, "tests",
            )),
        )
        .endpoint_url(dynamodb_endpoint())
        .build()
}

/// A harness on a fresh table (with its stream), and the table's name.
async fn harness() -> (Harness, aws_sdk_dynamodb::Client, String) {
    let calls = CallLog::default();
    let client = dynamodb_client(&dynamodb_endpoint(), &calls);
    let table = format!("t-{}", invitations::ids::random_base62(12));
    ensure_streamed_table(&client, &table).await.unwrap();
    let store = DynamoStore::new(client.clone(), table.clone());
    (Harness::new(Arc::new(store), calls), client, table)
}

/// Every record of the table's stream so far, as the Lambda event the events function gets
/// (through JSON, as Lambda delivers it).
async fn stream_event(client: &aws_sdk_dynamodb::Client, table: &str) -> StreamEvent {
    let described = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .unwrap();
    let arn = described.table.unwrap().latest_stream_arn.unwrap();
    let streams = aws_sdk_dynamodbstreams::Client::new(&aws());
    let shards = streams
        .describe_stream()
        .stream_arn(&arn)
        .send()
        .await
        .unwrap()
        .stream_description
        .unwrap()
        .shards
        .unwrap_or_default();
    let mut event = StreamEvent::default();
    for shard in shards {
        let mut iterator = streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(shard.shard_id.unwrap())
            .shard_iterator_type(aws_sdk_dynamodbstreams::types::ShardIteratorType::TrimHorizon)
            .send()
            .await
            .unwrap()
            .shard_iterator;
        while let Some(it) = iterator.take() {
            let out = streams
                .get_records()
                .shard_iterator(it)
                .send()
                .await
                .unwrap();
            let records = out.records.unwrap_or_default();
            if records.is_empty() {
                break;
            }
            for record in records {
                let change = record.dynamodb.unwrap();
                let mut r = EventRecord::default();
                r.event_id = record.event_id.unwrap();
                r.event_name = record.event_name.unwrap().as_str().to_string();
                r.aws_region = "us-east-1".into();
                r.event_source = Some("aws:dynamodb".into());
                r.change.keys = change.keys.unwrap_or_default().into();
                r.change.new_image = change.new_image.unwrap_or_default().into();
                r.change.old_image = change.old_image.unwrap_or_default().into();
                r.change.sequence_number = change.sequence_number;
                event.records.push(r);
            }
            iterator = out.next_shard_iterator;
        }
    }
    serde_json::from_value(serde_json::to_value(&event).unwrap()).unwrap()
}

/// Up to 10 messages waiting in `queue`.
async fn receive(sqs: &aws_sdk_sqs::Client, queue: &str) -> Vec<aws_sdk_sqs::types::Message> {
    sqs.receive_message()
        .queue_url(queue)
        .max_number_of_messages(10)
        .send()
        .await
        .unwrap()
        .messages
        .unwrap_or_default()
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_life_on_dynamodb_streams_makes_clerks_events_signed_and_valid() {
    let (h, client, table) = harness().await;
    lifecycle::live(&h).await;
    let event = stream_event(&client, &table).await;
    assert!(event.records.len() > 20, "every write is a record");
    let receiver = Receiver::start(Behaviour::Take).await;
    let mut pipeline = pipeline(&h, &[(&receiver.url, None)], Arc::new(Letters::default()));
    // Real time: the Node test verifies these deliveries with Clerk's own check.
    pipeline.clock = Arc::new(SystemClock);
    let response = handle_stream(&pipeline, event.clone()).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let bodies = check_life(&receiver, SystemClock.now() / 1000);

    // A redelivered batch (Lambda retries) names the same events.
    let again = Receiver::start(Behaviour::Take).await;
    let replay = super::pipeline(&h, &[(&again.url, None)], Arc::new(Letters::default()));
    handle_stream(&replay, event).await;
    let mut first: Vec<_> = receiver.taken().into_iter().map(|d| d.id).collect();
    let mut second: Vec<_> = again.taken().into_iter().map(|d| d.id).collect();
    first.sort();
    second.sort();
    assert_eq!(first, second);
    assert_eq!(first.len(), bodies.len());

    let deliveries: Vec<Value> = receiver
        .taken()
        .into_iter()
        .map(|d| {
            json!({
                "headers": {
                    "svix-id": d.id, "svix-timestamp": d.timestamp, "svix-signature": d.signature,
                    "content-type": "application/json",
                },
                "body": d.body,
            })
        })
        .collect();
    let file = json!({ "secret": SECRET, "deliveries": deliveries });
    std::fs::write(DELIVERIES_FILE, serde_json::to_vec_pretty(&file).unwrap()).unwrap();
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn on_dynamodb_a_delivery_that_keeps_failing_lands_in_the_sqs_queue_whole() {
    let (h, client, table) = harness().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "gone@example.com").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), None)
        .await
        .unwrap();
    let sqs = aws_sdk_sqs::Client::new(&aws());
    let queue = sqs
        .create_queue()
        .queue_name(format!("dlq-{table}"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let good = Receiver::start(Behaviour::Take).await;
    let broken = Receiver::start(Behaviour::FailAlways).await;
    let dead = Arc::new(SqsDeadLetters::new(
        invitations::aws::LazyClient::ready(sqs.clone()),
        &queue,
    ));
    let pipeline = pipeline(
        &h,
        &[
            (&good.url, None),
            (&broken.url, Some("organizationInvitation.*")),
        ],
        dead,
    );
    let response = handle_stream(&pipeline, stream_event(&client, &table).await).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let kinds: Vec<String> = good
        .taken()
        .iter()
        .map(|d| {
            serde_json::from_str::<Value>(&d.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .into()
        })
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| k.starts_with("organizationInvitation."))
            .count(),
        2,
        "{kinds:?}"
    );
    let messages = receive(&sqs, &queue).await;
    let letters: Vec<DeadLetter> = messages
        .iter()
        .map(|m| serde_json::from_str(m.body().unwrap()).unwrap())
        .collect();
    let mut types: Vec<&str> = letters.iter().map(|l| l.event_type.as_str()).collect();
    types.sort();
    // The endpoint asked for no filter: Clerk's events, not the audit log's.
    assert_eq!(
        types,
        [
            "organizationInvitation.created",
            "organizationInvitation.revoked"
        ]
    );
    for letter in &letters {
        assert_eq!(letter.endpoint, broken.url);
        assert_eq!(letter.body["data"]["id"], inv.id.as_str());
        super::schema::check(&letter.body).unwrap();
    }
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn on_dynamodb_events_reach_an_eventbridge_bus() {
    let (h, client, table) = harness().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(&h, &org, "someone@example.com").await;
    let bridge = aws_sdk_eventbridge::Client::new(&aws());
    let sqs = aws_sdk_sqs::Client::new(&aws());
    let bus = format!("bus-{table}");
    bridge.create_event_bus().name(&bus).send().await.unwrap();
    let queue = sqs
        .create_queue()
        .queue_name(format!("bus-{table}"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    let queue_arn = format!("arn:aws:sqs:us-east-1:123456789012:bus-{table}");
    bridge
        .put_rule()
        .name("invitations")
        .event_bus_name(&bus)
        .event_pattern(r#"{"source":["invitations"]}"#)
        .send()
        .await
        .unwrap();
    bridge
        .put_targets()
        .rule("invitations")
        .event_bus_name(&bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("queue")
                .arn(&queue_arn)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut pipeline = pipeline(&h, &[], Arc::new(Letters::default()));
    pipeline.sinks = vec![Arc::new(EventBridgeSink::new(
        invitations::aws::LazyClient::ready(bridge),
        &bus,
    ))];
    let response = handle_stream(&pipeline, stream_event(&client, &table).await).await;
    assert!(response.batch_item_failures.is_empty(), "{response:?}");
    let messages = receive(&sqs, &queue).await;
    let mut types: Vec<String> = messages
        .iter()
        .map(|m| {
            let envelope: Value = serde_json::from_str(m.body().unwrap()).unwrap();
            assert_eq!(envelope["source"], "invitations");
            assert_eq!(envelope["detail-type"], envelope["detail"]["type"]);
            envelope["detail-type"].as_str().unwrap().to_string()
        })
        .collect();
    types.sort();
    // The bus takes every event: the audit log's entries (the organization's creation and
    // the invitation's) too.
    assert_eq!(
        types,
        [
            "auditLogEntry.created",
            "auditLogEntry.created",
            "organizationInvitation.created",
            "organizationMembership.created"
        ]
    );
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn the_ses_bounce_fixture_marks_its_invitation_bounced_and_emits_bounced() {
    let (h, client, table) = harness().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "recipient@example.com").await;
    let message_id = inv.delivery.as_ref().unwrap().message_id.clone().unwrap();
    let fixture = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/ses-bounce.json"
    ))
    .replace(
        "EXAMPLE7c191be45-e9aedb9a-02f9-4d12-a87d-dd0099a07f8a-000000",
        &message_id,
    );
    let event = serde_json::from_str(&fixture).unwrap();
    h.calls.take();
    let report = handle_sns(&h.service.mail_feedback(), event).await.unwrap();
    assert_eq!((report.recorded, report.ignored), (1, 0));
    let ops = h.calls.take();
    assert_eq!(
        ops,
        ["Query", "UpdateItem", "UpdateItem", "PutItem", "Query"],
        "one read (GSI8) finds the invitation, one write records it; a hard bounce counts in \
         its organization's day, suppresses the mailbox, and the breaker reads the week"
    );
    let now = h
        .service
        .get_invitation(&Actor::Backend, &org.id, inv.id.as_str())
        .await
        .unwrap();
    let delivery = now.delivery.unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Bounced);
    assert_eq!(delivery.bounce_type.as_deref(), Some("Permanent/General"));

    let receiver = Receiver::start(Behaviour::Take).await;
    let pipeline = pipeline(
        &h,
        &[(&receiver.url, Some("organizationInvitation.bounced"))],
        Arc::new(Letters::default()),
    );
    handle_stream(&pipeline, stream_event(&client, &table).await).await;
    let taken = receiver.taken();
    assert_eq!(taken.len(), 1);
    let body: Value = serde_json::from_str(&taken[0].body).unwrap();
    assert_eq!(body["data"]["id"], inv.id.as_str());
    assert_eq!(
        body["data"]["data"]["delivery"]["bounce_type"],
        "Permanent/General"
    );
}
