//! A name is verified by one organization: a claim on a name another verified is refused,
//! verifying a name removes other organizations' unverified claims, and two organizations
//! verifying at once make one winner.

use invitations::domain::org_domain::{DomainRefusal, EnrollmentMode};
use invitations::service::{Actor, DomainFilter, DomainPatch, NewDomain, ServiceError};

use crate::helpers::{org_with_admin, with_domains, Harness};

fn domain(name: &str, verified: Option<bool>) -> NewDomain {
    NewDomain {
        name: name.into(),
        enrollment_mode: EnrollmentMode::ManualInvitation,
        verified,
    }
}

async fn names_of(h: &Harness, org: &invitations::domain::OrganizationId) -> Vec<String> {
    let (found, _) = h
        .service
        .list_domains(&Actor::Backend, org, &DomainFilter::default(), 10, 0)
        .await
        .unwrap();
    found.iter().map(|d| d.name.as_str().to_string()).collect()
}

async fn verifying_a_name_clears_other_claims_and_refuses_later_ones(h: Harness) {
    let h = with_domains(h);
    let (a, _) = org_with_admin(&h, "a@one.test", 0).await;
    let (b, _) = org_with_admin(&h, "b@two.test", 0).await;
    let (c, _) = org_with_admin(&h, "c@three.test", 0).await;
    let svc = &h.service;
    svc.create_domain(&Actor::Backend, &a.id, domain("shared.test", Some(false)))
        .await
        .unwrap();
    let b_claim = svc
        .create_domain(&Actor::Backend, &b.id, domain("shared.test", Some(false)))
        .await
        .unwrap();
    svc.create_domain(&Actor::Backend, &c.id, domain("shared.test", None))
        .await
        .unwrap();
    assert!(
        names_of(&h, &a.id).await.is_empty(),
        "a's unverified claim is gone"
    );
    assert!(names_of(&h, &b.id).await.is_empty(), "b's too");
    assert_eq!(names_of(&h, &c.id).await, ["shared.test"]);
    let refused = svc
        .create_domain(&Actor::Backend, &a.id, domain("shared.test", None))
        .await;
    assert!(matches!(
        refused,
        Err(ServiceError::Domain(DomainRefusal::VerifiedElsewhere))
    ));
    // An unverified claim may be filed, and cannot be verified while c holds the name.
    let pending = svc
        .create_domain(&Actor::Backend, &a.id, domain("shared.test", Some(false)))
        .await
        .unwrap();
    let verify = svc
        .update_domain(
            &a.id,
            &pending.id,
            DomainPatch {
                verified: Some(true),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(
        verify,
        Err(ServiceError::Domain(DomainRefusal::VerifiedElsewhere))
    ));
    assert!(svc.get_domain(&b.id, &b_claim.id).await.is_err());
}

async fn two_organizations_verifying_at_once_make_one_winner(h: Harness) {
    let h = with_domains(h);
    for round in 0..3 {
        let (x, _) = org_with_admin(&h, &format!("x{round}@one.test"), 0).await;
        let (y, _) = org_with_admin(&h, &format!("y{round}@two.test"), 0).await;
        let name = format!("race{round}.test");
        let (one, two) = tokio::join!(
            h.service
                .create_domain(&Actor::Backend, &x.id, domain(&name, None)),
            h.service
                .create_domain(&Actor::Backend, &y.id, domain(&name, None)),
        );
        let won = [&one, &two].iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "round {round}: {one:?} {two:?}");
        for lost in [one, two].into_iter().filter_map(Result::err) {
            assert!(matches!(
                lost,
                ServiceError::Domain(DomainRefusal::VerifiedElsewhere)
            ));
        }
        // Two unverified claims verified at once: one wins, the other is refused or removed.
        let late = format!("late{round}.test");
        let px = h
            .service
            .create_domain(&Actor::Backend, &x.id, domain(&late, Some(false)))
            .await
            .unwrap();
        let py = h
            .service
            .create_domain(&Actor::Backend, &y.id, domain(&late, Some(false)))
            .await
            .unwrap();
        let verify = || DomainPatch {
            verified: Some(true),
            ..Default::default()
        };
        let (one, two) = tokio::join!(
            h.service.update_domain(&x.id, &px.id, verify()),
            h.service.update_domain(&y.id, &py.id, verify()),
        );
        assert_eq!(
            [&one, &two].iter().filter(|r| r.is_ok()).count(),
            1,
            "round {round}: {one:?} {two:?}"
        );
        let holders = h.store.claims_on(&late).await.unwrap();
        assert_eq!(holders.iter().filter(|d| d.is_verified()).count(), 1);
    }
}

both_stores!(
    verifying_a_name_clears_other_claims_and_refuses_later_ones,
    two_organizations_verifying_at_once_make_one_winner,
);
