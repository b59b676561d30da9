//! A membership request answered twice, or accepted and rejected at once, makes one outcome
//! and at most one membership; seats are respected.

use invitations::domain::membership_request::{MembershipRequest, RequestStatus};
use invitations::domain::org_domain::{DomainRefusal, EnrollmentMode};
use invitations::domain::Organization;
use invitations::service::{Actor, NewDomain, ServiceError};
use invitations::tokens::session::Session;

use crate::helpers::{org_now, org_with_admin, user, with_domains, Harness};

/// `n` people at acme.test, each with a pending request to `org`.
async fn requests(h: &Harness, org: &Organization, n: usize, tag: &str) -> Vec<MembershipRequest> {
    let _ = h
        .service
        .create_domain(
            &Actor::Backend,
            &org.id,
            NewDomain {
                name: "acme.test".into(),
                enrollment_mode: EnrollmentMode::AutomaticSuggestion,
                verified: None,
            },
        )
        .await;
    for i in 0..n {
        let person = user(h, &format!("p{i}{tag}@acme.test")).await;
        let session = Session {
            user_id: person.id.clone(),
            verified_email: Some(format!("p{i}{tag}@acme.test")),
        };
        let suggested = h.service.my_suggestions(&session).await.unwrap();
        h.service
            .accept_suggestion(&session, &suggested[0].id)
            .await
            .unwrap();
    }
    h.service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 100, 0)
        .await
        .unwrap()
        .0
}

async fn accepted_twice_at_once_makes_one_membership(h: Harness) {
    let h = with_domains(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    for r in requests(&h, &org, 3, "a").await {
        let (one, two) = tokio::join!(
            h.service
                .accept_membership_request(&Actor::Backend, &org.id, &r.id),
            h.service
                .accept_membership_request(&Actor::Backend, &org.id, &r.id),
        );
        assert_eq!(one.unwrap().status, RequestStatus::Accepted);
        assert_eq!(
            two.unwrap().status,
            RequestStatus::Accepted,
            "answered as it stands"
        );
        assert!(h
            .store
            .get_membership(&org.id, &r.user_id)
            .await
            .unwrap()
            .is_some());
    }
    assert_eq!(
        org_now(&h, &org).await.members_count,
        1 + 3,
        "one membership each"
    );
}

async fn accepted_and_rejected_at_once_has_one_outcome(h: Harness) {
    let h = with_domains(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let mut members = 1;
    for r in requests(&h, &org, 4, "b").await {
        let (accepted, rejected) = tokio::join!(
            h.service
                .accept_membership_request(&Actor::Backend, &org.id, &r.id),
            h.service
                .reject_membership_request(&Actor::Backend, &org.id, &r.id),
        );
        let member = h.store.get_membership(&org.id, &r.user_id).await.unwrap();
        match (&accepted, &rejected) {
            (Ok(a), Err(ServiceError::Domain(DomainRefusal::RequestAnswered))) => {
                assert_eq!(a.status, RequestStatus::Accepted);
                assert!(member.is_some());
                members += 1;
            }
            (Err(ServiceError::Domain(DomainRefusal::RequestAnswered)), Ok(rj)) => {
                assert_eq!(rj.status, RequestStatus::Rejected);
                assert!(member.is_none());
            }
            other => panic!("two outcomes: {other:?}"),
        }
    }
    assert_eq!(org_now(&h, &org).await.members_count, members);
    let (_, accepted) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Accepted, 10, 0)
        .await
        .unwrap();
    let (_, rejected) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Rejected, 10, 0)
        .await
        .unwrap();
    assert_eq!(accepted + rejected, 4);
    assert_eq!(accepted, u64::from(members - 1));
}

async fn a_full_organization_takes_no_one_by_request(h: Harness) {
    let h = with_domains(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 1).await;
    let pending = requests(&h, &org, 1, "c").await;
    let refused = h
        .service
        .accept_membership_request(&Actor::Backend, &org.id, &pending[0].id)
        .await;
    assert!(
        matches!(refused, Err(ServiceError::QuotaExceeded)),
        "{refused:?}"
    );
    let still = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    assert_eq!(still.1, 1, "still pending");
}

both_stores!(
    accepted_twice_at_once_makes_one_membership,
    accepted_and_rejected_at_once_has_one_outcome,
    a_full_organization_takes_no_one_by_request,
);
