//! The audit log, on both stores: every write route leaves exactly one entry (a bulk one per
//! invitation), with its action, actor, targets and context; the log is read by action, by
//! actor and by cursor from one index each; a limit tripped over and over is one entry a
//! minute. On DynamoDB, a write whose transaction is cancelled leaves no entry.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::app::{session_token, TestApp, KEY};
use crate::helpers::{audit_count, Harness, DAY};
use invitations::domain::audit::{AuditAction, AuditQuery};

both_stores!(
    every_write_route_leaves_exactly_one_entry,
    the_log_reads_by_action_by_actor_and_by_cursor,
);

fn app_over(h: &Harness) -> TestApp {
    TestApp::builder()
        .store(h.store.clone())
        .clock(h.clock.clone())
        .mailer(h.mailer.clone())
        .build()
}

async fn log(app: &TestApp, org: &str) -> Vec<Value> {
    let reply = app
        .get(&format!("/v1/organizations/{org}/audit_logs?limit=100"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    reply.body["data"].as_array().unwrap().clone()
}

/// Runs `write`, then finds exactly `n` new entries, the newest of `action`; returns it.
async fn exactly<F, Fut>(
    h: &Harness,
    app: &TestApp,
    org: &str,
    action: &str,
    n: usize,
    write: F,
) -> Value
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    // Entries of one millisecond sort by id: each step gets its own.
    h.clock.advance(1);
    let before: Vec<Value> = log(app, org)
        .await
        .iter()
        .map(|e| e["id"].clone())
        .collect();
    write().await;
    let new: Vec<Value> = log(app, org)
        .await
        .into_iter()
        .filter(|e| !before.contains(&e["id"]))
        .collect();
    assert_eq!(new.len(), n, "{action}: {new:#?}");
    assert!(
        new.iter().all(|e| e["action"] == action),
        "{action}: {new:#?}"
    );
    new[0].clone()
}

async fn ok(reply: crate::helpers::app::Reply) -> Value {
    assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
    reply.body
}

async fn every_write_route_leaves_exactly_one_entry(h: Harness) {
    let app = app_over(&h);
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    let created = log(&app, &org).await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["action"], "organization.created");
    assert_eq!(created[0]["actor"], json!({"type": "user", "id": admin}));
    assert_eq!(created[0]["metadata"]["authenticated_by"], "secret_key");
    let invitations = format!("/v1/organizations/{org}/invitations");

    // Created, with who and from where.
    let mut grace = Value::Null;
    let entry = exactly(&h, &app, &org, "invitation.created", 1, || async {
        let body = json!({"email_address": "grace@example.com", "role": "org:member", "inviter_user_id": admin});
        let headers = [
            ("content-type", "application/json".to_string()),
            ("authorization", format!("Bearer {KEY}")),
            ("user-agent", "audit-test/1.0".to_string()),
        ];
        grace = ok(app.request(Method::POST, &invitations, &headers, Some(body.to_string())).await).await;
    })
    .await;
    assert_eq!(entry["object"], "audit_log_entry");
    assert_eq!(entry["actor"], json!({"type": "user", "id": admin}));
    assert_eq!(
        entry["targets"],
        json!([{"type": "invitation", "id": grace["id"]}])
    );
    assert_eq!(entry["context"]["user_agent"], "audit-test/1.0");
    assert_eq!(entry["metadata"]["email_address"], "grace@example.com");
    assert!(
        !entry.to_string().contains("ticket="),
        "no link in an entry: {entry}"
    );

    // A bulk request: one entry per invitation made.
    let mut bulk = Value::Null;
    let entry = exactly(&h, &app, &org, "invitation.created", 2, || async {
        bulk = ok(app
            .post(
                &format!("{invitations}/bulk"),
                json!([{"email_address": "alan@example.com", "role": "org:member"},
                       {"email_address": "kay@example.com", "role": "org:member"}]),
            )
            .await)
        .await;
    })
    .await;
    assert_eq!(entry["metadata"]["bulk"], true);
    assert_eq!(
        entry["actor"],
        json!({"type": "api_key", "id": "secret_key"})
    );
    let alan = bulk["data"][0]["id"].as_str().unwrap().to_string();
    let kay_url = bulk["data"][1]["url"].as_str().unwrap().to_string();
    let grace_id = grace["id"].as_str().unwrap().to_string();

    let mut resent = Value::Null;
    exactly(&h, &app, &org, "invitation.resent", 1, || async {
        resent = ok(app
            .post(
                &format!("{invitations}/{grace_id}/resend"),
                json!({"notify": false}),
            )
            .await)
        .await;
    })
    .await;
    exactly(&h, &app, &org, "invitation.revoked", 1, || async {
        ok(app
            .post(&format!("{invitations}/{alan}/revoke"), json!({}))
            .await)
        .await;
    })
    .await;

    // Invited again at once: the address's cooldown refuses, and the trip is recorded once
    // however often it is hit within its minute.
    let entry = exactly(&h, &app, &org, "limit.tripped", 1, || async {
        for _ in 0..3 {
            let refused = app
                .post(
                    &invitations,
                    json!({"email_address": "alan@example.com", "role": "org:member"}),
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{}",
                refused.body
            );
        }
    })
    .await;
    assert_eq!(entry["metadata"]["limit"], "address_cooldown");

    let entry = exactly(&h, &app, &org, "invitation.declined", 1, || async {
        let ticket = crate::helpers::links::ticket_of(&kay_url);
        ok(app
            .post("/v1/tickets/decline", json!({"ticket": ticket}))
            .await)
        .await;
    })
    .await;
    assert_eq!(entry["actor"]["type"], "link_holder");
    assert_eq!(entry["metadata"]["via"], "link");

    let entry = exactly(&h, &app, &org, "invitation.accepted", 1, || async {
        let ticket = crate::helpers::links::ticket_of(resent["url"].as_str().unwrap());
        let session = session_token("user_idp_grace", Some("grace@example.com"));
        let accepted = app
            .call(
                Method::POST,
                "/v1/tickets/accept",
                Some(json!({"ticket": ticket}).to_string()),
                Some(&session),
            )
            .await;
        ok(accepted).await;
    })
    .await;
    assert_eq!(
        entry["actor"],
        json!({"type": "user", "id": "user_idp_grace"})
    );

    // Memberships, by a backend.
    let lin = ok(app
        .post("/v1/users", json!({"email_address": ["lin@acme.test"]}))
        .await)
    .await;
    let lin = lin["id"].as_str().unwrap().to_string();
    let memberships = format!("/v1/organizations/{org}/memberships");
    exactly(&h, &app, &org, "membership.created", 1, || async {
        ok(app
            .post(&memberships, json!({"user_id": lin, "role": "org:member"}))
            .await)
        .await;
    })
    .await;
    let entry = exactly(&h, &app, &org, "membership.role_updated", 1, || async {
        let body = json!({"role": "org:admin"}).to_string();
        ok(app
            .call(
                Method::PATCH,
                &format!("{memberships}/{lin}"),
                Some(body),
                Some(KEY),
            )
            .await)
        .await;
    })
    .await;
    assert_eq!(entry["metadata"]["role"], "org:admin");
    exactly(&h, &app, &org, "membership.metadata_updated", 1, || async {
        let body = json!({"public_metadata": {"team": "core"}}).to_string();
        let path = format!("{memberships}/{lin}/metadata");
        ok(app.call(Method::PATCH, &path, Some(body), Some(KEY)).await).await;
    })
    .await;
    exactly(&h, &app, &org, "membership.deleted", 1, || async {
        ok(app
            .call(
                Method::DELETE,
                &format!("{memberships}/{lin}"),
                None,
                Some(KEY),
            )
            .await)
        .await;
    })
    .await;

    // The organization and its email.
    let entry = exactly(&h, &app, &org, "organization.updated", 1, || async {
        let body = json!({"name": "Acme Corp"}).to_string();
        ok(app
            .call(
                Method::PATCH,
                &format!("/v1/organizations/{org}"),
                Some(body),
                Some(KEY),
            )
            .await)
        .await;
    })
    .await;
    assert_eq!(entry["metadata"]["fields"], json!(["name"]));
    let sending = format!("/v1/organizations/{org}/email_sending");
    exactly(&h, &app, &org, "email_sending.paused", 1, || async {
        let body = json!({"paused": true}).to_string();
        ok(app
            .call(Method::PATCH, &sending, Some(body.clone()), Some(KEY))
            .await)
        .await;
        // Paused already: nothing changes, nothing is recorded.
        ok(app
            .call(Method::PATCH, &sending, Some(body), Some(KEY))
            .await)
        .await;
    })
    .await;
    exactly(&h, &app, &org, "email_sending.resumed", 1, || async {
        let body = json!({"paused": false}).to_string();
        ok(app
            .call(Method::PATCH, &sending, Some(body), Some(KEY))
            .await)
        .await;
    })
    .await;

    // The clock ends one: the sweeper is its actor.
    exactly(&h, &app, &org, "invitation.created", 1, || async {
        ok(app
            .post(
                &invitations,
                json!({"email_address": "ivy@example.com", "role": "org:member"}),
            )
            .await)
        .await;
    })
    .await;
    let entry = exactly(&h, &app, &org, "invitation.expired", 1, || async {
        h.clock.advance(31 * DAY);
        let swept = h.service.sweeper().sweep_expired().await.unwrap();
        assert_eq!(swept.expired, 1);
    })
    .await;
    assert_eq!(entry["actor"], json!({"type": "system", "id": "sweeper"}));

    // Deleted: its log stays readable (who deleted it is the question asked after).
    let entry = exactly(&h, &app, &org, "organization.deleted", 1, || async {
        ok(app
            .call(
                Method::DELETE,
                &format!("/v1/organizations/{org}"),
                None,
                Some(KEY),
            )
            .await)
        .await;
    })
    .await;
    assert_eq!(
        entry["targets"],
        json!([{"type": "organization", "id": org}])
    );
}

async fn the_log_reads_by_action_by_actor_and_by_cursor(h: Harness) {
    let app = app_over(&h);
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    let invitations = format!("/v1/organizations/{org}/invitations");
    for i in 0..5 {
        h.clock.advance(1);
        let inviter = if i % 2 == 0 {
            json!(admin)
        } else {
            Value::Null
        };
        let body = json!({"email_address": format!("p{i}@example.com"), "role": "org:member",
                          "inviter_user_id": inviter, "notify": false});
        ok(app.post(&invitations, body).await).await;
    }
    let all = log(&app, &org).await;
    assert_eq!(all.len(), 6);
    let times: Vec<i64> = all
        .iter()
        .map(|e| e["occurred_at_ms"].as_i64().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );

    let path = |q: &str| format!("/v1/organizations/{org}/audit_logs?{q}");
    let created = app.get(&path("action=invitation.created")).await.body;
    assert_eq!(created["data"].as_array().unwrap().len(), 5);
    let by_admin = app.get(&path(&format!("actor_id={admin}"))).await.body;
    // The organization (created by Ada) and the three invitations made on her behalf.
    assert_eq!(by_admin["data"].as_array().unwrap().len(), 4);
    let both = app
        .get(&path(&format!(
            "actor_id={admin}&action=invitation.created"
        )))
        .await
        .body;
    assert_eq!(both["data"].as_array().unwrap().len(), 3);
    let by_key = app
        .get(&path("actor_type=api_key&actor_id=secret_key"))
        .await
        .body;
    assert_eq!(by_key["data"].as_array().unwrap().len(), 2);

    // Pages of two: every entry once, in order.
    let mut paged = Vec::new();
    let mut next = String::new();
    loop {
        let q = if next.is_empty() {
            "limit=2".to_string()
        } else {
            format!("limit=2&cursor={next}")
        };
        let page = app.get(&path(&q)).await.body;
        paged.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => next = c.to_string(),
            None => break,
        }
        assert!(paged.len() <= 6, "paging ends");
    }
    let ids: Vec<Value> = all.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(paged, ids);

    // Another organization's log is its own; bad filters are refused with their field.
    let other = ok(app
        .post("/v1/organizations", json!({"name": "Other"}))
        .await)
    .await;
    assert_eq!(log(&app, other["id"].as_str().unwrap()).await.len(), 1);
    let bad = app.get(&path("action=invitation.sent")).await;
    assert_eq!(
        (bad.status, bad.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "action")
    );
    let bad = app.get(&path("cursor=abc")).await;
    assert_eq!(bad.param(), "cursor");
    // Backends only: a signed-in admin does not read it.
    let session = session_token(&admin, None);
    let refused = app.call(Method::GET, &path(""), None, Some(&session)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);

    // Past its retention an entry is not answered, whatever the table still holds.
    h.clock.advance(366 * DAY);
    assert!(log(&app, &org).await.is_empty());
    let query = AuditQuery {
        action: Some(AuditAction::InvitationCreated),
        actor: None,
        before: None,
        limit: 10,
    };
    assert!(h
        .service
        .audit_log(&org.as_str().into(), &query)
        .await
        .unwrap()
        .entries
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs moto: scripts/test runs it"]
async fn on_dynamodb_a_cancelled_transaction_leaves_no_entry() {
    use invitations::service::Actor;
    let h = crate::helpers::dynamodb().await;
    let (org, admin) = crate::helpers::org_with_admin(&h, "admin@acme.test", 2).await;

    // Twenty racing creates to one address: one transaction commits, the rest are cancelled
    // by the address's slot, and only the one that committed is in the log.
    let attempts = (0..20).map(|_| {
        let service = h.service.clone();
        let org_id = org.id.clone();
        let input = crate::helpers::invite_input(
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        );
        tokio::spawn(async move {
            service
                .create_invitation(&Actor::Backend, &org_id, &input)
                .await
        })
    });
    let made = futures::future::join_all(attempts)
        .await
        .into_iter()
        .filter(|r| matches!(r, Ok(Ok(_))))
        .count();
    assert_eq!(made, 1);
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::InvitationCreated).await,
        1
    );

    // A metadata write computed from a stale read: cancelled, no entry.
    let read = h
        .store
        .get_membership(&org.id, &admin.id)
        .await
        .unwrap()
        .unwrap();
    let mut first = read.clone();
    first.public_metadata = invitations::domain::Metadata::parse("p", json!({"a": 1})).unwrap();
    let audit = crate::helpers::audit(&org.id, AuditAction::MembershipMetadataUpdated);
    h.store
        .replace_membership_metadata(&read, &first, &audit)
        .await
        .unwrap();
    let mut stale = read.clone();
    stale.public_metadata = invitations::domain::Metadata::parse("p", json!({"b": 2})).unwrap();
    let audit = crate::helpers::audit(&org.id, AuditAction::MembershipMetadataUpdated);
    let refused = h
        .store
        .replace_membership_metadata(&read, &stale, &audit)
        .await;
    assert!(
        matches!(refused, Err(invitations::store::StoreError::Contention)),
        "{refused:?}"
    );
    let query = AuditQuery {
        action: Some(AuditAction::MembershipMetadataUpdated),
        actor: None,
        before: None,
        limit: 100,
    };
    let page = h
        .store
        .audit_entries(&org.id, &query, crate::helpers::T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        page.entries.len(),
        1,
        "the committed write's entry, not the cancelled one's"
    );

    // The last seat taken (admin + grace's invitation = 2): a membership the organization has
    // no seat for is cancelled, and leaves no entry.
    let lin = crate::helpers::user(&h, "lin@acme.test").await;
    let refused = h
        .service
        .create_membership(
            &org.id,
            invitations::service::NewMembership {
                user_id: lin.id.clone(),
                role: "org:member".into(),
                public_metadata: Default::default(),
                private_metadata: Default::default(),
            },
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::MembershipCreated).await,
        0
    );
}
