//! The invitation email: sent through SES v2 (moto) and read back, escaping, failures recorded, the outbox.
use invitations::service::Actor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::helpers::app::TestApp;
use crate::helpers::*;
use aws_sdk_sesv2::config::{Credentials, Region};
use axum::http::{Method, StatusCode};
use invitations::clock::ManualClock;
use invitations::domain::{DeliveryStatus, EmailAddress, Metadata, RoleCatalog, User, UserEmail};
use invitations::mail::outbox::OutboxMailer;
use invitations::mail::ses::SesMailer;
use invitations::mail::Mailer;
use invitations::service::Service;
use invitations::store::Store;
use serde_json::{json, Value};

const FROM: &str = "Acme Invitations <invitations@mail.example.com>";

fn ses_client(endpoint: &str, initial_backoff: Duration) -> aws_sdk_sesv2::Client {
    let retry = aws_sdk_sesv2::config::retry::RetryConfig::standard()
        .with_max_attempts(invitations::mail::ses::MAX_ATTEMPTS)
        .with_initial_backoff(initial_backoff);
    let config = aws_sdk_sesv2::Config::builder()
        .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
        .retry_config(retry)
        .build();
    aws_sdk_sesv2::Client::from_conf(config)
}

/// SES on moto, with the sending domain verified (moto verifies at once, as SES's sandbox does
/// after the DNS records are in place).
async fn moto_ses() -> Arc<dyn Mailer> {
    let client = ses_client(&dynamodb_endpoint(), Duration::from_millis(10));
    client
        .create_email_identity()
        .email_identity("mail.example.com")
        .send()
        .await
        .unwrap();
    Arc::new(SesMailer::new(client, FROM, None))
}

/// Everything moto's SES has accepted for `to`.
async fn sent_to(to: &str) -> Vec<Value> {
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", dynamodb_endpoint()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    data["ses"]["Message"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| {
            m["destinations"]["ToAddresses"]
                .as_array()
                .is_some_and(|a| a.iter().any(|t| t == to))
        })
        .collect()
}

/// Every route over `store`, mailing through `mailer`.
async fn app_with(
    mailer: Arc<dyn Mailer>,
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
) -> TestApp {
    TestApp::builder()
        .mailer(mailer)
        .store(store)
        .clock(clock)
        .build()
}

fn unique(name: &str) -> String {
    format!(
        "{name}-{}@example.com",
        invitations::ids::random_base62(10).to_lowercase()
    )
}

async fn org(app: &TestApp, name: &str) -> String {
    app.org_with_admin(name, 0).await.0
}

/// The first link of an HTML body, with the entities the template escaped decoded, as a mail
/// client's browser engine reads the attribute.
fn href(html: &str) -> String {
    let start = html.find("href=\"").unwrap() + 6;
    let end = start + html[start..].find('"').unwrap();
    decode_entities(&html[start..end])
}

fn decode_entities(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_invitation_sends_one_email_whose_link_verifies() {
    let store = dynamodb().await.store;
    let app = app_with(moto_ses().await, store, Arc::new(ManualClock::new(T0))).await;
    let org = org(&app, "Acme").await;
    let to = unique("grace");
    let created = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": to, "role": "org:member"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["delivery"]["status"], "sent");

    let messages = sent_to(&to).await;
    assert_eq!(messages.len(), 1);
    let message = &messages[0];
    assert_eq!(message["id"], created.body["delivery"]["message_id"]);
    assert_eq!(message["source"], FROM);
    assert_eq!(message["subject"], "You are invited to join Acme");
    let html = message["body"].as_str().unwrap();
    let link = href(html);
    assert_eq!(link, created.body["url"].as_str().unwrap());
    assert!(html.contains("Accept invitation"));

    let u = url::Url::parse(&link).unwrap();
    let followed = app
        .request(
            Method::GET,
            &format!("{}?{}", u.path(), u.query().unwrap()),
            &[],
            None,
        )
        .await;
    assert_eq!(followed.status, StatusCode::FOUND);
    assert!(followed.headers["location"]
        .to_str()
        .unwrap()
        .contains("__clerk_status=sign_up"));
    let stored = app
        .get(&format!(
            "/v1/organizations/{org}/invitations/{}",
            created.id()
        ))
        .await;
    assert_eq!(
        stored.body["delivery"], created.body["delivery"],
        "the outcome is on record"
    );
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn notify_false_sends_nothing_and_bulk_sends_one_each() {
    let store = dynamodb().await.store;
    let app = app_with(moto_ses().await, store, Arc::new(ManualClock::new(T0))).await;
    let org = org(&app, "Acme").await;
    let quiet = unique("quiet");
    let created = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": quiet, "role": "org:member", "notify": false}),
        )
        .await;
    assert_eq!(created.body["delivery"], Value::Null);

    let (a, b, c) = (unique("a"), unique("b"), unique("c"));
    let bulk = app
        .post(
            &format!("/v1/organizations/{org}/invitations/bulk"),
            json!([{"email_address": a, "role": "org:member"}, {"email_address": b, "role": "org:admin", "locale": "fr-CA"}, {"email_address": c, "role": "org:member", "notify": false}]),
        )
        .await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.body);
    assert_eq!(
        (
            sent_to(&a).await.len(),
            sent_to(&b).await.len(),
            sent_to(&c).await.len()
        ),
        (1, 1, 0)
    );
    assert_eq!(
        sent_to(&b).await[0]["subject"],
        "Vous êtes invité à rejoindre Acme",
        "the second locale"
    );
    assert_eq!(bulk.body["data"][1]["locale"], "fr");
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_failed_send_keeps_the_invitation_and_a_resend_later_delivers_it() {
    let store = dynamodb().await.store;
    let clock = Arc::new(ManualClock::new(T0));
    // Nothing listens on port 9 of loopback: SES "refuses".
    let down: Arc<dyn Mailer> = Arc::new(SesMailer::new(
        ses_client("http://127.0.0.1:9", Duration::from_millis(5)),
        FROM,
        None,
    ));
    let broken = app_with(down, store.clone(), clock.clone()).await;
    let org = org(&broken, "Acme").await;
    let to = unique("grace");
    let created = broken
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": to, "role": "org:member"}),
        )
        .await;
    assert_eq!(
        created.status,
        StatusCode::OK,
        "the invitation is created all the same"
    );
    assert_eq!(created.body["status"], "pending");
    assert_eq!(created.body["delivery"]["status"], "failed");
    assert!(
        created.body["delivery"]["error"]
            .as_str()
            .unwrap()
            .starts_with("unavailable"),
        "{}",
        created.body["delivery"]
    );
    let id = created.id();
    let stored = broken
        .get(&format!("/v1/organizations/{org}/invitations/{id}"))
        .await;
    assert_eq!(
        stored.body["delivery"]["status"], "failed",
        "the failure is on record"
    );
    assert!(sent_to(&to).await.is_empty());

    let working = app_with(moto_ses().await, store, clock.clone()).await;
    let too_soon = working
        .post(
            &format!("/v1/organizations/{org}/invitations/{id}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(
        (too_soon.status, too_soon.code()),
        (StatusCode::TOO_MANY_REQUESTS, "resend_cooldown")
    );
    assert_eq!(too_soon.headers["retry-after"], "60");
    clock.advance(60_000);
    let resent = working
        .post(
            &format!("/v1/organizations/{org}/invitations/{id}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    assert_eq!(resent.body["delivery"]["status"], "sent");
    let messages = sent_to(&to).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(
        href(messages[0]["body"].as_str().unwrap()),
        resent.body["url"].as_str().unwrap()
    );
    let again = working
        .post(
            &format!("/v1/organizations/{org}/invitations/{id}/resend"),
            json!({}),
        )
        .await;
    assert_eq!(
        again.code(),
        "resend_cooldown",
        "the cooldown starts again at every resend"
    );
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn throttling_is_retried_a_bounded_number_of_times_then_recorded() {
    // An SES stand-in on loopback that always answers as SES does when it throttles.
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let fake = axum::Router::new().route(
        "/v2/email/outbound-emails",
        axum::routing::post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [
                        ("x-amzn-errortype", "TooManyRequestsException"),
                        ("content-type", "application/json"),
                    ],
                    r#"{"message":"Maximum sending rate exceeded."}"#,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await });

    let mailer = SesMailer::new(ses_client(&endpoint, Duration::from_millis(5)), FROM, None);
    let app = app_with(
        Arc::new(mailer),
        Arc::new(invitations::store::memory::MemoryStore::new()),
        Arc::new(ManualClock::new(T0)),
    )
    .await;
    let org = org(&app, "Acme").await;
    let created = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await;
    assert_eq!(created.body["delivery"]["status"], "failed");
    assert!(
        created.body["delivery"]["error"]
            .as_str()
            .unwrap()
            .starts_with("throttled"),
        "{}",
        created.body["delivery"]
    );
    assert_eq!(
        hits.load(Ordering::SeqCst),
        invitations::mail::ses::MAX_ATTEMPTS as usize
    );
}

/// An inviter whose name carries a header injection, stored as a careless import might.
async fn hostile_inviter(store: &Arc<dyn Store>) -> User {
    let user = User {
        id: format!("user_{}", invitations::ids::random_base62(27)).into(),
        email_addresses: vec![UserEmail {
            id: "idn_x".into(),
            address: EmailAddress::parse("e", &unique("mallory")).unwrap(),
        }],
        first_name: Some("\"\r\nBcc: x@evil.example".into()),
        last_name: Some("<img src=x onerror=alert(2)>".into()),
        image_url: None,
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        created_at: T0,
        updated_at: T0,
    };
    store.insert_user(&user).await.unwrap();
    user
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn user_supplied_strings_are_escaped_and_never_become_headers() {
    let store = dynamodb().await.store;
    let app = app_with(
        moto_ses().await,
        store.clone(),
        Arc::new(ManualClock::new(T0)),
    )
    .await;
    let inviter = hostile_inviter(&store).await;
    let org = app
        .post(
            "/v1/organizations",
            json!({"name": "<script>alert(1)</script>", "created_by": inviter.id}),
        )
        .await
        .id();
    let to = unique("grace");
    let created = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": to, "role": "org:member", "inviter_user_id": inviter.id,
              "public_metadata": {"note": "<b>never rendered</b>"}}),
        )
        .await;
    assert_eq!(
        created.body["delivery"]["status"], "sent",
        "{}",
        created.body
    );
    let messages = sent_to(&to).await;
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(
        m["destinations"],
        json!({"ToAddresses": [to]}),
        "no Cc, no Bcc"
    );
    let subject = m["subject"].as_str().unwrap();
    assert!(
        !subject.contains('\r') && !subject.contains('\n'),
        "{subject:?}"
    );
    let html = m["body"].as_str().unwrap();
    assert!(
        !html.contains("<script>") && html.contains("&lt;script&gt;alert(1)"),
        "the organization name is escaped"
    );
    assert!(
        !html.contains("<img src=x") && html.contains("&lt;img src=x"),
        "the inviter's name is escaped"
    );
    assert!(
        !html.contains("never rendered"),
        "metadata is never rendered"
    );

    // The same message through the outbox: a real MIME message with one recipient header.
    let dir = std::env::temp_dir().join(format!("outbox-{}", invitations::ids::random_base62(8)));
    let outbox = OutboxMailer::new(&dir, FROM).unwrap();
    let email = invitations::mail::compose::EmailTemplates::new()
        .invitation(
            &app.store
                .get_invitation(
                    &org.clone().into(),
                    &invitations::domain::InvitationId::parse(&created.id()).unwrap(),
                )
                .await
                .unwrap()
                .unwrap(),
            created.body["url"].as_str().unwrap(),
            "Member",
        )
        .unwrap();
    outbox.send(&email).await.unwrap();
    let eml = only_message_of(&dir);
    let headers: Vec<&str> = eml.split("\n\n").next().unwrap().lines().collect();
    assert!(
        !headers
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("bcc:")),
        "{headers:#?}"
    );
    assert_eq!(
        headers
            .iter()
            .filter(|h| h.to_ascii_lowercase().starts_with("to:"))
            .count(),
        1
    );
    assert!(eml.contains("multipart/alternative"));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn the_outbox_appends_the_email_to_a_mailbox_a_mail_client_opens() {
    let dir = std::env::temp_dir().join(format!("outbox-{}", invitations::ids::random_base62(8)));
    let mailer: Arc<dyn Mailer> = Arc::new(OutboxMailer::new(&dir, FROM).unwrap());
    let clock = Arc::new(ManualClock::new(T0));
    let store: Arc<dyn Store> = Arc::new(invitations::store::memory::MemoryStore::new());
    let service = Service::new(
        store.clone(),
        clock,
        RoleCatalog::default(),
        crate::helpers::policy(),
        links(),
        mail(mailer),
    );
    let h = Harness {
        service,
        mailer: Arc::new(invitations::mail::memory::CapturingMailer::new()),
        clock: Arc::new(ManualClock::new(T0)),
        store,
        calls: CallLog::default(),
    };
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let issued = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "grace@example.com", "role": "org:admin"})),
        )
        .await
        .unwrap();
    assert_eq!(
        issued.invitation.delivery.as_ref().unwrap().status,
        DeliveryStatus::Sent
    );
    // The mailbox, read as a mail client reads it: one message, its HTML part the email.
    let raw = only_message_of(&dir);
    let message = mail_parser::MessageParser::default()
        .parse(raw.as_bytes())
        .unwrap();
    let page = message.body_html(0).unwrap();
    assert!(
        decode_entities(&page).contains(issued.url.as_deref().unwrap()),
        "the accept link"
    );
    assert!(page.contains("Admin"), "the role's name");
    assert_eq!(
        message.to().unwrap().first().unwrap().address(),
        Some("grace@example.com")
    );
    std::fs::remove_dir_all(dir).ok();
}

/// The one message of an outbox's mailbox, as a mail client reads it (the `From ` line and
/// the quoting undone).
fn only_message_of(dir: &std::path::Path) -> String {
    let file = std::fs::File::open(dir.join(invitations::mail::outbox::MAILBOX)).unwrap();
    let messages: Vec<_> =
        mail_parser::mailbox::mbox::MessageIterator::new(std::io::BufReader::new(file))
            .map(|m| String::from_utf8(m.unwrap().contents().to_vec()).unwrap())
            .collect();
    assert_eq!(messages.len(), 1);
    messages.into_iter().next().unwrap()
}
