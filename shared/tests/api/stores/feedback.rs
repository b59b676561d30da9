//! What SES reports about an email, on both stores: found by message id, only the latest
//! message counts, and a "delivered" never undoes a bounce or complaint.

use invitations::domain::{DeliveryStatus, MailFeedback};
use invitations::service::Actor;

use crate::helpers::*;

both_stores!(
    a_bounce_finds_its_invitation_by_message_id_and_marks_it,
    only_the_latest_message_counts_and_a_bounce_is_final,
    an_unknown_message_changes_nothing,
);

fn bounced() -> MailFeedback {
    MailFeedback::Bounced {
        bounce_type: "Permanent/General".into(),
    }
}

fn message_of(inv: &invitations::domain::Invitation) -> String {
    inv.delivery.as_ref().unwrap().message_id.clone().unwrap()
}

async fn a_bounce_finds_its_invitation_by_message_id_and_marks_it(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    let other = invite(&h, &org, "ada@example.com").await;
    let marked = h
        .service
        .mail_feedback()
        .record(&message_of(&inv), &bounced())
        .await
        .unwrap()
        .invitation
        .unwrap();
    assert_eq!(marked.id, inv.id);
    let stored = h
        .service
        .get_invitation(&Actor::Backend, &org.id, inv.id.as_str())
        .await
        .unwrap();
    let delivery = stored.delivery.unwrap();
    assert_eq!(delivery.status, DeliveryStatus::Bounced);
    assert_eq!(delivery.bounce_type.as_deref(), Some("Permanent/General"));
    assert_eq!(delivery.message_id, Some(message_of(&inv)));
    let untouched = h
        .service
        .get_invitation(&Actor::Backend, &org.id, other.id.as_str())
        .await
        .unwrap();
    assert_eq!(untouched.delivery.unwrap().status, DeliveryStatus::Sent);
}

async fn only_the_latest_message_counts_and_a_bounce_is_final(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    let first = message_of(&inv);
    h.clock.advance(61_000);
    let resent = resend(&h, &org, &inv.id).await;
    let second = message_of(&resent.invitation);
    assert_ne!(first, second);
    // The first email's late bounce does not mark the resent one.
    assert!(h
        .service
        .mail_feedback()
        .record(&first, &bounced())
        .await
        .unwrap()
        .invitation
        .is_none());
    let delivered = h
        .service
        .mail_feedback()
        .record(&second, &MailFeedback::Delivered)
        .await
        .unwrap()
        .invitation
        .unwrap();
    assert_eq!(
        delivered.delivery.unwrap().status,
        DeliveryStatus::Delivered
    );
    let complained = h
        .service
        .mail_feedback()
        .record(&second, &MailFeedback::Complained)
        .await
        .unwrap()
        .invitation
        .unwrap();
    assert_eq!(
        complained.delivery.unwrap().status,
        DeliveryStatus::Complained
    );
    assert!(h
        .service
        .mail_feedback()
        .record(&second, &MailFeedback::Delivered)
        .await
        .unwrap()
        .invitation
        .is_none());
    let stored = h
        .service
        .get_invitation(&Actor::Backend, &org.id, inv.id.as_str())
        .await
        .unwrap();
    assert_eq!(stored.delivery.unwrap().status, DeliveryStatus::Complained);
}

async fn an_unknown_message_changes_nothing(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(&h, &org, "grace@example.com").await;
    assert!(h
        .service
        .mail_feedback()
        .record("not-ours-0001", &bounced())
        .await
        .unwrap()
        .invitation
        .is_none());
}
