//! The link in the email and accepting: the 302 with `__clerk_status`, accept by ticket or id, every attack on a link refused with its own code.

use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures::future::join_all;
use invitations::clock::{Clock, ManualClock};
use invitations::domain::InvitationStatus;
use invitations::domain::RedirectPolicy;
use invitations::service::Actor;
use invitations::service::{Links, Policy, ServiceError};
use invitations::store::memory::MemoryStore;
use invitations::store::Store;
use invitations::tokens::session::{Session, SessionVerifier};
use invitations::tokens::ticket::TicketSigner;
use serde_json::{json, Value};
use std::sync::Arc;

use crate::helpers::app::{session_token, TestApp, KEY};
use crate::helpers::links::*;
use crate::helpers::*;

async fn a_newcomer_signs_up_then_accepts_and_the_link_dies(h: Harness) {
    let f = Flow::new(h.store.clone()).await;
    let inv = f.invite("grace@example.com").await;
    let url = inv["url"].as_str().unwrap();

    let (location, ticket, status) = redirect(&f.follow(url, None).await);
    assert_eq!(status, "sign_up");
    assert_eq!(ticket, ticket_of(url));
    assert_eq!(
        (location.host_str(), location.path()),
        (Some("app.example.com"), "/join")
    );
    assert_eq!(location.fragment(), Some("welcome"));
    assert!(location
        .query_pairs()
        .any(|(k, v)| k == "plan" && v == "pro"));

    // The app signed her up; her first session carries her verified address.
    let session = session_token("user_from_idp_grace", Some("grace@example.com"));
    let accepted = f.accept(&ticket, &session).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.body["role"], "org:admin");
    assert!(
        accepted.body.get("private_metadata").is_none(),
        "the invitee never sees private metadata"
    );

    assert_member_from_invitation(&f.members().await, "user_from_idp_grace");
    assert_eq!(
        f.invitation(inv["id"].as_str().unwrap()).await["status"],
        "accepted"
    );
    let org = f
        .app
        .get(&format!("/v1/organizations/{}", f.org))
        .await
        .body;
    assert_eq!(
        (
            org["members_count"].clone(),
            org["pending_invitations_count"].clone()
        ),
        (json!(2), json!(0))
    );

    let again = f.follow(url, None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.headers.get("location").is_none());
    assert_eq!(again.headers["content-type"], "text/html; charset=utf-8");
    assert!(again
        .body
        .as_str()
        .unwrap()
        .contains("ticket_already_accepted"));
    let replay = f.accept(&ticket, &session).await;
    assert_eq!(
        (replay.status, replay.code()),
        (StatusCode::BAD_REQUEST, "ticket_already_accepted")
    );
}

async fn an_existing_user_signs_in_then_accepts(h: Harness) {
    let f = Flow::new(h.store.clone()).await;
    let grace = f
        .app
        .post("/v1/users", json!({"email_address": ["Grace@Example.com"]}))
        .await
        .id();
    let inv = f.invite("grace@example.com").await;
    let (_, ticket, status) = redirect(&f.follow(inv["url"].as_str().unwrap(), None).await);
    assert_eq!(status, "sign_in");
    // A session without an email claim: her address is known from her user record.
    let accepted = f.accept(&ticket, &session_token(&grace, None)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_member_from_invitation(&f.members().await, &grace);
    assert_eq!(
        f.invitation(inv["id"].as_str().unwrap()).await["status"],
        "accepted"
    );
    let again = f.follow(inv["url"].as_str().unwrap(), None).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
}

async fn a_signed_in_invitee_completes_from_the_link_alone(h: Harness) {
    let f = Flow::new(h.store.clone()).await;
    let grace = f
        .app
        .post("/v1/users", json!({"email_address": ["grace@example.com"]}))
        .await
        .id();
    let inv = f.invite("grace@example.com").await;
    let url = inv["url"].as_str().unwrap();
    let (_, _, status) = redirect(&f.follow(url, Some(&session_token(&grace, None))).await);
    assert_eq!(status, "complete");
    assert_member_from_invitation(&f.members().await, &grace);
    assert_eq!(
        f.invitation(inv["id"].as_str().unwrap()).await["status"],
        "accepted"
    );
    let again = f.follow(url, Some(&session_token(&grace, None))).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again
        .body
        .as_str()
        .unwrap()
        .contains("ticket_already_accepted"));
}

async fn someone_elses_session_neither_completes_nor_accepts(h: Harness) {
    let f = Flow::new(h.store.clone()).await;
    let mallory = f
        .app
        .post(
            "/v1/users",
            json!({"email_address": ["mallory@evil.example"]}),
        )
        .await
        .id();
    let inv = f.invite("grace@example.com").await;
    let url = inv["url"].as_str().unwrap();
    let (_, ticket, status) = redirect(&f.follow(url, Some(&session_token(&mallory, None))).await);
    assert_eq!(
        status, "sign_up",
        "another user's session is not the invitee's"
    );
    let refused = f
        .accept(
            &ticket,
            &session_token(&mallory, Some("mallory@evil.example")),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "email_mismatch")
    );
    // An unverified email claim proves nothing either.
    let claims = json!({"sub": "user_x", "email": "grace@example.com", "email_verified": false, "iat": crate::helpers::app::chrono_now(), "exp": crate::helpers::app::chrono_now() + 60});
    let unverified = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::app::SESSION_SECRET),
    )
    .unwrap();
    let refused = f.accept(&ticket, &unverified).await;
    assert_eq!(refused.code(), "session_user_unknown");
    assert_eq!(
        f.invitation(inv["id"].as_str().unwrap()).await["status"],
        "pending"
    );
    assert_eq!(f.members().await.len(), 1);
}

async fn the_invitee_accepts_by_id_and_lists_their_invitations(h: Harness) {
    let f = Flow::new(h.store.clone()).await;
    let inv = f.invite("grace@example.com").await;
    let id = inv["id"].as_str().unwrap();
    let session = session_token("user_idp_grace", Some("grace@example.com"));
    let auth = [("authorization", format!("Bearer {session}"))];
    let mine = f
        .app
        .request(
            Method::GET,
            "/v1/me/organization_invitations?status=pending",
            &auth,
            None,
        )
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.body["total_count"], 1);
    assert_eq!(
        mine.body["data"][0]["public_organization_data"]["name"],
        "Acme"
    );
    assert!(mine.body["data"][0].get("private_metadata").is_none());
    let accepted = f
        .app
        .request(
            Method::POST,
            &format!("/v1/me/organization_invitations/{id}/accept"),
            &auth,
            None,
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_member_from_invitation(&f.members().await, "user_idp_grace");
    let by_backend = f
        .app
        .get("/v1/users/user_idp_grace/organization_invitations?status=accepted")
        .await;
    assert_eq!(by_backend.body["total_count"], 1);
    let other = session_token("user_other", Some("other@example.com"));
    let not_theirs = f
        .app
        .request(
            Method::POST,
            &format!("/v1/me/organization_invitations/{id}/accept"),
            &[("authorization", format!("Bearer {other}"))],
            None,
        )
        .await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
}

both_stores!(
    a_newcomer_signs_up_then_accepts_and_the_link_dies,
    an_existing_user_signs_in_then_accepts,
    a_signed_in_invitee_completes_from_the_link_alone,
    someone_elses_session_neither_completes_nor_accepts,
    the_invitee_accepts_by_id_and_lists_their_invitations,
);

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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs moto: scripts/test runs it"]
async fn twenty_concurrent_accepts_of_one_invitation_make_one_membership() {
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
    let ticket = ticket_of(&issued.url);
    let session = Session {
        user_id: "user_idp_grace".into(),
        verified_email: Some("grace@example.com".into()),
    };
    let attempts = (0..20).map(|_| {
        let (service, ticket, session) = (h.service.clone(), ticket.clone(), session.clone());
        tokio::spawn(async move { service.accept_ticket(&ticket, &session).await })
    });
    let results: Vec<_> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{:?}",
        results.iter().filter(|r| r.is_err()).collect::<Vec<_>>()
    );
    let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        errors.iter().all(|e| matches!(
            e,
            ServiceError::TicketAlreadyAccepted | ServiceError::AlreadyMember
        )),
        "{errors:?}"
    );
    let (org_now, members) = h.service.list_memberships(&org.id, 100, 0).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(
        (org_now.members_count, org_now.pending_invitations_count),
        (2, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs moto: scripts/test runs it"]
async fn accept_racing_revoke_has_exactly_one_winner_and_a_clear_loser() {
    let h = dynamodb().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let mut accepted_wins = 0;
    for round in 0..6 {
        let email = format!("racer{round}@example.com");
        let issued = h
            .service
            .create_invitation(
                &Actor::Backend,
                &org.id,
                &invite_input(json!({"email_address": email, "role": "org:member"})),
            )
            .await
            .unwrap();
        let session = Session {
            user_id: format!("user_racer{round}").into(),
            verified_email: Some(email.clone()),
        };
        let (svc_a, svc_r) = (h.service.clone(), h.service.clone());
        let ticket = ticket_of(&issued.url);
        let (org_r, id) = (org.id.clone(), issued.invitation.id.to_string());
        let accept =
            tokio::spawn(async move { svc_a.accept_ticket(&ticket, &session).await.map(|_| ()) });
        let revoke = tokio::spawn(async move {
            svc_r
                .revoke_invitation(&Actor::Backend, &org_r, &id, None)
                .await
                .map(|_| ())
        });
        let (accept, revoke) = (accept.await.unwrap(), revoke.await.unwrap());
        match (&accept, &revoke) {
            (Ok(()), Err(ServiceError::InvitationNotPending(InvitationStatus::Accepted))) => {
                accepted_wins += 1
            }
            (Err(ServiceError::TicketRevoked), Ok(())) => {}
            other => panic!("round {round}: not exactly one winner: {other:?}"),
        }
        let stored = h
            .service
            .get_invitation(&Actor::Backend, &org.id, issued.invitation.id.as_str())
            .await
            .unwrap();
        let member = h
            .store
            .get_membership(&org.id, &format!("user_racer{round}").into())
            .await
            .unwrap();
        assert_eq!(
            stored.status(h.clock.now()) == InvitationStatus::Accepted,
            member.is_some(),
            "round {round}"
        );
    }
    let org_now = org_now(&h, &org).await;
    assert_eq!(org_now.members_count, 1 + accepted_wins);
    assert_eq!(org_now.pending_invitations_count, 0);
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
    let ticket = ticket_of(&issued.url);
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
