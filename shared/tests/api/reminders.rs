//! Reminders before an invitation lapses, on both stores: one email, once, at most one sweep
//! (5 minutes) after it is due, with the same link; none to a suppressed mailbox, none while
//! the organization's email is paused (it waits), none for an invitation that opted out or
//! lapses too soon; a resend starts it over; the email limits count it; a reminder taken by a
//! sweep that stopped goes out from the next.

use std::sync::Arc;

use invitations::clock::Clock;

use serde_json::json;

use crate::helpers::{invite_input, org_with_admin, Harness, DAY};
use invitations::domain::audit::{AuditAction, AuditQuery};
use invitations::domain::limits::Limit;
use invitations::domain::reputation::{Suppression, SuppressionReason};
use invitations::domain::{DeliveryStatus, Invitation, OrganizationId};
use invitations::service::{Actor, IssuedInvitation, Policy};

both_stores!(
    a_reminder_goes_out_once_at_most_one_sweep_late_with_the_same_link,
    no_reminder_reaches_a_suppressed_mailbox,
    no_reminder_for_an_opt_out_a_short_link_or_no_email,
    a_resend_starts_the_reminder_over,
    a_paused_organization_holds_its_reminders_until_it_resumes,
    a_reminder_taken_by_a_sweep_that_stopped_goes_out_from_the_next,
);

const MINUTE: i64 = 60_000;
const SWEEP: i64 = 5 * MINUTE;

async fn invite(h: &Harness, org: &OrganizationId, body: serde_json::Value) -> IssuedInvitation {
    h.service
        .create_invitation(&Actor::Backend, org, &invite_input(body))
        .await
        .unwrap()
}

async fn stored(h: &Harness, inv: &IssuedInvitation) -> Invitation {
    h.store
        .get_invitation(&inv.invitation.organization.id, &inv.invitation.id)
        .await
        .unwrap()
        .unwrap()
}

fn reminders_in(h: &Harness) -> Vec<String> {
    h.mailer
        .sent()
        .into_iter()
        .filter(|m| m.subject.starts_with("Reminder:"))
        .map(|m| m.accept_url)
        .collect()
}

async fn a_reminder_goes_out_once_at_most_one_sweep_late_with_the_same_link(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = invite(
        &h,
        &org.id,
        json!({"email_address": "grace@example.com", "role": "org:member"}),
    )
    .await;
    let due = made.invitation.expires_at - 3 * DAY;
    assert_eq!(stored(&h, &made).await.remind_at, Some(due));

    // Sweeps every 5 minutes: none before it is due, then the first after sends it.
    h.clock
        .advance(due - made.invitation.created_at - SWEEP + 1);
    assert_eq!(h.service.send_reminders().await.unwrap().sent, 0);
    h.clock.advance(SWEEP);
    let report = h.service.send_reminders().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    let reminded = stored(&h, &made).await;
    let record = reminded.reminder.clone().unwrap();
    assert_eq!(record.status, DeliveryStatus::Sent);
    assert!(record.at - due <= SWEEP, "at most one sweep late");
    assert_eq!(
        reminders_in(&h),
        [made.url.clone().unwrap()],
        "the same link"
    );
    let reminder = h.mailer.sent().last().cloned().unwrap();
    assert!(reminder.text.contains("expires on"), "{}", reminder.text);

    // Once: later sweeps find nothing, up to the expiry and after.
    for _ in 0..3 {
        h.clock.advance(SWEEP);
        assert_eq!(h.service.send_reminders().await.unwrap().found, 0);
    }
    h.clock.advance(3 * DAY);
    assert_eq!(h.service.send_reminders().await.unwrap().found, 0);
    assert_eq!(reminders_in(&h).len(), 1);
    let query = AuditQuery {
        action: Some(AuditAction::InvitationReminded),
        actor: None,
        before: None,
        limit: 10,
    };
    let log = h.service.audit_log(&org.id, &query).await.unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].actor.id, "sweeper");
}

async fn no_reminder_reaches_a_suppressed_mailbox(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = invite(
        &h,
        &org.id,
        json!({"email_address": "Grace+team@example.com", "role": "org:member"}),
    )
    .await;
    // The mailbox bounced for good since (another spelling's email, say).
    h.store
        .suppress(&Suppression {
            mailbox: made.invitation.email_address.mailbox(),
            reason: SuppressionReason::HardBounce,
            detail: Some("Permanent/General".into()),
            organization_id: org.id.clone(),
            invitation_id: made.invitation.id.clone(),
            at: h.clock.now(),
        })
        .await
        .unwrap();
    h.clock.advance(27 * DAY + MINUTE);
    let report = h.service.send_reminders().await.unwrap();
    assert_eq!((report.sent, report.not_sent), (0, 1), "{report:?}");
    assert!(reminders_in(&h).is_empty());
    let record = stored(&h, &made).await.reminder.unwrap();
    assert_eq!(record.status, DeliveryStatus::Failed);
    assert!(record.error.unwrap().contains("suppressed"));
    h.clock.advance(SWEEP);
    assert_eq!(
        h.service.send_reminders().await.unwrap().found,
        0,
        "recorded, not retried"
    );
}

async fn no_reminder_for_an_opt_out_a_short_link_or_no_email(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let opted_out = invite(
        &h,
        &org.id,
        json!({"email_address": "a@example.com", "role": "org:member", "remind": false}),
    )
    .await;
    let short = invite(
        &h,
        &org.id,
        json!({"email_address": "b@example.com", "role": "org:member", "expires_in_days": 3}),
    )
    .await;
    let silent = invite(
        &h,
        &org.id,
        json!({"email_address": "c@example.com", "role": "org:member", "notify": false}),
    )
    .await;
    for made in [&opted_out, &short, &silent] {
        assert_eq!(stored(&h, made).await.remind_at, None);
    }
    for _ in 0..30 {
        h.clock.advance(DAY);
        assert_eq!(h.service.send_reminders().await.unwrap().found, 0);
    }
    assert!(reminders_in(&h).is_empty());
}

async fn a_resend_starts_the_reminder_over(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = invite(
        &h,
        &org.id,
        json!({"email_address": "grace@example.com", "role": "org:member"}),
    )
    .await;
    h.clock.advance(27 * DAY + MINUTE);
    assert_eq!(h.service.send_reminders().await.unwrap().sent, 1);
    // The reminder counts as the address's email of the minute (its cooldown).
    h.clock.advance(2 * MINUTE);
    let action = invitations::service::InvitationAction {
        requesting_user_id: None,
        notify: true,
    };
    let resent = h
        .service
        .resend_invitation(
            &Actor::Backend,
            &org.id,
            made.invitation.id.as_str(),
            &action,
        )
        .await
        .unwrap();
    let fresh = stored(&h, &resent).await;
    assert_eq!(fresh.reminder, None);
    assert_eq!(fresh.remind_at, Some(fresh.expires_at - 3 * DAY));
    h.clock.advance(27 * DAY + MINUTE);
    assert_eq!(h.service.send_reminders().await.unwrap().sent, 1);
    assert_eq!(
        reminders_in(&h),
        [made.url.unwrap(), resent.url.unwrap()],
        "each for its own link"
    );
}

async fn a_paused_organization_holds_its_reminders_until_it_resumes(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(
        &h,
        &org.id,
        json!({"email_address": "grace@example.com", "role": "org:member"}),
    )
    .await;
    h.service.set_mail_sending(&org.id, true).await.unwrap();
    h.clock.advance(27 * DAY + MINUTE);
    let report = h.service.send_reminders().await.unwrap();
    assert_eq!((report.sent, report.deferred), (0, 1), "{report:?}");
    h.service.set_mail_sending(&org.id, false).await.unwrap();
    h.clock.advance(SWEEP);
    assert_eq!(h.service.send_reminders().await.unwrap().sent, 1);
}

async fn a_reminder_taken_by_a_sweep_that_stopped_goes_out_from_the_next(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = invite(
        &h,
        &org.id,
        json!({"email_address": "grace@example.com", "role": "org:member"}),
    )
    .await;
    h.clock.advance(27 * DAY + MINUTE);
    // A sweep took it, then stopped before sending.
    let read = stored(&h, &made).await;
    h.store
        .take_reminder(&read, "stopped-sweep", h.clock.now(), &[], None)
        .await
        .unwrap();
    let report = h.service.send_reminders().await.unwrap();
    assert_eq!(report.found, 0, "a sweep in progress is left alone");
    h.clock.advance(SWEEP);
    let report = h.service.send_reminders().await.unwrap();
    assert_eq!(report.sent, 1, "{report:?}");
    h.clock.advance(SWEEP);
    assert_eq!(h.service.send_reminders().await.unwrap().found, 0);
    assert_eq!(reminders_in(&h).len(), 1);
    // The stopped sweep's record arrives late: the next sweep's stands.
    let late = h
        .store
        .record_reminder(&read, "stopped-sweep", &read.delivery.clone().unwrap())
        .await;
    assert!(late.is_err());
    assert_eq!(
        stored(&h, &made).await.reminder.unwrap().status,
        DeliveryStatus::Sent
    );
}

#[tokio::test]
async fn the_email_limits_count_a_reminder_and_hold_it_while_they_refuse() {
    let policy = Policy {
        limits: invitations::domain::limits::Limits {
            organization_emails: Limit::per_hour(1),
            ..Default::default()
        },
        ..crate::helpers::policy()
    };
    let h = Harness::with_policy(
        Arc::new(invitations::store::memory::MemoryStore::new()),
        Default::default(),
        policy,
    );
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(
        &h,
        &org.id,
        json!({"email_address": "grace@example.com", "role": "org:member"}),
    )
    .await;
    h.clock.advance(27 * DAY + MINUTE);
    // The organization's one email of the hour goes to someone else first.
    invite(
        &h,
        &org.id,
        json!({"email_address": "alan@example.com", "role": "org:member"}),
    )
    .await;
    let report = h.service.send_reminders().await.unwrap();
    assert_eq!((report.sent, report.deferred), (0, 1), "{report:?}");
    h.clock.advance(61 * MINUTE);
    assert_eq!(h.service.send_reminders().await.unwrap().sent, 1);
    // And the reminder took the hour's one email.
    let refused = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "kay@example.com", "role": "org:member"})),
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(invitations::service::ServiceError::LimitReached(_))
        ),
        "{refused:?}"
    );
}
