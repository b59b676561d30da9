//! Accepting: the 302 with `__clerk_status`, accept by ticket or by id, and concurrent
//! accepts and revokes that make one outcome.

use axum::http::{Method, StatusCode};
use futures::future::join_all;
use invitations::clock::Clock;
use invitations::domain::InvitationStatus;
use invitations::service::Actor;
use invitations::service::ServiceError;
use invitations::tokens::session::Session;
use serde_json::json;

use crate::helpers::app::session_token;
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
    let ticket = ticket_of(issued.url.as_deref().unwrap());
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
        let ticket = ticket_of(issued.url.as_deref().unwrap());
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
