//! Following and forging links: helpers of the accept and resend tests.

use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use invitations::store::Store;
use serde_json::{json, Value};
use std::sync::Arc;

use super::app::{Reply, TestApp};

/// The path and query of an accept link, to send to the in-process router.
pub fn path_of(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    format!("{}?{}", u.path(), u.query().unwrap())
}

pub fn ticket_of(url: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "ticket")
        .unwrap()
        .1
        .into_owned()
}

pub struct Flow {
    pub app: TestApp,
    pub org: String,
    pub admin: String,
}

impl Flow {
    pub async fn new(store: Arc<dyn Store>) -> Self {
        let app = TestApp::builder().store(store).build();
        let (org, admin) = app.org_with_admin("Acme", 5).await;
        Self { app, org, admin }
    }

    pub async fn invite(&self, email: &str) -> Value {
        let reply = self
            .app
            .post(
                &format!("/v1/organizations/{}/invitations", self.org),
                json!({"email_address": email, "role": "org:admin", "inviter_user_id": self.admin,
                       "public_metadata": {"team": "core"}, "private_metadata": {"seat": 7},
                       "redirect_url": "https://app.example.com/join?plan=pro#welcome"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.body
    }

    /// Follows the link as a browser would, with an optional session cookie.
    pub async fn follow(&self, url: &str, session: Option<&str>) -> Reply {
        let mut headers = vec![("accept", "text/html,application/xhtml+xml".to_string())];
        if let Some(token) = session {
            headers.push(("cookie", format!("theme=dark; __session={token}")));
        }
        self.app
            .request(Method::GET, &path_of(url), &headers, None)
            .await
    }

    pub async fn accept(&self, ticket: &str, session: &str) -> Reply {
        self.app
            .request(
                Method::POST,
                "/v1/tickets/accept",
                &[
                    ("authorization", format!("Bearer {session}")),
                    ("content-type", "application/json".into()),
                ],
                Some(json!({ "ticket": ticket }).to_string()),
            )
            .await
    }

    pub async fn invitation(&self, id: &str) -> Value {
        self.app
            .get(&format!("/v1/organizations/{}/invitations/{id}", self.org))
            .await
            .body
    }

    pub async fn members(&self) -> Vec<Value> {
        let reply = self
            .app
            .get(&format!(
                "/v1/organizations/{}/memberships?limit=100",
                self.org
            ))
            .await;
        reply.body["data"].as_array().unwrap().clone()
    }
}

/// The 302's target, with the two parameters the app reads.
pub fn redirect(reply: &Reply) -> (url::Url, String, String) {
    assert_eq!(reply.status, StatusCode::FOUND, "{}", reply.body);
    assert_eq!(reply.headers["cache-control"], "no-store");
    let location = url::Url::parse(reply.headers["location"].to_str().unwrap()).unwrap();
    let get = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (ticket, status) = (get("__clerk_ticket"), get("__clerk_status"));
    (location, ticket, status)
}

pub fn assert_member_from_invitation(members: &[Value], user_id: &str) {
    let m = members
        .iter()
        .find(|m| m["public_user_data"]["user_id"] == user_id)
        .expect("the invitee is a member");
    assert_eq!(m["role"], "org:admin", "the invitation's role");
    assert_eq!(
        m["public_metadata"],
        json!({"team": "core"}),
        "the invitation's metadata"
    );
    assert_eq!(m["private_metadata"], json!({"seat": 7}));
}

/// A JWT with any header and claims, signed HS256 with any secret (or not at all).
pub fn forge(header: Value, claims: &Value, hmac_secret: Option<&[u8]>) -> String {
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = match hmac_secret {
        Some(secret) => {
            let key = jsonwebtoken::EncodingKey::from_secret(secret);
            let input = format!("{head}.{body}");
            jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::HS256)
                .unwrap()
        }
        None => String::new(),
    };
    format!("{head}.{body}.{signature}")
}

pub fn claims_of(ticket: &str) -> Value {
    let body = ticket.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).unwrap()).unwrap()
}

pub async fn follow_json(app: &TestApp, ticket: &str) -> Reply {
    app.request(
        Method::GET,
        &format!("/v1/tickets/accept?ticket={ticket}"),
        &[("accept", "application/json".into())],
        None,
    )
    .await
}
