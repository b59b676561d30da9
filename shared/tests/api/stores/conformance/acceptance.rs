//! Declining, by link or by id. Both stores.
use crate::helpers::*;
use invitations::clock::Clock;
use invitations::domain::InvitationStatus;
use invitations::service::Actor;
use invitations::service::ServiceError;
use serde_json::json;

use super::query;

async fn an_invitee_declines_by_link_or_by_id_and_the_links_die(h: Harness) {
    use invitations::tokens::session::Session;
    let (org, _) = org_with_admin(&h, "admin@acme.test", 2).await;
    let issued = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "grace@example.com", "role": "org:member"})),
        )
        .await
        .unwrap();
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
    let ticket = crate::helpers::links::ticket_of(issued.url.as_deref().unwrap());
    let declined = h.service.decline_ticket(&ticket).await.unwrap();
    assert_eq!(declined.status(h.clock.now()), InvitationStatus::Declined);
    assert_eq!(
        org_now(&h, &org).await.pending_invitations_count,
        0,
        "the seat is free"
    );
    assert!(matches!(
        h.service.follow_ticket(&ticket, None).await,
        Err(ServiceError::TicketDeclined)
    ));
    assert!(matches!(
        h.service.decline_ticket(&ticket).await,
        Err(ServiceError::TicketDeclined)
    ));
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("status=declined"))
        .await
        .unwrap();
    assert_eq!((page.data.len(), page.total_count), (1, 1));

    let alan = invite(&h, &org, "alan@example.com").await;
    let stranger = Session {
        user_id: "user_stranger".into(),
        verified_email: Some("stranger@example.com".into()),
    };
    assert!(matches!(
        h.service
            .decline_my_invitation(alan.id.as_str(), &stranger)
            .await,
        Err(ServiceError::NotFound("invitation"))
    ));
    let his = Session {
        user_id: "user_alan".into(),
        verified_email: Some("alan@example.com".into()),
    };
    let declined = h
        .service
        .decline_my_invitation(alan.id.as_str(), &his)
        .await
        .unwrap();
    assert_eq!(declined.stored_status, InvitationStatus::Declined);
    // The address can be invited again (its slot is free), past the email cooldown.
    h.clock.advance(61_000);
    invite(&h, &org, "grace@example.com").await;
}

both_stores!(an_invitee_declines_by_link_or_by_id_and_the_links_die,);
