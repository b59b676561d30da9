//! An invitation's whole life, played on a store: every transition the events cover.

use invitations::domain::{MailFeedback, RoleKey};
use invitations::service::Actor;
use invitations::tokens::session::Session;
use serde_json::json;

use crate::helpers::links::ticket_of;
use crate::helpers::*;

pub const DAY: i64 = 24 * 60 * 60 * 1000;

/// The event types the life makes, per invitation or membership (by the address or user it is
/// about), in order.
pub const EXPECTED: [(&str, &[&str]); 8] = [
    ("admin", &["organizationMembership.created"]),
    (
        "accepts@example.com",
        &[
            "organizationInvitation.created",
            "organizationInvitation.accepted",
        ],
    ),
    (
        "member",
        &[
            "organizationMembership.created",
            "organizationMembership.updated",
            "organizationMembership.deleted",
        ],
    ),
    (
        "revoked@example.com",
        &[
            "organizationInvitation.created",
            "organizationInvitation.revoked",
        ],
    ),
    (
        "declines@example.com",
        &[
            "organizationInvitation.created",
            "organizationInvitation.declined",
        ],
    ),
    (
        "lapses@example.com",
        &[
            "organizationInvitation.created",
            "organizationInvitation.expired",
        ],
    ),
    (
        "bounces@example.com",
        &[
            "organizationInvitation.created",
            "organizationInvitation.bounced",
        ],
    ),
    ("resent", &[]),
];

fn invite_body(email: &str, days: u32) -> serde_json::Value {
    json!({ "email_address": email, "role": "org:member", "expires_in_days": days })
}

/// Create, resend, accept, revoke, decline, expire (a 1-day invitation and a clock moved past
/// it, then one sweep), bounce; then the new member's role changes and they leave.
pub async fn live(h: &Harness) {
    let (org, _admin) = org_with_admin(h, "admin@acme.test", 0).await;
    let create = |email: &'static str, days: u32| {
        let input = invite_input(invite_body(email, days));
        let (service, org_id) = (h.service.clone(), org.id.clone());
        async move {
            service
                .create_invitation(&Actor::Backend, &org_id, &input)
                .await
                .unwrap()
        }
    };
    let accepts = create("accepts@example.com", 30).await;
    h.clock.advance(61_000);
    let resent = resend(h, &org, &accepts.invitation.id).await;
    let session = Session {
        user_id: "user_idp_accepts".into(),
        verified_email: Some("accepts@example.com".into()),
    };
    h.service
        .accept_ticket(&ticket_of(resent.url.as_deref().unwrap()), &session)
        .await
        .unwrap();

    let revoked = create("revoked@example.com", 30).await;
    h.service
        .revoke_invitation(
            &Actor::Backend,
            &org.id,
            revoked.invitation.id.as_str(),
            None,
        )
        .await
        .unwrap();
    let declines = create("declines@example.com", 30).await;
    h.service
        .decline_ticket(&ticket_of(declines.url.as_deref().unwrap()))
        .await
        .unwrap();
    let bounces = create("bounces@example.com", 30).await;
    let message_id = bounces
        .invitation
        .delivery
        .as_ref()
        .and_then(|d| d.message_id.clone())
        .unwrap();
    let bounced = MailFeedback::Bounced {
        bounce_type: "Permanent/General".into(),
    };
    assert!(h
        .service
        .mail_feedback()
        .record(&message_id, &bounced)
        .await
        .unwrap()
        .invitation
        .is_some());
    // A second report of the same bounce changes nothing and so makes no second event.
    assert!(h
        .service
        .mail_feedback()
        .record(&message_id, &MailFeedback::Delivered)
        .await
        .unwrap()
        .invitation
        .is_none());

    create("lapses@example.com", 1).await;
    h.clock.advance(DAY + 1_000);
    let swept = h.service.sweeper().sweep_expired().await.unwrap();
    // `bounces@` is pending with 30 days: only the 1-day invitation was due.
    assert_eq!((swept.read, swept.expired), (1, 1));

    let admin_role = RoleKey::from("org:admin");
    h.service
        .update_membership_role(&org.id, &session.user_id, &admin_role)
        .await
        .unwrap();
    h.service
        .delete_membership(&org.id, &session.user_id)
        .await
        .unwrap();
}
