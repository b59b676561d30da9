//! DynamoDB only (moto): an ended invitation carries its TTL, and the sweeper over a large
//! instance reads only the due invitations.

use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use invitations::domain::listing::{instance_shard, INSTANCE_SHARDS};
use invitations::domain::InvitationId;
use invitations::service::Actor;
use invitations::store::dynamodb::DynamoStore;
use serde_json::json;

use crate::helpers::*;

const DAY_SECS: i64 = 24 * 60 * 60;

async fn item(h: &Harness, table: &str, org: &str, id: &str) -> invitations::store::dynamodb::Item {
    dynamodb_client(&dynamodb_endpoint(), &CallLog::default())
        .get_item()
        .table_name(table)
        .key("PK", AttributeValue::S(format!("ORG#{org}")))
        .key("SK", AttributeValue::S(format!("INV#{id}")))
        .send()
        .await
        .unwrap()
        .item
        .unwrap_or_else(|| panic!("{id} in {table} ({})", h.calls.take().len()))
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_ended_invitation_leaves_by_ttl_after_the_retention_and_a_pending_one_never() {
    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await.with_retention_days(7);
    let table = store.table().to_string();
    let h = Harness::new(Arc::new(store), calls);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    let pending = item(&h, &table, &org.id, inv.id.as_str()).await;
    assert!(!pending.contains_key("ttl"), "a pending invitation stays");
    h.clock.advance(5_000);
    let revoked = h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), None)
        .await
        .unwrap();
    let ended = item(&h, &table, &org.id, inv.id.as_str()).await;
    assert_eq!(
        ended["ttl"].as_n().unwrap(),
        &(revoked.updated_at / 1000 + 7 * DAY_SECS).to_string(),
        "7 days after it ended"
    );
}

/// 9,900 invitations not yet due and 100 due, written straight to the table as copies of two
/// invitations made through the service (each copy with its own id, shard and index keys). The
/// sweep's reads, shard by shard, return the 100 and nothing else. (The sweep's writes are
/// shown on both stores in `conformance`; moto copies its whole table for each transaction, so
/// 100 of them over 10,000 items would take minutes here. The whole sweep over 10,000 runs on
/// the in-memory store below, whose due index is the same.)
#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn the_sweeps_reads_over_10000_pending_invitations_return_only_the_100_due() {
    let calls = CallLog::default();
    let store: DynamoStore = dynamodb_store(&calls).await;
    let table = store.table().to_string();
    let raw = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let h = Harness::new(Arc::new(store), calls);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let mut templates = Vec::new();
    for (email, days) in [("due@example.com", 1), ("later@example.com", 30)] {
        let inv = h
            .service
            .create_invitation(&Actor::Backend, &org.id, &quiet(email, days))
            .await
            .unwrap()
            .invitation;
        templates.push(item(&h, &table, &org.id, inv.id.as_str()).await);
    }
    // With the two made through the service: 100 due, 9,900 later.
    let writes: Vec<WriteRequest> = (0..99)
        .map(|_| copy(&templates[0]))
        .chain((0..9_899).map(|_| copy(&templates[1])))
        .collect();
    batch_put(&raw, &table, writes).await;
    let now = T0 + 24 * 60 * 60 * 1000 + 1_000;
    h.calls.take();
    let mut read = 0;
    for shard in 0..INSTANCE_SHARDS {
        let due = h.store.due_invitations(shard, now, 100).await.unwrap();
        assert!(due.iter().all(|i| i.expires_at <= now));
        read += due.len();
    }
    assert_eq!(read, 100, "the 100 due and nothing else");
    let requests = h.calls.take_requests();
    assert_eq!(requests.len(), 8, "one query per partition: {requests:?}");
    for (op, q) in &requests {
        assert_eq!(op, "Query");
        assert_eq!(q["IndexName"], "GSI7");
        assert_eq!(q["Limit"], 100);
    }
}

fn quiet(email: &str, days: u32) -> invitations::service::NewInvitation {
    invite_input(
        json!({"email_address": email, "role": "org:member", "notify": false,
                        "expires_in_days": days}),
    )
}

fn copy(template: &invitations::store::dynamodb::Item) -> WriteRequest {
    let old_id = template["id"].as_s().unwrap().clone();
    let old_shard = instance_shard(&InvitationId::parse(&old_id).unwrap());
    let id = InvitationId::generate();
    let shard = instance_shard(&id);
    let mut item = template.clone();
    for (name, value) in item.iter_mut() {
        if let Ok(text) = value.as_s() {
            let mut text = text.replace(&old_id, id.as_str());
            if name == "GSI6PK" || name == "GSI7PK" {
                text = text.replace(&format!("#{old_shard}"), &format!("#{shard}"));
            }
            *value = AttributeValue::S(text);
        }
    }
    WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
        .build()
}

/// The whole sweep over 10,000 pending invitations, 100 of them due, on the in-memory store:
/// it reads the 100, expires them, frees their seats, and leaves the 9,900.
#[tokio::test]
async fn a_sweep_over_10000_pending_invitations_expires_the_100_due_and_reads_nothing_else() {
    // 10,000 invitations without an email in one hour: past the default budget of them.
    let mut seeding = policy();
    seeding.limits.silent_invitations = invitations::domain::limits::Limit::per_hour(10_000);
    let h = Harness::with_policy(
        Arc::new(invitations::store::memory::MemoryStore::new()),
        CallLog::default(),
        seeding,
    );
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    for n in 0..10_000 {
        let days = if n % 100 == 0 { 1 } else { 30 };
        h.service
            .create_invitation(
                &Actor::Backend,
                &org.id,
                &quiet(&format!("p{n}@example.com"), days),
            )
            .await
            .unwrap();
    }
    h.clock.advance(24 * 60 * 60 * 1000 + 1_000);
    let report = h.service.sweeper().sweep_expired().await.unwrap();
    assert_eq!((report.read, report.expired, report.skipped), (100, 100, 0));
    let now = org_now(&h, &org).await;
    assert_eq!(now.pending_invitations_count, 9_900);
    assert_eq!(now.settled_invitations.expired, 100);
}
