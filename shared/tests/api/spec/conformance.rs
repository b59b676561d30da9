//! Every operation this service shares with Clerk's Backend API, on success and on each error
//! path, answered and validated against Clerk's published response schema for that status.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::checked::Checked;
use crate::helpers::app::TestApp;

#[tokio::test]
async fn every_shared_operation_answers_in_clerks_published_shape() {
    let app = TestApp::new();
    let c = Checked::new();
    use Method as M;
    use StatusCode as S;

    // Users.
    let ada = c.call(
        &app,
        M::POST,
        "/v1/users",
        Some(json!({"email_address": ["ada@acme.test"], "first_name": "Ada", "last_name": "Lovelace"})),
    )
    .await;
    c.check(&ada, "post", "/users", S::OK);
    let ada_id = ada.id();
    let grace = c
        .call(
            &app,
            M::POST,
            "/v1/users",
            Some(json!({"email_address": ["grace@example.com"]})),
        )
        .await;
    c.check(&grace, "post", "/users", S::OK);
    let grace_id = grace.id();
    let taken = c
        .call(
            &app,
            M::POST,
            "/v1/users",
            Some(json!({"email_address": ["ADA@acme.test"]})),
        )
        .await;
    c.check(&taken, "post", "/users", S::UNPROCESSABLE_ENTITY);
    let bad = c
        .call(
            &app,
            M::POST,
            "/v1/users",
            Some(json!({"email_address": ["nope"]})),
        )
        .await;
    c.check(&bad, "post", "/users", S::UNPROCESSABLE_ENTITY);
    let got = c
        .call(&app, M::GET, &format!("/v1/users/{ada_id}"), None)
        .await;
    c.check(&got, "get", "/users/{user_id}", S::OK);
    let missing = c.call(&app, M::GET, "/v1/users/user_missing", None).await;
    c.check(&missing, "get", "/users/{user_id}", S::NOT_FOUND);
    let unauthenticated = c
        .call_with(&app, M::GET, &format!("/v1/users/{ada_id}"), None, None)
        .await;
    c.check(&unauthenticated, "get", "/users/{user_id}", S::UNAUTHORIZED);

    // Organizations.
    let org = c
        .call(
            &app,
            M::POST,
            "/v1/organizations",
            Some(json!({"name": "Acme", "created_by": ada_id, "max_allowed_memberships": 3})),
        )
        .await;
    c.check(&org, "post", "/organizations", S::OK);
    let org_id = org.id();
    let nameless = c
        .call(&app, M::POST, "/v1/organizations", Some(json!({})))
        .await;
    c.check(&nameless, "post", "/organizations", S::UNPROCESSABLE_ENTITY);
    let got = c
        .call(&app, M::GET, &format!("/v1/organizations/{org_id}"), None)
        .await;
    c.check(&got, "get", "/organizations/{organization_id}", S::OK);
    let by_slug = c.call(&app, M::GET, "/v1/organizations/acme", None).await;
    c.check(&by_slug, "get", "/organizations/{organization_id}", S::OK);
    let missing = c
        .call(&app, M::GET, "/v1/organizations/org_missing", None)
        .await;
    c.check(
        &missing,
        "get",
        "/organizations/{organization_id}",
        S::NOT_FOUND,
    );

    // Memberships.
    let memberships = format!("/v1/organizations/{org_id}/memberships");
    let spec_memberships = "/organizations/{organization_id}/memberships";
    let added = c
        .call(
            &app,
            M::POST,
            &memberships,
            Some(json!({"user_id": grace_id, "role": "org:member"})),
        )
        .await;
    c.check(&added, "post", spec_memberships, S::OK);
    let again = c
        .call(
            &app,
            M::POST,
            &memberships,
            Some(json!({"user_id": grace_id, "role": "org:member"})),
        )
        .await;
    c.check(&again, "post", spec_memberships, S::BAD_REQUEST);
    let no_role = c
        .call(
            &app,
            M::POST,
            &memberships,
            Some(json!({"user_id": grace_id})),
        )
        .await;
    c.check(&no_role, "post", spec_memberships, S::UNPROCESSABLE_ENTITY);
    let nowhere = c
        .call(
            &app,
            M::POST,
            "/v1/organizations/org_missing/memberships",
            Some(json!({"user_id": grace_id, "role": "org:member"})),
        )
        .await;
    c.check(&nowhere, "post", spec_memberships, S::NOT_FOUND);
    let listed = c.call(&app, M::GET, &memberships, None).await;
    c.check(&listed, "get", spec_memberships, S::OK);
    let bad_limit = c
        .call(&app, M::GET, &format!("{memberships}?limit=0"), None)
        .await;
    c.check(&bad_limit, "get", spec_memberships, S::UNPROCESSABLE_ENTITY);
    let one = "/organizations/{organization_id}/memberships/{user_id}";
    let updated = c
        .call(
            &app,
            M::PATCH,
            &format!("{memberships}/{grace_id}"),
            Some(json!({"role": "org:admin"})),
        )
        .await;
    c.check(&updated, "patch", one, S::OK);
    let bad_role = c
        .call(
            &app,
            M::PATCH,
            &format!("{memberships}/{grace_id}"),
            Some(json!({"role": "org:nope"})),
        )
        .await;
    c.check(&bad_role, "patch", one, S::UNPROCESSABLE_ENTITY);
    let not_member = c
        .call(
            &app,
            M::PATCH,
            &format!("{memberships}/user_missing"),
            Some(json!({"role": "org:admin"})),
        )
        .await;
    c.check(&not_member, "patch", one, S::NOT_FOUND);
    let spec_metadata = "/organizations/{organization_id}/memberships/{user_id}/metadata";
    let merged = c
        .call(
            &app,
            M::PATCH,
            &format!("{memberships}/{grace_id}/metadata"),
            Some(json!({"public_metadata": {"team": "core"}, "private_metadata": {"n": 1}})),
        )
        .await;
    c.check(&merged, "patch", spec_metadata, S::OK);
    assert_eq!(merged.body["public_metadata"]["team"], "core");
    let not_object = c
        .call(
            &app,
            M::PATCH,
            &format!("{memberships}/{grace_id}/metadata"),
            Some(json!({"public_metadata": [1]})),
        )
        .await;
    c.check(&not_object, "patch", spec_metadata, S::UNPROCESSABLE_ENTITY);
    let no_member = c
        .call(
            &app,
            M::PATCH,
            &format!("{memberships}/user_missing/metadata"),
            Some(json!({"public_metadata": {"a": 1}})),
        )
        .await;
    c.check(&no_member, "patch", spec_metadata, S::NOT_FOUND);
    let removed = c
        .call(&app, M::DELETE, &format!("{memberships}/{grace_id}"), None)
        .await;
    c.check(&removed, "delete", one, S::OK);
    let gone = c
        .call(&app, M::DELETE, &format!("{memberships}/{grace_id}"), None)
        .await;
    c.check(&gone, "delete", one, S::NOT_FOUND);

    // Invitations.
    let invitations = format!("/v1/organizations/{org_id}/invitations");
    let spec_invitations = "/organizations/{organization_id}/invitations";
    let created = c
        .call(
            &app,
            M::POST,
            &invitations,
            Some(
                json!({"email_address": "grace@example.com", "role": "org:member",
                    "inviter_user_id": ada_id, "public_metadata": {"plan": "pro"}}),
            ),
        )
        .await;
    c.check(&created, "post", spec_invitations, S::OK);
    let inv_id = created.id();
    let duplicate = c
        .call(
            &app,
            M::POST,
            &invitations,
            Some(json!({"email_address": "GRACE@example.com", "role": "org:member"})),
        )
        .await;
    c.check(&duplicate, "post", spec_invitations, S::BAD_REQUEST);
    let invalid = c
        .call(
            &app,
            M::POST,
            &invitations,
            Some(json!({"email_address": "nope", "role": "org:member"})),
        )
        .await;
    c.check(&invalid, "post", spec_invitations, S::UNPROCESSABLE_ENTITY);
    let no_org = c
        .call(
            &app,
            M::POST,
            "/v1/organizations/org_missing/invitations",
            Some(json!({"email_address": "x@example.com", "role": "org:member"})),
        )
        .await;
    c.check(&no_org, "post", spec_invitations, S::NOT_FOUND);
    let second = c
        .call(
            &app,
            M::POST,
            &invitations,
            Some(
                json!({"email_address": "alan@example.com", "role": "org:member", "notify": false}),
            ),
        )
        .await;
    c.check(&second, "post", spec_invitations, S::OK);
    let over_quota = c
        .call(
            &app,
            M::POST,
            &invitations,
            Some(
                json!({"email_address": "kate@example.com", "role": "org:member", "notify": false}),
            ),
        )
        .await;
    c.check(&over_quota, "post", spec_invitations, S::FORBIDDEN);
    let not_allowed = c
        .call(
            &app,
            M::POST,
            &invitations,
            Some(
                json!({"email_address": "kate@example.com", "role": "org:member",
                    "inviter_user_id": grace_id}),
            ),
        )
        .await;
    c.check(&not_allowed, "post", spec_invitations, S::FORBIDDEN);

    let bulk = "/organizations/{organization_id}/invitations/bulk";
    let (org2, _) = (
        c.call(
            &app,
            M::POST,
            "/v1/organizations",
            Some(json!({"name": "Bulk Co"})),
        )
        .await
        .id(),
        (),
    );
    let made = c
        .call(
            &app,
            M::POST,
            &format!("/v1/organizations/{org2}/invitations/bulk"),
            Some(
                json!([{"email_address": "a@example.com", "role": "org:member", "notify": false},
                    {"email_address": "b@example.com", "role": "org:admin", "notify": false}]),
            ),
        )
        .await;
    c.check(&made, "post", bulk, S::OK);
    let bad_bulk = c
        .call(
            &app,
            M::POST,
            &format!("/v1/organizations/{org2}/invitations/bulk"),
            Some(json!([{"email_address": "nope", "role": "org:member"}])),
        )
        .await;
    c.check(&bad_bulk, "post", bulk, S::UNPROCESSABLE_ENTITY);
    let bulk_nowhere = c
        .call(
            &app,
            M::POST,
            "/v1/organizations/org_missing/invitations/bulk",
            Some(json!([{"email_address": "c@example.com", "role": "org:member"}])),
        )
        .await;
    c.check(&bulk_nowhere, "post", bulk, S::NOT_FOUND);

    let listed = c.call(&app, M::GET, &invitations, None).await;
    c.check(&listed, "get", spec_invitations, S::OK);
    let pending = c
        .call(
            &app,
            M::GET,
            &format!("{invitations}?status=pending&limit=1"),
            None,
        )
        .await;
    c.check(&pending, "get", spec_invitations, S::OK);
    let bad_status = c
        .call(&app, M::GET, &format!("{invitations}?status=bogus"), None)
        .await;
    c.check(
        &bad_status,
        "get",
        spec_invitations,
        S::UNPROCESSABLE_ENTITY,
    );
    let list_nowhere = c
        .call(
            &app,
            M::GET,
            "/v1/organizations/org_missing/invitations",
            None,
        )
        .await;
    c.check(&list_nowhere, "get", spec_invitations, S::NOT_FOUND);

    let spec_pending = "/organizations/{organization_id}/invitations/pending";
    let pending_only = c
        .call(
            &app,
            M::GET,
            &format!("{invitations}/pending?limit=5"),
            None,
        )
        .await;
    c.check(&pending_only, "get", spec_pending, S::OK);
    assert!(pending_only.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["status"] == "pending"));
    let pending_nowhere = c
        .call(
            &app,
            M::GET,
            "/v1/organizations/org_missing/invitations/pending",
            None,
        )
        .await;
    c.check(&pending_nowhere, "get", spec_pending, S::NOT_FOUND);
    let pending_bad = c
        .call(
            &app,
            M::GET,
            &format!("{invitations}/pending?limit=0"),
            None,
        )
        .await;
    c.check(&pending_bad, "get", spec_pending, S::BAD_REQUEST);

    let spec_one = "/organizations/{organization_id}/invitations/{invitation_id}";
    let got = c
        .call(&app, M::GET, &format!("{invitations}/{inv_id}"), None)
        .await;
    c.check(&got, "get", spec_one, S::OK);
    let missing = c
        .call(&app, M::GET, &format!("{invitations}/orginv_missing"), None)
        .await;
    c.check(&missing, "get", spec_one, S::NOT_FOUND);

    let spec_revoke = "/organizations/{organization_id}/invitations/{invitation_id}/revoke";
    let revoked = c
        .call(
            &app,
            M::POST,
            &format!("{invitations}/{inv_id}/revoke"),
            Some(json!({"requesting_user_id": ada_id})),
        )
        .await;
    c.check(&revoked, "post", spec_revoke, S::OK);
    let twice = c
        .call(
            &app,
            M::POST,
            &format!("{invitations}/{inv_id}/revoke"),
            Some(json!({})),
        )
        .await;
    c.check(&twice, "post", spec_revoke, S::BAD_REQUEST);
    let revoke_missing = c
        .call(
            &app,
            M::POST,
            &format!("{invitations}/orginv_missing/revoke"),
            Some(json!({})),
        )
        .await;
    c.check(&revoke_missing, "post", spec_revoke, S::NOT_FOUND);
    let second_id = second.id();
    let revoke_forbidden = c
        .call(
            &app,
            M::POST,
            &format!("{invitations}/{second_id}/revoke"),
            Some(json!({"requesting_user_id": grace_id})),
        )
        .await;
    c.check(&revoke_forbidden, "post", spec_revoke, S::FORBIDDEN);

    // A person's invitations across organizations.
    let spec_user_invitations = "/users/{user_id}/organization_invitations";
    let theirs = c
        .call(
            &app,
            M::GET,
            &format!("/v1/users/{grace_id}/organization_invitations"),
            None,
        )
        .await;
    c.check(&theirs, "get", spec_user_invitations, S::OK);
    assert_eq!(theirs.body["data"].as_array().unwrap().len(), 1);
    let bad = c
        .call(
            &app,
            M::GET,
            &format!("/v1/users/{grace_id}/organization_invitations?status=bogus"),
            None,
        )
        .await;
    c.check(&bad, "get", spec_user_invitations, S::BAD_REQUEST);
    let nobody = c
        .call(
            &app,
            M::GET,
            "/v1/users/user_missing/organization_invitations",
            None,
        )
        .await;
    c.check(&nobody, "get", spec_user_invitations, S::NOT_FOUND);

    // A user's memberships across organizations.
    let spec_user_memberships = "/users/{user_id}/organization_memberships";
    let adas = c
        .call(
            &app,
            M::GET,
            &format!("/v1/users/{ada_id}/organization_memberships"),
            None,
        )
        .await;
    c.check(&adas, "get", spec_user_memberships, S::OK);
    assert_eq!(adas.body["data"][0]["organization"]["id"], org_id.as_str());
    let none = c
        .call(
            &app,
            M::GET,
            "/v1/users/user_missing/organization_memberships",
            None,
        )
        .await;
    c.check(&none, "get", spec_user_memberships, S::OK);
    assert_eq!(none.body["total_count"], 0);

    // Every organization's invitations.
    let spec_instance = "/organization_invitations";
    let everyone = c
        .call(&app, M::GET, "/v1/organization_invitations?limit=3", None)
        .await;
    c.check(&everyone, "get", spec_instance, S::OK);
    let to_grace = c
        .call(
            &app,
            M::GET,
            "/v1/organization_invitations?query=grace@example.com&status=revoked",
            None,
        )
        .await;
    c.check(&to_grace, "get", spec_instance, S::OK);
    assert_eq!(to_grace.body["data"].as_array().unwrap().len(), 1);
    let bad = c
        .call(
            &app,
            M::GET,
            "/v1/organization_invitations?status=bogus",
            None,
        )
        .await;
    c.check(&bad, "get", spec_instance, S::BAD_REQUEST);

    let checked = c.done.lock().unwrap();
    println!("checked against Clerk's spec ({} answers):", checked.len());
    for (method, path, status) in checked.iter() {
        println!("  {status} {} {path}", method.to_uppercase());
    }
}
