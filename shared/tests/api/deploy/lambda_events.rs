//! Real API Gateway events through each function's router.
use invitations::domain::audit::AuditAction;
use std::sync::Arc;

use crate::helpers::app::TestApp;
use axum::http::StatusCode;
use http_body_util::BodyExt;
use invitations::domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Membership, Metadata, Organization,
    User, UserEmail,
};
use invitations::http::{self, SecretKeys};
use invitations::store::memory::MemoryStore;
use invitations::store::{InvitationStore, OrganizationStore, UserStore};
use serde_json::Value;
use tower::ServiceExt;

const ORG: &str = "org_2vFixtureAcmeInc00000000000";
const INV: &str = "orginv_2vFixtureGrace0000000000000";
const ADMIN: &str = "user_2vFixtureAdaLovelace0000000";
const FIXTURE_KEY: &str = "sk_test_fixture_key_0123456789";
/// SHA-256 of the nonce in the fixtures' ticket (`scripts/make_events.py`).
const FIXTURE_NONCE_HASH: &str = "lpIwVKEr60Z2Fljz4OroZu9Ic3cQBgn_tfJPKjc3Icg";
const GRACE: &str = "user_2vFixtureGraceHopper000000";

/// The records the fixtures name: an admin, their organization, a pending invitation.
async fn seeded_store() -> Arc<MemoryStore> {
    let store = Arc::new(MemoryStore::new());
    let t = crate::helpers::T0;
    let admin = User {
        id: ADMIN.into(),
        email_addresses: vec![UserEmail {
            id: "idn_fixture".into(),
            address: EmailAddress::parse("e", "ada@acme.test").unwrap(),
        }],
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        image_url: None,
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        created_at: t,
        updated_at: t,
    };
    store.insert_user(&admin).await.unwrap();
    let org = Organization {
        id: ORG.into(),
        name: "Acme Inc".into(),
        slug: "acme".into(),
        max_allowed_memberships: 0,
        members_count: 1,
        pending_invitations_count: 0,
        settled_invitations: Default::default(),
        created_by: Some(ADMIN.into()),
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        created_at: t,
        updated_at: t,
    };
    let membership = Membership {
        id: "orgmem_fixture".into(),
        organization_id: ORG.into(),
        user_id: ADMIN.into(),
        role: "org:admin".into(),
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        public_user_data: admin.public_data(),
        email_keys: vec!["ada@acme.test".into()],
        created_at: t,
        updated_at: t,
    };
    store
        .insert_organization(
            &org,
            Some(&membership),
            &crate::helpers::audit(ORG, AuditAction::OrganizationCreated),
        )
        .await
        .unwrap();
    let invitation = Invitation {
        id: InvitationId::parse(INV).unwrap(),
        organization: org.public_data(),
        email_address: EmailAddress::parse("e", "grace@example.com").unwrap(),
        role: "org:member".into(),
        inviter: Some(admin.public_data()),
        stored_status: InvitationStatus::Pending,
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        redirect_url: None,
        notify: true,
        ticket_hash: Some(FIXTURE_NONCE_HASH.into()),
        ticket_issued_at: 0,
        written_by: None,
        validity_days: 30,
        locale: "en".into(),
        delivery: None,
        accepted_user_id: None,
        declined_via: None,
        remind: false,
        remind_at: None,
        reminder: None,
        domain_offer: None,
        link_id: None,
        expires_at: t + 30 * crate::helpers::DAY,
        created_at: t,
        updated_at: t,
    };
    store
        .insert_invitation(
            &invitation,
            None,
            None,
            &[],
            &crate::helpers::audit(ORG, AuditAction::InvitationCreated),
        )
        .await
        .unwrap();
    store
}

async fn invoke(function: &str, event: &str) -> (StatusCode, Value) {
    let (status, _, body) = invoke_with_headers(function, event, seeded_store().await).await;
    (status, body)
}

async fn invoke_with_headers(
    function: &str,
    event: &str,
    store: Arc<MemoryStore>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let request = lambda_http::request::from_str(event).expect("a valid API Gateway event");
    // The fixtures' session is minted once and lasts until 2100, so that they stay valid; the
    // deployment under test allows such a lifetime (SESSION_MAX_AGE_SECONDS).
    const FIXTURE_SESSION_LIFETIME: u64 = 80 * 365 * 24 * 60 * 60;
    let sessions =
        invitations::tokens::session::SessionVerifier::hs256(crate::helpers::app::SESSION_SECRET)
            .unwrap()
            .max_age_seconds(FIXTURE_SESSION_LIFETIME);
    let mut app_state = TestApp::builder().store(store).sessions(sessions).state();
    app_state.secret_keys = Arc::new(SecretKeys::new(vec![FIXTURE_KEY.into()]).unwrap());
    let function = http::Function::from_name(function).expect("a function of the route table");
    let router = http::app(Some(function), app_state);
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn location(headers: &axum::http::HeaderMap) -> url::Url {
    url::Url::parse(headers["location"].to_str().unwrap()).unwrap()
}

fn param(url: &url::Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

macro_rules! event {
    ($file:literal) => {
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../events/", $file))
    };
}

#[tokio::test]
async fn invite_create_event_creates_the_invitation() {
    let (status, body) = invoke("invite", event!("invite-create.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["email_address"], "margaret@example.com");
    assert_eq!(body["status"], "pending");
    assert_eq!(body["public_inviter_data"]["user_id"], ADMIN);
    assert_eq!(body["redirect_url"], "https://app.example.com/welcome");
}

#[tokio::test]
async fn invite_bulk_event_creates_both() {
    let (status, body) = invoke("invite", event!("invite-bulk.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total_count"], 2);
}

#[tokio::test]
async fn list_event_lists_with_its_query_string() {
    let (status, body) = invoke("list", event!("list-invitations.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total_count"], 1);
    assert_eq!(body["data"][0]["id"], INV);
}

#[tokio::test]
async fn get_event_reads_one_invitation() {
    let (status, body) = invoke("list", event!("list-get-invitation.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["public_inviter_data"]["first_name"], "Ada");
}

#[tokio::test]
async fn revoke_event_revokes_as_the_admin() {
    let (status, body) = invoke("revoke", event!("revoke.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "revoked");
}

#[tokio::test]
async fn the_email_link_event_redirects_a_newcomer_to_sign_up() {
    let (status, headers, _) = invoke_with_headers(
        "ticket-verify",
        event!("ticket-verify-accept-link.json"),
        seeded_store().await,
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(headers["cache-control"], "no-store");
    let to = location(&headers);
    assert!(
        to.as_str().starts_with(crate::helpers::DEFAULT_REDIRECT),
        "{to}"
    );
    assert_eq!(param(&to, "__clerk_status").as_deref(), Some("sign_up"));
    assert!(param(&to, "__clerk_ticket").is_some_and(|t| t.starts_with("ey")));
}

#[tokio::test]
async fn the_email_link_event_with_the_invitees_session_cookie_completes() {
    let store = seeded_store().await;
    let (status, headers, _) = invoke_with_headers(
        "ticket-verify",
        event!("ticket-verify-accept-link-signed-in.json"),
        store.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        param(&location(&headers), "__clerk_status").as_deref(),
        Some("complete")
    );
    use invitations::store::MembershipStore;
    let membership = store
        .get_membership(&ORG.into(), &GRACE.into())
        .await
        .unwrap()
        .expect("a membership");
    assert_eq!(membership.role, "org:member");
}

#[tokio::test]
async fn the_accept_post_event_makes_the_signed_in_invitee_a_member() {
    let (status, body) = invoke("ticket-verify", event!("ticket-verify-accept-post.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["object"], "organization_membership");
    assert_eq!(body["public_user_data"]["user_id"], GRACE);
    assert!(
        body.get("private_metadata").is_none(),
        "a signed-in person never sees private metadata"
    );
}

#[tokio::test]
async fn directory_events_create_an_organization_and_list_members() {
    let (status, body) = invoke("directory", event!("directory-create-organization.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["members_count"], 1);
    let (status, body) = invoke("directory", event!("directory-list-memberships.json")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["data"][0]["public_user_data"]["user_id"], ADMIN);
}

#[tokio::test]
async fn an_event_sent_to_the_wrong_function_finds_no_route() {
    let (status, body) = invoke("list", event!("revoke.json")).await;
    assert_eq!(
        (status, body["errors"][0]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("resource_not_found"))
    );
}
