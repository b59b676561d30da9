//! Clerk's organization list, update and delete, answered and validated against Clerk's
//! published response schema for each status.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::checked::Checked;
use crate::helpers::app::TestApp;

#[tokio::test]
async fn organizations_are_listed_updated_and_deleted_in_clerks_shape() {
    let app = TestApp::new();
    let c = Checked::new();
    use Method as M;
    use StatusCode as S;
    let ada_id = app
        .post("/v1/users", json!({"email_address": ["ada@acme.test"]}))
        .await
        .id();
    let org_id = app
        .post(
            "/v1/organizations",
            json!({"name": "Acme", "created_by": ada_id}),
        )
        .await
        .id();

    // Listing organizations.
    let orgs = c
        .call(&app, M::GET, "/v1/organizations?limit=2", None)
        .await;
    c.check(&orgs, "get", "/organizations", S::OK);
    let mine = c
        .call(
            &app,
            M::GET,
            &format!("/v1/organizations?user_id={ada_id}&query=ac"),
            None,
        )
        .await;
    c.check(&mine, "get", "/organizations", S::OK);
    assert_eq!(mine.body["data"][0]["id"], org_id.as_str());
    let bad_order = c
        .call(&app, M::GET, "/v1/organizations?order_by=name", None)
        .await;
    c.check(&bad_order, "get", "/organizations", S::UNPROCESSABLE_ENTITY);

    // Updating and deleting an organization.
    let spec_org = "/organizations/{organization_id}";
    let doomed = c
        .call(
            &app,
            M::POST,
            "/v1/organizations",
            Some(json!({"name": "Doomed Inc"})),
        )
        .await
        .id();
    let patched = c
        .call(
            &app,
            M::PATCH,
            &format!("/v1/organizations/{doomed}"),
            Some(json!({"name": "Doomed Two", "public_metadata": {"tier": "free"}})),
        )
        .await;
    c.check(&patched, "patch", spec_org, S::OK);
    let bad_slug = c
        .call(
            &app,
            M::PATCH,
            &format!("/v1/organizations/{doomed}"),
            Some(json!({"slug": "Not A Slug"})),
        )
        .await;
    c.check(&bad_slug, "patch", spec_org, S::UNPROCESSABLE_ENTITY);
    let patch_missing = c
        .call(
            &app,
            M::PATCH,
            "/v1/organizations/org_missing",
            Some(json!({"name": "X"})),
        )
        .await;
    c.check(&patch_missing, "patch", spec_org, S::NOT_FOUND);
    let deleted = c
        .call(
            &app,
            M::DELETE,
            &format!("/v1/organizations/{doomed}"),
            None,
        )
        .await;
    c.check(&deleted, "delete", spec_org, S::OK);
    assert_eq!(deleted.body["deleted"], true);
    let gone = c
        .call(
            &app,
            M::DELETE,
            &format!("/v1/organizations/{doomed}"),
            None,
        )
        .await;
    c.check(&gone, "delete", spec_org, S::NOT_FOUND);
}
