//! Calls whose answers are checked against Clerk's published schema and this service's own
//! document, remembering what was checked.

use std::sync::Mutex;

use axum::http::{Method, StatusCode};
use serde_json::Value;

use super::ClerkSpec;
use crate::helpers::app::{Reply, TestApp};

/// What was checked: (method, spec path, status), and the request last made.
pub struct Checked {
    pub done: Mutex<Vec<(String, String, u16)>>,
    last: Mutex<(Method, String)>,
}

impl Checked {
    pub fn new() -> Self {
        Self {
            done: Mutex::new(Vec::new()),
            last: Mutex::new((Method::GET, String::new())),
        }
    }

    pub async fn call(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Reply {
        self.call_with(app, method, path, body, Some(crate::helpers::app::KEY))
            .await
    }

    pub async fn call_with(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> Reply {
        *self.last.lock().unwrap() = (method.clone(), path.to_string());
        app.call(method, path, body.map(|b| b.to_string()), key)
            .await
    }

    /// Asserts `reply` is `expected` and matches Clerk's schema for it, and this service's
    /// own document.
    pub fn check(&self, reply: &Reply, method: &str, spec_path: &str, expected: StatusCode) {
        assert_eq!(
            reply.status, expected,
            "{method} {spec_path}: {}",
            reply.body
        );
        let status = reply.status.as_u16();
        if let Err(why) = ClerkSpec::get().check(method, spec_path, status, &reply.body) {
            panic!("{why}\nbody: {:#}", reply.body);
        }
        let (sent, path) = self.last.lock().unwrap().clone();
        let ours = super::template_of(sent.as_str(), &path)
            .unwrap_or_else(|| panic!("{sent} {path} is no route of ours"));
        if let Err(why) = ClerkSpec::ours().check(sent.as_str(), ours, status, &reply.body) {
            panic!("ours: {why}\nbody: {:#}", reply.body);
        }
        self.done
            .lock()
            .unwrap()
            .push((method.to_string(), spec_path.to_string(), status));
    }
}
