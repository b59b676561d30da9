//! The routers in-process, called as API Gateway would call them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use invitations::clock::ManualClock;
use invitations::domain::RoleCatalog;
use invitations::http::{self, AppState, SecretKeys};
use invitations::mail::memory::CapturingMailer;
use invitations::mail::Mailer;
use invitations::service::{Links, Policy, Service};
use invitations::store::memory::MemoryStore;
use invitations::store::Store;
use invitations::tokens::session::SessionVerifier;
use serde_json::{json, Value};
use tower::ServiceExt;

pub const KEY: &str = "sk_test_0123456789abcdefghij";
/// The app the test deployment serves pages from (the default redirect target's origin).
pub const APP_ORIGIN: &str = "https://app.example.com";
pub const SESSION_SECRET: &[u8] = b"test-session-secret-0123456789abcdef";

pub struct TestApp {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The first error's code, or "" for a success.
    pub fn code(&self) -> &str {
        self.body["errors"][0]["code"].as_str().unwrap_or("")
    }

    pub fn param(&self) -> &str {
        self.body["errors"][0]["meta"]["param_name"]
            .as_str()
            .unwrap_or("")
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_string()
    }
}

/// A session token of the identity provider the test apps trust (HS256, `SESSION_SECRET`),
/// with a verified email claim when `email` is given.
pub fn session_token(user_id: &str, email: Option<&str>) -> String {
    let mut claims =
        serde_json::json!({ "sub": user_id, "iat": chrono_now(), "exp": chrono_now() + 3600 });
    if let Some(email) = email {
        claims["email"] = email.into();
        claims["email_verified"] = true.into();
    }
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SESSION_SECRET),
    )
    .unwrap()
}

/// Sessions are checked against the real clock (the identity provider's), not the test clock.
pub fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The one way tests build an app: every part defaults to what a deployment of the tests
/// uses (memory store, clock at `T0`, default policy, HS256 tickets, the test identity
/// provider's sessions, a capturing mailer), and any part can be swapped.
pub struct AppBuilder {
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
    policy: Policy,
    links: Links,
    sessions: SessionVerifier,
    mailer: Arc<dyn Mailer>,
    browser_origins: Vec<String>,
    secret_keys: Vec<String>,
}

/// A second backend key the test deployment accepts (as during a rotation).
pub const ROTATED_KEY: &str = "sk_test_rotated_key_00000";

impl AppBuilder {
    /// The backend keys accepted (by default `KEY` and `ROTATED_KEY`).
    pub fn secret_keys(mut self, keys: &[&str]) -> Self {
        self.secret_keys = keys.iter().map(|k| k.to_string()).collect();
        self
    }

    pub fn store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = store;
        self
    }

    pub fn clock(mut self, clock: Arc<ManualClock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    pub fn links(mut self, links: Links) -> Self {
        self.links = links;
        self
    }

    pub fn sessions(mut self, sessions: SessionVerifier) -> Self {
        self.sessions = sessions;
        self
    }

    pub fn browser_origins(mut self, origins: &[&str]) -> Self {
        self.browser_origins = origins.iter().map(|o| o.to_string()).collect();
        self
    }

    pub fn mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = mailer;
        self
    }

    /// The state a function builds at cold start, from these parts.
    pub fn state(self) -> AppState {
        AppState {
            service: Arc::new(Service::new(
                self.store,
                self.clock,
                RoleCatalog::default(),
                self.policy,
                self.links,
                super::mail(self.mailer),
            )),
            secret_keys: Arc::new(SecretKeys::new(self.secret_keys).unwrap()),
            sessions: Some(Arc::new(self.sessions)),
            browser: Arc::new(
                invitations::http::browser::BrowserPolicy::new(&self.browser_origins).unwrap(),
            ),
        }
    }

    /// Every route over these parts, as the local server serves them.
    pub fn build(self) -> TestApp {
        let store = self.store.clone();
        let clock = self.clock.clone();
        TestApp {
            router: http::app(None, self.state()),
            store,
            clock,
        }
    }
}

impl TestApp {
    pub fn builder() -> AppBuilder {
        AppBuilder {
            store: Arc::new(MemoryStore::new()),
            clock: Arc::new(ManualClock::new(super::T0)),
            policy: super::policy(),
            links: super::links(),
            sessions: SessionVerifier::hs256(SESSION_SECRET).unwrap(),
            mailer: Arc::new(CapturingMailer::new()),
            browser_origins: vec![APP_ORIGIN.to_string()],
            secret_keys: vec![KEY.to_string(), ROTATED_KEY.to_string()],
        }
    }

    pub fn new() -> Self {
        Self::builder().build()
    }

    /// The one "organization with an admin" of the HTTP tests: Ada Lovelace
    /// (`admin@acme.test`) creates `name` and is its first `org:admin`. Returns the
    /// organization's and Ada's ids.
    pub async fn org_with_admin(&self, name: &str, max: u32) -> (String, String) {
        let user = self
            .post(
                "/v1/users",
                json!({"email_address": ["admin@acme.test"], "first_name": "Ada", "last_name": "Lovelace"}),
            )
            .await;
        assert_eq!(user.status, StatusCode::OK, "{}", user.body);
        let admin = user.id();
        let org = self
            .post(
                "/v1/organizations",
                json!({"name": name, "created_by": admin, "max_allowed_memberships": max}),
            )
            .await;
        assert_eq!(org.status, StatusCode::OK, "{}", org.body);
        (org.id(), admin)
    }

    /// `total_count` of the organization's invitation list, every status.
    pub async fn invitation_count(&self, org: &str) -> u64 {
        self.get(&format!("/v1/organizations/{org}/invitations"))
            .await
            .body["total_count"]
            .as_u64()
            .unwrap()
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A request with headers of the caller's choosing.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<String>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        self.send(
            request
                .body(body.map(Body::from).unwrap_or_else(Body::empty))
                .unwrap(),
        )
        .await
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&str>,
    ) -> Reply {
        let mut headers = vec![("content-type", "application/json".to_string())];
        if let Some(key) = key {
            headers.push(("authorization", format!("Bearer {key}")));
        }
        self.request(method, path, &headers, body).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None, Some(KEY)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body.to_string()), Some(KEY))
            .await
    }

    pub async fn post_raw(&self, path: &str, body: &str) -> Reply {
        self.call(Method::POST, path, Some(body.to_string()), Some(KEY))
            .await
    }
}
