//! Lists: filters, orders, pages, cursors, one address, every organization. Both stores.
use crate::helpers::*;
use invitations::service::Actor;
use invitations::service::ServiceError;
use serde_json::json;

use super::{emails, query};

async fn listing_filters_by_status(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let a = invite(&h, &org, "a@example.com").await;
    invite(&h, &org, "b@example.com").await;
    h.service
        .create_invitation(&Actor::Backend, &org.id, &invite_input(json!({"email_address": "c@example.com", "role": "org:member", "expires_in_days": 1})))
        .await
        .unwrap();
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, a.id.as_str(), None)
        .await
        .unwrap();
    h.clock.advance(DAY + 1);
    let count = |q: &'static str| {
        let h = &h;
        let org = &org;
        async move {
            h.service
                .list_invitations(&Actor::Backend, &org.id, &query(q))
                .await
                .unwrap()
                .total_count
        }
    };
    assert_eq!(count("").await, 3);
    assert_eq!(count("status=pending").await, 1);
    assert_eq!(count("status=revoked").await, 1);
    assert_eq!(count("status=expired").await, 1);
    assert_eq!(count("status=accepted").await, 0);
    assert_eq!(count("status=pending&status=expired").await, 2);
    let pending = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("status=pending"))
        .await
        .unwrap();
    assert_eq!(emails(&pending), ["b@example.com"]);
}

async fn listing_orders_by_creation_or_address_both_ways(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    for email in ["Carol@example.com", "alice@example.com", "bob@example.com"] {
        invite(&h, &org, email).await;
        h.clock.advance(1);
    }
    let order = |q: &'static str| {
        let h = &h;
        let org = &org;
        async move {
            emails(
                &h.service
                    .list_invitations(&Actor::Backend, &org.id, &query(q))
                    .await
                    .unwrap(),
            )
        }
    };
    assert_eq!(
        order("").await,
        ["bob@example.com", "alice@example.com", "Carol@example.com"]
    );
    assert_eq!(
        order("order_by=created_at").await,
        ["Carol@example.com", "alice@example.com", "bob@example.com"]
    );
    assert_eq!(
        order("order_by=email_address").await,
        ["alice@example.com", "bob@example.com", "Carol@example.com"]
    );
    assert_eq!(
        order("order_by=-email_address").await,
        ["Carol@example.com", "bob@example.com", "alice@example.com"]
    );
}

async fn offset_and_cursor_pages_each_walk_the_list_exactly_once(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(format!("user{i}@example.com"));
        invite(&h, &org, &all[i]).await;
        h.clock.advance(1);
    }
    for order in [
        "created_at",
        "-created_at",
        "email_address",
        "-email_address",
    ] {
        let mut by_offset = Vec::new();
        for offset in (0..7).step_by(3) {
            let page = h
                .service
                .list_invitations(
                    &Actor::Backend,
                    &org.id,
                    &query(&format!("order_by={order}&limit=3&offset={offset}")),
                )
                .await
                .unwrap();
            assert_eq!(page.total_count, 7);
            by_offset.extend(emails(&page));
        }
        let mut by_cursor = Vec::new();
        let mut q = format!("order_by={order}&limit=3");
        loop {
            let page = h
                .service
                .list_invitations(&Actor::Backend, &org.id, &query(&q))
                .await
                .unwrap();
            by_cursor.extend(emails(&page));
            match page.next_cursor {
                Some(c) => q = format!("order_by={order}&limit=3&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(by_offset.len(), 7, "{order}");
        assert_eq!(by_offset, by_cursor, "{order}");
        let mut sorted = by_offset.clone();
        sorted.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(sorted, expected, "{order}");
    }
    let past_end = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("offset=50"))
        .await
        .unwrap();
    assert!(past_end.data.is_empty());
    assert_eq!(past_end.total_count, 7);
}

async fn a_cursor_from_another_order_is_refused(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(&h, &org, "a@example.com").await;
    invite(&h, &org, "b@example.com").await;
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("limit=1"))
        .await
        .unwrap();
    let cursor = page.next_cursor.unwrap();
    let result = h
        .service
        .list_invitations(
            &Actor::Backend,
            &org.id,
            &query(&format!("limit=1&order_by=email_address&cursor={cursor}")),
        )
        .await;
    assert!(
        matches!(result, Err(ServiceError::Invalid(_))),
        "{result:?}"
    );
}

async fn listing_by_address_ignores_case_and_other_addresses(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let first = invite(&h, &org, "grace@example.com").await;
    h.clock.advance(1);
    invite(&h, &org, "grace@example.co").await;
    invite(&h, &org, "grace@example.com.au").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, first.id.as_str(), None)
        .await
        .unwrap();
    // Past the organization's email cooldown for the address (60 s).
    h.clock.advance(61_000);
    invite(&h, &org, "Grace@Example.com").await;
    for order in ["-created_at", "created_at", "email_address"] {
        let page = h
            .service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &query(&format!(
                    "email_address=GRACE@example.com&order_by={order}&limit=1"
                )),
            )
            .await
            .unwrap();
        assert_eq!(page.total_count, 2, "{order}");
        let next = h
            .service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &query(&format!(
                    "email_address=GRACE@example.com&order_by={order}&limit=1&cursor={}",
                    page.next_cursor.clone().unwrap()
                )),
            )
            .await
            .unwrap();
        assert_eq!(next.data.len(), 1, "{order}");
        assert_ne!(next.data[0].id, page.data[0].id, "{order}");
        assert!(next.next_cursor.is_none(), "{order}");
    }
}

async fn every_organizations_invitations_are_paged_newest_first(h: Harness) {
    use invitations::domain::listing::{Cursor, PageStart};
    use invitations::domain::PageRequest;
    let (acme, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (other, _) = org_with_admin(&h, "admin@other.test", 0).await;
    let mut expected = Vec::new();
    for n in 0..13 {
        h.clock.advance(1);
        let org = if n % 2 == 0 { &acme } else { &other };
        expected.push(
            invite(&h, org, &format!("p{n}@example.com"))
                .await
                .id
                .to_string(),
        );
    }
    expected.reverse();
    let mut seen = Vec::new();
    let mut start = PageStart::Offset(0);
    for _ in 0..20 {
        let page = h
            .service
            .instance_invitations(
                None,
                &[],
                &PageRequest {
                    limit: 5,
                    start: start.clone(),
                },
            )
            .await
            .unwrap();
        assert!(page.data.len() <= 5);
        seen.extend(page.data.iter().map(|i| i.id.to_string()));
        match page.next_cursor {
            Some(c) => start = PageStart::After(Cursor::decode(&c).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    let one = invitations::domain::EmailAddress::parse("q", "P3@example.com").unwrap();
    let page = h
        .service
        .instance_invitations(
            Some(&one),
            &[],
            &PageRequest {
                limit: 5,
                start: PageStart::Offset(0),
            },
        )
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].email_address.as_str(), "p3@example.com");
}

both_stores!(
    listing_filters_by_status,
    listing_orders_by_creation_or_address_both_ways,
    offset_and_cursor_pages_each_walk_the_list_exactly_once,
    a_cursor_from_another_order_is_refused,
    listing_by_address_ignores_case_and_other_addresses,
    every_organizations_invitations_are_paged_newest_first,
);
