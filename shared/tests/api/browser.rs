//! Browsers: CORS for the allowed origins only, and writes signed in by the `__session` cookie
//! refused unless the app's own page could have made them.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::app::{session_token, TestApp, APP_ORIGIN};

#[tokio::test]
async fn an_allowed_origin_gets_cors_headers_and_others_none() {
    let app = TestApp::builder()
        .browser_origins(&[APP_ORIGIN, "http://localhost:5173"])
        .build();
    let allowed = app
        .request(
            Method::GET,
            "/v1/openapi.json",
            &[("origin", APP_ORIGIN.to_string())],
            None,
        )
        .await;
    assert_eq!(allowed.headers["access-control-allow-origin"], APP_ORIGIN);
    assert_eq!(allowed.headers["access-control-allow-credentials"], "true");
    assert!(allowed.headers["vary"].to_str().unwrap().contains("origin"));

    let other = app
        .request(
            Method::GET,
            "/v1/openapi.json",
            &[("origin", "https://evil.example".to_string())],
            None,
        )
        .await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
    assert!(other.headers["vary"].to_str().unwrap().contains("origin"));

    let preflight = app
        .request(
            Method::OPTIONS,
            "/v1/organizations/org_x/invitations",
            &[
                ("origin", "http://localhost:5173".to_string()),
                ("access-control-request-method", "POST".to_string()),
                ("access-control-request-headers", "content-type".to_string()),
            ],
            None,
        )
        .await;
    assert_eq!(preflight.status, StatusCode::OK);
    assert_eq!(
        preflight.headers["access-control-allow-origin"],
        "http://localhost:5173"
    );
    assert!(preflight.headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    let refused = app
        .request(
            Method::OPTIONS,
            "/v1/organizations/org_x/invitations",
            &[
                ("origin", "https://evil.example".to_string()),
                ("access-control-request-method", "POST".to_string()),
            ],
            None,
        )
        .await;
    assert!(refused.headers.get("access-control-allow-origin").is_none());
    assert_ne!(
        refused
            .headers
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"*"[..]),
        "never a wildcard"
    );
}

#[tokio::test]
async fn cookie_signed_writes_must_come_from_the_apps_own_page() {
    let app = TestApp::new();
    let (org, admin) = app.org_with_admin("Acme", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let cookie = format!("__session={}", session_token(&admin, None));
    let body = json!({"email_address": "grace@example.com", "role": "org:member"}).to_string();
    let attempt = |headers: Vec<(&'static str, String)>| {
        let app = &app;
        let path = path.clone();
        let body = body.clone();
        async move { app.request(Method::POST, &path, &headers, Some(body)).await }
    };

    // A form on another site: text/plain, its own Origin.
    let form = attempt(vec![
        ("cookie", cookie.clone()),
        ("content-type", "text/plain".into()),
        ("origin", "https://evil.example".into()),
    ])
    .await;
    assert_eq!(
        (form.status, form.code()),
        (StatusCode::FORBIDDEN, "cross_site_request_refused")
    );
    // JSON, but no Origin to vouch for it.
    let no_origin = attempt(vec![
        ("cookie", cookie.clone()),
        ("content-type", "application/json".into()),
    ])
    .await;
    assert_eq!(
        (no_origin.status, no_origin.code()),
        (StatusCode::FORBIDDEN, "cross_site_request_refused")
    );
    // JSON from another origin.
    let elsewhere = attempt(vec![
        ("cookie", cookie.clone()),
        ("content-type", "application/json".into()),
        ("origin", "https://evil.example".into()),
    ])
    .await;
    assert_eq!(elsewhere.status, StatusCode::FORBIDDEN);
    assert_eq!(app.invitation_count(&org).await, 0, "nothing was stored");

    // The app's page.
    let allowed = attempt(vec![
        ("cookie", cookie.clone()),
        ("content-type", "application/json; charset=utf-8".into()),
        ("origin", APP_ORIGIN.into()),
    ])
    .await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
    // A same-origin page (the browser says so).
    let revoke = app
        .request(
            Method::POST,
            &format!("{path}/{}/revoke", allowed.id()),
            &[
                ("cookie", cookie.clone()),
                ("content-type", "application/json".into()),
                ("sec-fetch-site", "same-origin".into()),
            ],
            Some("{}".into()),
        )
        .await;
    assert_eq!(revoke.status, StatusCode::OK, "{}", revoke.body);
    // A bearer session is not a cookie: no Origin needed.
    let bearer = app
        .request(
            Method::POST,
            &path,
            &[
                (
                    "authorization",
                    format!("Bearer {}", session_token(&admin, None)),
                ),
                ("content-type", "application/json".into()),
            ],
            Some(
                json!({"email_address": "alan@example.com", "role": "org:member", "notify": false})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(bearer.status, StatusCode::OK, "{}", bearer.body);
    // Reads by cookie are unaffected.
    let read = app
        .request(Method::GET, &path, &[("cookie", cookie)], None)
        .await;
    assert_eq!(read.status, StatusCode::OK);
}
