//! One suite, both stores: the in-memory store is held to what DynamoDB does.
use crate::helpers::*;
use invitations::clock::Clock;
use invitations::domain::{InvitationQuery, InvitationStatus};
use invitations::http::parse::invitation_query;
use invitations::http::parse::query_pairs;
use invitations::service::Actor;
use invitations::service::ServiceError;
use serde_json::json;

fn query(q: &str) -> InvitationQuery {
    invitation_query(&query_pairs(Some(q))).unwrap()
}

fn emails(page: &invitations::domain::Page<invitations::domain::Invitation>) -> Vec<String> {
    page.data
        .iter()
        .map(|i| i.email_address.as_str().to_string())
        .collect()
}

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

async fn listing_filters_by_status(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let a = invite(&h, &org, "a@example.com").await;
    invite(&h, &org, "b@example.com").await;
    h.service
        .create_invitation(&Actor::Backend, &org.id, &invite_input(json!({"email_address": "c@example.com", "role": "org:member", "expires_in_days": 1})))
        .await
        .unwrap();
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, a.id.as_str(), None)
        .await
        .unwrap();
    h.clock.advance(DAY + 1);
    let count = |q: &'static str| {
        let h = &h;
        let org = &org;
        async move {
            h.service
                .list_invitations(&Actor::Backend, &org.id, &query(q))
                .await
                .unwrap()
                .total_count
        }
    };
    assert_eq!(count("").await, 3);
    assert_eq!(count("status=pending").await, 1);
    assert_eq!(count("status=revoked").await, 1);
    assert_eq!(count("status=expired").await, 1);
    assert_eq!(count("status=accepted").await, 0);
    assert_eq!(count("status=pending&status=expired").await, 2);
    let pending = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("status=pending"))
        .await
        .unwrap();
    assert_eq!(emails(&pending), ["b@example.com"]);
}

async fn listing_orders_by_creation_or_address_both_ways(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    for email in ["Carol@example.com", "alice@example.com", "bob@example.com"] {
        invite(&h, &org, email).await;
        h.clock.advance(1);
    }
    let order = |q: &'static str| {
        let h = &h;
        let org = &org;
        async move {
            emails(
                &h.service
                    .list_invitations(&Actor::Backend, &org.id, &query(q))
                    .await
                    .unwrap(),
            )
        }
    };
    assert_eq!(
        order("").await,
        ["bob@example.com", "alice@example.com", "Carol@example.com"]
    );
    assert_eq!(
        order("order_by=created_at").await,
        ["Carol@example.com", "alice@example.com", "bob@example.com"]
    );
    assert_eq!(
        order("order_by=email_address").await,
        ["alice@example.com", "bob@example.com", "Carol@example.com"]
    );
    assert_eq!(
        order("order_by=-email_address").await,
        ["Carol@example.com", "bob@example.com", "alice@example.com"]
    );
}

async fn offset_and_cursor_pages_each_walk_the_list_exactly_once(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let mut all = Vec::new();
    for i in 0..7 {
        all.push(format!("user{i}@example.com"));
        invite(&h, &org, &all[i]).await;
        h.clock.advance(1);
    }
    for order in [
        "created_at",
        "-created_at",
        "email_address",
        "-email_address",
    ] {
        let mut by_offset = Vec::new();
        for offset in (0..7).step_by(3) {
            let page = h
                .service
                .list_invitations(
                    &Actor::Backend,
                    &org.id,
                    &query(&format!("order_by={order}&limit=3&offset={offset}")),
                )
                .await
                .unwrap();
            assert_eq!(page.total_count, 7);
            by_offset.extend(emails(&page));
        }
        let mut by_cursor = Vec::new();
        let mut q = format!("order_by={order}&limit=3");
        loop {
            let page = h
                .service
                .list_invitations(&Actor::Backend, &org.id, &query(&q))
                .await
                .unwrap();
            by_cursor.extend(emails(&page));
            match page.next_cursor {
                Some(c) => q = format!("order_by={order}&limit=3&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(by_offset.len(), 7, "{order}");
        assert_eq!(by_offset, by_cursor, "{order}");
        let mut sorted = by_offset.clone();
        sorted.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(sorted, expected, "{order}");
    }
    let past_end = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("offset=50"))
        .await
        .unwrap();
    assert!(past_end.data.is_empty());
    assert_eq!(past_end.total_count, 7);
}

async fn a_cursor_from_another_order_is_refused(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    invite(&h, &org, "a@example.com").await;
    invite(&h, &org, "b@example.com").await;
    let page = h
        .service
        .list_invitations(&Actor::Backend, &org.id, &query("limit=1"))
        .await
        .unwrap();
    let cursor = page.next_cursor.unwrap();
    let result = h
        .service
        .list_invitations(
            &Actor::Backend,
            &org.id,
            &query(&format!("limit=1&order_by=email_address&cursor={cursor}")),
        )
        .await;
    assert!(
        matches!(result, Err(ServiceError::Invalid(_))),
        "{result:?}"
    );
}

async fn listing_by_address_ignores_case_and_other_addresses(h: Harness) {
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let first = invite(&h, &org, "grace@example.com").await;
    h.clock.advance(1);
    invite(&h, &org, "grace@example.co").await;
    invite(&h, &org, "grace@example.com.au").await;
    h.service
        .revoke_invitation(&Actor::Backend, &org.id, first.id.as_str(), None)
        .await
        .unwrap();
    // Past the organization's email cooldown for the address (60 s).
    h.clock.advance(61_000);
    invite(&h, &org, "Grace@Example.com").await;
    for order in ["-created_at", "created_at", "email_address"] {
        let page = h
            .service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &query(&format!(
                    "email_address=GRACE@example.com&order_by={order}&limit=1"
                )),
            )
            .await
            .unwrap();
        assert_eq!(page.total_count, 2, "{order}");
        let next = h
            .service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &query(&format!(
                    "email_address=GRACE@example.com&order_by={order}&limit=1&cursor={}",
                    page.next_cursor.clone().unwrap()
                )),
            )
            .await
            .unwrap();
        assert_eq!(next.data.len(), 1, "{order}");
        assert_ne!(next.data[0].id, page.data[0].id, "{order}");
        assert!(next.next_cursor.is_none(), "{order}");
    }
}

async fn an_address_belongs_to_one_user(h: Harness) {
    user(&h, "grace@example.com").await;
    let again = h
        .service
        .create_user(
            invitations::http::parse::user(
                &json!({"email_address": ["other@example.com", "GRACE@example.com"]}),
            )
            .unwrap(),
        )
        .await;
    assert!(matches!(again, Err(ServiceError::EmailTaken)), "{again:?}");
    // Nothing of the refused user was kept: its other address is still free.
    user(&h, "other@example.com").await;
}

async fn an_organization_has_a_unique_slug_and_its_creator_as_admin(h: Harness) {
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    assert_eq!(org.slug, "org-of-admin-acme-test");
    assert_eq!(org.members_count, 1);
    let m = h
        .store
        .get_membership(&org.id, &admin.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.role, "org:admin");
    assert_eq!(h.service.get_organization(&org.slug).await.unwrap(), org);
    let clash = h
        .service
        .create_organization(
            invitations::http::parse::organization(&json!({"name": "Other", "slug": org.slug}))
                .unwrap(),
        )
        .await;
    assert!(matches!(clash, Err(ServiceError::SlugTaken)), "{clash:?}");
    let unknown_creator = h
        .service
        .create_organization(
            invitations::http::parse::organization(
                &json!({"name": "X", "created_by": "user_nope"}),
            )
            .unwrap(),
        )
        .await;
    assert!(matches!(unknown_creator, Err(ServiceError::Invalid(_))));
}

async fn memberships_are_created_listed_updated_and_deleted(h: Harness) {
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let grace = user(&h, "grace@example.com").await;
    h.clock.advance(1);
    add_member(&h, &org, &grace, "org:member").await;
    let twice = h
        .service
        .create_membership(
            &org.id,
            invitations::http::parse::membership(
                &json!({"user_id": grace.id, "role": "org:admin"}),
                h.service.roles(),
            )
            .unwrap(),
        )
        .await;
    assert!(
        matches!(twice, Err(ServiceError::AlreadyMember)),
        "{twice:?}"
    );
    let (listed_org, page) = h.service.list_memberships(&org.id, 10, 0).await.unwrap();
    assert_eq!(listed_org.members_count, 2);
    let users: Vec<&str> = page.iter().map(|m| m.user_id.as_str()).collect();
    assert_eq!(
        users,
        [grace.id.as_str(), admin.id.as_str()],
        "newest first"
    );
    let (_, second) = h.service.list_memberships(&org.id, 1, 1).await.unwrap();
    assert_eq!(second[0].user_id, admin.id);

    let (updated, _) = h
        .service
        .update_membership_role(&org.id, &grace.id, &"org:admin".into())
        .await
        .unwrap();
    assert_eq!(updated.role, "org:admin");
    assert!(matches!(
        h.service
            .update_membership_role(&org.id, &"user_nope".into(), &"org:admin".into())
            .await,
        Err(ServiceError::NotFound(_))
    ));

    let (deleted, after) = h
        .service
        .delete_membership(&org.id, &grace.id)
        .await
        .unwrap();
    assert_eq!(deleted.user_id, grace.id);
    assert_eq!(after.members_count, 1);
    assert!(matches!(
        h.service.delete_membership(&org.id, &grace.id).await,
        Err(ServiceError::NotFound(_))
    ));
    // Her address is no longer a member's, so she can be invited.
    invite(&h, &org, "grace@example.com").await;
    assert!(matches!(
        h.service.list_memberships(&"org_nope".into(), 10, 0).await,
        Err(ServiceError::NotFound(_))
    ));
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

async fn membership_metadata_merges_deeply_and_a_stale_write_is_refused(h: Harness) {
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (first, _) = h
        .service
        .update_membership_metadata(
            &org.id,
            &admin.id,
            json!({"plan": {"tier": "pro", "seats": 5}}),
            json!({"billing": "acct_1"}),
        )
        .await
        .unwrap();
    assert_eq!(
        first.public_metadata.to_value(),
        json!({"plan": {"tier": "pro", "seats": 5}})
    );
    let (second, _) = h
        .service
        .update_membership_metadata(
            &org.id,
            &admin.id,
            json!({"plan": {"seats": null}, "team": "core"}),
            serde_json::Value::Null,
        )
        .await
        .unwrap();
    assert_eq!(
        second.public_metadata.to_value(),
        json!({"plan": {"tier": "pro"}, "team": "core"})
    );
    assert_eq!(
        second.private_metadata.to_value(),
        json!({"billing": "acct_1"})
    );
    // A write computed from what was read before the second update is refused.
    let mut stale = first.clone();
    stale.public_metadata =
        invitations::domain::Metadata::parse("p", json!({"lost": true})).unwrap();
    assert!(matches!(
        h.store.replace_membership_metadata(&first, &stale).await,
        Err(invitations::store::StoreError::Contention)
    ));
    let missing = h
        .service
        .update_membership_metadata(&org.id, &"user_nobody".into(), json!({"a": 1}), json!(null))
        .await;
    assert!(matches!(missing, Err(ServiceError::NotFound("membership"))));
}

async fn an_organization_is_updated_and_deleted_and_its_links_die(h: Harness) {
    use invitations::service::OrganizationPatch;
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (other, _) = org_with_admin(&h, "admin@other.test", 0).await;
    let taken = h
        .service
        .update_organization(
            &org.id,
            &OrganizationPatch {
                slug: Some(other.slug.clone()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(taken, Err(ServiceError::SlugTaken)), "{taken:?}");
    let renamed = h
        .service
        .update_organization(
            &org.id,
            &OrganizationPatch {
                name: Some("Acme Two".into()),
                slug: Some("acme-two".into()),
                max_allowed_memberships: Some(7),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.max_allowed_memberships),
        ("Acme Two", 7)
    );
    assert_eq!(
        h.service.get_organization("acme-two").await.unwrap().id,
        org.id
    );
    assert!(
        h.service.get_organization(&org.slug).await.is_err(),
        "the old slug is free"
    );

    let pending = h
        .service
        .create_invitation(
            &Actor::Backend,
            &org.id,
            &invite_input(json!({"email_address": "grace@example.com", "role": "org:member"})),
        )
        .await
        .unwrap();
    let deleted = h.service.delete_organization(&org.id).await.unwrap();
    assert_eq!(deleted.id, org.id);
    assert!(matches!(
        h.service.get_organization(&org.id).await,
        Err(ServiceError::NotFound("organization"))
    ));
    let link = crate::helpers::links::ticket_of(&pending.url);
    let followed = h.service.follow_ticket(&link, None).await;
    assert!(
        matches!(followed, Err(ServiceError::TicketRevoked)),
        "{followed:?}"
    );
    let (left, _) = h.service.user_memberships(&admin.id, 10, 0).await.unwrap();
    assert!(left.is_empty(), "the admin's membership went with it");
    assert!(matches!(
        h.service.delete_organization(&org.id).await,
        Err(ServiceError::NotFound("organization"))
    ));
    // The slug can be claimed again.
    h.service
        .update_organization(
            &other.id,
            &OrganizationPatch {
                slug: Some("acme-two".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

async fn organizations_are_listed_counted_and_found_by_slug_or_member(h: Harness) {
    use invitations::service::OrganizationListQuery;
    let (acme, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    h.clock.advance(1);
    let (other, _) = org_with_admin(&h, "admin@other.test", 0).await;
    let all = |q: OrganizationListQuery| {
        let h = &h;
        async move {
            let (page, total) = h.service.list_organizations(&q).await.unwrap();
            (
                page.into_iter()
                    .map(|o| o.id.to_string())
                    .collect::<Vec<_>>(),
                total,
            )
        }
    };
    let page = |limit, offset| OrganizationListQuery {
        limit,
        offset,
        ..Default::default()
    };
    assert_eq!(
        all(page(10, 0)).await,
        (vec![other.id.to_string(), acme.id.to_string()], 2),
        "newest first, counted"
    );
    assert_eq!(all(page(1, 1)).await, (vec![acme.id.to_string()], 2));
    let by_slug = all(OrganizationListQuery {
        query: Some(acme.slug[..3].to_string()),
        ..page(10, 0)
    })
    .await;
    assert!(by_slug.0.contains(&acme.id.to_string()), "{by_slug:?}");
    let by_id = all(OrganizationListQuery {
        query: Some(other.id.to_string()),
        ..page(10, 0)
    })
    .await;
    assert_eq!(by_id.0, vec![other.id.to_string()]);
    let by_member = all(OrganizationListQuery {
        user_ids: vec![admin.id.clone()],
        ..page(10, 0)
    })
    .await;
    assert_eq!(by_member.0, vec![acme.id.to_string()]);
    h.service.delete_organization(&other.id).await.unwrap();
    assert_eq!(all(page(10, 0)).await, (vec![acme.id.to_string()], 1));
}

async fn every_organizations_invitations_are_paged_newest_first(h: Harness) {
    use invitations::domain::listing::{Cursor, PageStart};
    use invitations::domain::PageRequest;
    let (acme, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (other, _) = org_with_admin(&h, "admin@other.test", 0).await;
    let mut expected = Vec::new();
    for n in 0..13 {
        h.clock.advance(1);
        let org = if n % 2 == 0 { &acme } else { &other };
        expected.push(
            invite(&h, org, &format!("p{n}@example.com"))
                .await
                .id
                .to_string(),
        );
    }
    expected.reverse();
    let mut seen = Vec::new();
    let mut start = PageStart::Offset(0);
    for _ in 0..20 {
        let page = h
            .service
            .instance_invitations(
                None,
                &[],
                &PageRequest {
                    limit: 5,
                    start: start.clone(),
                },
            )
            .await
            .unwrap();
        assert!(page.data.len() <= 5);
        seen.extend(page.data.iter().map(|i| i.id.to_string()));
        match page.next_cursor {
            Some(c) => start = PageStart::After(Cursor::decode(&c).unwrap()),
            None => break,
        }
    }
    assert_eq!(seen, expected);
    let one = invitations::domain::EmailAddress::parse("q", "P3@example.com").unwrap();
    let page = h
        .service
        .instance_invitations(
            Some(&one),
            &[],
            &PageRequest {
                limit: 5,
                start: PageStart::Offset(0),
            },
        )
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.data[0].email_address.as_str(), "p3@example.com");
}

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
    let ticket = crate::helpers::links::ticket_of(&issued.url);
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

both_stores!(
    a_created_invitation_is_pending_and_takes_a_seat,
    a_second_pending_invitation_to_the_same_address_in_any_case_is_a_duplicate,
    the_same_address_may_be_invited_by_another_organization,
    inviting_a_members_address_is_refused,
    the_quota_counts_members_and_pending_invitations,
    revoking_frees_the_address_and_the_seat,
    only_a_pending_invitation_can_be_revoked_and_only_in_its_organization,
    an_expired_invitation_reads_expired_and_its_address_can_be_invited_again,
    revoking_an_expired_invitation_gives_its_seat_back,
    the_inviter_must_be_a_member_who_manages_memberships,
    a_member_without_the_permission_cannot_revoke,
    listing_filters_by_status,
    listing_orders_by_creation_or_address_both_ways,
    offset_and_cursor_pages_each_walk_the_list_exactly_once,
    a_cursor_from_another_order_is_refused,
    listing_by_address_ignores_case_and_other_addresses,
    an_address_belongs_to_one_user,
    an_organization_has_a_unique_slug_and_its_creator_as_admin,
    memberships_are_created_listed_updated_and_deleted,
    a_bulk_request_gets_one_result_per_item_in_order,
    operations_on_an_unknown_organization_say_so,
    membership_metadata_merges_deeply_and_a_stale_write_is_refused,
    an_organization_is_updated_and_deleted_and_its_links_die,
    organizations_are_listed_counted_and_found_by_slug_or_member,
    every_organizations_invitations_are_paged_newest_first,
    an_invitee_declines_by_link_or_by_id_and_the_links_die,
    the_sweeper_expires_due_invitations_and_reads_nothing_else,
);
