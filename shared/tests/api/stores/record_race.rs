//! An email's record against resends that moved the ticket on, on both stores (found by the
//! fault suite): a resend without an email leaves the queued email to the request that queued
//! it, whose record still lands, so it is not left queued to go out a second time; a resend
//! with an email queues its own, and the older record does not overwrite it.

use serde_json::json;

use crate::helpers::{audit, invite_input, org_with_admin, Harness};
use invitations::clock::Clock;
use invitations::domain::audit::AuditAction;
use invitations::domain::{Delivery, DeliveryStatus, Invitation};
use invitations::service::{Actor, InvitationAction};

both_stores!(
    a_send_is_recorded_though_a_resend_without_email_moved_the_ticket,
    a_send_does_not_overwrite_a_newer_queued_email,
    a_resend_without_an_email_sends_none_while_another_is_queued,
);

/// `read` with a new ticket, issued a millisecond later, with `delivery`.
fn reissued(read: &Invitation, hash: &str, delivery: Option<Delivery>) -> Invitation {
    let mut next = read.clone();
    next.ticket_hash = Some(hash.into());
    next.ticket_issued_at = read.ticket_issued_at + 1;
    next.written_by = Some(format!("request-{hash}"));
    next.delivery = delivery;
    next
}

async fn pending(h: &Harness) -> Invitation {
    let (org, _) = org_with_admin(h, "admin@acme.test", 0).await;
    let made = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "grace@example.com", "role": "org:member", "notify": false})),
        )
        .await
        .unwrap();
    made.invitation
}

async fn a_send_is_recorded_though_a_resend_without_email_moved_the_ticket(h: Harness) {
    let read = pending(&h).await;
    let org = read.organization.id.clone();
    let now = h.clock.now();
    // Request A resends with an email: queued on ticket A.
    let queued = Delivery::queued(now);
    let a = reissued(&read, "ticket-a", Some(queued.clone()));
    let entry = audit(&org, AuditAction::InvitationResent);
    h.store
        .reissue_ticket(&read, &a, None, &[], &entry)
        .await
        .unwrap();
    // Request C resends without one while A's email is on its way: ticket C, delivery as it was.
    let c = reissued(&a, "ticket-c", a.delivery.clone());
    let entry = audit(&org, AuditAction::InvitationResent);
    h.store
        .reissue_ticket(&a, &c, None, &[], &entry)
        .await
        .unwrap();
    // A's email went out; its record lands.
    let sent = Delivery {
        status: DeliveryStatus::Sent,
        message_id: Some("msg-a".into()),
        error: None,
        bounce_type: None,
        at: now + 1,
    };
    let recorded = h
        .store
        .record_delivery(&org, &read.id, Some("ticket-a"), Some(&queued), &sent)
        .await
        .unwrap();
    assert!(recorded);
    let now_stored = h
        .store
        .get_invitation(&org, &read.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now_stored.delivery, Some(sent));
    assert_eq!(now_stored.ticket_hash.as_deref(), Some("ticket-c"));
    // Nothing is left queued for the sweeper to send again.
    let shard = invitations::domain::listing::instance_shard(&read.id);
    let unsent = h.store.unsent_invitations(shard, 100).await.unwrap();
    assert!(unsent.iter().all(|i| i.id != read.id), "{unsent:?}");
}

async fn a_send_does_not_overwrite_a_newer_queued_email(h: Harness) {
    let read = pending(&h).await;
    let org = read.organization.id.clone();
    let now = h.clock.now();
    let queued_a = Delivery::queued(now);
    let a = reissued(&read, "ticket-a", Some(queued_a.clone()));
    let entry = audit(&org, AuditAction::InvitationResent);
    h.store
        .reissue_ticket(&read, &a, None, &[], &entry)
        .await
        .unwrap();
    // Request D resends with an email of its own, queued later.
    let queued_d = Delivery::queued(now + 5);
    let d = reissued(&a, "ticket-d", Some(queued_d.clone()));
    let entry = audit(&org, AuditAction::InvitationResent);
    h.store
        .reissue_ticket(&a, &d, None, &[], &entry)
        .await
        .unwrap();
    let sent_a = Delivery {
        status: DeliveryStatus::Sent,
        message_id: Some("msg-a".into()),
        error: None,
        bounce_type: None,
        at: now + 6,
    };
    let recorded = h
        .store
        .record_delivery(&org, &read.id, Some("ticket-a"), Some(&queued_a), &sent_a)
        .await
        .unwrap();
    assert!(!recorded, "D's email is still to go out, and D records it");
    let stored = h
        .store
        .get_invitation(&org, &read.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.delivery, Some(queued_d));
}

async fn a_resend_without_an_email_sends_none_while_another_is_queued(h: Harness) {
    let read = pending(&h).await;
    let org = read.organization.id.clone();
    // Request A resent with an email: queued on ticket A, not sent yet.
    let a = reissued(&read, "ticket-a", Some(Delivery::queued(h.clock.now())));
    let entry = audit(&org, AuditAction::InvitationResent);
    h.store
        .reissue_ticket(&read, &a, None, &[], &entry)
        .await
        .unwrap();
    // Request B resends without an email meanwhile.
    let quiet = InvitationAction {
        requesting_user_id: None,
        notify: false,
    };
    let b = h
        .service
        .resend_invitation(&Actor::Backend, &org, read.id.as_str(), &quiet)
        .await
        .unwrap();
    assert!(
        h.mailer.sent().is_empty(),
        "B asked for no email: A's is A's (or the sweeper's) to send"
    );
    let stored = h
        .store
        .get_invitation(&org, &read.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.ticket_hash, b.invitation.ticket_hash);
    assert!(
        stored.delivery.as_ref().is_some_and(|d| d.is_queued()),
        "still owed, once"
    );
}
