//! What every route shares: the secret key, unknown routes and methods, the error envelope.

use axum::http::{Method, StatusCode};

use crate::helpers::app::{TestApp, KEY};

#[tokio::test]
async fn a_missing_or_wrong_secret_key_is_refused_before_the_body_is_read() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme Inc", 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    for key in [
        None,
        Some("sk_test_wrong_key_000000000"),
        Some(""),
        Some(&KEY[..KEY.len() - 1]),
    ] {
        let reply = app
            .call(Method::POST, &path, Some("{not json".into()), key)
            .await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::UNAUTHORIZED, "authentication_invalid"),
            "{key:?}"
        );
        let reply = app.call(Method::GET, &path, None, key).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let basic = app
        .send(
            axum::http::Request::get(&path)
                .header("authorization", format!("Basic {KEY}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    let rotated = app
        .call(Method::GET, &path, None, Some("sk_test_rotated_key_00000"))
        .await;
    assert_eq!(
        rotated.status,
        StatusCode::OK,
        "every configured key is accepted"
    );
    assert_eq!(app.invitation_count(&org).await, 0);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_envelope() {
    let app = TestApp::new();
    let nowhere = app.get("/v1/nowhere").await;
    assert_eq!(
        (nowhere.status, nowhere.code()),
        (StatusCode::NOT_FOUND, "resource_not_found")
    );
    assert_eq!(nowhere.headers["content-type"], "application/json");
    let wrong = app
        .call(
            Method::PUT,
            "/v1/organizations/org_x/invitations",
            None,
            Some(KEY),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
    let ticket = app
        .call(Method::GET, "/v1/tickets/accept?ticket=x", None, None)
        .await;
    assert_eq!(
        (ticket.status, ticket.code()),
        (StatusCode::BAD_REQUEST, "ticket_malformed")
    );
}
