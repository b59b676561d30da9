//! Email reputation is the deployment's (`domain::reputation`): a mailbox that bounced for good
//! or complained is not emailed again until a backend lifts it, and an organization whose mail
//! bounces past the breaker's rate stops sending while the others go on. Both stores.

use axum::http::{Method, StatusCode};
use invitations::domain::reputation::BreakerPolicy;
use invitations::domain::MailFeedback;
use serde_json::json;

use crate::helpers::app::{Reply, TestApp, KEY};
use crate::helpers::*;

both_stores!(
    a_mailbox_that_bounced_for_good_is_refused_at_create_and_at_resend,
    a_complaint_suppresses_and_a_passing_bounce_does_not,
    a_suppression_is_seen_and_lifted_by_a_backend,
    an_organization_past_the_breakers_rate_stops_sending_and_the_others_keep_sending,
    an_operator_pauses_and_resumes_an_organizations_email,
);

fn app(h: &Harness) -> TestApp {
    TestApp::builder()
        .store(h.store.clone())
        .clock(h.clock.clone())
        .mailer(h.mailer.clone())
        .build()
}

fn hard_bounce() -> MailFeedback {
    MailFeedback::Bounced {
        bounce_type: "Permanent/General".into(),
    }
}

async fn invite_to(app: &TestApp, org: &str, address: &str, notify: bool) -> Reply {
    app.post(
        &format!("/v1/organizations/{org}/invitations"),
        json!({"email_address": address, "role": "org:member", "notify": notify}),
    )
    .await
}

fn message_id(reply: &Reply) -> String {
    reply.body["delivery"]["message_id"]
        .as_str()
        .expect("a sent email")
        .to_string()
}

async fn a_mailbox_that_bounced_for_good_is_refused_at_create_and_at_resend(h: Harness) {
    let app = app(&h);
    let (acme, _) = app.org_with_admin("Acme", 0).await;
    let globex = app
        .post("/v1/organizations", json!({"name": "Globex"}))
        .await
        .id();
    let earlier = invite_to(&app, &globex, "victim@example.com", true).await;
    let bounced = invite_to(&app, &acme, "victim@example.com", true).await;
    let outcome = h
        .service
        .mail_feedback()
        .record(&message_id(&bounced), &hard_bounce())
        .await
        .unwrap();
    assert_eq!(outcome.suppressed.as_deref(), Some("victim@example.com"));
    let sent = h.mailer.sent().len();

    // Another organization, another spelling of the mailbox: refused, nothing stored.
    let initech = app
        .post("/v1/organizations", json!({"name": "Initech"}))
        .await
        .id();
    let refused = invite_to(&app, &initech, "Victim+hr@example.com", true).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "email_address_suppressed")
    );
    let meta = &refused.body["errors"][0]["meta"];
    assert_eq!(
        (meta["param_name"].as_str(), meta["reason"].as_str()),
        (Some("email_address"), Some("hard_bounce"))
    );
    assert_eq!(app.invitation_count(&initech).await, 0, "nothing stored");
    // Without an email the invitation is made: the app may deliver the link itself.
    assert_eq!(
        invite_to(&app, &initech, "victim@example.com", false)
            .await
            .status,
        StatusCode::OK
    );

    // An invitation made before the bounce is not resent.
    h.clock.advance(61_000);
    let resend = app
        .post(
            &format!(
                "/v1/organizations/{globex}/invitations/{}/resend",
                earlier.id()
            ),
            json!({"notify": true}),
        )
        .await;
    assert_eq!(resend.code(), "email_address_suppressed", "{}", resend.body);
    let quiet = app
        .post(
            &format!(
                "/v1/organizations/{globex}/invitations/{}/resend",
                earlier.id()
            ),
            json!({"notify": false}),
        )
        .await;
    assert_eq!(quiet.status, StatusCode::OK, "{}", quiet.body);
    assert_eq!(
        h.mailer.sent().len(),
        sent,
        "no email to the mailbox since the bounce"
    );

    // A bulk request refuses that item alone.
    let bulk = app
        .post(
            &format!("/v1/organizations/{initech}/invitations/bulk"),
            json!([{"email_address": "ok@example.com", "role": "org:member"},
                   {"email_address": "VICTIM+bulk@example.com", "role": "org:member"}]),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::MULTI_STATUS, "{}", bulk.body);
    assert_eq!(bulk.body["data"][1]["status"], 422);
}

async fn a_complaint_suppresses_and_a_passing_bounce_does_not(h: Harness) {
    let app = app(&h);
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let full = invite_to(&app, &org, "full@example.com", true).await;
    let transient = MailFeedback::Bounced {
        bounce_type: "Transient/MailboxFull".into(),
    };
    let passing = h
        .service
        .mail_feedback()
        .record(&message_id(&full), &transient)
        .await
        .unwrap();
    assert!(passing.invitation.is_some() && passing.suppressed.is_none());
    let complainer = invite_to(&app, &org, "angry@example.com", true).await;
    let complained = h
        .service
        .mail_feedback()
        .record(&message_id(&complainer), &MailFeedback::Complained)
        .await
        .unwrap();
    assert_eq!(complained.suppressed.as_deref(), Some("angry@example.com"));
    let other = app
        .post("/v1/organizations", json!({"name": "Globex"}))
        .await
        .id();
    assert_eq!(
        invite_to(&app, &other, "full@example.com", true)
            .await
            .status,
        StatusCode::OK
    );
    let refused = invite_to(&app, &other, "angry@example.com", true).await;
    assert_eq!(refused.body["errors"][0]["meta"]["reason"], "complaint");
}

async fn a_suppression_is_seen_and_lifted_by_a_backend(h: Harness) {
    let app = app(&h);
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let sent = invite_to(&app, &org, "v.ictim@gmail.com", true).await;
    h.service
        .mail_feedback()
        .record(&message_id(&sent), &hard_bounce())
        .await
        .unwrap();
    let seen = app
        .get("/v1/email_suppressions/Victim+1@googlemail.com")
        .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(
        (
            seen.body["email_address"].as_str(),
            seen.body["reason"].as_str(),
            seen.body["bounce_type"].as_str()
        ),
        (
            Some("victim@gmail.com"),
            Some("hard_bounce"),
            Some("Permanent/General")
        )
    );
    assert_eq!(seen.body["organization_id"], org.as_str());
    let lifted = app
        .request(
            Method::DELETE,
            "/v1/email_suppressions/victim@gmail.com",
            &[("authorization", format!("Bearer {KEY}"))],
            None,
        )
        .await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    assert_eq!(
        app.get("/v1/email_suppressions/victim@gmail.com")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let other = app
        .post("/v1/organizations", json!({"name": "Globex"}))
        .await
        .id();
    assert_eq!(
        invite_to(&app, &other, "victim@gmail.com", true)
            .await
            .status,
        StatusCode::OK
    );
    let unknown = app
        .request(
            Method::DELETE,
            "/v1/email_suppressions/nobody@example.com",
            &[("authorization", format!("Bearer {KEY}"))],
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let anonymous = app
        .request(
            Method::GET,
            "/v1/email_suppressions/victim@gmail.com",
            &[],
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

async fn an_organization_past_the_breakers_rate_stops_sending_and_the_others_keep_sending(
    h: Harness,
) {
    let app = app(&h);
    let (careless, _) = app.org_with_admin("Careless", 0).await;
    let careful = app
        .post("/v1/organizations", json!({"name": "Careful"}))
        .await
        .id();
    let feedback = h.service.mail_feedback().with_breaker(BreakerPolicy {
        min_sent: 10,
        ..BreakerPolicy::default()
    });
    let mut messages = Vec::new();
    for n in 0..10 {
        messages.push(message_id(
            &invite_to(&app, &careless, &format!("p{n}@example.com"), true).await,
        ));
    }
    for m in &messages[..9] {
        let delivered = feedback.record(m, &MailFeedback::Delivered).await.unwrap();
        assert!(delivered.paused.is_none());
    }
    // A second report of the same delivery counts once.
    feedback
        .record(&messages[0], &MailFeedback::Delivered)
        .await
        .unwrap();
    let tripped = feedback.record(&messages[9], &hard_bounce()).await.unwrap();
    let why = tripped
        .paused
        .expect("1 of 10 bounced for good: 10 %, over 2.5 %");
    assert!(why.contains("1 of 10"), "{why}");

    let refused = invite_to(&app, &careless, "next@example.com", true).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "organization_email_paused")
    );
    assert_eq!(refused.body["errors"][0]["meta"]["paused_by"], "breaker");
    assert_eq!(
        invite_to(&app, &careless, "quiet@example.com", false)
            .await
            .status,
        StatusCode::OK
    );
    let before = h.mailer.sent().len();
    assert_eq!(
        invite_to(&app, &careful, "next@example.com", true)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        h.mailer.sent().len(),
        before + 1,
        "the rest of the deployment keeps sending"
    );

    let state = app
        .get(&format!("/v1/organizations/{careless}/email_sending"))
        .await;
    assert_eq!(state.status, StatusCode::OK, "{}", state.body);
    assert_eq!(
        (
            state.body["paused"].as_bool(),
            state.body["paused_by"].as_str()
        ),
        (Some(true), Some("breaker"))
    );
    assert_eq!(
        (
            state.body["last_days"]["delivered"].as_u64(),
            state.body["last_days"]["bounced"].as_u64()
        ),
        (Some(9), Some(1))
    );
    // A second bounce does not trip it again (one event).
    let again = feedback.record(&messages[9], &hard_bounce()).await.unwrap();
    assert!(again.paused.is_none());
}

async fn an_operator_pauses_and_resumes_an_organizations_email(h: Harness) {
    let app = app(&h);
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/email_sending");
    let patch = |paused: bool| {
        let app = &app;
        let path = path.clone();
        async move {
            app.request(
                Method::PATCH,
                &path,
                &[
                    ("authorization", format!("Bearer {KEY}")),
                    ("content-type", "application/json".into()),
                ],
                Some(json!({ "paused": paused }).to_string()),
            )
            .await
        }
    };
    let paused = patch(true).await;
    assert_eq!(
        (paused.status, paused.body["paused_by"].as_str()),
        (StatusCode::OK, Some("operator"))
    );
    assert_eq!(
        invite_to(&app, &org, "a@example.com", true).await.code(),
        "organization_email_paused"
    );
    let resumed = patch(false).await;
    assert_eq!(resumed.body["paused"], false);
    assert_eq!(
        invite_to(&app, &org, "a@example.com", true).await.status,
        StatusCode::OK
    );
    let bad = app
        .request(
            Method::PATCH,
            &path,
            &[
                ("authorization", format!("Bearer {KEY}")),
                ("content-type", "application/json".into()),
            ],
            Some("{}".into()),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("/v1/organizations/org_missing/email_sending")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
