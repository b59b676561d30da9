//! DynamoDB applies a redemption and its answer is lost: the SDK sends the same transaction
//! again, which meets its own effect. It is answered as done, with one use, one member, one
//! invitation and one audit entry (moto, whose answers `LoseAnswers` loses after applying).

use std::sync::Arc;

use invitations::domain::audit::AuditAction;
use invitations::domain::invitation_link::NewLink;
use invitations::domain::membership_request::RequestStatus;
use invitations::service::{Actor, Redeemed};

use super::{make_link, session_of, uses};
use crate::helpers::*;

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_redemption_whose_answer_was_lost_is_answered_as_done_once() {
    let calls = CallLog::default();
    let lose = LoseAnswers::default();
    let store = dynamodb_losing(&calls, &lose).await;
    let h = Harness::with_policy(Arc::new(store), calls, link_policy());
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;

    lose.next("TransactWriteItems", 1);
    let made = make_link(&h, &org, uses(1)).await;
    assert_eq!(lose.pending(), 0, "an answer was lost");

    let person = user(&h, "p@people.test").await;
    // The attempt log is a PutItem; the redemption is the transaction whose answer is lost.
    lose.next("TransactWriteItems", 1);
    let joined = h
        .service
        .redeem_link(&session_of(&person), &org.id, &made.token)
        .await
        .expect("answered as joined, not as exhausted or a member already");
    assert!(matches!(joined, Redeemed::Joined { .. }));
    assert_eq!(lose.pending(), 0, "an answer was lost");
    let link = h
        .service
        .invitation_link(&Actor::Backend, &org.id, &made.link.id)
        .await
        .unwrap();
    assert_eq!(link.uses, 1, "one use");
    assert_eq!(org_now(&h, &org).await.members_count, 2);
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::InvitationLinkRedeemed).await,
        1
    );

    // With approval: one request.
    let asking = make_link(
        &h,
        &org,
        NewLink {
            requires_approval: true,
            ..uses(1)
        },
    )
    .await;
    let other = user(&h, "q@people.test").await;
    lose.next("TransactWriteItems", 1);
    let asked = h
        .service
        .redeem_link(&session_of(&other), &org.id, &asking.token)
        .await
        .expect("answered as requested");
    assert!(matches!(asked, Redeemed::Requested { .. }));
    assert_eq!(lose.pending(), 0);
    let (_, pending) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    assert_eq!(pending, 1, "one request");
    assert_eq!(
        audit_count(&h, &org.id, AuditAction::InvitationLinkRedeemed).await,
        2
    );
}
