//! DynamoDB applies a domain, suggestion or request write and its answer is lost: the SDK sends
//! the same transaction again, which meets its own effect. Each is answered as done, with its
//! effect and its audit entry once (moto, whose answers `LoseAnswers` loses after applying).

use std::sync::Arc;

use invitations::domain::audit::AuditAction;
use invitations::domain::membership_request::RequestStatus;
use invitations::domain::org_domain::EnrollmentMode;
use invitations::service::{Actor, DomainPatch, NewDomain};
use invitations::tokens::session::Session;

use crate::helpers::*;

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn domain_and_request_writes_whose_answers_were_lost_are_answered_as_done_once() {
    let calls = CallLog::default();
    let lose = LoseAnswers::default();
    let store = dynamodb_losing(&calls, &lose).await;
    let h = Harness::with_policy(Arc::new(store), calls, domain_policy());
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;

    lose.next("TransactWriteItems", 1);
    let d = h
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
        .await
        .expect("answered as made, not as a duplicate");
    assert_eq!(lose.pending(), 0, "an answer was lost");
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::DomainCreated).await,
        1
    );

    let person = user(&h, "p@acme.test").await;
    let session = Session {
        user_id: person.id.clone(),
        verified_email: Some("p@acme.test".into()),
    };
    let suggested = h.service.my_suggestions(&session).await.unwrap();
    lose.next("TransactWriteItems", 1);
    let accepted = h
        .service
        .accept_suggestion(&session, &suggested[0].id)
        .await
        .expect("answered as accepted");
    assert!(accepted.accepted);
    assert_eq!(lose.pending(), 0);
    let (pending, total) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    assert_eq!((pending.len(), total), (1, 1), "one request");

    let before = org_now(&h, &org).await.members_count;
    lose.next("TransactWriteItems", 1);
    let done = h
        .service
        .accept_membership_request(&Actor::Backend, &org.id, &pending[0].id)
        .await
        .expect("answered as accepted");
    assert_eq!(done.status, RequestStatus::Accepted);
    assert_eq!(lose.pending(), 0);
    assert_eq!(
        org_now(&h, &org).await.members_count,
        before + 1,
        "one membership"
    );
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::MembershipRequestAccepted).await,
        1
    );

    lose.next("TransactWriteItems", 1);
    let changed = h
        .service
        .update_domain(
            &org.id,
            &d.id,
            DomainPatch {
                enrollment_mode: Some(EnrollmentMode::ManualInvitation),
                verified: None,
            },
        )
        .await
        .expect("answered as changed");
    assert_eq!(lose.pending(), 0);
    assert_eq!(changed.enrollment_mode, EnrollmentMode::ManualInvitation);
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::DomainUpdated).await,
        1
    );

    lose.next("TransactWriteItems", 1);
    h.service
        .delete_domain(&org.id, &d.id)
        .await
        .expect("answered as removed");
    assert_eq!(lose.pending(), 0);
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::DomainDeleted).await,
        1
    );
    assert!(h.service.get_domain(&org.id, &d.id).await.is_err());
}
