//! Expiry on time: the sweeper. Both stores.
use crate::helpers::*;
use invitations::domain::InvitationStatus;
use invitations::service::Actor;
use serde_json::json;

use super::query;

async fn the_sweeper_expires_due_invitations_and_reads_nothing_else(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let quiet = |email: String, days: u32| {
        invite_input(
            json!({"email_address": email, "role": "org:member", "notify": false,
                            "expires_in_days": days}),
        )
    };
    for n in 0..5 {
        h.service
            .create_invitation(
                &Actor::Backend,
                &org.id,
                &quiet(format!("due{n}@example.com"), 1),
            )
            .await
            .unwrap();
    }
    for n in 0..40 {
        h.service
            .create_invitation(
                &Actor::Backend,
                &org.id,
                &quiet(format!("later{n}@example.com"), 30),
            )
            .await
            .unwrap();
    }
    let before = h.service.sweeper().sweep_expired().await.unwrap();
    assert_eq!((before.read, before.expired), (0, 0), "nothing is due yet");
    h.clock.advance(DAY + 1);
    let swept = h.service.sweeper().sweep_expired().await.unwrap();
    assert_eq!(
        (swept.read, swept.expired, swept.skipped),
        (5, 5, 0),
        "only the 5 due invitations were read, of 45 pending"
    );
    let now = org_now(&h, &org).await;
    assert_eq!(now.pending_invitations_count, 40, "their seats are free");
    assert_eq!(now.settled_invitations.expired, 5);
    let expired = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("status=expired"))
        .await
        .unwrap();
    assert_eq!(expired.total_count, 5);
    assert!(expired
        .data
        .iter()
        .all(|i| i.stored_status == InvitationStatus::Expired));
    let again = h.service.sweeper().sweep_expired().await.unwrap();
    assert_eq!((again.read, again.expired), (0, 0));
    // The address is free for a new invitation.
    h.service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &quiet("due0@example.com".into(), 7),
        )
        .await
        .unwrap();
}

both_stores!(the_sweeper_expires_due_invitations_and_reads_nothing_else,);
