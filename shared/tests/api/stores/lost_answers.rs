//! DynamoDB applies a write and its answer is lost: the SDK sends the same transaction again,
//! whose conditions now fail on the write's own effect. Each write is answered as done, once,
//! with its effect once (moto, whose answers `LoseAnswers` loses after it applied them).

use std::sync::Arc;

use invitations::domain::InvitationStatus;
use invitations::http::parse::{invitation_query, query_pairs};
use invitations::service::{Actor, InvitationAction};
use serde_json::json;

use crate::helpers::links::ticket_of;
use crate::helpers::*;

async fn harness() -> (Harness, LoseAnswers) {
    let calls = CallLog::default();
    let lose = LoseAnswers::default();
    let store = dynamodb_losing(&calls, &lose).await;
    (Harness::new(Arc::new(store), calls), lose)
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_create_whose_answer_was_lost_is_answered_as_made_with_one_email() {
    let (h, lose) = harness().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    h.calls.take();
    lose.next("TransactWriteItems", 1);
    let made = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "grace@example.com", "role": "org:member"})),
        )
        .await
        .expect("answered as made, not as a duplicate");
    assert_eq!(lose.pending(), 0, "an answer was lost");
    assert_eq!(
        h.calls.take(),
        [
            "BatchGetItem",
            "TransactWriteItems",
            "TransactWriteItems",
            "UpdateItem"
        ],
        "the SDK sent it again, and the store told its own write: no second read"
    );
    assert_eq!(h.mailer.sent().len(), 1);
    let page = h
        .service
        .list_invitations(
            &Actor::Backend,
            &org.id,
            &invitation_query(&query_pairs(Some("status=pending"))).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.data[0].id, made.invitation.id);
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_resend_a_revoke_an_accept_and_a_decline_whose_answers_were_lost_are_done_once() {
    let (h, lose) = harness().await;
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;

    let resent = invite(&h, &org, "resent@example.com").await;
    h.clock.advance(61_000);
    lose.next("TransactWriteItems", 1);
    let again = h
        .service
        .resend_invitation(
            &Actor::Backend,
            &org.id,
            resent.id.as_str(),
            &InvitationAction {
                requesting_user_id: None,
                notify: true,
            },
        )
        .await
        .expect("a resend answered as done");
    assert_ne!(again.invitation.ticket_hash, resent.ticket_hash);

    let revoked = invite(&h, &org, "revoked@example.com").await;
    lose.next("TransactWriteItems", 1);
    let done = h
        .service
        .revoke_invitation(
            &Actor::Backend,
            &org.id,
            revoked.id.as_str(),
            Some(&admin.id),
        )
        .await
        .expect("a revoke answered as done");
    assert_eq!(done.stored_status, InvitationStatus::Revoked);

    let accepted = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "accepted@example.com", "role": "org:member"})),
        )
        .await
        .unwrap();
    let grace = user(&h, "accepted@example.com").await;
    let session = invitations::tokens::session::Session {
        user_id: grace.id.clone(),
        verified_email: Some("accepted@example.com".into()),
    };
    lose.next("TransactWriteItems", 1);
    let (membership, _) = h
        .service
        .accept_ticket(&ticket_of(accepted.url.as_deref().unwrap()), &session)
        .await
        .expect("an accept answered as done");
    assert_eq!(membership.user_id, grace.id);

    let declined = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "declined@example.com", "role": "org:member"})),
        )
        .await
        .unwrap();
    lose.next("TransactWriteItems", 1);
    let no = h
        .service
        .decline_ticket(&ticket_of(declined.url.as_deref().unwrap()))
        .await
        .expect("a decline answered as done");
    assert_eq!(no.stored_status, InvitationStatus::Declined);
    assert_eq!(lose.pending(), 0);

    let org = org_now(&h, &org).await;
    assert_eq!(org.members_count, 2, "the admin and the one who accepted");
    assert_eq!(org.pending_invitations_count, 1, "the resent one");
    // One email per invitation and ticket: the four creates and the resend.
    assert_eq!(h.mailer.sent().len(), 5);
}

/// A claim on a queued email applied, its answer lost: the SDK's retry finds the claim there
/// and it is still this claimer's; another claim from the same read is refused.
#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_claim_on_a_queued_email_whose_answer_was_lost_is_still_its_own() {
    let (h, lose) = harness().await;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = invite(&h, &org, "queued@example.com").await;
    let now = invitations::clock::Clock::now(h.clock.as_ref());
    let queued = invitations::domain::Delivery::queued(now);
    assert!(h
        .store
        .record_delivery(
            &org.id,
            &made.id,
            made.ticket_hash.as_deref(),
            None,
            &queued
        )
        .await
        .unwrap());
    let read = h
        .store
        .get_invitation(&org.id, &made.id)
        .await
        .unwrap()
        .unwrap();
    h.calls.take();
    lose.next("UpdateItem", 1);
    assert!(h
        .store
        .claim_queued_email(&read, "claim-1", now + 1)
        .await
        .unwrap());
    assert_eq!(lose.pending(), 0, "an answer was lost");
    assert_eq!(h.calls.take(), ["UpdateItem", "UpdateItem"]);
    assert!(
        !h.store
            .claim_queued_email(&read, "claim-2", now + 2)
            .await
            .unwrap(),
        "one claim per read"
    );
}
