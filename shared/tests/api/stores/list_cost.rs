//! What one page of each list costs on a long history: 10,000 revoked and 10,000 accepted
//! invitations (copies written straight to the table) and 20 pending, on moto. For every
//! filter and order, the first page and the page after it: each `Query` examines at most
//! `limit + 1` items (`ScannedCount`, before any filter), a batch of whole items holds at most
//! `limit + 1`, and nothing scans. The table it prints is the list-cost benchmark
//! (`scripts/bench-lists`).

use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use invitations::domain::invitation_link::NewLink;
use invitations::domain::listing::{Cursor, PageStart};
use invitations::domain::{InvitationStatus, PageRequest};
use invitations::http::parse::{invitation_query, query_pairs};
use invitations::service::Actor;
use invitations::store::dynamodb::{ensure_table, keys, DynamoStore};

use crate::helpers::reads::{Read, ReadLog};
use crate::helpers::*;

const HISTORY: usize = 10_000;
const LIMIT: u64 = 10;

/// `n` copies of an item under new ids and addresses (`{letter}{n:05}@example.com`).
fn copies(
    template: &invitations::store::dynamodb::Item,
    old_id: &str,
    old_email: &str,
    letter: char,
) -> Vec<WriteRequest> {
    (0..HISTORY)
        .map(|i| {
            let id = format!("orginv_{letter}{i:026}");
            let email = format!("{letter}{i:05}@example.com");
            let mut item = template.clone();
            for value in item.values_mut() {
                if let Ok(text) = value.as_s() {
                    if text.contains(old_id) || text.contains(old_email) {
                        *value =
                            AttributeValue::S(text.replace(old_id, &id).replace(old_email, &email));
                    }
                }
            }
            WriteRequest::builder()
                .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                .build()
        })
        .collect()
}

/// A page's reads: requests, items examined on indexes that hold whole items, entries examined
/// on keys-only ones, whole items read by key.
fn summed(reads: &[Read]) -> (usize, u64, u64, u64) {
    let whole_index = |i: &str| matches!(i, "GSI1" | "GSI2" | "GSI4" | "GSI6");
    let on = |pred: &dyn Fn(&Read) -> bool| {
        reads
            .iter()
            .filter(|r| pred(r))
            .map(|r| r.items)
            .sum::<u64>()
    };
    (
        reads.len(),
        on(&|r| r.operation == "Query" && whole_index(&r.index)),
        on(&|r| r.operation == "Query" && !whole_index(&r.index)),
        on(&|r| r.operation == "BatchGetItem"),
    )
}

fn check(what: &str, reads: &[Read]) {
    for r in reads {
        assert_ne!(r.operation, "Scan", "{what}");
        // The lapsed page (GSI5, GSI7) is bounded on its own: none here.
        if r.operation != "GetItem" && !matches!(r.index.as_str(), "GSI5" | "GSI7") {
            assert!(
                r.items <= LIMIT + 1,
                "{what}: {r:?} examined more than a page"
            );
        }
    }
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn every_filter_and_order_reads_only_its_page_over_20000_settled_invitations() {
    let reads = ReadLog::default();
    let config = moto_config(&dynamodb_endpoint())
        .interceptor(reads.clone())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let table = format!("t-{}", invitations::ids::random_base62(12));
    ensure_table(&client, &table).await.unwrap();
    let raw = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let h = Harness::with_policy(
        Arc::new(DynamoStore::new(client, table.clone())),
        CallLog::default(),
        link_policy(),
    );
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;

    // The two templates: a revoked invitation, and an accepted one (a link's redemption).
    let gone = invite(&h, &org, "gone@example.com").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, gone.id.as_str(), None)
        .await
        .unwrap();
    let link = h
        .service
        .create_link(&Actor::Backend, &org.id, NewLink::default())
        .await
        .unwrap();
    let kept = user(&h, "kept@example.com").await;
    let session = invitations::tokens::session::Session {
        user_id: kept.id.clone(),
        verified_email: None,
    };
    let joined = h
        .service
        .redeem_link(&session, &org.id, &link.token)
        .await
        .unwrap();
    let invitations::service::Redeemed::Joined { invitation_id, .. } = joined else {
        panic!()
    };
    let revoked = raw_item(&raw, &table, keys::invitation(&org.id, &gone.id)).await;
    let accepted = raw_item(&raw, &table, keys::invitation(&org.id, &invitation_id)).await;
    // The pending ones before the history: moto copies every table for each transaction, so
    // transactions over 20,000 items would take it minutes and gigabytes.
    for i in 0..20 {
        h.clock.advance(1);
        invite(&h, &org, &format!("pending{i:02}@example.com")).await;
    }
    let mut history = copies(&revoked, gone.id.as_str(), "gone@example.com", 'r');
    history.extend(copies(
        &accepted,
        invitation_id.as_str(),
        "kept@example.com",
        'a',
    ));
    batch_put(&raw, &table, history).await;
    reads.take();

    let filters = [
        "",
        "status=pending",
        "status=accepted",
        "status=revoked",
        "status=expired",
        "status=accepted&status=revoked",
        "status=pending&status=expired",
        "email_address=r00042@example.com",
        "email_address=r00042@example.com&status=revoked",
    ];
    let mut rows = vec![format!(
        "| filter | order | page | requests | whole items examined | index entries examined | items read by key |\n|---|---|---|---|---|---|---|"
    )];
    for filter in filters {
        for order in [
            "-created_at",
            "created_at",
            "email_address",
            "-email_address",
        ] {
            let q = format!("{filter}&order_by={order}&limit={LIMIT}");
            let first = h
                .service
                .list_invitations(
                    &Actor::Backend,
                    &org.id,
                    &invitation_query(&query_pairs(Some(&q))).unwrap(),
                )
                .await
                .unwrap();
            let one = reads.take();
            check(&q, &one);
            let mut pages = vec![("1", one)];
            if let Some(c) = &first.next_cursor {
                let next = format!("{q}&cursor={c}");
                h.service
                    .list_invitations(
                        &Actor::Backend,
                        &org.id,
                        &invitation_query(&query_pairs(Some(&next))).unwrap(),
                    )
                    .await
                    .unwrap();
                let two = reads.take();
                check(&next, &two);
                pages.push(("2", two));
            }
            for (page, r) in pages {
                let (requests, whole, entries, by_key) = summed(&r);
                rows.push(format!(
                    "| `{}` | `{order}` | {page} | {requests} | {whole} | {entries} | {by_key} |",
                    if filter.is_empty() { "(none)" } else { filter }
                ));
            }
        }
    }
    // The instance's list bound to statuses: 8 partitions per status, keys only, then the page.
    for statuses in [
        vec![InvitationStatus::Pending],
        vec![InvitationStatus::Revoked],
    ] {
        let page = h
            .service
            .instance_invitations(
                None,
                &statuses,
                &PageRequest {
                    limit: LIMIT as u32,
                    start: PageStart::Offset(0),
                },
            )
            .await
            .unwrap();
        assert_eq!(page.data.len() as u64, LIMIT, "a full page");
        assert!(page
            .next_cursor
            .as_deref()
            .and_then(Cursor::decode)
            .is_some());
        let r = reads.take();
        check("instance", &r);
        let (requests, whole, entries, by_key) = summed(&r);
        rows.push(format!("| instance, `status={}` | `-created_at` | 1 | {requests} | {whole} | {entries} | {by_key} |", statuses[0].as_str()));
    }
    println!("\nList cost on moto ({HISTORY} revoked, {HISTORY} accepted, 20 pending; limit {LIMIT}):\n\n{}\n", rows.join("\n"));
}
