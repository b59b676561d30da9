use super::*;
use crate::domain::{Delivery, EmailAddress, InvitationId, Metadata, PublicOrganizationData};

fn pending() -> Invitation {
    Invitation {
        id: InvitationId::generate(),
        organization: PublicOrganizationData {
            id: "org_1".into(),
            name: "Acme".into(),
            slug: "acme".into(),
        },
        email_address: EmailAddress::from_stored("grace@example.com".into()),
        role: "org:member".into(),
        inviter: None,
        stored_status: InvitationStatus::Pending,
        public_metadata: Metadata::default(),
        private_metadata: Metadata::default(),
        redirect_url: None,
        notify: true,
        ticket_hash: Some("a".into()),
        ticket_issued_at: 0,
        written_by: None,
        validity_days: 30,
        locale: "en".into(),
        delivery: None,
        accepted_user_id: None,
        declined_via: None,
        remind: false,
        remind_at: None,
        reminder: None,
        domain_offer: None,
        link_id: None,
        expires_at: 2_000,
        created_at: 1_000,
        updated_at: 1_000,
    }
}

fn with_delivery(mut inv: Invitation, status: DeliveryStatus) -> Invitation {
    inv.delivery = Some(Delivery {
        status,
        message_id: Some("m-1".into()),
        error: None,
        bounce_type: None,
        at: 1_500,
    });
    inv
}

#[test]
fn only_the_lifes_transitions_make_events() {
    let p = pending();
    assert_eq!(invitation_events(None, &p), [EventType::InvitationCreated]);
    let mut resent = p.clone();
    resent.ticket_hash = Some("b".into());
    resent.expires_at = 9_000;
    assert!(invitation_events(Some(&p), &resent).is_empty(), "a resend");
    let sent = with_delivery(p.clone(), DeliveryStatus::Sent);
    assert!(
        invitation_events(Some(&p), &sent).is_empty(),
        "a recorded send"
    );
    let bounced = with_delivery(p.clone(), DeliveryStatus::Bounced);
    assert_eq!(
        invitation_events(Some(&sent), &bounced),
        [EventType::InvitationBounced]
    );
    assert!(
        invitation_events(Some(&bounced), &bounced).is_empty(),
        "a bounce is told once"
    );
    for (end, kind) in [
        (InvitationStatus::Accepted, EventType::InvitationAccepted),
        (InvitationStatus::Revoked, EventType::InvitationRevoked),
        (InvitationStatus::Expired, EventType::InvitationExpired),
        (InvitationStatus::Declined, EventType::InvitationDeclined),
    ] {
        let mut ended = p.clone();
        ended.stored_status = end;
        assert_eq!(invitation_events(Some(&p), &ended), [kind]);
        // A later change of an ended invitation (its TTL being set, say) makes none.
        assert!(invitation_events(Some(&ended), &ended).is_empty());
    }
}

#[test]
fn an_event_id_is_the_same_for_the_same_change_and_type_only() {
    let a = event_id("stream-1", EventType::InvitationCreated);
    assert_eq!(a, event_id("stream-1", EventType::InvitationCreated));
    assert_ne!(a, event_id("stream-2", EventType::InvitationCreated));
    assert_ne!(a, event_id("stream-1", EventType::InvitationBounced));
    assert!(a.starts_with("evt_") && a.len() == 4 + 32);
}

#[test]
fn a_paused_and_a_resumed_organization_email_make_their_events() {
    use crate::domain::reputation::{MailPause, PausedBy};
    let ctx = EventContext {
        instance_id: "ins_1".into(),
        roles: RoleCatalog::default(),
    };
    let pause = MailPause {
        at: 5_000,
        by: PausedBy::Breaker,
        reason: "12 of 402 emails in 7 days bounced for good".into(),
    };
    let change = |old: Option<MailPause>, new: Option<MailPause>| Change {
        id: "c-1".into(),
        at: Some(9_000),
        record: ChangeRecord::MailSending {
            organization_id: "org_1".into(),
            old,
            new,
        },
    };
    let paused = events_of(&change(None, Some(pause.clone())), &ctx, None, 0);
    assert_eq!(paused.len(), 1);
    assert_eq!(paused[0].body.kind, "organizationEmail.paused");
    assert_eq!(paused[0].body.timestamp, 5_000);
    assert_eq!(paused[0].body.data["paused_by"], "breaker");
    assert_eq!(paused[0].body.data["organization_id"], "org_1");
    assert!(paused[0].body.data.get("last_days").is_none());
    let resumed = events_of(&change(Some(pause), None), &ctx, None, 0);
    assert_eq!(resumed[0].body.kind, "organizationEmail.resumed");
    assert_eq!(resumed[0].body.data["paused"], false);
}
