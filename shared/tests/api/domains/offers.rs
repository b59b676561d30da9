//! What a verified domain offers a person with a verified address at it: an automatic
//! invitation (no email) they accept like any other, or a suggestion that files a membership
//! request; each made once per person and organization, counted on the domain, and withdrawn
//! when the domain goes or stops offering.

use invitations::domain::listing::PageStart;
use invitations::domain::membership_request::RequestStatus;
use invitations::domain::org_domain::EnrollmentMode;
use invitations::domain::{InvitationStatus, Organization, PageRequest};
use invitations::service::{Actor, DomainPatch, NewDomain};
use invitations::tokens::session::Session;

use crate::helpers::{org_with_admin, user, with_domains, Harness};

fn page() -> PageRequest {
    PageRequest {
        limit: 10,
        start: PageStart::Offset(0),
    }
}

fn session_of(u: &invitations::domain::User) -> Session {
    Session {
        user_id: u.id.clone(),
        verified_email: Some(u.email_addresses[0].address.key().to_string()),
    }
}

async fn domain_of(
    h: &Harness,
    org: &Organization,
    name: &str,
    mode: EnrollmentMode,
) -> invitations::domain::org_domain::OrgDomain {
    h.service
        .create_domain(
            &Actor::Backend,
            &org.id,
            NewDomain {
                name: name.into(),
                enrollment_mode: mode,
                verified: None,
            },
        )
        .await
        .unwrap()
}

async fn an_automatic_invitation_is_made_once_and_accepted_like_any_other(h: Harness) {
    let h = with_domains(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let d = domain_of(&h, &org, "acme.test", EnrollmentMode::AutomaticInvitation).await;
    let bob = user(&h, "bob@acme.test").await;
    let outsider = user(&h, "eve@elsewhere.test").await;
    let mine = h
        .service
        .my_invitations(&session_of(&bob), &[], &page())
        .await
        .unwrap();
    assert_eq!(mine.data.len(), 1);
    let offered = &mine.data[0];
    assert_eq!(offered.organization.id, org.id);
    assert_eq!(offered.role.as_str(), "org:member");
    assert!(
        !offered.notify && h.mailer.sent().is_empty(),
        "no email is sent"
    );
    let again = h
        .service
        .my_invitations(&session_of(&bob), &[], &page())
        .await
        .unwrap();
    assert_eq!(again.data.len(), 1, "made once");
    assert!(h
        .service
        .my_invitations(&session_of(&outsider), &[], &page())
        .await
        .unwrap()
        .data
        .is_empty());
    assert_eq!(
        h.service
            .get_domain(&org.id, &d.id)
            .await
            .unwrap()
            .pending_invitations,
        1
    );

    h.service
        .accept_my_invitation(offered.id.as_str(), &session_of(&bob))
        .await
        .unwrap();
    assert!(h
        .store
        .get_membership(&org.id, &bob.id)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        h.service
            .get_domain(&org.id, &d.id)
            .await
            .unwrap()
            .pending_invitations,
        0
    );
    let after = h
        .service
        .my_invitations(&session_of(&bob), &[InvitationStatus::Pending], &page())
        .await
        .unwrap();
    assert!(after.data.is_empty(), "a member is offered nothing more");
}

async fn a_suggestion_files_a_request_that_an_admin_accepts(h: Harness) {
    let h = with_domains(h);
    let (org, admin) = org_with_admin(&h, "admin@acme.test", 0).await;
    let d = domain_of(&h, &org, "acme.test", EnrollmentMode::AutomaticSuggestion).await;
    let carol = user(&h, "carol@acme.test").await;
    let suggested = h.service.my_suggestions(&session_of(&carol)).await.unwrap();
    assert_eq!(suggested.len(), 1);
    assert_eq!(suggested[0].organization.id, org.id);
    assert_eq!(
        h.service
            .my_suggestions(&session_of(&carol))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        h.service
            .get_domain(&org.id, &d.id)
            .await
            .unwrap()
            .pending_suggestions,
        1
    );
    assert!(
        h.service
            .my_invitations(&session_of(&carol), &[], &page())
            .await
            .unwrap()
            .data
            .is_empty(),
        "a suggestion is no invitation"
    );

    let accepted = h
        .service
        .accept_suggestion(&session_of(&carol), &suggested[0].id)
        .await
        .unwrap();
    assert!(accepted.accepted);
    // Accepting it again answers it as it is, and files nothing more.
    h.service
        .accept_suggestion(&session_of(&carol), &suggested[0].id)
        .await
        .unwrap();
    let admin_actor = Actor::Member(admin.id.clone());
    let (pending, total) = h
        .service
        .membership_requests(&admin_actor, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    assert_eq!((pending.len(), total), (1, 1));
    assert_eq!(pending[0].user_id, carol.id);
    assert_eq!(
        h.service
            .get_domain(&org.id, &d.id)
            .await
            .unwrap()
            .pending_suggestions,
        0
    );

    let done = h
        .service
        .accept_membership_request(&admin_actor, &org.id, &pending[0].id)
        .await
        .unwrap();
    assert_eq!(done.status, RequestStatus::Accepted);
    let member = h
        .store
        .get_membership(&org.id, &carol.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(member.role.as_str(), "org:member");
    let (accepted, total) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Accepted, 10, 0)
        .await
        .unwrap();
    assert_eq!((accepted.len(), total), (1, 1));
    let (left, total) = h
        .service
        .membership_requests(&Actor::Backend, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .unwrap();
    assert_eq!((left.len(), total), (0, 0));
    // Someone who is not an admin may not read them.
    let bystander = Actor::Member(carol.id.clone());
    assert!(h
        .service
        .membership_requests(&bystander, &org.id, RequestStatus::Pending, 10, 0)
        .await
        .is_err());
}

async fn removing_a_domain_or_its_offers_withdraws_what_it_offered(h: Harness) {
    let h = with_domains(h);
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    let d = domain_of(&h, &org, "acme.test", EnrollmentMode::AutomaticInvitation).await;
    let bob = user(&h, "bob@acme.test").await;
    let offered = h
        .service
        .my_invitations(&session_of(&bob), &[], &page())
        .await
        .unwrap()
        .data[0]
        .clone();
    // Turned into suggestions: the invitation is revoked, then a suggestion is made instead.
    h.service
        .update_domain(
            &org.id,
            &d.id,
            DomainPatch {
                enrollment_mode: Some(EnrollmentMode::AutomaticSuggestion),
                verified: None,
            },
        )
        .await
        .unwrap();
    let revoked = h
        .store
        .get_invitation(&org.id, &offered.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(revoked.stored_status, InvitationStatus::Revoked);
    let d_now = h.service.get_domain(&org.id, &d.id).await.unwrap();
    assert_eq!(d_now.pending_invitations, 0);
    assert_eq!(
        h.service
            .my_suggestions(&session_of(&bob))
            .await
            .unwrap()
            .len(),
        1
    );
    // Removed: the suggestion goes with it, and nothing is offered any more.
    h.service.delete_domain(&org.id, &d.id).await.unwrap();
    assert!(h
        .service
        .my_suggestions(&session_of(&bob))
        .await
        .unwrap()
        .is_empty());
    assert!(h
        .service
        .my_invitations(&session_of(&bob), &[InvitationStatus::Pending], &page())
        .await
        .unwrap()
        .data
        .is_empty());
}

both_stores!(
    an_automatic_invitation_is_made_once_and_accepted_like_any_other,
    a_suggestion_files_a_request_that_an_admin_accepts,
    removing_a_domain_or_its_offers_withdraws_what_it_offered,
);
