//! The attack reviews' findings, each reproduced and shown refused or bounded, one test named
//! after each: `first_review` (issue 9), `second_review` (issue 18, the limits themselves).

use std::sync::Arc;

use axum::http::Method;
use invitations::domain::limits::Limits;
use invitations::mail::memory::CapturingMailer;
use invitations::service::Policy;
use serde_json::{json, Value};

use crate::helpers::app::{session_token, Reply, TestApp};
use crate::helpers::*;

mod first_review;
mod second_review;

pub(crate) const SECOND: i64 = 1000;

/// Every route over the harness's store and clock, with `policy` and a mailer to count.
pub(crate) fn app_over(h: &Harness, policy: Policy) -> (TestApp, Arc<CapturingMailer>) {
    let mailer = Arc::new(CapturingMailer::new());
    let app = TestApp::builder()
        .store(h.store.clone())
        .clock(h.clock.clone())
        .policy(policy)
        .mailer(mailer.clone())
        .build();
    (app, mailer)
}

pub(crate) fn limits(change: impl FnOnce(&mut Limits)) -> Policy {
    let mut p = policy();
    change(&mut p.limits);
    p
}

/// An organization of its own, created by a backend with no one in it.
pub(crate) async fn another_org(app: &TestApp, name: &str) -> String {
    app.post("/v1/organizations", json!({ "name": name }))
        .await
        .id()
}

pub(crate) async fn as_user(
    app: &TestApp,
    user: &str,
    method: Method,
    path: &str,
    body: Value,
) -> Reply {
    app.request(
        method,
        path,
        &[
            (
                "authorization",
                format!("Bearer {}", session_token(user, None)),
            ),
            ("content-type", "application/json".into()),
        ],
        Some(body.to_string()),
    )
    .await
}

pub(crate) fn retry_after(reply: &Reply) -> u64 {
    let header: u64 = reply.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        reply.body["errors"][0]["meta"]["retry_after_seconds"].as_u64(),
        Some(header),
        "the header and the body agree"
    );
    assert!(header > 0);
    header
}
