//! Signed-in people on the invitation routes: they act as themselves, their stored membership decides, non-members see nothing.
use crate::helpers::app::{session_token, Reply, TestApp};
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

struct Org {
    app: TestApp,
    id: String,
    admin: String,
    member: String,
}

async fn org() -> Org {
    let app = TestApp::new();
    let admin = app
        .post(
            "/v1/users",
            json!({"email_address": ["admin@acme.test"], "first_name": "Ada"}),
        )
        .await
        .id();
    let member = app
        .post("/v1/users", json!({"email_address": ["member@acme.test"]}))
        .await
        .id();
    let id = app
        .post(
            "/v1/organizations",
            json!({"name": "Acme", "created_by": admin}),
        )
        .await
        .id();
    app.post(
        &format!("/v1/organizations/{id}/memberships"),
        json!({"user_id": member, "role": "org:member"}),
    )
    .await;
    Org {
        app,
        id,
        admin,
        member,
    }
}

async fn as_user(o: &Org, user: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
    o.app
        .request(
            method,
            path,
            &[
                (
                    "authorization",
                    format!("Bearer {}", session_token(user, None)),
                ),
                ("content-type", "application/json".into()),
            ],
            body.map(|b| b.to_string()),
        )
        .await
}

#[tokio::test]
async fn an_admin_invites_as_themselves_and_sees_no_private_data() {
    let o = org().await;
    let path = format!("/v1/organizations/{}/invitations", o.id);
    let created = as_user(
        &o,
        &o.admin,
        Method::POST,
        &path,
        Some(json!({"email_address": "grace@example.com", "role": "org:member"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["inviter_id"], o.admin.as_str());
    assert!(created.body.get("private_metadata").is_none());
    assert!(created.body.get("delivery").is_none());

    let private = as_user(&o, &o.admin, Method::POST, &path, Some(json!({"email_address": "x@example.com", "role": "org:member", "private_metadata": {"a": 1}}))).await;
    assert_eq!(
        (private.status, private.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "private_metadata")
    );
    let impersonating = as_user(&o, &o.admin, Method::POST, &path, Some(json!({"email_address": "y@example.com", "role": "org:member", "inviter_user_id": o.member}))).await;
    assert_eq!(
        (impersonating.status, impersonating.code()),
        (StatusCode::FORBIDDEN, "not_allowed_access")
    );
}

#[tokio::test]
async fn a_member_without_the_permission_can_read_but_not_invite() {
    let o = org().await;
    let path = format!("/v1/organizations/{}/invitations", o.id);
    let id = o.app.post(&path, json!({"email_address": "grace@example.com", "role": "org:member", "private_metadata": {"crm": 1}})).await.id();

    let invite = as_user(
        &o,
        &o.member,
        Method::POST,
        &path,
        Some(json!({"email_address": "z@example.com", "role": "org:member"})),
    )
    .await;
    assert_eq!(
        (invite.status, invite.code()),
        (StatusCode::FORBIDDEN, "not_allowed_access")
    );
    let listed = as_user(
        &o,
        &o.member,
        Method::GET,
        &format!("{path}?status=pending"),
        None,
    )
    .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["total_count"], 1);
    assert!(
        listed.body["data"][0].get("private_metadata").is_none(),
        "members never see private metadata"
    );
    let _ = id;
}

#[tokio::test]
async fn to_anyone_outside_the_organization_its_invitations_do_not_exist() {
    let o = org().await;
    let path = format!("/v1/organizations/{}/invitations", o.id);
    let id = o
        .app
        .post(
            &path,
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await
        .id();
    let outsider = o
        .app
        .post(
            "/v1/users",
            json!({"email_address": ["outsider@example.com"]}),
        )
        .await
        .id();
    for (method, p) in [
        (Method::GET, path.clone()),
        (Method::GET, format!("{path}/{id}")),
    ] {
        let reply = as_user(&o, &outsider, method, &p, None).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::NOT_FOUND, "resource_not_found"),
            "{p}"
        );
    }
    let cookie = o
        .app
        .request(
            Method::GET,
            &path,
            &[(
                "cookie",
                format!("__session={}", session_token(&o.admin, None)),
            )],
            None,
        )
        .await;
    assert_eq!(
        cookie.status,
        StatusCode::OK,
        "the __session cookie works too"
    );
}
