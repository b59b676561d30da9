//! The events of domains and membership requests: Clerk's `organizationDomain.*` bodies hold to
//! its webhook schema; ours, `organizationMembershipRequest.*`, name the request. From the
//! in-memory feed, and from the table's items as its stream carries them.

use std::sync::Arc;

use invitations::clock::ManualClock;
use invitations::domain::membership_request::RequestStatus;
use invitations::domain::org_domain::EnrollmentMode;
use invitations::domain::RoleCatalog;
use invitations::events::derive::events_of;
use invitations::events::{Change, EventContext};
use invitations::service::{Actor, DomainPatch, NewDomain, Service};
use invitations::store::dynamodb::{keys, stream::change_from_images};
use invitations::store::memory::MemoryStore;
use invitations::tokens::session::Session;
use serde_json::Value;

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

/// A domain's life and a request's: made, changed, answered, removed.
async fn life(h: &Harness) {
    let (org, _) = org_with_admin(h, "admin@acme.test", 0).await;
    let d = h
        .service
        .create_domain(
            &Actor::Backend,
            &org.id,
            NewDomain {
                name: "acme.test".into(),
                enrollment_mode: EnrollmentMode::AutomaticSuggestion,
                verified: None,
            },
        )
        .await
        .unwrap();
    for (n, answer) in [(1, RequestStatus::Accepted), (2, RequestStatus::Rejected)] {
        let person = user(h, &format!("p{n}@acme.test")).await;
        let session = Session {
            user_id: person.id.clone(),
            verified_email: Some(format!("p{n}@acme.test")),
        };
        let s = h.service.my_suggestions(&session).await.unwrap();
        h.service
            .accept_suggestion(&session, &s[0].id)
            .await
            .unwrap();
        let (pending, _) = h
            .service
            .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
            .await
            .unwrap();
        let r = pending.iter().find(|r| r.user_id == person.id).unwrap();
        match answer {
            RequestStatus::Accepted => h
                .service
                .accept_membership_request(&Actor::Backend, &org.id, &r.id)
                .await
                .unwrap(),
            _ => h
                .service
                .reject_membership_request(&Actor::Backend, &org.id, &r.id)
                .await
                .unwrap(),
        };
    }
    h.service
        .update_domain(
            &org.id,
            &d.id,
            DomainPatch {
                enrollment_mode: Some(EnrollmentMode::ManualInvitation),
                verified: None,
            },
        )
        .await
        .unwrap();
    h.service.delete_domain(&org.id, &d.id).await.unwrap();
}

#[tokio::test]
async fn domain_and_request_events_in_clerks_shape() {
    let (store, mut feed) = MemoryStore::with_change_feed();
    let store: Arc<dyn invitations::store::Store> = Arc::new(store);
    let clock = Arc::new(ManualClock::new(T0));
    let h = Harness {
        service: Service::new(
            store.clone(),
            clock.clone(),
            RoleCatalog::default(),
            domain_policy(),
            links(),
            mail(Arc::new(invitations::mail::memory::CapturingMailer::new())),
        ),
        mailer: Arc::new(invitations::mail::memory::CapturingMailer::new()),
        clock,
        store,
        calls: CallLog::default(),
    };
    life(&h).await;
    let mut changes = Vec::new();
    while let Ok(c) = feed.try_recv() {
        changes.push(c);
    }
    let events = bodies(&changes);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .filter(|k| {
            k.starts_with("organizationDomain") || k.starts_with("organizationMembershipRequest")
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "organizationDomain.created",
            "organizationMembershipRequest.created",
            "organizationMembershipRequest.accepted",
            "organizationMembershipRequest.created",
            "organizationMembershipRequest.rejected",
            "organizationDomain.updated",
            "organizationDomain.deleted",
        ]
    );
    for e in &events {
        let kind = e["type"].as_str().unwrap();
        if kind.starts_with("organizationDomain") {
            check(e).unwrap_or_else(|why| panic!("{why}\n{e:#}"));
        }
        if kind.starts_with("organizationMembershipRequest") {
            assert_eq!(e["data"]["object"], "organization_membership_request");
            assert!(e["data"]["public_user_data"]["identifier"].is_string());
        }
    }
}

fn events_between(
    old: invitations::store::dynamodb::Item,
    new: invitations::store::dynamodb::Item,
) -> Vec<Value> {
    let change = change_from_images("stream-1".into(), Some(T0), old, new).unwrap();
    bodies(&[change])
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn the_tables_domain_and_request_items_make_the_same_events() {
    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await;
    let table = store.table().to_string();
    let h = Harness::with_policy(Arc::new(store), calls, domain_policy());
    let client = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let d = h
        .service
        .create_domain(
            &Actor::Backend,
            &org.id,
            NewDomain {
                name: "acme.test".into(),
                enrollment_mode: EnrollmentMode::AutomaticSuggestion,
                verified: None,
            },
        )
        .await
        .unwrap();
    let (pk, sk) = keys::domain(&org.id, &d.id);
    let made = events_between(
        Default::default(),
        raw_item(&client, &table, (pk, sk)).await,
    );
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["type"], "organizationDomain.created");
    check(&made[0]).unwrap_or_else(|why| panic!("{why}\n{:#}", made[0]));

    let person = user(&h, "p@acme.test").await;
    let session = Session {
        user_id: person.id.clone(),
        verified_email: Some("p@acme.test".into()),
    };
    let s = h.service.my_suggestions(&session).await.unwrap();
    h.service
        .accept_suggestion(&session, &s[0].id)
        .await
        .unwrap();
    let (pending, _) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    let (pk, sk) = keys::membership_request(&org.id, &pending[0].id);
    let filed = raw_item(&client, &table, (pk.clone(), sk.clone())).await;
    let created = events_between(Default::default(), filed.clone());
    assert_eq!(created[0]["type"], "organizationMembershipRequest.created");
    h.service
        .accept_membership_request(&Actor::Backend, &org.id, &pending[0].id)
        .await
        .unwrap();
    let accepted = events_between(filed, raw_item(&client, &table, (pk, sk)).await);
    assert_eq!(
        accepted[0]["type"],
        "organizationMembershipRequest.accepted"
    );
    assert_eq!(accepted[0]["data"]["status"], "accepted");
}
