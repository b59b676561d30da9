//! Users, organizations and memberships.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::app::{TestApp, KEY};

#[tokio::test]
async fn users_organizations_and_memberships_have_their_routes() {
    let app = TestApp::new();
    let (org, admin) = app.org_with_admin("Acme Inc", 0).await;
    let user = app.get(&format!("/v1/users/{admin}")).await;
    assert_eq!(user.body["object"], "user");
    assert_eq!(
        user.body["email_addresses"][0]["email_address"],
        "admin@acme.test"
    );
    assert_eq!(
        user.body["primary_email_address_id"],
        user.body["email_addresses"][0]["id"]
    );
    let taken = app
        .post("/v1/users", json!({"email_address": ["ADMIN@acme.test"]}))
        .await;
    assert_eq!(
        (taken.status, taken.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_identifier_exists")
    );
    let by_slug = app.get("/v1/organizations/acme-inc").await;
    assert_eq!(by_slug.body["id"], org.as_str());
    assert_eq!(by_slug.body["members_count"], 1);
    let no_name = app.post("/v1/organizations", json!({"slug": "x"})).await;
    assert_eq!(
        (no_name.status, no_name.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "form_param_missing")
    );
    let grace = app
        .post("/v1/users", json!({"email_address": "grace@example.com"}))
        .await
        .id();
    let path = format!("/v1/organizations/{org}/memberships/{grace}");
    assert_eq!(
        app.post(
            &format!("/v1/organizations/{org}/memberships"),
            json!({"user_id": grace, "role": "org:member"})
        )
        .await
        .status,
        StatusCode::OK
    );
    let patched = app
        .call(
            Method::PATCH,
            &path,
            Some(json!({"role": "org:admin"}).to_string()),
            Some(KEY),
        )
        .await;
    assert_eq!(patched.body["role"], "org:admin");
    let bad_role = app
        .call(
            Method::PATCH,
            &path,
            Some(json!({"role": "owner"}).to_string()),
            Some(KEY),
        )
        .await;
    assert_eq!(
        (bad_role.status, bad_role.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "role")
    );
    let deleted = app.call(Method::DELETE, &path, None, Some(KEY)).await;
    assert_eq!(deleted.status, StatusCode::OK);
    assert_eq!(deleted.body["organization"]["members_count"], 1);
    let gone = app.call(Method::DELETE, &path, None, Some(KEY)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
