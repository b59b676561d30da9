//! Creating invitations over HTTP: one and in bulk, every bad input with its code, nothing stored on refusal.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::helpers::app::TestApp;

#[tokio::test]
async fn the_walkthrough_creates_invites_lists_gets_and_revokes_in_clerks_shapes() {
    let app = TestApp::new();
    let (org, admin) = app.org_with_admin("Acme Inc", 0).await;

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
    assert_eq!(
        inv["expires_at"],
        json!(crate::helpers::T0 + 30 * crate::helpers::DAY)
    );
    assert_eq!(inv["created_at"], json!(crate::helpers::T0));
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
    let (org, _) = app.org_with_admin("Acme Inc", 0).await;
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

    assert_eq!(app.invitation_count(&org).await, 0, "nothing was stored");
    let org_now = app.get(&format!("/v1/organizations/{org}")).await;
    assert_eq!(org_now.body["pending_invitations_count"], 0);
}

#[tokio::test]
async fn the_domain_refusals_map_to_clerks_codes() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme Inc", 3).await;
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
    assert_eq!(app.invitation_count(&org).await, 2);
}

#[tokio::test]
async fn bulk_answers_per_item_and_refuses_a_malformed_batch_whole() {
    let app = TestApp::new();
    let (org, _) = app.org_with_admin("Acme Inc", 0).await;
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
        app.invitation_count(&org).await,
        3,
        "only the valid items of valid batches were stored"
    );
}
