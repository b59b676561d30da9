//! A link's events (ours: `organizationInvitationLink.created/revoked/exhausted`), and a
//! redemption's: Clerk's `organizationInvitation.created` and `.accepted` and
//! `organizationMembership.created`, in Clerk's webhook shape, from the in-memory feed and from
//! the table's items as its stream carries them.

use std::sync::Arc;

use invitations::clock::ManualClock;
use invitations::domain::RoleCatalog;
use invitations::events::derive::events_of;
use invitations::events::{Change, EventContext};
use invitations::service::{Actor, Service};
use invitations::store::dynamodb::{keys, stream::change_from_images};
use invitations::store::memory::MemoryStore;
use serde_json::Value;

use super::{make_link, session_of, uses};
use crate::events::schema::check;
use crate::helpers::*;

fn ctx() -> EventContext {
    EventContext {
        instance_id: "ins_test".into(),
        roles: RoleCatalog::default(),
    }
}

fn bodies(changes: &[Change]) -> Vec<Value> {
    changes
        .iter()
        .flat_map(|c| events_of(c, &ctx(), None, T0))
        .map(|e| serde_json::to_value(&e.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_links_life_makes_its_events_and_a_redemption_clerks() {
    let (store, mut feed) = MemoryStore::with_change_feed();
    let store: Arc<dyn invitations::store::Store> = Arc::new(store);
    let clock = Arc::new(ManualClock::new(T0));
    let h = Harness {
        service: Service::new(
            store.clone(),
            clock.clone(),
            RoleCatalog::default(),
            link_policy(),
            links(),
            mail(Arc::new(invitations::mail::memory::CapturingMailer::new())),
        ),
        mailer: Arc::new(invitations::mail::memory::CapturingMailer::new()),
        clock,
        store,
        calls: CallLog::default(),
    };
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = make_link(&h, &org, uses(1)).await;
    let other = make_link(&h, &org, uses(3)).await;
    let person = user(&h, "p@people.test").await;
    h.service
        .redeem_link(&session_of(&person), &org.id, &made.token)
        .await
        .unwrap();
    h.service
        .revoke_link(&Actor::Backend, &org.id, &other.link.id)
        .await
        .unwrap();
    let mut changes = Vec::new();
    while let Ok(c) = feed.try_recv() {
        changes.push(c);
    }
    let events = bodies(&changes);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .filter(|k| {
            k.starts_with("organizationInvitation") || *k == "organizationMembership.created"
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "organizationMembership.created", // the admin's
            "organizationInvitationLink.created",
            "organizationInvitationLink.created",
            "organizationMembership.created",
            "organizationInvitation.created",
            "organizationInvitation.accepted",
            "organizationInvitationLink.exhausted",
            "organizationInvitationLink.revoked",
        ]
    );
    for e in &events {
        let kind = e["type"].as_str().unwrap();
        if kind.starts_with("organizationInvitation.")
            || kind.starts_with("organizationMembership.")
        {
            check(e).unwrap_or_else(|why| panic!("{why}\n{e:#}"));
        }
        if kind.starts_with("organizationInvitationLink") {
            assert_eq!(e["data"]["object"], "organization_invitation_link");
            assert!(
                e["data"].get("token").is_none(),
                "an event never carries the secret"
            );
            assert!(!e.to_string().contains(&made.token));
        }
    }
    let accepted = events
        .iter()
        .find(|e| e["type"] == "organizationInvitation.accepted")
        .unwrap();
    assert_eq!(accepted["data"]["status"], "accepted");
    assert_eq!(accepted["data"]["data"]["source"], "link");
}

fn kinds_between(
    old: invitations::store::dynamodb::Item,
    new: invitations::store::dynamodb::Item,
) -> Vec<String> {
    let change = change_from_images("stream-1".into(), Some(T0), old, new).unwrap();
    bodies(&[change])
        .iter()
        .map(|e| {
            if !e["type"]
                .as_str()
                .unwrap()
                .starts_with("organizationInvitationLink")
            {
                check(e).unwrap_or_else(|why| panic!("{why}\n{e:#}"));
            }
            e["type"].as_str().unwrap().to_string()
        })
        .collect()
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn the_tables_link_and_invitation_items_make_the_same_events() {
    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await;
    let table = store.table().to_string();
    let h = Harness::with_policy(Arc::new(store), calls, link_policy());
    let client = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = make_link(&h, &org, uses(1)).await;
    let link_key = keys::invitation_link(&org.id, &made.link.id);
    let fresh = raw_item(&client, &table, link_key.clone()).await;
    assert_eq!(
        kinds_between(Default::default(), fresh.clone()),
        ["organizationInvitationLink.created"]
    );
    let person = user(&h, "p@people.test").await;
    let redeemed = h
        .service
        .redeem_link(&session_of(&person), &org.id, &made.token)
        .await
        .unwrap();
    let used = raw_item(&client, &table, link_key).await;
    assert_eq!(
        kinds_between(fresh, used),
        ["organizationInvitationLink.exhausted"]
    );
    let invitations::service::Redeemed::Joined { invitation_id, .. } = redeemed else {
        panic!("requested")
    };
    let inv = raw_item(&client, &table, keys::invitation(&org.id, &invitation_id)).await;
    assert_eq!(
        kinds_between(Default::default(), inv),
        [
            "organizationInvitation.created",
            "organizationInvitation.accepted"
        ]
    );
}
