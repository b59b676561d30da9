//! Test harness: a service over either store with a clock the test moves, plus fixtures.

use invitations::service::Actor;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Credentials, Intercept, Region, RuntimeComponents};
use invitations::clock::{ManualClock, Millis};
use invitations::domain::{Invitation, Organization, RoleCatalog, User};
use invitations::mail::memory::CapturingMailer;
use invitations::service::Mail;
use invitations::service::{Links, NewInvitation, Policy, Service};
use invitations::store::dynamodb::{ensure_table, DynamoStore};
use invitations::store::memory::MemoryStore;
use invitations::store::Store;
use invitations::tokens::ticket::TicketSigner;
use serde_json::{json, Value};

pub mod app;
pub mod links;
pub mod reads;

pub const T0: Millis = 1_790_000_000_000;
pub const TICKET_SECRET: &[u8] = b"test-ticket-secret-0123456789abcdef";
pub const PUBLIC_BASE_URL: &str = "https://invitations.test/";
pub const DEFAULT_REDIRECT: &str = "https://app.example.com/after-invite";

/// Mail through `mailer`, with the shipped templates.
pub fn mail(mailer: Arc<dyn invitations::mail::Mailer>) -> Mail {
    Mail {
        mailer,
        templates: invitations::mail::compose::EmailTemplates::new(),
    }
}

/// Links as a deployment configures them: HS256 tickets, the public base and a default redirect.
pub fn links() -> Links {
    Links::new(
        Some(TicketSigner::hs256(TICKET_SECRET).unwrap()),
        &url::Url::parse(PUBLIC_BASE_URL).unwrap(),
        invitations::http::routes::ACCEPT_LINK_PATH,
        Some(url::Url::parse(DEFAULT_REDIRECT).unwrap()),
    )
    .unwrap()
}
pub const DAY: Millis = 24 * 60 * 60 * 1000;

/// An audit entry for a write a test makes on a store directly.
pub fn audit(
    org: &str,
    action: invitations::domain::audit::AuditAction,
) -> invitations::domain::audit::AuditEntry {
    invitations::domain::audit::AuditEntry::new(
        &invitations::domain::OrganizationId::new(org),
        action,
        invitations::domain::audit::AuditActor::api_key(),
        &Default::default(),
        T0,
        365,
    )
}

/// The policy of a deployment that sets no allow-list: redirects only to the service's own
/// origin and the default target's; the default abuse limits.
pub fn policy() -> Policy {
    Policy {
        redirects: invitations::domain::RedirectPolicy::from_origins(
            [PUBLIC_BASE_URL, DEFAULT_REDIRECT]
                .iter()
                .map(|u| url::Url::parse(u).unwrap().origin()),
        ),
        ..Policy::default()
    }
}

/// `policy()` with organization domains on and every enrollment mode allowed.
pub fn domain_policy() -> Policy {
    Policy {
        domains: invitations::domain::org_domain::DomainSettings {
            enabled: true,
            modes: invitations::domain::org_domain::EnrollmentMode::ALL.to_vec(),
            ..Default::default()
        },
        ..policy()
    }
}

/// A harness over `store` with organization domains on.
pub fn with_domains(h: Harness) -> Harness {
    Harness::with_policy(h.store, h.calls, domain_policy())
}

/// The policy with shareable links on (a join page, the default hourly cap).
pub fn link_policy() -> Policy {
    Policy {
        invitation_links: invitations::domain::invitation_link::LinkSettings {
            enabled: true,
            join_url: Some("https://app.acme.test/join".into()),
            ..Default::default()
        },
        ..domain_policy()
    }
}

/// A harness over `store` with shareable links on.
pub fn with_links(h: Harness) -> Harness {
    Harness::with_policy(h.store, h.calls, link_policy())
}

pub struct Harness {
    pub service: Service,
    pub mailer: Arc<CapturingMailer>,
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn Store>,
    pub calls: CallLog,
}

impl Harness {
    pub fn new(store: Arc<dyn Store>, calls: CallLog) -> Self {
        Self::with_policy(store, calls, policy())
    }

    pub fn with_policy(store: Arc<dyn Store>, calls: CallLog, policy: Policy) -> Self {
        let clock = Arc::new(ManualClock::new(T0));
        let mailer = Arc::new(CapturingMailer::new());
        let service = Service::new(
            store.clone(),
            clock.clone(),
            RoleCatalog::default(),
            policy,
            links(),
            mail(mailer.clone()),
        );
        Self {
            service,
            mailer,
            clock,
            store,
            calls,
        }
    }
}

pub async fn memory() -> Harness {
    Harness::new(Arc::new(MemoryStore::new()), CallLog::default())
}

/// The emulator the test command started. The tests that need it are `#[ignore]`d, so plain
/// `cargo test` skips them; `scripts/test` starts moto and runs them with `--include-ignored`.
pub fn dynamodb_endpoint() -> String {
    std::env::var("DYNAMODB_ENDPOINT").expect(
        "DYNAMODB_ENDPOINT is not set: run the test command (scripts/test), which starts moto on loopback",
    )
}

/// Every request the client sends (operation name and JSON body), retries included.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<(String, Value)>>>);

impl CallLog {
    /// The operation names since the last take.
    pub fn take(&self) -> Vec<String> {
        self.take_requests().into_iter().map(|(op, _)| op).collect()
    }

    /// The operations and their request bodies since the last take.
    pub fn take_requests(&self) -> Vec<(String, Value)> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "CallLog"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("?")
            .rsplit('.')
            .next()
            .unwrap_or("?")
            .to_string();
        let body = context
            .request()
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        self.0.lock().unwrap().push((target, body));
        Ok(())
    }
}

pub fn dynamodb_client(endpoint: &str, calls: &CallLog) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(moto_config(endpoint).interceptor(calls.clone()).build())
}

/// A client configuration for moto at `endpoint` (region, test credentials), for interceptors
/// to be added to.
pub fn moto_config(endpoint: &str) -> aws_sdk_dynamodb::config::Builder {
    aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(endpoint)
}

/// A fresh table per test, so tests run in parallel without resets.
pub async fn dynamodb_store(calls: &CallLog) -> DynamoStore {
    let client = dynamodb_client(&dynamodb_endpoint(), calls);
    let table = format!("t-{}", invitations::ids::random_base62(12));
    ensure_table(&client, &table).await.expect("create table");
    calls.take();
    DynamoStore::new(client, table)
}

pub async fn dynamodb() -> Harness {
    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await;
    Harness::new(Arc::new(store), calls)
}

pub async fn user(h: &Harness, email: &str) -> User {
    user_named(h, email, None).await
}

pub async fn user_named(h: &Harness, email: &str, first_name: Option<&str>) -> User {
    let input = invitations::http::parse::user(
        &json!({ "email_address": [email], "first_name": first_name }),
    )
    .unwrap();
    h.service.create_user(input).await.unwrap()
}

/// An organization whose creator (an admin) is a fresh user with `admin_email`.
pub async fn org_with_admin(h: &Harness, admin_email: &str, max: u32) -> (Organization, User) {
    let admin = user_named(h, admin_email, Some("Ada")).await;
    let input = invitations::http::parse::organization(&json!({
        "name": format!("Org of {admin_email}"),
        "created_by": admin.id,
        "max_allowed_memberships": max,
    }))
    .unwrap();
    (h.service.create_organization(input).await.unwrap(), admin)
}

pub fn invite_input(body: Value) -> NewInvitation {
    invitations::http::parse::invitation(&body, &RoleCatalog::default(), &policy().redirects)
        .unwrap()
}

pub async fn invite(h: &Harness, org: &Organization, email: &str) -> Invitation {
    h.service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({ "email_address": email, "role": "org:member" })),
        )
        .await
        .unwrap()
        .invitation
}

pub async fn add_member(h: &Harness, org: &Organization, user: &User, role: &str) {
    let input = invitations::http::parse::membership(
        &json!({ "user_id": user.id, "role": role }),
        &RoleCatalog::default(),
    )
    .unwrap();
    h.service.create_membership(&org.id, input).await.unwrap();
}

pub async fn org_now(h: &Harness, org: &Organization) -> Organization {
    h.service.get_organization(&org.id).await.unwrap()
}

/// A backend resend, with its email.
pub async fn resend(
    h: &Harness,
    org: &Organization,
    id: &invitations::domain::InvitationId,
) -> invitations::service::IssuedInvitation {
    h.service
        .resend_invitation(
            &Actor::Backend,
            &org.id,
            id.as_str(),
            &invitations::service::InvitationAction {
                requesting_user_id: None,
                notify: true,
            },
        )
        .await
        .unwrap()
}

/// Writes `items` with `BatchWriteItem`, 25 at a time, until none is left unprocessed.
pub async fn batch_put(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    items: Vec<aws_sdk_dynamodb::types::WriteRequest>,
) {
    for batch in items.chunks(25) {
        let mut pending = Some(batch.to_vec());
        while let Some(requests) = pending.take().filter(|r| !r.is_empty()) {
            let out = client
                .batch_write_item()
                .request_items(table, requests)
                .send()
                .await
                .unwrap();
            pending = out.unprocessed_items.and_then(|mut u| u.remove(table));
        }
    }
}

/// Makes DynamoDB lose answers: the next `n` successful answers to an operation (by its name,
/// `TransactWriteItems` say) come back as a 500, after the table applied the request. The
/// SDK then retries what already happened, as it would after a lost answer in AWS.
#[derive(Debug, Clone, Default)]
pub struct LoseAnswers(Arc<Mutex<Vec<String>>>);

impl LoseAnswers {
    pub fn next(&self, operation: &str, n: usize) {
        let mut lose = self.0.lock().unwrap();
        lose.extend(std::iter::repeat_n(operation.to_string(), n));
    }

    /// Answers still to lose.
    pub fn pending(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

/// The operation an attempt sends, kept for when its answer comes back.
#[derive(Debug, Clone)]
struct Operation(String);

impl aws_smithy_types::config_bag::Storable for Operation {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl Intercept for LoseAnswers {
    fn name(&self) -> &'static str {
        "LoseAnswers"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or_default()
            .to_string();
        cfg.interceptor_state().store_put(Operation(operation));
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_dynamodb::config::interceptors::BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let operation = cfg
            .load::<Operation>()
            .map(|o| o.0.clone())
            .unwrap_or_default();
        if context.response().status().as_u16() != 200 {
            return Ok(());
        }
        let mut lose = self.0.lock().unwrap();
        let Some(at) = lose.iter().position(|op| *op == operation) else {
            return Ok(());
        };
        lose.remove(at);
        let response = context.response_mut();
        *response.status_mut() = aws_smithy_runtime_api::http::StatusCode::try_from(500).unwrap();
        *response.body_mut() = aws_smithy_types::body::SdkBody::from(
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"the answer was lost"}"#,
        );
        Ok(())
    }
}

/// A store on moto whose answers `lose` may lose; every request is logged in `calls`.
pub async fn dynamodb_losing(calls: &CallLog, lose: &LoseAnswers) -> DynamoStore {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .endpoint_url(dynamodb_endpoint())
        .interceptor(calls.clone())
        .interceptor(lose.clone())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let table = format!("t-{}", invitations::ids::random_base62(12));
    ensure_table(&client, &table).await.expect("create table");
    calls.take();
    DynamoStore::new(client, table)
}

/// One item of the table as stored, read straight from it (what a stream record would carry).
pub async fn raw_item(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    (pk, sk): (String, String),
) -> invitations::store::dynamodb::Item {
    client
        .get_item()
        .table_name(table)
        .key("PK", aws_sdk_dynamodb::types::AttributeValue::S(pk))
        .key("SK", aws_sdk_dynamodb::types::AttributeValue::S(sk))
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}

/// How many entries of `action` the organization's audit log holds (up to 100).
pub async fn audit_count(
    h: &Harness,
    org: &invitations::domain::OrganizationId,
    action: invitations::domain::audit::AuditAction,
) -> usize {
    let query = invitations::domain::audit::AuditQuery {
        action: Some(action),
        actor: None,
        before: None,
        limit: 100,
    };
    h.service
        .audit_log(org, &query)
        .await
        .unwrap()
        .entries
        .len()
}
