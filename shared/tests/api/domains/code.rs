//! A signed-in admin's domain: verified at once when their own address is at it, else by a
//! code emailed to an address at it (three tries, ten minutes), through the same mailer,
//! limits and suppression list as invitation email.

use invitations::domain::org_domain::{
    DomainRefusal, EnrollmentMode, VerificationStatus, VerificationStrategy,
};
use invitations::domain::reputation::{Suppression, SuppressionReason};
use invitations::domain::{InvitationId, OrganizationId};
use invitations::service::{Actor, NewDomain, ServiceError};

use crate::helpers::{add_member, memory, org_with_admin, user, with_domains, DAY};

fn named(name: &str) -> NewDomain {
    NewDomain {
        name: name.into(),
        enrollment_mode: EnrollmentMode::AutomaticSuggestion,
        verified: None,
    }
}

fn code_in(subject: &str) -> String {
    subject.split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn an_admins_domain_is_verified_by_their_address_or_an_emailed_code() {
    let h = with_domains(memory().await);
    let (org, admin) = org_with_admin(&h, "ada@acme.test", 0).await;
    let me = Actor::Member(admin.id.clone());
    let own = h
        .service
        .create_domain(&me, &org.id, named("acme.test"))
        .await
        .unwrap();
    let v = own.affiliation.as_ref().unwrap();
    assert_eq!(v.strategy, VerificationStrategy::AffiliationEmail);
    assert_eq!(
        own.affiliation_email_address.as_deref(),
        Some("ada@acme.test")
    );
    assert!(own.is_verified());

    let labs = h
        .service
        .create_domain(&me, &org.id, named("labs.test"))
        .await
        .unwrap();
    assert!(!labs.is_verified());
    let elsewhere = h
        .service
        .prepare_affiliation(&me, &org.id, &labs.id, "it@other.test")
        .await;
    assert!(matches!(
        elsewhere,
        Err(ServiceError::Domain(DomainRefusal::AddressNotAtDomain))
    ));
    h.service
        .prepare_affiliation(&me, &org.id, &labs.id, "it@labs.test")
        .await
        .unwrap();
    let sent = h.mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "it@labs.test");
    let code = code_in(&sent[0].subject);
    assert_eq!(code.len(), 6);
    assert!(sent[0].html.contains(&code) && sent[0].text.contains(&code));

    let wrong = if code == "000000" { "111111" } else { "000000" };
    for n in 1..=3 {
        let tried = h
            .service
            .attempt_affiliation(&me, &org.id, &labs.id, wrong)
            .await;
        let expected = if n < 3 {
            DomainRefusal::CodeIncorrect
        } else {
            DomainRefusal::TooManyAttempts
        };
        assert!(
            matches!(tried, Err(ServiceError::Domain(r)) if r == expected),
            "try {n}: {tried:?}"
        );
    }
    let failed = h.service.get_domain(&org.id, &labs.id).await.unwrap();
    assert_eq!(
        failed.affiliation.unwrap().status,
        VerificationStatus::Failed
    );
    let spent = h
        .service
        .attempt_affiliation(&me, &org.id, &labs.id, &code)
        .await;
    assert!(matches!(
        spent,
        Err(ServiceError::Domain(DomainRefusal::NoCodeOutstanding))
    ));

    // A new code (past the address's cooldown), then the right one verifies.
    h.clock.advance(DAY);
    h.service
        .prepare_affiliation(&me, &org.id, &labs.id, "it@labs.test")
        .await
        .unwrap();
    let code = code_in(&h.mailer.sent()[1].subject);
    let verified = h
        .service
        .attempt_affiliation(&me, &org.id, &labs.id, &code)
        .await
        .unwrap();
    assert!(verified.is_verified());
    assert_eq!(
        verified.affiliation.unwrap().strategy,
        VerificationStrategy::EmailCode
    );

    // A code that waited too long is expired.
    let late = h
        .service
        .create_domain(&me, &org.id, named("late.test"))
        .await
        .unwrap();
    h.clock.advance(DAY);
    h.service
        .prepare_affiliation(&me, &org.id, &late.id, "it@late.test")
        .await
        .unwrap();
    let code = code_in(&h.mailer.sent()[2].subject);
    h.clock.advance(11 * 60 * 1000);
    let expired = h
        .service
        .attempt_affiliation(&me, &org.id, &late.id, &code)
        .await;
    assert!(matches!(
        expired,
        Err(ServiceError::Domain(DomainRefusal::CodeExpired))
    ));
}

#[tokio::test]
async fn only_admins_add_domains_and_no_code_goes_to_a_suppressed_mailbox() {
    let h = with_domains(memory().await);
    let (org, admin) = org_with_admin(&h, "ada@acme.test", 0).await;
    let member = user(&h, "max@acme.test").await;
    add_member(&h, &org, &member, "org:member").await;
    let refused = h
        .service
        .create_domain(
            &Actor::Member(member.id.clone()),
            &org.id,
            named("acme.test"),
        )
        .await;
    assert!(
        matches!(refused, Err(ServiceError::NotAllowed(_))),
        "{refused:?}"
    );

    let me = Actor::Member(admin.id.clone());
    let d = h
        .service
        .create_domain(&me, &org.id, named("labs.test"))
        .await
        .unwrap();
    h.store
        .suppress(&Suppression {
            mailbox: "it@labs.test".into(),
            reason: SuppressionReason::HardBounce,
            detail: None,
            organization_id: OrganizationId::new("org_other"),
            invitation_id: InvitationId::generate(),
            at: 0,
        })
        .await
        .unwrap();
    let suppressed = h
        .service
        .prepare_affiliation(&me, &org.id, &d.id, "it@labs.test")
        .await;
    assert!(
        matches!(suppressed, Err(ServiceError::Suppressed(_))),
        "{suppressed:?}"
    );
    assert!(h.mailer.sent().is_empty());
}
