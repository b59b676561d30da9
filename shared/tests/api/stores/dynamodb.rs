//! The DynamoDB adapter on moto: concurrency, quotas under races, counted round trips, outages.
use invitations::service::Actor;
use std::sync::Arc;

use crate::helpers::*;
use futures::future::join_all;
use invitations::clock::ManualClock;
use invitations::domain::{InvitationStatus, RoleCatalog};
use invitations::http::parse::invitation_query;
use invitations::http::parse::query_pairs;
use invitations::service::{Service, ServiceError};
use invitations::store::dynamodb::DynamoStore;
use invitations::store::StoreError;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs moto: scripts/test runs it"]
async fn fifty_concurrent_invitations_to_one_address_leave_exactly_one_pending() {
    let h = dynamodb().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let spellings = [
        "grace@example.com",
        "GRACE@example.com",
        "Grace@Example.Com",
        "grace@EXAMPLE.COM",
    ];
    let attempts = (0..50).map(|i| {
        let service = h.service.clone();
        let org_id = org.id.clone();
        let input = invite_input(
            json!({"email_address": spellings[i % spellings.len()], "role": "org:member"}),
        );
        tokio::spawn(async move {
            service
                .create_invitation(&Actor::Backend, &org_id, &input)
                .await
        })
    });
    let results: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();

    let created = results.iter().filter(|r| r.is_ok()).count();
    let duplicates = results
        .iter()
        .filter(|r| matches!(r, Err(ServiceError::DuplicateInvitation)))
        .count();
    assert_eq!(
        (created, duplicates),
        (1, 49),
        "{:?}",
        results.iter().filter(|r| r.is_err()).collect::<Vec<_>>()
    );
    let q = invitation_query(&query_pairs(Some("status=pending"))).unwrap();
    assert_eq!(
        h.service
            .list_invitations(&Actor::Backend, &org.id, &q)
            .await
            .unwrap()
            .total_count,
        1
    );
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs moto: scripts/test runs it"]
async fn concurrent_invitations_never_exceed_max_allowed_memberships() {
    let h = dynamodb().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 5).await;
    let attempts = (0..24).map(|i| {
        let service = h.service.clone();
        let org_id = org.id.clone();
        let input = invite_input(
            json!({"email_address": format!("person{i}@example.com"), "role": "org:member"}),
        );
        tokio::spawn(async move {
            service
                .create_invitation(&Actor::Backend, &org_id, &input)
                .await
        })
    });
    let results: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();

    let created = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(ServiceError::QuotaExceeded)))
        .count();
    assert_eq!((created, refused), (4, 20));
    let now = org_now(&h, &org).await;
    assert_eq!((now.members_count, now.pending_invitations_count), (1, 4));
    let q = invitation_query(&query_pairs(Some("limit=100"))).unwrap();
    assert_eq!(
        h.service
            .list_invitations(&Actor::Backend, &org.id, &q)
            .await
            .unwrap()
            .total_count,
        4
    );
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn each_operation_makes_its_documented_round_trips_and_never_scans() {
    let h = dynamodb().await;
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    h.calls.take();

    let emailed = invite_input(json!({"email_address": "ada@example.com", "role": "org:member"}));
    h.service
        .create_invitation(&Actor::Backend, &org.id, &emailed)
        .await
        .unwrap();
    assert_eq!(
        h.calls.take(),
        ["BatchGetItem", "TransactWriteItems", "UpdateItem"],
        "create with notify: the write, then the email's outcome"
    );
    assert_eq!(h.mailer.sent().len(), 1);

    let input = invite_input(
        json!({"email_address": "grace@example.com", "role": "org:member", "inviter_user_id": admin.id, "notify": false}),
    );
    let inv = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &input)
        .await
        .unwrap()
        .invitation;
    assert_eq!(
        h.calls.take(),
        ["BatchGetItem", "TransactWriteItems"],
        "create without notify"
    );

    let duplicate = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &input)
        .await;
    assert!(matches!(duplicate, Err(ServiceError::DuplicateInvitation)));
    assert_eq!(
        h.calls.take(),
        ["BatchGetItem"],
        "a duplicate is refused from the read alone"
    );

    h.service
        .get_invitation(&Actor::Backend, &org.id, inv.id.as_str())
        .await
        .unwrap();
    assert_eq!(h.calls.take(), ["GetItem"], "get");

    for (q, expected, why) in [
        (
            "",
            &["GetItem", "Query"][..],
            "the page, and the organization's counters",
        ),
        (
            "status=pending",
            &["GetItem", "Query", "Query"],
            "the page on the pending index, the counters, and the count of lapsed pending",
        ),
        (
            "status=pending&order_by=email_address",
            &["BatchGetItem", "GetItem", "Query", "Query"],
            "the page's entries by address (GSI10), its items by key, the counters, and the \
             count of lapsed pending",
        ),
        (
            "status=revoked&email_address=grace@example.com",
            &["BatchGetItem", "Query"],
            "one address in one status: its entries (GSI10, none here, so nothing by key), and \
             its counters with its slot and the organization",
        ),
        (
            "email_address=grace@example.com",
            &["BatchGetItem", "Query"],
            "one address: the page, and its counters with its slot and the organization",
        ),
    ] {
        let query = invitation_query(&query_pairs(Some(q))).unwrap();
        h.service
            .list_invitations(&Actor::Backend, &org.id, &query)
            .await
            .unwrap();
        let mut calls = h.calls.take();
        calls.sort();
        assert_eq!(calls, expected, "list {q:?}: {why}");
    }

    h.service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), Some(&admin.id))
        .await
        .unwrap();
    assert_eq!(
        h.calls.take(),
        ["BatchGetItem", "TransactWriteItems"],
        "revoke by a named user: the invitation with their membership, then the write"
    );

    h.service.list_memberships(&org.id, 10, 0).await.unwrap();
    let mut calls = h.calls.take();
    calls.sort();
    assert_eq!(calls, ["GetItem", "Query"], "list memberships");

    h.service.user_memberships(&admin.id, 10, 0).await.unwrap();
    assert_eq!(
        h.calls.take(),
        ["Query", "BatchGetItem"],
        "a user's memberships: GSI3, then their organizations"
    );

    let everyone = invitations::domain::PageRequest {
        limit: 10,
        start: invitations::domain::listing::PageStart::Offset(0),
    };
    h.service
        .instance_invitations(None, &[], &everyone)
        .await
        .unwrap();
    let mut expected = vec!["Query"; invitations::domain::listing::INSTANCE_SHARDS as usize];
    expected.push("BatchGetItem");
    assert_eq!(
        h.calls.take(),
        expected,
        "every organization's invitations: one query of entries per partition of GSI6, then \
         the page by key"
    );

    h.service
        .list_organizations(&invitations::service::OrganizationListQuery {
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut calls = h.calls.take();
    calls.sort();
    assert_eq!(
        calls,
        ["BatchGetItem", "GetItem", "Query"],
        "list organizations: slug claims on GSI1 and the count, then the page by key"
    );

    h.service
        .update_organization(
            &org.id,
            &invitations::service::OrganizationPatch {
                name: Some("Acme Renamed".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        h.calls.take(),
        ["GetItem", "TransactWriteItems"],
        "update organization"
    );

    h.service
        .update_membership_metadata(&org.id, &admin.id, json!({"a": 1}), json!(null))
        .await
        .unwrap();
    let mut calls = h.calls.take();
    calls.sort();
    assert_eq!(
        calls,
        ["GetItem", "GetItem", "TransactWriteItems"],
        "membership metadata: the membership and the organization, then the conditional write with its audit entry"
    );

    h.service
        .update_membership_role(&org.id, &admin.id, &"org:member".into())
        .await
        .unwrap();
    let mut calls = h.calls.take();
    calls.sort();
    assert_eq!(
        calls,
        ["GetItem", "GetItem", "TransactWriteItems"],
        "membership role: the write with its audit entry, then the membership read back, and the organization alongside"
    );

    h.service
        .audit_log(
            &org.id,
            &invitations::domain::audit::AuditQuery {
                action: Some(invitations::domain::audit::AuditAction::MembershipRoleUpdated),
                actor: None,
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        h.calls.take(),
        ["Query"],
        "one page of the audit log: one query"
    );
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_unreachable_table_is_reported_and_nothing_is_half_written() {
    let calls = CallLog::default();
    // Nothing listens on port 9 of loopback: every request fails to connect.
    let client = dynamodb_client("http://127.0.0.1:9", &calls);
    let store = Arc::new(DynamoStore::new(client, "unreachable"));
    let service = Service::new(
        store,
        Arc::new(ManualClock::new(T0)),
        RoleCatalog::default(),
        crate::helpers::policy(),
        links(),
        mail(Arc::new(invitations::mail::memory::CapturingMailer::new())),
    );
    let input = invite_input(json!({"email_address": "grace@example.com", "role": "org:member"}));
    let result = service
        .create_invitation(&Actor::Backend, &"org_x".into(), &input)
        .await;
    assert!(
        matches!(result, Err(ServiceError::Store(StoreError::Unavailable(_)))),
        "{result:?}"
    );
    assert!(
        calls.take().iter().all(|c| c == "BatchGetItem"),
        "no write was attempted"
    );
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_lost_race_on_revoke_is_retried_and_the_answer_reflects_the_winner() {
    let h = dynamodb().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    let attempts = (0..8).map(|_| {
        let service = h.service.clone();
        let org_id = org.id.clone();
        let id = inv.id.clone();
        tokio::spawn(async move {
            service
                .revoke_invitation(&Actor::Backend, &org_id, id.as_str(), None)
                .await
        })
    });
    let results: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
    assert!(results.iter().filter(|r| r.is_err()).all(|r| matches!(
        r,
        Err(ServiceError::InvitationNotPending(
            InvitationStatus::Revoked
        ))
    )));
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 0);
}

/// The seed's `InvitationList` view (pending, newest first, ten at a time) on an organization
/// with 10,000 revoked invitations and 20 pending: one `Query` on the sparse pending index with
/// `Limit` 11 (the page and one more, to know a next page exists), the counters' `GetItem` for
/// `total_count`, and a count on the expiry index that reads only lapsed pending invitations
/// (none here). Nothing reads the 10,000.
#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_pending_list_reads_only_its_page_however_long_the_history() {
    use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};

    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await;
    let table = store.table().to_string();
    let raw = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let h = Harness::new(Arc::new(store), calls);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;

    // History: one invitation revoked through the service, then 10,000 copies of its item
    // under new ids, written straight to the table.
    let first = invite(&h, &org, "gone@example.com").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, first.id.as_str(), None)
        .await
        .unwrap();
    let template = raw
        .get_item()
        .table_name(&table)
        .key("PK", s(format!("ORG#{}", org.id)))
        .key("SK", s(format!("INV#{}", first.id)))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert_eq!(template["status"].as_s().unwrap(), "revoked");
    assert_eq!(
        template["GSI4PK"].as_s().unwrap(),
        &format!("ORG#{}#ST#revoked", org.id),
        "a revoked invitation moved to the revoked partition"
    );
    assert!(!template.contains_key("GSI5PK"), "and left the pending one");
    let old_id = first.id.as_str().to_string();
    let copies: Vec<WriteRequest> = (0..10_000)
        .map(|i| {
            let id = format!("orginv_history{i:020}");
            let mut item = template.clone();
            for value in item.values_mut() {
                if let Some(text) = value.as_s().ok().filter(|t| t.contains(&old_id)) {
                    *value = s(text.replace(&old_id, &id));
                }
            }
            WriteRequest::builder()
                .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                .build()
        })
        .collect();
    // The pending ones first: moto copies every table for each transaction, which over
    // 10,000 items takes it seconds and gigabytes each.
    for i in 0..20 {
        h.clock.advance(1);
        invite(&h, &org, &format!("pending{i:02}@example.com")).await;
    }
    batch_put(&raw, &table, copies).await;
    h.calls.take();

    let query = invitation_query(&query_pairs(Some("status=pending&limit=10"))).unwrap();
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 10);
    assert_eq!(page.data[0].email_address.as_str(), "pending19@example.com");
    assert_eq!(page.total_count, 20);
    assert!(page.next_cursor.is_some());

    let requests = h.calls.take_requests();
    let queries: Vec<&serde_json::Value> = requests
        .iter()
        .filter(|(op, _)| op == "Query")
        .map(|(_, body)| body)
        .collect();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert_eq!(
        requests.iter().filter(|(op, _)| op == "GetItem").count(),
        1,
        "total_count: the organization's counters, one item"
    );
    let page_query = queries
        .iter()
        .find(|q| q["IndexName"] == "GSI4")
        .expect("the page query");
    assert_eq!(
        page_query["Limit"], 11,
        "the page and one more, nothing else"
    );
    let lapsed_query = queries
        .iter()
        .find(|q| q["IndexName"] == "GSI5")
        .expect("the lapsed page");
    assert!(
        lapsed_query["KeyConditionExpression"]
            .as_str()
            .unwrap()
            .contains("GSI5SK < :bound"),
        "it reads only pending invitations past their expiry"
    );
    assert_eq!(
        lapsed_query["Limit"], 1000,
        "one bounded page, never a count"
    );
    assert!(lapsed_query["Select"].is_null());

    // Each next page is one more query of the same size.
    let next = invitation_query(&query_pairs(Some(&format!(
        "status=pending&limit=10&cursor={}",
        page.next_cursor.unwrap()
    ))))
    .unwrap();
    let rest = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &next)
        .await
        .unwrap();
    assert_eq!(rest.data.len(), 10);
    assert_eq!(rest.data[9].email_address.as_str(), "pending00@example.com");
    assert!(rest.next_cursor.is_none());

    // None expired among 10,020: `status=expired&limit=1` reads the expired partition (empty),
    // the lapsed page (empty) and the counters: three calls, nothing of the history.
    h.calls.take();
    let expired = invitation_query(&query_pairs(Some("status=expired&limit=1"))).unwrap();
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &expired)
        .await
        .unwrap();
    assert_eq!((page.data.len(), page.total_count), (0, 0));
    let requests = h.calls.take_requests();
    assert!(requests.len() <= 3, "{requests:?}");
    // And a page of revoked ones reads its page: one more than the limit.
    let revoked = invitation_query(&query_pairs(Some("status=revoked&limit=5"))).unwrap();
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &revoked)
        .await
        .unwrap();
    assert_eq!(page.data.len(), 5);
    let requests = h.calls.take_requests();
    let page_query = requests
        .iter()
        .find(|(op, body)| op == "Query" && body["IndexName"] == "GSI4")
        .expect("the revoked page");
    assert_eq!(page_query.1["Limit"], 6);
    assert_eq!(requests.len(), 2, "the page and the counters: {requests:?}");
}

fn s(text: impl Into<String>) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::S(text.into())
}
