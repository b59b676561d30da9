//! This service's own OpenAPI document: exactly the route table, served, and true of the
//! answers of the operations that go beyond Clerk (resend, cursors, tickets, signed-in routes).

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::{template_of, ClerkSpec};
use crate::helpers::app::{session_token, Reply, TestApp, KEY};
use crate::helpers::links::{path_of, ticket_of};

#[test]
fn the_document_has_exactly_the_routes_of_the_functions() {
    let documented: BTreeSet<(String, String)> = ClerkSpec::ours()
        .paths()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.to_ascii_uppercase(), path.clone()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = invitations::http::routes::all()
        .map(|r| (r.verb.as_str().to_string(), r.path.to_string()))
        .collect();
    assert_eq!(documented, routed);
}

#[tokio::test]
async fn the_document_is_served_as_json() {
    let app = TestApp::new();
    let reply = app
        .request(Method::GET, "/v1/openapi.json", &[], None)
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.headers["content-type"], "application/json");
    assert_eq!(reply.body["openapi"], "3.1.0");
    assert_eq!(
        reply.body,
        serde_json::from_str::<Value>(invitations::http::routes::document()).unwrap()
    );
}

/// Checks each answer against the document, by the route that served it.
struct Ours<'a> {
    app: &'a TestApp,
    checked: usize,
}

impl Ours<'_> {
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<Value>,
        expected: StatusCode,
    ) -> Reply {
        let mut all = vec![("content-type", "application/json".to_string())];
        all.extend(headers.iter().cloned());
        let reply = self
            .app
            .request(method.clone(), path, &all, body.map(|b| b.to_string()))
            .await;
        assert_eq!(reply.status, expected, "{method} {path}: {}", reply.body);
        let template = template_of(method.as_str(), path).expect("a route");
        let body = if reply.status == StatusCode::FOUND {
            Value::Null
        } else {
            reply.body.clone()
        };
        if reply.status != StatusCode::FOUND {
            ClerkSpec::ours()
                .check(method.as_str(), template, reply.status.as_u16(), &body)
                .unwrap_or_else(|why| panic!("{why}\nbody: {:#}", reply.body));
        }
        self.checked += 1;
        reply
    }

    async fn backend(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Value>,
        expected: StatusCode,
    ) -> Reply {
        self.call(
            method,
            path,
            &[("authorization", format!("Bearer {KEY}"))],
            body,
            expected,
        )
        .await
    }
}

#[tokio::test]
async fn answers_beyond_clerks_match_this_services_document() {
    let app = TestApp::new();
    let mut o = Ours {
        app: &app,
        checked: 0,
    };
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let created = o
        .backend(
            Method::POST,
            &path,
            Some(json!({"email_address": "grace@example.com", "role": "org:member"})),
            StatusCode::OK,
        )
        .await;
    let inv = created.id();
    app.clock.advance(61_000);
    let resent = o
        .backend(
            Method::POST,
            &format!("{path}/{inv}/resend"),
            Some(json!({})),
            StatusCode::OK,
        )
        .await;
    let too_soon = o
        .backend(
            Method::POST,
            &format!("{path}/{inv}/resend"),
            Some(json!({})),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    assert_eq!(too_soon.code(), "resend_cooldown");
    o.backend(
        Method::POST,
        &path,
        Some(json!({"email_address": "alan@example.com", "role": "org:member", "notify": false})),
        StatusCode::OK,
    )
    .await;
    let page = o
        .backend(
            Method::GET,
            &format!("{path}?limit=1"),
            None,
            StatusCode::OK,
        )
        .await;
    let cursor = page.body["next_cursor"]
        .as_str()
        .expect("a cursor")
        .to_string();
    o.backend(
        Method::GET,
        &format!("{path}?limit=1&cursor={cursor}"),
        None,
        StatusCode::OK,
    )
    .await;
    o.backend(
        Method::POST,
        &format!("{path}/bulk"),
        Some(
            json!([{"email_address": "kate@example.com", "role": "org:member", "notify": false},
                    {"email_address": "alan@example.com", "role": "org:member", "notify": false}]),
        ),
        StatusCode::MULTI_STATUS,
    )
    .await;

    // The link, then the invitee signs up and accepts with the ticket.
    let link = resent.body["url"].as_str().unwrap().to_string();
    o.call(Method::GET, &path_of(&link), &[], None, StatusCode::FOUND)
        .await;
    o.call(
        Method::GET,
        "/v1/tickets/accept?ticket=nope",
        &[],
        None,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let grace = format!(
        "Bearer {}",
        session_token("user_grace", Some("grace@example.com"))
    );
    let mine = o
        .call(
            Method::GET,
            "/v1/me/organization_invitations",
            &[("authorization", grace.clone())],
            None,
            StatusCode::OK,
        )
        .await;
    assert_eq!(mine.body["data"].as_array().unwrap().len(), 1);
    o.call(
        Method::POST,
        "/v1/tickets/accept",
        &[("authorization", grace.clone())],
        Some(json!({ "ticket": ticket_of(&link) })),
        StatusCode::OK,
    )
    .await;
    o.call(
        Method::POST,
        "/v1/tickets/accept",
        &[("authorization", grace)],
        Some(json!({ "ticket": ticket_of(&link) })),
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Alan accepts by id.
    let alan = format!(
        "Bearer {}",
        session_token("user_alan", Some("alan@example.com"))
    );
    let his = o
        .call(
            Method::GET,
            "/v1/me/organization_invitations?status=pending",
            &[("authorization", alan.clone())],
            None,
            StatusCode::OK,
        )
        .await;
    let his_id = his.body["data"][0]["id"].as_str().unwrap().to_string();
    o.call(
        Method::POST,
        &format!("/v1/me/organization_invitations/{his_id}/accept"),
        &[("authorization", alan)],
        None,
        StatusCode::OK,
    )
    .await;
    o.call(
        Method::GET,
        "/v1/me/organization_invitations",
        &[],
        None,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    o.backend(
        Method::GET,
        &format!("/v1/organizations/{org}/memberships"),
        None,
        StatusCode::OK,
    )
    .await;
    o.backend(Method::GET, "/v1/openapi.json", None, StatusCode::OK)
        .await;
    let _ = admin;
    assert!(o.checked >= 15, "{}", o.checked);
}
