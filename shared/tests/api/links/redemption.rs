//! The cap is exact under concurrency: 50 people at once on a link with `max_uses: 10` make
//! exactly 10 members (or, with approval, 10 requests), the rest a clear `exhausted`.

use invitations::domain::invitation_link::{LinkRefusal, LinkStatus, NewLink};
use invitations::domain::listing::PageStart;
use invitations::domain::membership_request::RequestStatus;
use invitations::domain::{InvitationOrder, InvitationQuery, InvitationStatus, PageRequest};
use invitations::service::{Actor, Redeemed, ServiceError};

use super::{make_link, session_of, uses};
use crate::helpers::{org_now, org_with_admin, user, with_links, Harness};

async fn fifty_at_once(h: &Harness, tag: &str, new: NewLink) -> (Vec<Redeemed>, usize) {
    let (org, _) = org_with_admin(h, &format!("admin-{tag}@acme.test"), 0).await;
    let made = make_link(h, &org, new).await;
    let mut people = Vec::new();
    for i in 0..50 {
        people.push(user(h, &format!("p{i}-{tag}@people.test")).await);
    }
    let attempts = people.iter().map(|p| {
        let session = session_of(p);
        let token = made.token.clone();
        let org_id = org.id.clone();
        async move { h.service.redeem_link(&session, &org_id, &token).await }
    });
    let results = futures::future::join_all(attempts).await;
    let mut made_ok = Vec::new();
    let mut exhausted = 0;
    for r in results {
        match r {
            Ok(r) => made_ok.push(r),
            Err(ServiceError::Link(LinkRefusal::Exhausted)) => exhausted += 1,
            Err(other) => panic!("neither made nor exhausted: {other:?}"),
        }
    }
    let link = h
        .service
        .invitation_link(&Actor::Backend, &org.id, &made.link.id)
        .await
        .unwrap();
    assert_eq!(link.uses, 10, "every use counted once");
    assert_eq!(link.status(h.service.now()), LinkStatus::Exhausted);
    (made_ok, exhausted)
}

async fn fifty_redeemers_of_ten_uses_make_ten_members(h: Harness) {
    let h = with_links(h);
    let (joined, exhausted) = fifty_at_once(&h, "join", uses(10)).await;
    assert_eq!((joined.len(), exhausted), (10, 40));
    let org_id = match &joined[0] {
        Redeemed::Joined { link, .. } => link.organization_id().clone(),
        other => panic!("{other:?}"),
    };
    let org = h.service.get_organization(&org_id).await.unwrap();
    assert_eq!(org.members_count, 1 + 10, "the admin and ten");
    let accepted = h
        .service
        .list_invitations(
            &Actor::Backend,
            &org_id,
            &InvitationQuery {
                statuses: vec![InvitationStatus::Accepted],
                email_key: None,
                order: InvitationOrder::CreatedDesc,
                page: PageRequest {
                    limit: 100,
                    start: PageStart::Offset(0),
                },
            },
        )
        .await
        .unwrap();
    assert_eq!(accepted.total_count, 10, "an ordinary invitation each");
    assert!(accepted.data.iter().all(|i| i.source() == "link"));
    assert_eq!(org_now(&h, &org).await.settled_invitations.accepted, 10);
}

async fn fifty_redeemers_of_ten_uses_with_approval_file_ten_requests(h: Harness) {
    let h = with_links(h);
    let new = NewLink {
        requires_approval: true,
        ..uses(10)
    };
    let (requested, exhausted) = fifty_at_once(&h, "ask", new).await;
    assert_eq!((requested.len(), exhausted), (10, 40));
    let Redeemed::Requested { link, request } = &requested[0] else {
        panic!("joined without approval")
    };
    assert_eq!(request.link_id.as_ref(), Some(&link.id));
    let org_id = link.organization_id().clone();
    let (_, pending) = h
        .service
        .membership_requests(&Actor::Backend, &org_id, RequestStatus::Pending, 100, 0)
        .await
        .unwrap();
    assert_eq!(pending, 10);
    assert_eq!(
        h.service
            .get_organization(&org_id)
            .await
            .unwrap()
            .members_count,
        1,
        "no one joins before an admin says yes"
    );
    // Approved, the requester joins with the link's role.
    let accepted = h
        .service
        .accept_membership_request(&Actor::Backend, &org_id, &request.id)
        .await
        .unwrap();
    let m = h
        .store
        .get_membership(&org_id, &accepted.user_id)
        .await
        .unwrap()
        .expect("a member");
    assert_eq!(m.role, link.role);
}

both_stores!(
    fifty_redeemers_of_ten_uses_make_ten_members,
    fifty_redeemers_of_ten_uses_with_approval_file_ten_requests,
);
