//! The link in the email: every attack on it refused with its own code (never a redirect),
//! redirects held to the allow-list, and what following it costs.

use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use invitations::clock::ManualClock;
use invitations::domain::RedirectPolicy;
use invitations::service::Actor;
use invitations::service::{Links, Policy, ServiceError};
use invitations::store::memory::MemoryStore;
use invitations::store::Store;
use invitations::tokens::session::{Session, SessionVerifier};
use invitations::tokens::ticket::TicketSigner;
use serde_json::{json, Value};
use std::sync::Arc;

use crate::helpers::app::{TestApp, KEY};
use crate::helpers::links::*;
use crate::helpers::*;

#[tokio::test]
async fn every_attack_on_a_link_is_refused_with_its_own_code_and_never_redirects() {
    let f = Flow::new(Arc::new(MemoryStore::new())).await;
    let inv = f.invite("grace@example.com").await;
    let ticket = ticket_of(inv["url"].as_str().unwrap());
    let claims = claims_of(&ticket);
    let (head, body, sig) = {
        let p: Vec<&str> = ticket.split('.').collect();
        (p[0].to_string(), p[1].to_string(), p[2].to_string())
    };

    let mut tampered_claims = claims.clone();
    tampered_claims["eml"] = json!("mallory@evil.example");
    let tampered = format!(
        "{head}.{}.{sig}",
        URL_SAFE_NO_PAD.encode(tampered_claims.to_string())
    );
    let wrong_key = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &claims,
        Some(b"another-service-secret-0123456789abcdef"),
    );
    let alg_none = forge(json!({"alg": "none", "typ": "JWT"}), &claims, None);
    let alg_rs = format!(
        "{}.{body}.{sig}",
        URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string())
    );

    for (attack, token, code) in [
        (
            "tampered payload",
            tampered.as_str(),
            "ticket_signature_invalid",
        ),
        (
            "signed with another key",
            wrong_key.as_str(),
            "ticket_signature_invalid",
        ),
        (
            "alg: none",
            alg_none.as_str(),
            "ticket_algorithm_not_allowed",
        ),
        (
            "alg switched to RS256",
            alg_rs.as_str(),
            "ticket_algorithm_not_allowed",
        ),
        ("not a token", "not-a-jwt", "ticket_malformed"),
        ("two parts", "a.b", "ticket_malformed"),
    ] {
        let reply = follow_json(&f.app, token).await;
        assert_eq!(
            (reply.status, reply.code()),
            (StatusCode::BAD_REQUEST, code),
            "{attack}"
        );
        assert!(reply.headers.get("location").is_none(), "{attack}");
        assert_eq!(reply.headers["cache-control"], "no-store", "{attack}");
    }
    assert_eq!(
        f.invitation(inv["id"].as_str().unwrap()).await["status"],
        "pending"
    );
}

#[tokio::test]
async fn an_expired_or_revoked_invitation_refuses_its_link() {
    let f = Flow::new(Arc::new(MemoryStore::new())).await;
    let expiring = f
        .app
        .post(
            &format!("/v1/organizations/{}/invitations", f.org),
            json!({"email_address": "a@example.com", "role": "org:member", "expires_in_days": 1}),
        )
        .await
        .body;
    let revoked = f.invite("b@example.com").await;
    f.app
        .post(
            &format!(
                "/v1/organizations/{}/invitations/{}/revoke",
                f.org,
                revoked["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    f.app.clock.advance(DAY);
    let reply = follow_json(&f.app, &ticket_of(expiring["url"].as_str().unwrap())).await;
    assert_eq!(reply.code(), "ticket_expired");
    let reply = follow_json(&f.app, &ticket_of(revoked["url"].as_str().unwrap())).await;
    assert_eq!(reply.code(), "ticket_revoked");
}

#[tokio::test]
async fn with_an_asymmetric_key_an_hmac_forgery_with_the_public_key_is_refused() {
    // HS/RS-style confusion: the service signs with Ed25519 and publishes nothing secret; an
    // attacker signs HS256 using the public key's bytes as the HMAC secret.
    let public_pem = include_str!("keys/ed-public.pem");
    let signer = TicketSigner::key_pair(include_str!("keys/ed-private.pem"), public_pem).unwrap();
    let links = Links::new(
        Some(signer),
        &url::Url::parse(PUBLIC_BASE_URL).unwrap(),
        invitations::http::routes::ACCEPT_LINK_PATH,
        Some(url::Url::parse(DEFAULT_REDIRECT).unwrap()),
    )
    .unwrap();
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let app = TestApp::builder()
        .store(store)
        .links(links)
        .sessions(SessionVerifier::public_key_pem(include_str!("keys/rsa-public.pem")).unwrap())
        .build();
    let org = app
        .post("/v1/organizations", json!({"name": "Acme"}))
        .await
        .id();
    let inv = app
        .post(
            &format!("/v1/organizations/{org}/invitations"),
            json!({"email_address": "grace@example.com", "role": "org:member"}),
        )
        .await
        .body;
    let ticket = ticket_of(inv["url"].as_str().unwrap());
    assert_eq!(
        serde_json::from_slice::<Value>(
            &URL_SAFE_NO_PAD
                .decode(ticket.split('.').next().unwrap())
                .unwrap()
        )
        .unwrap()["alg"],
        "EdDSA"
    );
    let (_, _, status) = redirect(
        &app.request(
            Method::GET,
            &format!("/v1/tickets/accept?ticket={ticket}"),
            &[],
            None,
        )
        .await,
    );
    assert_eq!(status, "sign_up", "the genuine EdDSA ticket works");

    let forged = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &claims_of(&ticket),
        Some(public_pem.as_bytes()),
    );
    assert_eq!(
        follow_json(&app, &forged).await.code(),
        "ticket_algorithm_not_allowed"
    );

    // The same confusion against sessions: RS256 is expected; HS256 keyed with the public key.
    let session_claims = json!({"sub": "user_x", "email": "grace@example.com", "email_verified": true, "iat": crate::helpers::app::chrono_now(), "exp": crate::helpers::app::chrono_now() + 60});
    let forged_session = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &session_claims,
        Some(include_str!("keys/rsa-public.pem").as_bytes()),
    );
    let refused = app
        .request(
            Method::POST,
            "/v1/tickets/accept",
            &[
                ("authorization", format!("Bearer {forged_session}")),
                ("content-type", "application/json".into()),
            ],
            Some(json!({ "ticket": ticket }).to_string()),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "session_invalid")
    );
    // A genuine RS256 session of the invitee is accepted.
    let genuine = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &session_claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(include_bytes!("keys/rsa-private.pem")).unwrap(),
    )
    .unwrap();
    let accepted = app
        .request(
            Method::POST,
            "/v1/tickets/accept",
            &[
                ("authorization", format!("Bearer {genuine}")),
                ("content-type", "application/json".into()),
            ],
            Some(json!({ "ticket": ticket }).to_string()),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
}

#[tokio::test]
async fn redirects_off_the_allow_list_are_refused_at_create_and_again_at_the_link() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(T0));
    let strict = Policy {
        redirects: RedirectPolicy::from_list("https://app.example.com").unwrap(),
        ..Policy::default()
    };
    let strict_app = TestApp::builder()
        .store(store.clone())
        .clock(clock.clone())
        .policy(strict)
        .build();
    let org = strict_app
        .post("/v1/organizations", json!({"name": "Acme"}))
        .await
        .id();
    for target in [
        "https://evil.example/",
        "//evil.example",
        "https://app.example.com.evil.example/",
        "https://app.example.com@evil.example/",
        "javascript:alert(document.cookie)",
        "http://app.example.com/",
    ] {
        let reply = strict_app
            .post(&format!("/v1/organizations/{org}/invitations"), json!({"email_address": "grace@example.com", "role": "org:member", "redirect_url": target}))
            .await;
        assert_eq!(
            (reply.status, reply.code(), reply.param()),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "form_param_value_invalid",
                "redirect_url"
            ),
            "{target}"
        );
    }
    // Created while the list allowed it; the list has changed since.
    let lax_app = TestApp::builder()
        .store(store.clone())
        .clock(clock.clone())
        .policy(Policy {
            redirects: RedirectPolicy::from_list("https://old-app.example.org").unwrap(),
            ..Policy::default()
        })
        .build();
    let inv = lax_app
        .post(&format!("/v1/organizations/{org}/invitations"), json!({"email_address": "grace@example.com", "role": "org:member", "redirect_url": "https://old-app.example.org/join"}))
        .await
        .body;
    let reply = follow_json(&strict_app, &ticket_of(inv["url"].as_str().unwrap())).await;
    assert_eq!(
        (reply.status, reply.code()),
        (StatusCode::BAD_REQUEST, "redirect_url_not_allowed")
    );
    assert!(reply.headers.get("location").is_none());
}

#[tokio::test]
async fn a_link_without_a_ticket_and_routes_without_a_session_are_refused() {
    let f = Flow::new(Arc::new(MemoryStore::new())).await;
    let reply = follow_json(&f.app, "").await;
    assert_eq!(
        (reply.status, reply.param()),
        (StatusCode::UNPROCESSABLE_ENTITY, "ticket")
    );
    let no_session = f
        .app
        .request(Method::POST, "/v1/tickets/accept", &[], Some("{}".into()))
        .await;
    assert_eq!(
        (no_session.status, no_session.code()),
        (StatusCode::UNAUTHORIZED, "authentication_invalid")
    );
    let secret_key_is_no_session = f
        .app
        .request(
            Method::GET,
            "/v1/me/organization_invitations",
            &[("authorization", format!("Bearer {KEY}"))],
            None,
        )
        .await;
    assert_eq!(
        (
            secret_key_is_no_session.status,
            secret_key_is_no_session.code()
        ),
        (StatusCode::UNAUTHORIZED, "session_invalid")
    );
    let expired = forge(
        json!({"alg": "HS256", "typ": "JWT"}),
        &json!({"sub": "user_x", "iat": 999_999_000, "exp": 1_000_000_000}),
        Some(crate::helpers::app::SESSION_SECRET),
    );
    let reply = f
        .app
        .request(
            Method::GET,
            "/v1/me/organization_invitations",
            &[("authorization", format!("Bearer {expired}"))],
            None,
        )
        .await;
    assert_eq!(reply.code(), "session_invalid");
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn following_a_link_is_one_read_and_one_count_and_completing_is_one_write() {
    let h = dynamodb().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let issued = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "grace@example.com", "role": "org:member"})),
        )
        .await
        .unwrap();
    let ticket = ticket_of(issued.url.as_deref().unwrap());
    h.calls.take();
    h.service.follow_ticket(&ticket, None).await.unwrap();
    assert_eq!(
        h.calls.take(),
        ["BatchGetItem", "PutItem"],
        "sign_up / sign_in: the read, then the organization's link-lookup count"
    );
    let grace = user(&h, "grace@example.com").await;
    h.calls.take();
    let session = Session {
        user_id: grace.id.clone(),
        verified_email: None,
    };
    let redirect = h
        .service
        .follow_ticket(&ticket, Some(&session))
        .await
        .unwrap();
    assert_eq!(redirect.status.as_str(), "complete");
    assert_eq!(
        h.calls.take(),
        ["BatchGetItem", "TransactWriteItems"],
        "complete"
    );
    let refused = h.service.follow_ticket(&ticket, None).await;
    assert!(matches!(refused, Err(ServiceError::TicketAlreadyAccepted)));
}
