//! Over HTTP, on both stores, every answer checked against our OpenAPI document: the token is
//! shown once; opening a link (five cookieless `GET`s and a `HEAD`) uses nothing; redeeming
//! joins; each refusal is Clerk's error envelope with its own code.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::app::{session_token, Reply, TestApp, KEY};
use crate::helpers::{dynamodb_store, link_policy, CallLog};
use crate::spec::{template_of, ClerkSpec};

/// Calls `method path` and checks the answer is `expected` and true to our document.
async fn checked(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: Option<String>,
    body: Option<Value>,
    expected: StatusCode,
) -> Reply {
    let mut headers = vec![("content-type", "application/json".to_string())];
    if let Some(auth) = auth {
        headers.push(("authorization", auth));
    }
    let reply = app
        .request(method.clone(), path, &headers, body.map(|b| b.to_string()))
        .await;
    assert_eq!(reply.status, expected, "{method} {path}: {}", reply.body);
    let template = template_of(method.as_str(), path).expect("a route");
    if method != Method::HEAD {
        ClerkSpec::ours()
            .check(
                method.as_str(),
                template,
                reply.status.as_u16(),
                &reply.body,
            )
            .unwrap_or_else(|why| panic!("{why}\nbody: {:#}", reply.body));
    }
    let ours = template.contains("invitation_links") || template.starts_with("/v1/join/");
    assert_eq!(
        reply
            .headers
            .get("cache-control")
            .filter(|_| ours)
            .map(|v| v.to_str().unwrap()),
        Some("no-store").filter(|_| ours),
        "{method} {path} {}",
        reply.status
    );
    reply
}

fn backend() -> Option<String> {
    Some(format!("Bearer {KEY}"))
}

fn person(id: &str, email: &str) -> Option<String> {
    Some(format!("Bearer {}", session_token(id, Some(email))))
}

async fn links_over_http(app: TestApp) {
    use Method as M;
    use StatusCode as S;
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let links = format!("/v1/organizations/{org}/invitation_links");

    let made = checked(
        &app,
        M::POST,
        &links,
        backend(),
        Some(json!({
            "max_uses": 2, "allowed_email_domains": ["people.test"], "expires_in_days": 3
        })),
        S::OK,
    )
    .await;
    let token = made.body["token"]
        .as_str()
        .expect("the token, once")
        .to_string();
    let id = made.body["id"].as_str().unwrap().to_string();
    assert_eq!(made.body["status"], "active");
    assert_eq!(
        made.body["url"],
        format!("https://app.acme.test/join?organization_id={org}&token={token}")
    );
    let one = checked(
        &app,
        M::GET,
        &format!("{links}/{id}"),
        backend(),
        None,
        S::OK,
    )
    .await;
    assert!(
        one.body.get("token").is_none() && one.body.get("url").is_none(),
        "never again"
    );
    let listed = checked(&app, M::GET, &links, backend(), None, S::OK).await;
    assert_eq!(listed.body["total_count"], 1);
    assert!(
        !listed.body.to_string().contains(&token),
        "the list holds no token"
    );

    // Opened by anyone, any number of times: nothing changes.
    let open = format!("/v1/join/{org}/{token}");
    for _ in 0..5 {
        let shown = checked(&app, M::GET, &open, None, None, S::OK).await;
        assert_eq!(shown.body["public_organization_data"]["name"], "Acme");
        assert_eq!(shown.body["role"], "org:member");
    }
    let head = checked(&app, M::HEAD, &open, None, None, S::OK).await;
    assert_eq!(head.body, Value::Null, "no body");
    let after = checked(
        &app,
        M::GET,
        &format!("{links}/{id}"),
        backend(),
        None,
        S::OK,
    )
    .await;
    assert_eq!(after.body, one.body, "opening used nothing");
    checked(
        &app,
        M::GET,
        // Another last character (a token may end in any of them).
        &format!(
            "/v1/join/{org}/{}{}",
            &token[..token.len() - 1],
            if token.ends_with('x') { 'y' } else { 'x' }
        ),
        None,
        None,
        S::NOT_FOUND,
    )
    .await;
    checked(
        &app,
        M::GET,
        &format!("/v1/join/org_other/{token}"),
        None,
        None,
        S::NOT_FOUND,
    )
    .await;

    // Redeeming needs a session; then joins.
    checked(&app, M::POST, &open, None, None, S::UNAUTHORIZED).await;
    let outsider = checked(
        &app,
        M::POST,
        &open,
        person("user_eve", "eve@elsewhere.test"),
        None,
        S::FORBIDDEN,
    )
    .await;
    assert_eq!(
        outsider.body["errors"][0]["code"],
        "invitation_link_email_domain_not_allowed"
    );
    let joined = checked(
        &app,
        M::POST,
        &open,
        person("user_bob", "bob@people.test"),
        None,
        S::OK,
    )
    .await;
    assert_eq!(joined.body["outcome"], "joined");
    let inv = joined.body["organization_invitation_id"].as_str().unwrap();
    let accepted = checked(
        &app,
        M::GET,
        &format!("/v1/organizations/{org}/invitations/{inv}"),
        backend(),
        None,
        S::OK,
    )
    .await;
    assert_eq!(accepted.body["status"], "accepted");
    assert_eq!(accepted.body["source"], "link");
    assert_eq!(
        accepted.body["organization_invitation_link_id"],
        id.as_str()
    );
    let again = checked(
        &app,
        M::POST,
        &open,
        person("user_bob", "bob@people.test"),
        None,
        S::CONFLICT,
    )
    .await;
    assert_eq!(
        again.body["errors"][0]["code"],
        "already_a_member_in_organization"
    );
    checked(
        &app,
        M::POST,
        &open,
        person("user_cy", "cy@people.test"),
        None,
        S::OK,
    )
    .await;
    let spent = checked(
        &app,
        M::POST,
        &open,
        person("user_di", "di@people.test"),
        None,
        S::GONE,
    )
    .await;
    assert_eq!(spent.body["errors"][0]["code"], "invitation_link_exhausted");
    let shown = checked(
        &app,
        M::GET,
        &format!("{links}/{id}"),
        backend(),
        None,
        S::OK,
    )
    .await;
    assert_eq!(
        (shown.body["uses"].as_u64(), shown.body["status"].as_str()),
        (Some(2), Some("exhausted"))
    );
    assert!(shown.body["last_used_at"].is_i64());

    // Revoked, the link says only that.
    let second = checked(&app, M::POST, &links, backend(), Some(json!({})), S::OK).await;
    let second_open = format!("/v1/join/{org}/{}", second.body["token"].as_str().unwrap());
    let revoke = format!("{links}/{}/revoke", second.body["id"].as_str().unwrap());
    let revoked = checked(&app, M::POST, &revoke, backend(), None, S::OK).await;
    assert_eq!(revoked.body["status"], "revoked");
    checked(&app, M::POST, &revoke, backend(), None, S::OK).await;
    let gone = checked(&app, M::GET, &second_open, None, None, S::GONE).await;
    assert_eq!(gone.body["errors"][0]["code"], "invitation_link_revoked");
    assert!(
        !gone.body.to_string().contains("Acme"),
        "a dead link names no one"
    );

    // Bad settings, each named; an admin role is the instance's to allow.
    let bad = checked(
        &app,
        M::POST,
        &links,
        backend(),
        Some(json!({
            "max_uses": 0, "expires_in_days": 91, "allowed_email_domains": ["com"]
        })),
        S::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        bad.body["errors"].as_array().unwrap().len(),
        3,
        "{}",
        bad.body
    );
    let admin = checked(
        &app,
        M::POST,
        &links,
        backend(),
        Some(json!({ "role": "org:admin" })),
        S::FORBIDDEN,
    )
    .await;
    assert_eq!(
        admin.body["errors"][0]["code"],
        "invitation_link_role_not_allowed"
    );
    // A member who does not manage memberships may not make one.
    checked(
        &app,
        M::POST,
        &links,
        person("user_bob", "bob@people.test"),
        Some(json!({})),
        S::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn links_over_http_memory() {
    links_over_http(TestApp::builder().policy(link_policy()).build()).await;
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn links_over_http_dynamodb() {
    let store = dynamodb_store(&CallLog::default()).await;
    links_over_http(
        TestApp::builder()
            .store(Arc::new(store))
            .policy(link_policy())
            .build(),
    )
    .await;
}
