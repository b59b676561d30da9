//! A request sent again with its `Idempotency-Key` after its answer was lost (or its process
//! stopped) recognises what it already did: the same invitation and link, the same end state,
//! and one email per invitation and ticket. An email whose request stopped before sending it
//! goes out from the retry, or from the sweeper. Both stores.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use invitations::domain::{
    DeliveryStatus, InvitationStatus, RequestKey, RequestScope, RoleCatalog,
};
use invitations::mail::memory::CapturingMailer;
use invitations::mail::{MailError, Mailer, OutgoingEmail};
use invitations::service::{Actor, InvitationAction, Service};
use serde_json::json;

use crate::helpers::links::ticket_of;
use crate::helpers::*;

both_stores!(
    a_create_sent_again_with_its_key_answers_what_it_made_with_one_email,
    a_bulk_sent_again_with_its_key_answers_each_item_as_made,
    a_resend_sent_again_with_its_key_answers_the_same_link_and_sends_nothing_more,
    a_revoke_an_accept_and_a_decline_sent_again_with_their_keys_are_answered_as_done,
    an_email_whose_request_stopped_goes_out_once_from_the_retry_or_the_sweeper,
    a_queued_email_found_by_the_retry_and_the_sweeper_goes_out_once,
);

fn key(k: &str) -> RequestScope {
    RequestScope {
        key: Some(RequestKey::new(k)),
        origin: Default::default(),
    }
}

fn grace_input(email: &str) -> invitations::service::NewInvitation {
    invite_input(json!({"email_address": email, "role": "org:member"}))
}

async fn a_create_sent_again_with_its_key_answers_what_it_made_with_one_email(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let service = h.service.for_request(key("create-1"));
    let first = service
        .create_invitation(&Actor::Backend, &org.id, &grace_input("grace@example.com"))
        .await
        .unwrap();
    let again = service
        .create_invitation(&Actor::Backend, &org.id, &grace_input("grace@example.com"))
        .await
        .expect("answered as made, not as a duplicate");
    assert_eq!(again.invitation.id, first.invitation.id);
    assert_eq!(again.url, first.url, "the same link, made again");
    assert_eq!(h.mailer.sent().len(), 1, "one email");
    // Another request (another key, or none) is a duplicate, as before.
    let other = h
        .service
        .for_request(key("create-2"))
        .create_invitation(&Actor::Backend, &org.id, &grace_input("grace@example.com"))
        .await;
    assert!(matches!(
        other,
        Err(invitations::service::ServiceError::DuplicateInvitation)
    ));
}

async fn a_bulk_sent_again_with_its_key_answers_each_item_as_made(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inputs = [grace_input("a@example.com"), grace_input("b@example.com")];
    let service = h.service.for_request(key("bulk-1"));
    let first = service
        .create_invitations(&Actor::Backend, &org.id, &inputs)
        .await
        .unwrap();
    let again = service
        .create_invitations(&Actor::Backend, &org.id, &inputs)
        .await
        .unwrap();
    for (a, b) in first.iter().zip(&again) {
        let (a, b) = (a.as_ref().unwrap(), b.as_ref().unwrap());
        assert_eq!((&a.invitation.id, &a.url), (&b.invitation.id, &b.url));
    }
    assert_eq!(h.mailer.sent().len(), 2);
}

async fn a_resend_sent_again_with_its_key_answers_the_same_link_and_sends_nothing_more(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    h.clock.advance(61_000);
    let action = InvitationAction {
        requesting_user_id: None,
        notify: true,
    };
    let service = h.service.for_request(key("resend-1"));
    let first = service
        .resend_invitation(&Actor::Backend, &org.id, inv.id.as_str(), &action)
        .await
        .unwrap();
    h.clock.advance(1_000);
    let again = service
        .resend_invitation(&Actor::Backend, &org.id, inv.id.as_str(), &action)
        .await
        .expect("not refused by the cooldown: it is the same resend");
    assert_eq!(again.url, first.url);
    assert_eq!(again.invitation.ticket_hash, first.invitation.ticket_hash);
    assert_eq!(h.mailer.sent().len(), 2, "the create's and the resend's");
}

async fn a_revoke_an_accept_and_a_decline_sent_again_with_their_keys_are_answered_as_done(
    h: Harness,
) {
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let revoked = invite(&h, &org, "revoked@example.com").await;
    let service = h.service.for_request(key("revoke-1"));
    for _ in 0..2 {
        let done = service
            .revoke_invitation(
                &Actor::Backend,
                &org.id,
                revoked.id.as_str(),
                Some(&admin.id),
            )
            .await
            .expect("revoked, then answered as revoked");
        assert_eq!(done.stored_status, InvitationStatus::Revoked);
    }
    assert!(h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, revoked.id.as_str(), None)
        .await
        .is_err());

    let accepted = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &grace_input("grace@example.com"))
        .await
        .unwrap();
    let grace = user(&h, "grace@example.com").await;
    let session = invitations::tokens::session::Session {
        user_id: grace.id.clone(),
        verified_email: Some("grace@example.com".into()),
    };
    let ticket = ticket_of(accepted.url.as_deref().unwrap());
    let service = h.service.for_request(key("accept-1"));
    let (first, _) = service.accept_ticket(&ticket, &session).await.unwrap();
    let (again, _) = service
        .accept_ticket(&ticket, &session)
        .await
        .expect("answered with the membership it made");
    assert_eq!(first.id, again.id);

    let declined = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &grace_input("no@example.com"))
        .await
        .unwrap();
    let ticket = ticket_of(declined.url.as_deref().unwrap());
    let service = h.service.for_request(key("decline-1"));
    for _ in 0..2 {
        let no = service.decline_ticket(&ticket).await.unwrap();
        assert_eq!(no.stored_status, InvitationStatus::Declined);
    }
    assert_eq!(org_now(&h, &org).await.members_count, 2);
}

/// A mailer whose first `stalls` sends never finish: the request stops there, after its write.
struct Stalling {
    stalls: AtomicUsize,
    then: Arc<CapturingMailer>,
}

#[async_trait]
impl Mailer for Stalling {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        if self
            .stalls
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            futures::future::pending::<()>().await;
        }
        self.then.send(email).await
    }
}

async fn an_email_whose_request_stopped_goes_out_once_from_the_retry_or_the_sweeper(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let sent = Arc::new(CapturingMailer::new());
    let stalling = Arc::new(Stalling {
        stalls: AtomicUsize::new(2),
        then: sent.clone(),
    });
    let service = Service::new(
        h.store.clone(),
        h.clock.clone(),
        RoleCatalog::default(),
        policy(),
        links(),
        mail(stalling),
    );
    let stopped = |email: &'static str, k: &'static str| {
        let service = service.for_request(key(k));
        let org = org.id.clone();
        async move {
            let input = grace_input(email);
            let create = service.create_invitation(&Actor::Backend, &org, &input);
            // The request stops while sending: its write happened, its email did not.
            let ended = tokio::time::timeout(std::time::Duration::from_millis(200), create).await;
            assert!(ended.is_err(), "the request stopped in its send");
        }
    };
    stopped("retried@example.com", "stopped-1").await;
    stopped("swept@example.com", "stopped-2").await;
    assert_eq!(sent.sent().len(), 0);

    // The caller sends the first one again, with its key: the email goes out now, once.
    let retried = service
        .for_request(key("stopped-1"))
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &grace_input("retried@example.com"),
        )
        .await
        .unwrap();
    assert_eq!(
        retried.invitation.delivery.as_ref().unwrap().status,
        DeliveryStatus::Sent
    );
    assert_eq!(sent.sent().len(), 1);
    assert_eq!(sent.sent()[0].accept_url, retried.url.clone().unwrap());

    // The other caller never comes back: the sweeper sends it once the grace has passed.
    assert_eq!(service.send_unsent().await.unwrap().found, 0, "too early");
    h.clock.advance(invitations::service::UNSENT_GRACE_MS);
    let swept = service.send_unsent().await.unwrap();
    assert_eq!((swept.found, swept.sent), (1, 1));
    assert_eq!(sent.sent().len(), 2);
    assert_eq!(sent.sent()[1].to, "swept@example.com");
    assert_eq!(service.send_unsent().await.unwrap().found, 0, "sent once");
}

/// The sweeper reads a queued email just as the caller's retry finds it too: of the two, the
/// one that claims it first sends it; the other's claim, from what it read, fails.
async fn a_queued_email_found_by_the_retry_and_the_sweeper_goes_out_once(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let sent = Arc::new(CapturingMailer::new());
    let stalling = Arc::new(Stalling {
        stalls: AtomicUsize::new(1),
        then: sent.clone(),
    });
    let service = Service::new(
        h.store.clone(),
        h.clock.clone(),
        RoleCatalog::default(),
        policy(),
        links(),
        mail(stalling),
    );
    let input = grace_input("raced@example.com");
    let first = service.for_request(key("raced-1"));
    let create = first.create_invitation(&Actor::Backend, &org.id, &input);
    assert!(
        tokio::time::timeout(std::time::Duration::from_millis(200), create)
            .await
            .is_err(),
        "the request stopped in its send"
    );
    h.clock.advance(invitations::service::UNSENT_GRACE_MS);
    let mut swept_read = Vec::new();
    for shard in 0..invitations::domain::listing::INSTANCE_SHARDS {
        swept_read.extend(h.store.unsent_invitations(shard, 100).await.unwrap());
    }
    let [queued] = swept_read.as_slice() else {
        panic!("one queued email: {swept_read:?}")
    };

    let retried = service
        .for_request(key("raced-1"))
        .create_invitation(&Actor::Backend, &org.id, &input)
        .await
        .unwrap();
    assert_eq!(
        retried.invitation.delivery.as_ref().unwrap().status,
        DeliveryStatus::Sent
    );
    assert_eq!(sent.sent().len(), 1);
    let now = invitations::clock::Clock::now(h.clock.as_ref());
    assert!(
        !h.store
            .claim_queued_email(queued, "the-sweeper", now)
            .await
            .unwrap(),
        "the sweeper's read is stale: the retry sent it"
    );
    assert_eq!(service.send_unsent().await.unwrap().found, 0);
    assert_eq!(sent.sent().len(), 1, "once");
}
