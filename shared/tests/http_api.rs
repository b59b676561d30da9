//! Every route through the in-process router: shapes, status codes, error codes, and that a
//! refused request stores nothing.

mod common;

use axum::http::{Method, StatusCode};
use common::app::{TestApp, KEY};
use serde_json::{json, Value};

/// An admin user and their organization, created over HTTP.
async fn setup(app: &TestApp, max: u32) -> (String, String) {
    let user = app
        .post("/v1/users", json!({"email_address": ["admin@acme.test"], "first_name": "Ada", "last_name": "Lovelace"}))
        .await;
    assert_eq!(user.status, StatusCode::OK, "{}", user.body);
    let admin = user.id();
    let org = app
        .post(
            "/v1/organizations",
            json!({"name": "Acme Inc", "created_by": admin, "max_allowed_memberships": max}),
        )
        .await;
    assert_eq!(org.status, StatusCode::OK, "{}", org.body);
    (org.id(), admin)
}

async fn invitation_count(app: &TestApp, org: &str) -> u64 {
    app.get(&format!("/v1/organizations/{org}/invitations"))
        .await
        .body["total_count"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn the_walkthrough_creates_invites_lists_gets_and_revokes_in_clerks_shapes() {
    let app = TestApp::new();
    let (org, admin) = setup(&app, 0).await;

    let created = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member", "inviter_user_id": admin,
                   "public_metadata": {"team": "core"}, "private_metadata": {"crm": 7}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.headers["content-type"], "application/json");
    let inv = &created.body;
    assert_eq!(inv["object"], "organization_invitation");
    assert!(inv["id"].as_str().unwrap().starts_with("orginv_"));
    assert_eq!(inv["email_address"], "grace@example.com");
    assert_eq!(inv["role"], "org:member");
    assert_eq!(inv["role_name"], "Member");
    assert_eq!(inv["organization_id"], org.as_str());
    assert_eq!(inv["inviter_id"], admin.as_str());
    assert_eq!(inv["public_inviter_data"]["first_name"], "Ada");
    assert_eq!(inv["public_inviter_data"]["identifier"], "admin@acme.test");
    assert_eq!(inv["public_organization_data"]["name"], "Acme Inc");
    assert_eq!(inv["status"], "pending");
    assert_eq!(inv["public_metadata"], json!({"team": "core"}));
    assert_eq!(inv["private_metadata"], json!({"crm": 7}));
    assert_eq!(inv["expires_at"], json!(common::T0 + 30 * common::DAY));
    assert_eq!(inv["created_at"], json!(common::T0));
    let id = created.id();

    let listed = app
        .get(&format!(
            "/v1/organizations/{org}/invitations?status=pending"
        ))
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["total_count"], 1);
    assert_eq!(listed.body["data"][0]["id"], id.as_str());

    let got = app
        .get(&format!("/v1/organizations/{org}/invitations/{id}"))
        .await;
    let url = created.body["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://invitations.test/v1/tickets/accept?ticket=ey"),
        "{url}"
    );
    assert_eq!(
        got.body["url"],
        Value::Null,
        "the link is shown once, on create"
    );
    let mut without_url = created.body.clone();
    without_url["url"] = Value::Null;
    assert_eq!(got.body, without_url);

    let revoked = app
        .post(
            &format!("/v1/organizations/{org}/invitations/{id}/revoke"),
            json!({"requesting_user_id": admin}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert_eq!(revoked.body["status"], "revoked");

    let memberships = app
        .get(&format!("/v1/organizations/{org}/memberships"))
        .await;
    assert_eq!(memberships.body["total_count"], 1);
    let m = &memberships.body["data"][0];
    assert_eq!(m["object"], "organization_membership");
    assert_eq!(m["role"], "org:admin");
    assert_eq!(m["organization"]["id"], org.as_str());
    assert_eq!(m["public_user_data"]["user_id"], admin.as_str());
    assert!(m["permissions"]
        .as_array()
        .unwrap()
        .contains(&json!("org:sys_memberships:manage")));
}

#[tokio::test]
async fn every_bad_create_gets_its_status_and_code_and_stores_nothing() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 0).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let ok = json!({"email_address": "grace@example.com", "role": "org:member"});
    let with = |key: &str, value: Value| {
        let mut body = ok.clone();
        body[key] = value;
        body
    };
    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (
            json!({"role": "org:member"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "email_address",
        ),
        (
            json!({"email_address": "grace@example.com"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_missing",
            "role",
        ),
        (
            with("email_address", json!(42)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "email_address",
        ),
        (
            with("email_address", json!("grace")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "email_address",
        ),
        (
            with("email_address", json!("a@b.c\r\nBcc: x@evil.example")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "email_address",
        ),
        (
            with("role", json!("org:owner")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "role",
        ),
        (
            with("role", json!(["org:member"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "role",
        ),
        (
            with("public_metadata", json!({"k": "x".repeat(8200)})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "public_metadata",
        ),
        (
            with("private_metadata", json!("text")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "private_metadata",
        ),
        (
            with("expires_in_days", json!(0)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "expires_in_days",
        ),
        (
            with("expires_in_days", json!(366)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "expires_in_days",
        ),
        (
            with("expires_in_days", json!(1.5)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "expires_in_days",
        ),
        (
            with("notify", json!("false")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "notify",
        ),
        (
            with("redirect_url", json!("javascript:alert(1)")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_value_invalid",
            "redirect_url",
        ),
        (
            with("inviter_user_id", json!(7)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "inviter_user_id",
        ),
        (
            with("inviter_user_id", json!("user_nobody")),
            StatusCode::FORBIDDEN,
            "not_allowed_access",
            "",
        ),
        (
            json!(["grace@example.com"]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
            "body",
        ),
    ];
    for (body, status, code, param) in cases {
        let reply = app.post(&path, body.clone()).await;
        assert_eq!(
            (reply.status, reply.code(), reply.param()),
            (status, code, param),
            "{body}"
        );
        assert!(reply.body["clerk_trace_id"].is_string());
        assert_eq!(
            reply.body["errors"][0]["long_message"]
                .as_str()
                .map(|m| !m.is_empty()),
            Some(true)
        );
    }
    for (raw, status, code) in [
        (
            "{\"email_address\": ",
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
        ("not json", StatusCode::BAD_REQUEST, "malformed_request"),
        (
            "",
            StatusCode::UNPROCESSABLE_ENTITY,
            "form_param_format_invalid",
        ),
    ] {
        let reply = app.post_raw(&path, raw).await;
        assert_eq!((reply.status, reply.code()), (status, code), "{raw:?}");
    }
    let huge = format!(
        "{{\"email_address\": \"grace@example.com\", \"role\": \"org:member\", \"pad\": \"{}\"}}",
        "x".repeat(300_000)
    );
    let reply = app.post_raw(&path, &huge).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::PAYLOAD_TOO_LARGE, "request_body_too_large")
    );

    assert_eq!(invitation_count(&app, &org).await, 0, "nothing was stored");
    let org_now = app.get(&format!("/v1/organizations/{org}")).await;
    assert_eq!(org_now.body["pending_invitations_count"], 0);
}

#[tokio::test]
async fn the_domain_refusals_map_to_clerks_codes() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 3).await;
    let path = format!("/v1/organizations/{org}/invitations");
    let invite = |email: &str| json!({"email_address": email, "role": "org:member"});
    assert_eq!(
        app.post(&path, invite("a@example.com")).await.status,
        StatusCode::OK
    );
    let dup = app.post(&path, invite("A@EXAMPLE.com")).await;
    assert_eq!(
        (dup.status, dup.code()),
        (StatusCode::BAD_REQUEST, "duplicate_record")
    );
    let member = app.post(&path, invite("admin@acme.test")).await;
    assert_eq!(
        (member.status, member.code()),
        (StatusCode::BAD_REQUEST, "already_a_member_in_organization")
    );
    assert_eq!(
        app.post(&path, invite("b@example.com")).await.status,
        StatusCode::OK
    );
    let full = app.post(&path, invite("c@example.com")).await;
    assert_eq!(
        (full.status, full.code()),
        (
            StatusCode::FORBIDDEN,
            "organization_membership_quota_exceeded"
        )
    );
    let unknown = app
        .post(
            "/v1/organizations/org_unknown/invitations",
            invite("c@example.com"),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "resource_not_found")
    );
    assert_eq!(invitation_count(&app, &org).await, 2);
}

#[tokio::test]
async fn a_missing_or_wrong_secret_key_is_refused_before_the_body_is_read() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 0).await;
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
    assert_eq!(invitation_count(&app, &org).await, 0);
}

#[tokio::test]
async fn another_organizations_invitation_cannot_be_seen_or_revoked() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 0).await;
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
async fn every_bad_list_query_gets_its_code() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 0).await;
    for (q, code, param) in [
        ("limit=0", "form_param_value_invalid", "limit"),
        ("limit=501", "form_param_value_invalid", "limit"),
        ("limit=abc", "form_param_format_invalid", "limit"),
        ("offset=-1", "form_param_format_invalid", "offset"),
        ("status=open", "form_param_value_invalid", "status"),
        ("order_by=role", "form_param_value_invalid", "order_by"),
        (
            "email_address=nope",
            "form_param_format_invalid",
            "email_address",
        ),
        ("cursor=%%%", "form_param_format_invalid", "cursor"),
    ] {
        let reply = app
            .get(&format!("/v1/organizations/{org}/invitations?{q}"))
            .await;
        assert_eq!(
            (reply.status, reply.code(), reply.param()),
            (StatusCode::UNPROCESSABLE_ENTITY, code, param),
            "{q}"
        );
    }
    let ok = app.get(&format!("/v1/organizations/{org}/invitations?limit=500&offset=0&status=pending&status=expired&order_by=-email_address")).await;
    assert_eq!(ok.status, StatusCode::OK);
    let members = app
        .get(&format!("/v1/organizations/{org}/memberships?limit=0"))
        .await;
    assert_eq!(
        (members.status, members.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "limit")
    );
}

#[tokio::test]
async fn bulk_answers_per_item_and_refuses_a_malformed_batch_whole() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 0).await;
    let path = format!("/v1/organizations/{org}/invitations/bulk");
    let item = |email: &str| json!({"email_address": email, "role": "org:member"});

    let all = app
        .post(&path, json!([item("a@example.com"), item("b@example.com")]))
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(all.body["total_count"], 2);
    assert_eq!(all.body["data"][1]["email_address"], "b@example.com");

    let mixed = app
        .post(
            &path,
            json!([
                item("c@example.com"),
                item("a@example.com"),
                item("admin@acme.test")
            ]),
        )
        .await;
    assert_eq!(mixed.status, StatusCode::MULTI_STATUS, "{}", mixed.body);
    assert_eq!(mixed.body["data"][0]["object"], "organization_invitation");
    assert_eq!(mixed.body["data"][1]["object"], "error");
    assert_eq!(
        mixed.body["data"][1]["errors"][0]["code"],
        "duplicate_record"
    );
    assert_eq!(mixed.body["data"][1]["status"], 400);
    assert_eq!(
        mixed.body["data"][2]["errors"][0]["code"],
        "already_a_member_in_organization"
    );

    let malformed = app.post(&path, json!([item("d@example.com"), {"email_address": "nope", "role": "org:member"}, {"email_address": "e@example.com"}])).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
    let params: Vec<&str> = malformed.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["meta"]["param_name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["[1].email_address", "[2].role"]);

    let eleven: Vec<Value> = (0..11)
        .map(|i| item(&format!("x{i}@example.com")))
        .collect();
    assert_eq!(app.post(&path, json!(eleven)).await.param(), "body");
    assert_eq!(app.post(&path, json!([])).await.param(), "body");
    assert_eq!(app.post(&path, item("f@example.com")).await.param(), "body");

    assert_eq!(
        invitation_count(&app, &org).await,
        3,
        "only the valid items of valid batches were stored"
    );
}

#[tokio::test]
async fn revoke_is_for_pending_invitations_and_for_members_who_manage() {
    let app = TestApp::new();
    let (org, _) = setup(&app, 0).await;
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
async fn users_organizations_and_memberships_have_their_routes() {
    let app = TestApp::new();
    let (org, admin) = setup(&app, 0).await;
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
