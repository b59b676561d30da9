//! Creating invitations: pending, seats, duplicates, members, quotas, inviters, bulk. Both stores.
use crate::helpers::*;
use invitations::clock::Clock;
use invitations::domain::InvitationStatus;
use invitations::service::Actor;
use invitations::service::ServiceError;
use serde_json::json;

use super::query;

async fn a_created_invitation_is_pending_and_takes_a_seat(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let input = invite_input(json!({
        "email_address": "Grace@Example.com",
        "role": "basic_member",
        "public_metadata": {"team": "core"},
        "private_metadata": {"source": "crm"},
        "redirect_url": "https://app.example.com/join",
        "expires_in_days": 7,
        "notify": false,
    }));
    let created = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &input)
        .await
        .unwrap()
        .invitation;
    let read = h
        .service
        .get_invitation(&Actor::Backend, &org.id, created.id.as_str())
        .await
        .unwrap();
    assert_eq!(read, created);
    assert_eq!(read.email_address.as_str(), "Grace@Example.com");
    assert_eq!(read.role, "org:member");
    assert_eq!(read.status(h.clock.now()), InvitationStatus::Pending);
    assert_eq!(read.expires_at, T0 + 7 * DAY);
    assert_eq!(read.public_metadata.to_value(), json!({"team": "core"}));
    assert_eq!(read.private_metadata.to_value(), json!({"source": "crm"}));
    assert_eq!(
        read.redirect_url.as_deref(),
        Some("https://app.example.com/join")
    );
    assert!(!read.notify);
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
}

async fn a_second_pending_invitation_to_the_same_address_in_any_case_is_a_duplicate(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(&h, &org, "grace@example.com").await;
    let again = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "GRACE@example.COM", "role": "org:admin"})),
        )
        .await;
    assert!(
        matches!(again, Err(ServiceError::DuplicateInvitation)),
        "{again:?}"
    );
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query(""))
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
}

async fn the_same_address_may_be_invited_by_another_organization(h: Harness) {
    let (a, _) = org_with_admin(&h, "a@acme.test", 0).await;
    let (b, _) = org_with_admin(&h, "b@acme.test", 0).await;
    invite(&h, &a, "grace@example.com").await;
    invite(&h, &b, "grace@example.com").await;
}

async fn inviting_a_members_address_is_refused(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let result = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "ADMIN@acme.test", "role": "org:member"})),
        )
        .await;
    assert!(
        matches!(result, Err(ServiceError::AlreadyMember)),
        "{result:?}"
    );
    assert_eq!(
        h.service
            .list_invitations(&Actor::Backend, &org.id, &query(""))
            .await
            .unwrap()
            .total_count,
        0
    );
}

async fn the_quota_counts_members_and_pending_invitations(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 3).await;
    invite(&h, &org, "one@example.com").await;
    let member = user(&h, "member@example.com").await;
    add_member(&h, &org, &member, "org:member").await;
    let over = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "two@example.com", "role": "org:member"})),
        )
        .await;
    assert!(matches!(over, Err(ServiceError::QuotaExceeded)), "{over:?}");
    let another = user(&h, "another@example.com").await;
    let input = invitations::http::parse::membership(
        &json!({"user_id": another.id, "role": "org:member"}),
        h.service.roles(),
    )
    .unwrap();
    assert!(matches!(
        h.service.create_membership(&org.id, input).await,
        Err(ServiceError::QuotaExceeded)
    ));
    let now = org_now(&h, &org).await;
    assert_eq!((now.members_count, now.pending_invitations_count), (2, 1));
}

async fn an_expired_invitation_reads_expired_and_its_address_can_be_invited_again(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 3).await;
    let old = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &invite_input(json!({"email_address": "grace@example.com", "role": "org:member", "expires_in_days": 1})))
        .await
        .unwrap()
        .invitation;
    h.clock.advance(DAY);
    let read = h
        .service
        .get_invitation(&Actor::Backend, &org.id, old.id.as_str())
        .await
        .unwrap();
    assert_eq!(read.status(h.clock.now()), InvitationStatus::Expired);
    let expired = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("status=expired"))
        .await
        .unwrap();
    assert_eq!(expired.total_count, 1);
    assert_eq!(
        h.service
            .list_invitations(&Actor::Backend, &org.id, &query("status=pending"))
            .await
            .unwrap()
            .total_count,
        0
    );

    let fresh = invite(&h, &org, "GRACE@example.com").await;
    assert_eq!(fresh.status(h.clock.now()), InvitationStatus::Pending);
    // The expired invitation handed its seat to the new one.
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 1);
    let replaced = h
        .service
        .get_invitation(&Actor::Backend, &org.id, old.id.as_str())
        .await
        .unwrap();
    assert_eq!(replaced.status(h.clock.now()), InvitationStatus::Expired);
    let cannot = h
        .service
        .revoke_invitation(&Actor::Backend, &org.id, old.id.as_str(), None)
        .await;
    assert!(
        matches!(
            cannot,
            Err(ServiceError::InvitationNotPending(
                InvitationStatus::Expired
            ))
        ),
        "{cannot:?}"
    );
}

async fn the_inviter_must_be_a_member_who_manages_memberships(h: Harness) {
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let member = user(&h, "member@example.com").await;
    add_member(&h, &org, &member, "org:member").await;
    let stranger = user(&h, "stranger@example.com").await;
    for (inviter, email) in [(&member, "x@example.com"), (&stranger, "y@example.com")] {
        let input = invite_input(
            json!({"email_address": email, "role": "org:member", "inviter_user_id": inviter.id}),
        );
        let result = h
            .service
            .create_invitation(&Actor::Backend, &org.id, &input)
            .await;
        assert!(
            matches!(result, Err(ServiceError::NotAllowed(_))),
            "{result:?}"
        );
    }
    let input = invite_input(
        json!({"email_address": "z@example.com", "role": "org:member", "inviter_user_id": admin.id}),
    );
    let inv = h
        .service
        .create_invitation(&Actor::Backend, &org.id, &input)
        .await
        .unwrap()
        .invitation;
    let inviter = inv.inviter.unwrap();
    assert_eq!(inviter.user_id, admin.id);
    assert_eq!(inviter.first_name.as_deref(), Some("Ada"));
    assert_eq!(inviter.identifier, "admin@acme.test");
    assert_eq!(
        h.service
            .list_invitations(&Actor::Backend, &org.id, &query(""))
            .await
            .unwrap()
            .total_count,
        1
    );
}

async fn a_bulk_request_gets_one_result_per_item_in_order(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 4).await;
    invite(&h, &org, "taken@example.com").await;
    let inputs: Vec<_> = [
        "a@example.com",
        "taken@example.com",
        "A@example.com",
        "admin@acme.test",
        "b@example.com",
        "c@example.com",
    ]
    .iter()
    .map(|e| invite_input(json!({"email_address": e, "role": "org:member"})))
    .collect();
    let results = h
        .service
        .create_invitations(&Actor::Backend, &org.id, &inputs)
        .await
        .unwrap();
    let outcome: Vec<&str> = results
        .iter()
        .map(|r| match r {
            Ok(_) => "created",
            Err(ServiceError::DuplicateInvitation) => "duplicate",
            Err(ServiceError::AlreadyMember) => "member",
            Err(ServiceError::QuotaExceeded) => "quota",
            Err(_) => "other",
        })
        .collect();
    // Seats: admin + taken + a + b leave none for c.
    assert_eq!(
        outcome,
        [
            "created",
            "duplicate",
            "duplicate",
            "member",
            "created",
            "quota"
        ]
    );
    assert_eq!(
        h.service
            .list_invitations(&Actor::Backend, &org.id, &query(""))
            .await
            .unwrap()
            .total_count,
        3
    );
    assert_eq!(org_now(&h, &org).await.pending_invitations_count, 3);
}

async fn operations_on_an_unknown_organization_say_so(h: Harness) {
    let result = h
        .service
        .create_invitation(
            &Actor::Backend,
            &"org_unknown".into(),
            &invite_input(json!({"email_address": "a@example.com", "role": "org:member"})),
        )
        .await;
    assert!(
        matches!(result, Err(ServiceError::NotFound("organization"))),
        "{result:?}"
    );
    assert!(matches!(
        h.service.get_organization("org_unknown").await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        h.service.get_user(&"user_unknown".into()).await,
        Err(ServiceError::NotFound(_))
    ));
}

both_stores!(
    a_created_invitation_is_pending_and_takes_a_seat,
    a_second_pending_invitation_to_the_same_address_in_any_case_is_a_duplicate,
    the_same_address_may_be_invited_by_another_organization,
    inviting_a_members_address_is_refused,
    the_quota_counts_members_and_pending_invitations,
    an_expired_invitation_reads_expired_and_its_address_can_be_invited_again,
    the_inviter_must_be_a_member_who_manages_memberships,
    a_bulk_request_gets_one_result_per_item_in_order,
    operations_on_an_unknown_organization_say_so,
);
