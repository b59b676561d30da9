//! Revoking: pending invitations only, by members who manage, never across organizations.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::app::{session_token, TestApp, KEY};

#[tokio::test]
async fn another_organizations_invitation_cannot_be_seen_or_revoked() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme Inc", 0).await;
    let other = app
        .post("/v1/organizations", json!({"name": "Other"}))
        .await
        .id();
    let id = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await
        .id();
    let unknown = "orginv_000000000000000000000000000";
    for inv in [id.as_str(), unknown] {
        let got = app
            .get(&format!("/v1/organizations/{other}/invitations/{inv}"))
            .await;
        assert_eq!(
            (got.status, got.code()),
            (StatusCode::NOT_FOUND, "resource_not_found")
        );
        let revoked = app
            .post(
                &format!("/v1/organizations/{other}/invitations/{inv}/revoke"),
                json!({}),
            )
            .await;
        assert_eq!(
            (revoked.status, revoked.code()),
            (StatusCode::NOT_FOUND, "resource_not_found")
        );
    }
    let listed = app
        .get(&format!("/v1/organizations/{other}/invitations"))
        .await;
    assert_eq!(listed.body["total_count"], 0);
    let still = app
        .get(&format!("/v1/organizations/{org}/invitations/{id}"))
        .await;
    assert_eq!(still.body["status"], "pending");
}

#[tokio::test]
async fn revoke_is_for_pending_invitations_and_for_members_who_manage() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme Inc", 0).await;
    let member = app
        .post("/v1/users", json!({"email_address": ["m@example.com"]}))
        .await
        .id();
    let added = app
        .post(
            &format!("/v1/organizations/{org}/memberships"),
            json!({"user_id": member, "role": "basic_member"}),
        )
        .await;
    assert_eq!(added.body["role"], "org:member");
    let id = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await
        .id();
    let path = format!("/v1/organizations/{org}/invitations/{id}/revoke");
    let denied = app.post(&path, json!({"requesting_user_id": member})).await;
    assert_eq!(
        (denied.status, denied.code()),
        (StatusCode::FORBIDDEN, "not_allowed_access")
    );
    let bad = app.post(&path, json!({"requesting_user_id": 5})).await;
    assert_eq!(
        (bad.status, bad.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "requesting_user_id")
    );
    let empty = app.call(Method::POST, &path, None, Some(KEY)).await;
    assert_eq!(
        empty.status,
        StatusCode::OK,
        "a backend may revoke without naming a user"
    );
    let twice = app.post(&path, json!({})).await;
    assert_eq!(
        (twice.status, twice.code()),
        (
            StatusCode::BAD_REQUEST,
            "organization_invitation_not_pending"
        )
    );
    assert_eq!(twice.body["errors"][0]["meta"]["status"], "revoked");
}

#[tokio::test]
async fn a_signed_in_member_who_cannot_manage_may_not_revoke_and_an_admin_may() {
    let app = TestApp::new();
    let (org, admin) = app.org_with_admin("Acme Inc", 0).await;
    let member = app
        .post("/v1/users", json!({"email_address": ["m@example.com"]}))
        .await
        .id();
    app.post(
        &format!("/v1/organizations/{org}/memberships"),
        json!({"user_id": member, "role": "org:member"}),
    )
    .await;
    let id = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await
        .id();
    let path = format!("/v1/organizations/{org}/invitations/{id}/revoke");
    let as_user = |user: String| {
        let app = &app;
        let path = path.clone();
        async move {
            let token = format!("Bearer {}", session_token(&user, None));
            app.request(
                Method::POST,
                &path,
                &[
                    ("authorization", token),
                    ("content-type", "application/json".into()),
                ],
                None,
            )
            .await
        }
    };
    let denied = as_user(member).await;
    assert_eq!(
        (denied.status, denied.code()),
        (StatusCode::FORBIDDEN, "not_allowed_access")
    );
    let revoked = as_user(admin).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert_eq!(revoked.body["status"], "revoked");
}
