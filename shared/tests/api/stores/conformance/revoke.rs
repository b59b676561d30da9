//! Revoking: what it frees, what it refuses, who may. Both stores.
use crate::helpers::*;
use invitations::clock::Clock;
use invitations::domain::InvitationStatus;
use invitations::service::Actor;
use invitations::service::ServiceError;
use serde_json::json;

async fn revoking_frees_the_address_and_the_seat(h: Harness) {
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 2).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    h.clock.advance(1000);
    let revoked = h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), Some(&admin.id))
        .await
        .unwrap();
    assert_eq!(revoked.status(h.clock.now()), InvitationStatus::Revoked);
    assert_eq!(revoked.updated_at, T0 + 1000);
    let stored = h
        .service
        .get_invitation(&Actor::Backend, &org.id, inv.id.as_str())
        .await
        .unwrap();
    assert_eq!(stored, revoked);
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 0);
    // Past the organization's email cooldown for the address (60 s).
    h.clock.advance(61_000);
    let again = invite(&h, &org, "Grace@Example.com").await;
    assert_ne!(again.id, inv.id);
}

async fn only_a_pending_invitation_can_be_revoked_and_only_in_its_organization(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (other, _) = org_with_admin(&h, "other@acme.test", 0).await;
    let inv = invite(&h, &org, "grace@example.com").await;
    let from_other = h
        .service
        .revoke_invitation(&Actor::Backend, &other.id, inv.id.as_str(), None)
        .await;
    assert!(
        matches!(from_other, Err(ServiceError::NotFound("invitation"))),
        "{from_other:?}"
    );
    let get_other = h
        .service
        .get_invitation(&Actor::Backend, &other.id, inv.id.as_str())
        .await;
    assert!(matches!(
        get_other,
        Err(ServiceError::NotFound("invitation"))
    ));
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), None)
        .await
        .unwrap();
    let twice = h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), None)
        .await;
    assert!(
        matches!(
            twice,
            Err(ServiceError::InvitationNotPending(
                InvitationStatus::Revoked
            ))
        ),
        "{twice:?}"
    );
    let unknown = h
        .service
        .revoke_invitation(
            &Actor::Backend,
            &org.id,
            "orginv_000000000000000000000000000",
            None,
        )
        .await;
    assert!(matches!(unknown, Err(ServiceError::NotFound(_))));
    let malformed = h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, "../../etc", None)
        .await;
    assert!(matches!(malformed, Err(ServiceError::NotFound(_))));
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 0);
}

async fn revoking_an_expired_invitation_gives_its_seat_back(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 2).await;
    let old = invite(&h, &org, "grace@example.com").await;
    h.clock.advance(31 * DAY);
    let full = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "other@example.com", "role": "org:member"})),
        )
        .await;
    assert!(matches!(full, Err(ServiceError::QuotaExceeded)), "{full:?}");
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, old.id.as_str(), None)
        .await
        .unwrap();
    invite(&h, &org, "other@example.com").await;
}

async fn a_member_without_the_permission_cannot_revoke(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let member = user(&h, "member@example.com").await;
    add_member(&h, &org, &member, "org:member").await;
    let inv = invite(&h, &org, "grace@example.com").await;
    let result = h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, inv.id.as_str(), Some(&member.id))
        .await;
    assert!(
        matches!(result, Err(ServiceError::NotAllowed(_))),
        "{result:?}"
    );
    let still = h
        .service
        .get_invitation(&Actor::Backend, &org.id, inv.id.as_str())
        .await
        .unwrap();
    assert_eq!(still.status(h.clock.now()), InvitationStatus::Pending);
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
}

both_stores!(
    revoking_frees_the_address_and_the_seat,
    only_a_pending_invitation_can_be_revoked_and_only_in_its_organization,
    revoking_an_expired_invitation_gives_its_seat_back,
    a_member_without_the_permission_cannot_revoke,
);
