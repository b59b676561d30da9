//! Each refusal has its own code and stores nothing: not a use, not a member, not a request,
//! not an invitation, not an audit entry, not an attempt.

use invitations::domain::audit::AuditQuery;
use invitations::domain::invitation_link::{LinkRefusal, NewLink};
use invitations::domain::limits::LimitKey;
use invitations::domain::membership_request::RequestStatus;
use invitations::domain::Organization;
use invitations::service::{Actor, CreatedLink, ServiceError};
use invitations::tokens::session::Session;

use super::{make_link, session_of, uses};
use crate::helpers::{org_with_admin, user, with_links, Harness};

/// Everything a redemption could have written, as it stands.
async fn written(h: &Harness, org: &Organization, made: &CreatedLink, person: &Session) -> String {
    let link = h
        .service
        .invitation_link(&Actor::Backend, &org.id, &made.link.id)
        .await
        .unwrap();
    let org_now = h.service.get_organization(&org.id).await.unwrap();
    let (_, requests) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    let audit = h
        .service
        .audit_log(
            &org.id,
            &AuditQuery {
                action: None,
                actor: None,
                before: None,
                limit: 100,
            },
        )
        .await
        .unwrap()
        .entries
        .len();
    let attempts = h
        .store
        .read_limits(&[LimitKey::link_redemptions(&person.user_id)])
        .await
        .unwrap()[0]
        .version;
    format!(
        "uses {} last_used {:?} updated {} members {} accepted {} requests {requests} audit {audit} attempts {attempts}",
        link.uses, link.last_used_at, link.updated_at, org_now.members_count,
        org_now.settled_invitations.accepted
    )
}

async fn refused(
    h: &Harness,
    org: &Organization,
    made: &CreatedLink,
    person: &Session,
) -> ServiceError {
    let before = written(h, org, made, person).await;
    let err = h
        .service
        .redeem_link(person, &org.id, &made.token)
        .await
        .expect_err("refused");
    assert_eq!(
        written(h, org, made, person).await,
        before,
        "{err:?} stored something"
    );
    err
}

async fn a_redeemer_outside_the_allowed_domains_is_refused(h: Harness) {
    let h = with_links(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = make_link(
        &h,
        &org,
        NewLink {
            allowed_email_domains: vec!["acme.test".into()],
            ..uses(5)
        },
    )
    .await;
    let outsider = session_of(&user(&h, "eve@elsewhere.test").await);
    let err = refused(&h, &org, &made, &outsider).await;
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::EmailDomainNotAllowed)),
        "{err:?}"
    );
    let insider = session_of(&user(&h, "bob@acme.test").await);
    h.service
        .redeem_link(&insider, &org.id, &made.token)
        .await
        .expect("an address at the domain joins");
}

async fn an_expired_or_revoked_link_is_refused(h: Harness) {
    let h = with_links(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let person = session_of(&user(&h, "p@people.test").await);
    let expiring = make_link(
        &h,
        &org,
        NewLink {
            expires_in_days: Some(1),
            ..uses(5)
        },
    )
    .await;
    let revoked = make_link(&h, &org, uses(5)).await;
    h.service
        .revoke_link(&Actor::Backend, &org.id, &revoked.link.id)
        .await
        .unwrap();
    let err = refused(&h, &org, &revoked, &person).await;
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::Revoked)),
        "{err:?}"
    );
    h.clock.advance(2 * 86_400_000);
    let err = refused(&h, &org, &expiring, &person).await;
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::Expired)),
        "{err:?}"
    );
    // Opening says the same, and nothing else.
    let err = h
        .service
        .preview_link(&org.id, &expiring.token)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::Expired)),
        "{err:?}"
    );
}

async fn a_full_organization_takes_no_one_by_link(h: Harness) {
    let h = with_links(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 1).await;
    let made = make_link(&h, &org, uses(5)).await;
    let person = session_of(&user(&h, "p@people.test").await);
    let err = refused(&h, &org, &made, &person).await;
    assert!(matches!(err, ServiceError::QuotaExceeded), "{err:?}");
}

async fn a_member_is_told_so_and_uses_nothing(h: Harness) {
    let h = with_links(h);
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = make_link(&h, &org, uses(5)).await;
    let err = refused(&h, &org, &made, &session_of(&admin)).await;
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::AlreadyMember)),
        "{err:?}"
    );
    // Joined once, the second time is the same answer.
    let person = session_of(&user(&h, "p@people.test").await);
    h.service
        .redeem_link(&person, &org.id, &made.token)
        .await
        .unwrap();
    let err = refused(&h, &org, &made, &person).await;
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::AlreadyMember)),
        "{err:?}"
    );
}

async fn a_wrong_secret_or_another_organization_finds_nothing(h: Harness) {
    let h = with_links(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let (other, _) = org_with_admin(&h, "admin@other.test", 0).await;
    let made = make_link(&h, &org, uses(5)).await;
    let person = session_of(&user(&h, "p@people.test").await);
    // The same token under another organization, and another secret for the same link.
    let before = written(&h, &org, &made, &person).await;
    let err = h
        .service
        .redeem_link(&person, &other.id, &made.token)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
    let err = h
        .service
        .preview_link(&other.id, &made.token)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
    assert_eq!(written(&h, &org, &made, &person).await, before);
    let mut forged = made.token.clone();
    let last = if forged.ends_with('A') { "B" } else { "A" };
    forged.replace_range(forged.len() - 1.., last);
    let forged_link = CreatedLink {
        link: made.link.clone(),
        token: forged,
        url: None,
    };
    let err = refused(&h, &org, &forged_link, &person).await;
    assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
}

async fn a_person_tries_only_so_many_links_an_hour(h: Harness) {
    let h = with_links(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let person = session_of(&user(&h, "p@people.test").await);
    // Each attempt that gets as far as writing counts, refused by approval or not.
    for i in 0..10 {
        let (o, _) = org_with_admin(&h, &format!("admin{i}@many.test"), 0).await;
        let made = make_link(&h, &o, uses(5)).await;
        h.service
            .redeem_link(&person, &o.id, &made.token)
            .await
            .unwrap();
    }
    let made = make_link(&h, &org, uses(5)).await;
    let err = h
        .service
        .redeem_link(&person, &org.id, &made.token)
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::LimitReached(_)), "{err:?}");
    let link = h
        .service
        .invitation_link(&Actor::Backend, &org.id, &made.link.id)
        .await
        .unwrap();
    assert_eq!(link.uses, 0);
    // Another person is not locked out by it.
    let other = session_of(&user(&h, "q@people.test").await);
    h.service
        .redeem_link(&other, &org.id, &made.token)
        .await
        .unwrap();
}

async fn a_link_admits_only_so_many_an_hour(h: Harness) {
    let mut policy = crate::helpers::link_policy();
    policy.invitation_links.joins_per_hour = 3;
    let h = Harness::with_policy(h.store, h.calls, policy);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let made = make_link(&h, &org, uses(10)).await;
    for i in 0..3 {
        let p = session_of(&user(&h, &format!("p{i}@people.test")).await);
        h.service
            .redeem_link(&p, &org.id, &made.token)
            .await
            .unwrap();
    }
    let late = session_of(&user(&h, "late@people.test").await);
    let before = written(&h, &org, &made, &late).await;
    let err = h
        .service
        .redeem_link(&late, &org.id, &made.token)
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Link(LinkRefusal::HourlyCap)),
        "{err:?}"
    );
    let after = written(&h, &org, &made, &late).await;
    assert_eq!(
        before.split(" attempts").next(),
        after.split(" attempts").next(),
        "no use, no member (the attempt itself counts)"
    );
    h.clock.advance(3_600_000);
    h.service
        .redeem_link(&late, &org.id, &made.token)
        .await
        .expect("the next hour admits again");
}

both_stores!(
    a_redeemer_outside_the_allowed_domains_is_refused,
    an_expired_or_revoked_link_is_refused,
    a_full_organization_takes_no_one_by_link,
    a_member_is_told_so_and_uses_nothing,
    a_wrong_secret_or_another_organization_finds_nothing,
    a_person_tries_only_so_many_links_an_hour,
    a_link_admits_only_so_many_an_hour,
);
