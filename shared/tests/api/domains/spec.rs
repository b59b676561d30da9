//! Every domain operation Clerk's Backend API has, on success and on its error paths, answered
//! over HTTP and validated against Clerk's published schema, on both stores.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::helpers::app::TestApp;
use crate::helpers::{domain_policy, dynamodb_store, CallLog};
use crate::spec::checked::Checked;

async fn domains_answer_in_clerks_shape(app: TestApp) {
    let c = Checked::new();
    use Method as M;
    use StatusCode as S;
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let (other, _) = {
        let o = app
            .post("/v1/organizations", json!({"name": "Other"}))
            .await;
        (o.id(), ())
    };
    let domains = format!("/v1/organizations/{org}/domains");
    let spec_list = "/organizations/{organization_id}/domains";
    let spec_one = "/organizations/{organization_id}/domains/{domain_id}";

    let made = c
        .call(
            &app,
            M::POST,
            &domains,
            Some(json!({"name": "Acme.TEST", "enrollment_mode": "automatic_suggestion"})),
        )
        .await;
    c.check(&made, "post", spec_list, S::OK);
    assert_eq!(made.body["name"], "acme.test");
    assert_eq!(
        made.body["affiliation_verification"]["status"], "verified",
        "a backend's is verified"
    );
    let id = made.id();

    let unverified = c
        .call(
            &app,
            M::POST,
            &domains,
            Some(json!({"name": "acme-labs.test", "verified": false})),
        )
        .await;
    c.check(&unverified, "post", spec_list, S::OK);
    assert_eq!(unverified.body["enrollment_mode"], "manual_invitation");
    assert_eq!(
        unverified.body["affiliation_verification"]["status"],
        "unverified"
    );

    // Refusals, each with its own code, nothing stored.
    for (name, status, code) in [
        (
            "gmail.com",
            S::UNPROCESSABLE_ENTITY,
            "organization_domain_common",
        ),
        (
            "mailinator.com",
            S::UNPROCESSABLE_ENTITY,
            "organization_domain_blocked",
        ),
        (
            "co.uk",
            S::UNPROCESSABLE_ENTITY,
            "organization_domain_public_suffix",
        ),
        (
            "not a domain",
            S::UNPROCESSABLE_ENTITY,
            "organization_domain_invalid",
        ),
        ("acme.test", S::BAD_REQUEST, "duplicate_record"),
    ] {
        let refused = c
            .call(&app, M::POST, &domains, Some(json!({"name": name})))
            .await;
        c.check(&refused, "post", spec_list, status);
        assert_eq!(refused.code(), code, "{name}");
    }
    let elsewhere = c
        .call(
            &app,
            M::POST,
            &format!("/v1/organizations/{other}/domains"),
            Some(json!({"name": "acme.test"})),
        )
        .await;
    c.check(&elsewhere, "post", spec_list, S::BAD_REQUEST);
    assert_eq!(
        elsewhere.code(),
        "organization_domain_verified_by_another_organization"
    );
    let missing = c
        .call(
            &app,
            M::POST,
            "/v1/organizations/org_missing/domains",
            Some(json!({"name": "nobody.test"})),
        )
        .await;
    c.check(&missing, "post", spec_list, S::NOT_FOUND);

    let listed = c.call(&app, M::GET, &domains, None).await;
    c.check(&listed, "get", spec_list, S::OK);
    assert_eq!(listed.body["total_count"], 2);
    let verified_only = c
        .call(&app, M::GET, &format!("{domains}?verified=true"), None)
        .await;
    c.check(&verified_only, "get", spec_list, S::OK);
    assert_eq!(verified_only.body["total_count"], 1);
    let not_suggesting = c
        .call(
            &app,
            M::GET,
            &format!("{domains}?enrollment_mode=-automatic_suggestion"),
            None,
        )
        .await;
    c.check(&not_suggesting, "get", spec_list, S::OK);
    assert_eq!(not_suggesting.body["data"][0]["name"], "acme-labs.test");
    let bad_filter = c
        .call(&app, M::GET, &format!("{domains}?verified=maybe"), None)
        .await;
    assert_eq!(bad_filter.status, S::BAD_REQUEST);

    let patched = c
        .call(
            &app,
            M::PATCH,
            &format!("{domains}/{id}"),
            Some(json!({"enrollment_mode": "automatic_invitation"})),
        )
        .await;
    c.check(&patched, "patch", spec_one, S::OK);
    assert_eq!(patched.body["enrollment_mode"], "automatic_invitation");
    let bad_mode = c
        .call(
            &app,
            M::PATCH,
            &format!("{domains}/{id}"),
            Some(json!({"enrollment_mode": "carrier_pigeon"})),
        )
        .await;
    c.check(&bad_mode, "patch", spec_one, S::UNPROCESSABLE_ENTITY);
    let gone = c
        .call(
            &app,
            M::PATCH,
            &format!("{domains}/orgdmn_missing"),
            Some(json!({"verified": true})),
        )
        .await;
    c.check(&gone, "patch", spec_one, S::NOT_FOUND);

    let owned = c
        .call(
            &app,
            M::POST,
            &format!("{domains}/{id}/verify_ownership"),
            None,
        )
        .await;
    c.check(
        &owned,
        "post",
        &format!("{spec_one}/verify_ownership"),
        S::OK,
    );
    assert_eq!(
        owned.body["ownership_verification"]["strategy"],
        "manual_override"
    );

    let all = c
        .call(&app, M::GET, "/v1/organization_domains?order_by=name", None)
        .await;
    c.check(&all, "get", "/organization_domains", S::OK);
    assert_eq!(all.body["total_count"], 2);
    assert_eq!(all.body["data"][0]["name"], "acme-labs.test");
    let by_org = c
        .call(
            &app,
            M::GET,
            &format!("/v1/organization_domains?organization_id={org}&verified=true"),
            None,
        )
        .await;
    c.check(&by_org, "get", "/organization_domains", S::OK);
    assert_eq!(by_org.body["total_count"], 1);
    let by_prefix = c
        .call(&app, M::GET, "/v1/organization_domains?query=acme-l", None)
        .await;
    c.check(&by_prefix, "get", "/organization_domains", S::OK);
    assert_eq!(by_prefix.body["data"].as_array().unwrap().len(), 1);
    let by_name = c
        .call(
            &app,
            M::GET,
            "/v1/organization_domains?domains=acme.test",
            None,
        )
        .await;
    c.check(&by_name, "get", "/organization_domains", S::OK);
    assert_eq!(by_name.body["data"][0]["id"], id.as_str());
    let blank = c
        .call(&app, M::GET, "/v1/organization_domains?query=%20", None)
        .await;
    assert_eq!(blank.status, S::BAD_REQUEST);

    let deleted = c
        .call(&app, M::DELETE, &format!("{domains}/{id}"), None)
        .await;
    c.check(&deleted, "delete", spec_one, S::OK);
    assert_eq!(deleted.body["deleted"], true);
    let again = c
        .call(&app, M::DELETE, &format!("{domains}/{id}"), None)
        .await;
    c.check(&again, "delete", spec_one, S::NOT_FOUND);
    // The name is free again: another organization may claim it.
    let claimed = c
        .call(
            &app,
            M::POST,
            &format!("/v1/organizations/{other}/domains"),
            Some(json!({"name": "acme.test"})),
        )
        .await;
    c.check(&claimed, "post", spec_list, S::OK);
}

async fn ten_at_most(app: TestApp) {
    let (org, _) = app.org_with_admin("Acme", 0).await;
    for n in 0..10 {
        let made = app
            .post(
                &format!("/v1/organizations/{org}/domains"),
                json!({"name": format!("d{n}.acme.test")}),
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    }
    let eleventh = app
        .post(
            &format!("/v1/organizations/{org}/domains"),
            json!({"name": "d10.acme.test"}),
        )
        .await;
    assert_eq!(eleventh.status, StatusCode::FORBIDDEN);
    assert_eq!(eleventh.code(), "organization_domain_quota_exceeded");
}

fn memory_app() -> TestApp {
    TestApp::builder().policy(domain_policy()).build()
}

async fn dynamodb_app() -> TestApp {
    let store = dynamodb_store(&CallLog::default()).await;
    TestApp::builder()
        .store(Arc::new(store))
        .policy(domain_policy())
        .build()
}

#[tokio::test]
async fn domain_routes_answer_in_clerks_shape_in_memory() {
    domains_answer_in_clerks_shape(memory_app()).await;
    ten_at_most(memory_app()).await;
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn domain_routes_answer_in_clerks_shape_on_dynamodb() {
    domains_answer_in_clerks_shape(dynamodb_app().await).await;
    ten_at_most(dynamodb_app().await).await;
}

#[tokio::test]
async fn domains_are_off_unless_the_instance_turns_them_on() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme", 0).await;
    let refused = app
        .post(
            &format!("/v1/organizations/{org}/domains"),
            json!({"name": "acme.test"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "organization_domains_not_enabled");
}
