//! Lists bound to statuses, in every order, for the organization and for one address, and the
//! instance's: each page walked by cursor and by offset finds exactly the invitations the
//! unbound list has in those statuses, in the same order, with full pages. Both stores.

use invitations::domain::invitation_link::NewLink;
use invitations::domain::listing::{Cursor, PageStart};
use invitations::domain::{Invitation, InvitationStatus, Organization, PageRequest};
use invitations::service::Actor;
use serde_json::json;

use super::query;
use crate::helpers::*;

/// An organization whose invitations are in every status, to several addresses (some twice).
async fn history(h: &Harness, tag: &str) -> Organization {
    let (org, _) = org_with_admin(h, &format!("admin-{tag}@acme.test"), 0).await;
    let addresses = ["dora", "Abe", "cy", "bea", "eve", "abe", "fay"];
    let mut made = Vec::new();
    for (n, who) in addresses.iter().enumerate() {
        h.clock.advance(1);
        let email = format!("{who}{}@example.com", if n == 5 { "" } else { tag });
        let days = if n % 3 == 0 { 1 } else { 30 };
        let inv = h
            .service
            .create_invitation(
                &Actor::Backend,
                &org.id,
                &invite_input(
                    json!({"email_address": email, "role": "org:member", "expires_in_days": days}),
                ),
            )
            .await
            .unwrap();
        made.push(inv.invitation);
    }
    for inv in [&made[1], &made[4]] {
        h.service
            .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), None)
            .await
            .unwrap();
    }
    // Accepted ones, made by a link's redemptions.
    let link = h
        .service
        .create_link(
            &Actor::Backend,
            &org.id,
            NewLink {
                max_uses: Some(3),
                ..NewLink::default()
            },
        )
        .await
        .unwrap();
    for who in ["gil", "Abe2", "bo"] {
        h.clock.advance(1);
        let person = user(h, &format!("{who}{tag}@example.com")).await;
        let session = invitations::tokens::session::Session {
            user_id: person.id.clone(),
            verified_email: None,
        };
        h.service
            .redeem_link(&session, &org.id, &link.token)
            .await
            .unwrap();
    }
    // The one-day invitations lapse (read as expired, not yet written so).
    h.clock.advance(DAY + 10);
    org
}

async fn walk(h: &Harness, org: &Organization, q: &str, by_offset: bool) -> Vec<String> {
    let mut seen = Vec::new();
    let mut suffix = String::new();
    for n in 0..40 {
        let page = h
            .service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &query(&format!("{q}&limit=2{suffix}")),
            )
            .await
            .unwrap();
        seen.extend(page.data.iter().map(|i| i.id.to_string()));
        match (&page.next_cursor, by_offset) {
            (None, _) => return seen,
            (Some(_), true) => suffix = format!("&offset={}", 2 * (n + 1)),
            (Some(c), false) => suffix = format!("&cursor={c}"),
        }
        assert_eq!(page.data.len(), 2, "{q}: a page before the last is full");
    }
    panic!("{q}: never ended")
}

async fn status_lists_match_the_unbound_list_in_every_order(h: Harness) {
    let h = with_links(h);
    let org = history(&h, "x").await;
    let now = h.service.now();
    let all = |order: &'static str, address: Option<&'static str>| {
        let h = &h;
        let org = &org;
        async move {
            let q = match address {
                Some(a) => format!("order_by={order}&limit=500&email_address={a}"),
                None => format!("order_by={order}&limit=500"),
            };
            h.service
                .list_invitations(&Actor::Backend, &org.id, &query(&q))
                .await
                .unwrap()
                .data
        }
    };
    let sets: [&[InvitationStatus]; 5] = [
        &[InvitationStatus::Pending],
        &[InvitationStatus::Expired],
        &[InvitationStatus::Accepted, InvitationStatus::Revoked],
        &[InvitationStatus::Pending, InvitationStatus::Expired],
        &[
            InvitationStatus::Revoked,
            InvitationStatus::Expired,
            InvitationStatus::Accepted,
        ],
    ];
    for order in [
        "created_at",
        "-created_at",
        "email_address",
        "-email_address",
    ] {
        for address in [None, Some("abe@example.com")] {
            let unbound: Vec<Invitation> = all(order, address).await;
            for statuses in sets {
                let expected: Vec<String> = unbound
                    .iter()
                    .filter(|i| statuses.contains(&i.status(now)))
                    .map(|i| i.id.to_string())
                    .collect();
                let mut q = format!("order_by={order}");
                for s in statuses {
                    q.push_str(&format!("&status={}", s.as_str()));
                }
                if let Some(a) = address {
                    q.push_str(&format!("&email_address={a}"));
                }
                assert_eq!(walk(&h, &org, &q, false).await, expected, "{q} by cursor");
                assert_eq!(walk(&h, &org, &q, true).await, expected, "{q} by offset");
                let first = h
                    .service
                    .list_invitations(&Actor::Backend, &org.id, &query(&format!("{q}&limit=2")))
                    .await
                    .unwrap();
                assert_eq!(first.total_count, expected.len() as u64, "{q}: total_count");
            }
        }
    }
}

async fn the_instance_list_bound_to_statuses_fills_its_pages(h: Harness) {
    let h = with_links(h);
    let one = history(&h, "y").await;
    let two = history(&h, "z").await;
    let now = h.service.now();
    let everything = h
        .service
        .instance_invitations(
            None,
            &[],
            &PageRequest {
                limit: 500,
                start: PageStart::Offset(0),
            },
        )
        .await
        .unwrap()
        .data;
    assert!(everything.iter().any(|i| i.organization.id == one.id));
    assert!(everything.iter().any(|i| i.organization.id == two.id));
    for statuses in [
        vec![InvitationStatus::Pending],
        vec![InvitationStatus::Expired],
        vec![InvitationStatus::Accepted, InvitationStatus::Revoked],
    ] {
        let expected: Vec<String> = everything
            .iter()
            .filter(|i| statuses.contains(&i.status(now)))
            .map(|i| i.id.to_string())
            .collect();
        let mut seen = Vec::new();
        let mut start = PageStart::Offset(0);
        loop {
            let page = h
                .service
                .instance_invitations(
                    None,
                    &statuses,
                    &PageRequest {
                        limit: 2,
                        start: start.clone(),
                    },
                )
                .await
                .unwrap();
            seen.extend(page.data.iter().map(|i| i.id.to_string()));
            match page.next_cursor {
                Some(c) => {
                    assert_eq!(
                        page.data.len(),
                        2,
                        "{statuses:?}: a full page before the last"
                    );
                    start = PageStart::After(Cursor::decode(&c).unwrap());
                }
                None => break,
            }
        }
        assert_eq!(seen, expected, "{statuses:?}");
    }
}

both_stores!(
    status_lists_match_the_unbound_list_in_every_order,
    the_instance_list_bound_to_statuses_fills_its_pages,
);
