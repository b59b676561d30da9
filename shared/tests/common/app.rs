//! The routers in-process, called as API Gateway would call them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use invitations::clock::ManualClock;
use invitations::domain::RoleCatalog;
use invitations::http::{self, AppState, SecretKeys};
use invitations::service::{Policy, Service};
use invitations::store::memory::MemoryStore;
use invitations::store::Store;
use invitations::tokens::session::SessionVerifier;
use serde_json::Value;
use tower::ServiceExt;

pub const KEY: &str = "sk_test_0123456789abcdefghij";
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

pub fn state(store: Arc<dyn Store>, clock: Arc<ManualClock>, policy: Policy) -> AppState {
    AppState {
        service: Service::new(store, clock, RoleCatalog::default(), policy, super::links()),
        secret_keys: Arc::new(
            SecretKeys::new(vec![
                KEY.to_string(),
                "sk_test_rotated_key_00000".to_string(),
            ])
            .unwrap(),
        ),
        sessions: Some(Arc::new(SessionVerifier::hs256(SESSION_SECRET).unwrap())),
    }
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_policy(Policy::default())
    }

    pub fn with_policy(policy: Policy) -> Self {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
        let clock = Arc::new(ManualClock::new(super::T0));
        let router = http::app(
            http::all_routes(),
            state(store.clone(), clock.clone(), policy),
        );
        Self {
            router,
            store,
            clock,
        }
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

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        self.send(
            request
                .body(body.map(Body::from).unwrap_or_else(Body::empty))
                .unwrap(),
        )
        .await
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
