//! Users, organizations and memberships. Both stores.
use crate::helpers::*;
use invitations::service::Actor;
use invitations::service::ServiceError;
use serde_json::json;

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
        h.store
            .replace_membership_metadata(
                &first,
                &stale,
                &crate::helpers::audit(
                    &org.id,
                    invitations::domain::audit::AuditAction::MembershipMetadataUpdated
                )
            )
            .await,
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
    let link = crate::helpers::links::ticket_of(pending.url.as_deref().unwrap());
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

both_stores!(
    an_address_belongs_to_one_user,
    an_organization_has_a_unique_slug_and_its_creator_as_admin,
    memberships_are_created_listed_updated_and_deleted,
    membership_metadata_merges_deeply_and_a_stale_write_is_refused,
    an_organization_is_updated_and_deleted_and_its_links_die,
    organizations_are_listed_counted_and_found_by_slug_or_member,
);
