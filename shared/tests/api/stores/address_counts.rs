//! An address filter's `total_count` comes from that address's counters in the organization
//! (and its slot, for a pending invitation past its expiry): the same on both stores, and on
//! DynamoDB one `BatchGetItem`, never the address's history.

use invitations::http::parse::{invitation_query, query_pairs};
use invitations::service::Actor;

use crate::helpers::*;

both_stores!(an_address_filter_counts_each_status_from_the_addresss_counters);

const DAY: i64 = 24 * 60 * 60 * 1000;

async fn totals(h: &Harness, org: &invitations::domain::Organization) -> [u64; 5] {
    let mut out = [0; 5];
    for (i, status) in [
        "",
        "&status=pending",
        "&status=expired",
        "&status=revoked",
        "&status=accepted",
    ]
    .iter()
    .enumerate()
    {
        let q = format!("email_address=grace@example.com{status}");
        out[i] = h
            .service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &invitation_query(&query_pairs(Some(&q))).unwrap(),
            )
            .await
            .unwrap()
            .total_count;
    }
    out
}

async fn an_address_filter_counts_each_status_from_the_addresss_counters(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(&h, &org, "someone.else@example.com").await;
    assert_eq!(totals(&h, &org).await, [0, 0, 0, 0, 0], "never invited");
    let first = invite(&h, &org, "grace@example.com").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, first.id.as_str(), None)
        .await
        .unwrap();
    h.clock.advance(61_000);
    let quiet = invite_input(serde_json::json!({
        "email_address": "grace@example.com", "role": "org:member", "expires_in_days": 1,
    }));
    h.service
        .create_invitation(&Actor::Backend, &org.id, &quiet)
        .await
        .unwrap();
    // [all, pending, expired, revoked, accepted]
    assert_eq!(totals(&h, &org).await, [2, 1, 0, 1, 0]);
    h.clock.advance(DAY + 1_000);
    assert_eq!(
        totals(&h, &org).await,
        [2, 0, 1, 1, 0],
        "past its expiry, the pending one reads expired before any sweep"
    );
    // A new invitation replaces the expired one, which is now stored expired.
    invite(&h, &org, "grace@example.com").await;
    assert_eq!(totals(&h, &org).await, [3, 1, 1, 1, 0]);
}

/// However many invitations an address has had, its filtered list reads the page and one
/// `BatchGetItem` (its counters, its slot, the organization).
#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_address_filters_total_reads_one_batch_however_long_its_history() {
    let h = dynamodb().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    for _ in 0..12 {
        let inv = invite(&h, &org, "grace@example.com").await;
        h.service
            .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), None)
            .await
            .unwrap();
        h.clock.advance(DAY);
    }
    h.calls.take();
    let page = h
        .service
        .list_invitations(
            &Actor::Backend,
            &org.id,
            &invitation_query(&query_pairs(Some(
                "email_address=grace@example.com&limit=2",
            )))
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!((page.data.len(), page.total_count), (2, 12));
    let mut calls = h.calls.take();
    calls.sort();
    assert_eq!(calls, ["BatchGetItem", "Query"]);
}
