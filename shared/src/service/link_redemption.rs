//! Opening and redeeming a shareable link. Opening (a `GET` or `HEAD`, by anyone: a person, a
//! chat preview, a mail scanner) reads the link and writes nothing. Redeeming needs a
//! signed-in person with a verified address and a `POST`: one read of the link, the person's
//! membership and their attempt log; the attempt counted; then one conditional write that
//! counts the use only while the link is usable and makes what it makes (a member through an
//! invitation born accepted, or a membership request), or nothing.

use std::sync::atomic::{AtomicBool, Ordering};

use super::retry::retry_on_contention;
use super::{Actor, Service, ServiceError};
use crate::domain::audit::{AuditAction, AuditActor};
use crate::domain::invitation_link::{InvitationLink, LinkRefusal, LinkToken};
use crate::domain::limits::LimitKey;
use crate::domain::membership_request::{MembershipRequest, RequestStatus};
use crate::domain::{
    EmailAddress, Invitation, InvitationId, InvitationStatus, Membership, MembershipRequestId,
    Metadata, OrganizationId, User,
};
use crate::ids::new_id;
use crate::store::{RedeemedInto, Redemption, StoreError};
use crate::telemetry;
use crate::tokens::session::Session;

/// What a redemption made.
#[derive(Debug)]
pub enum Redeemed {
    Joined {
        link: InvitationLink,
        invitation_id: InvitationId,
    },
    Requested {
        link: InvitationLink,
        request: Box<MembershipRequest>,
    },
}

impl Service {
    /// The link the organization and token name, or not found (a malformed token, another
    /// link's secret and a missing link answer alike).
    fn opened(
        link: Option<InvitationLink>,
        token: &LinkToken,
    ) -> Result<InvitationLink, ServiceError> {
        link.filter(|l| l.opens_with(&token.secret))
            .ok_or(ServiceError::NotFound("invitation link"))
    }

    /// `GET|HEAD /v1/organizations/{org}/invitation_links/open/{token}`: one `GetItem`, no
    /// write. A link that can admit no one says why and nothing else.
    pub async fn preview_link(
        &self,
        org_id: &OrganizationId,
        raw_token: &str,
    ) -> Result<InvitationLink, ServiceError> {
        self.link_settings()?;
        let outcome = async {
            let token =
                LinkToken::parse(raw_token).ok_or(ServiceError::NotFound("invitation link"))?;
            let link = Self::opened(self.store.get_link(org_id, &token.link_id).await?, &token)?;
            match link.status(self.clock.now()).refusal() {
                Some(refusal) => Err(refusal.into()),
                None => Ok(link),
            }
        }
        .await;
        let label = match &outcome {
            Ok(_) => "shown",
            Err(ServiceError::NotFound(_)) => "not_found",
            Err(ServiceError::Link(_)) => "ended",
            Err(_) => "failed",
        };
        telemetry::count_by(telemetry::LINK_PREVIEWS, "outcome", label);
        outcome
    }

    /// `POST /v1/organizations/{org}/invitation_links/open/{token}/redeem`.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn redeem_link(
        &self,
        session: &Session,
        org_id: &OrganizationId,
        raw_token: &str,
    ) -> Result<Redeemed, ServiceError> {
        let joins_per_hour = self.link_settings()?.joins_per_hour;
        let token = LinkToken::parse(raw_token).ok_or(ServiceError::NotFound("invitation link"))?;
        let user = self.session_user(session).await?;
        let addresses = verified_addresses(&user, session);
        let keys = [LimitKey::link_redemptions(&user.id)];
        let counted = AtomicBool::new(false);
        let outcome = retry_on_contention(|| async {
            let ctx = self
                .store
                .redemption_context(org_id, &token.link_id, &user.id, &keys)
                .await?;
            let link = Self::opened(ctx.link, &token)?;
            let now = self.clock.now();
            if let Some(refusal) = link.status(now).refusal() {
                return Err(refusal.into());
            }
            if ctx.already_member {
                return Err(LinkRefusal::AlreadyMember.into());
            }
            // Seats are taken at joining; a request takes one only when accepted.
            if !link.requires_approval
                && ctx
                    .organization
                    .as_ref()
                    .is_some_and(|o| !o.has_free_seat())
            {
                return Err(ServiceError::QuotaExceeded);
            }
            if addresses.is_empty() {
                return Err(LinkRefusal::VerifiedEmailRequired.into());
            }
            let address = link
                .admitted_address(&addresses)
                .ok_or(LinkRefusal::EmailDomainNotAllowed)?
                .clone();
            // The attempt counts once, whatever the write below answers.
            if !counted.load(Ordering::Relaxed) {
                let writes = self
                    .admit_or_record(&ctx.limits, now, org_id, AuditActor::user(&user.id))
                    .await?;
                self.store.write_limits(&writes).await?;
                counted.store(true, Ordering::Relaxed);
            }
            self.write_redemption(&link, &user, address, now, joins_per_hour)
                .await
        })
        .await;
        let label = match &outcome {
            Ok(Redeemed::Joined { .. }) => "joined",
            Ok(Redeemed::Requested { .. }) => "requested",
            Err(ServiceError::Link(LinkRefusal::Revoked)) => "refused_revoked",
            Err(ServiceError::Link(LinkRefusal::Expired)) => "refused_expired",
            Err(ServiceError::Link(LinkRefusal::Exhausted)) => "refused_exhausted",
            Err(ServiceError::Link(LinkRefusal::EmailDomainNotAllowed)) => "refused_domain",
            Err(ServiceError::Link(LinkRefusal::AlreadyMember)) => "refused_member",
            Err(ServiceError::Link(LinkRefusal::HourlyCap)) => "refused_hourly_cap",
            Err(ServiceError::QuotaExceeded) => "refused_full",
            Err(
                ServiceError::Link(_) | ServiceError::NotFound(_) | ServiceError::LimitReached(_),
            ) => "refused",
            Err(_) => "failed",
        };
        telemetry::count_by(telemetry::INVITATION_LINKS, "outcome", label);
        outcome
    }

    async fn write_redemption(
        &self,
        link: &InvitationLink,
        user: &User,
        address: EmailAddress,
        now: crate::clock::Millis,
        joins_per_hour: u32,
    ) -> Result<Redeemed, ServiceError> {
        let org_id = link.organization_id();
        let audit = self
            .audit_by(
                org_id,
                AuditAction::InvitationLinkRedeemed,
                &Actor::Member(user.id.clone()),
                None,
                now,
            )
            .target("organization_invitation_link", &link.id)
            .with("user_id", user.id.as_str())
            .with("role", link.role.as_str());
        let mut used = link.clone();
        used.uses += 1;
        used.last_used_at = Some(now);
        used.updated_at = now;
        let (result, redeemed) = if link.requires_approval {
            let request = MembershipRequest {
                id: MembershipRequestId::new(new_id("orgmbrreq")),
                organization_id: org_id.clone(),
                user_id: user.id.clone(),
                public_user_data: user.public_data(),
                email_keys: user.address_keys(),
                domain_id: None,
                link_id: Some(link.id.clone()),
                role: Some(link.role.clone()),
                status: RequestStatus::Pending,
                created_at: now,
                updated_at: now,
            };
            let audit = audit
                .with("outcome", "requested")
                .with("organization_membership_request_id", request.id.as_str());
            let redemption = Redemption {
                link,
                now,
                joins_per_hour,
                into: RedeemedInto::Request(&request),
            };
            let result = self.store.redeem_link(&redemption, &audit).await;
            (
                result,
                Redeemed::Requested {
                    link: used,
                    request: Box::new(request),
                },
            )
        } else {
            let invitation = self.link_invitation(link, user, address, now);
            let membership = Membership {
                id: new_id("orgmem"),
                organization_id: org_id.clone(),
                user_id: user.id.clone(),
                role: link.role.clone(),
                public_metadata: Metadata::default(),
                private_metadata: Metadata::default(),
                public_user_data: user.public_data(),
                email_keys: user.address_keys(),
                created_at: now,
                updated_at: now,
            };
            let audit = audit
                .with("outcome", "joined")
                .with("invitation_id", invitation.id.as_str());
            let redemption = Redemption {
                link,
                now,
                joins_per_hour,
                into: RedeemedInto::Member {
                    invitation: &invitation,
                    membership: &membership,
                },
            };
            let result = self.store.redeem_link(&redemption, &audit).await;
            let invitation_id = invitation.id;
            (
                result,
                Redeemed::Joined {
                    link: used,
                    invitation_id,
                },
            )
        };
        match result {
            Ok(()) => Ok(redeemed),
            Err(StoreError::HourlyCapReached) => Err(LinkRefusal::HourlyCap.into()),
            Err(StoreError::AlreadyMember) => Err(LinkRefusal::AlreadyMember.into()),
            Err(StoreError::AlreadyExists) => Err(LinkRefusal::RequestPending.into()),
            Err(StoreError::QuotaExceeded) => Err(ServiceError::QuotaExceeded),
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("invitation link")),
            Err(e) => Err(e.into()),
        }
    }

    /// The ordinary invitation a redemption makes, `source: link`, born accepted by its
    /// redeemer (no ticket, no email), so Clerk's `organizationInvitation.accepted` and
    /// `organizationMembership.created` events fire as for any other.
    fn link_invitation(
        &self,
        link: &InvitationLink,
        user: &User,
        address: EmailAddress,
        now: crate::clock::Millis,
    ) -> Invitation {
        Invitation {
            id: InvitationId::generate(),
            organization: link.organization.clone(),
            email_address: address,
            role: link.role.clone(),
            inviter: link.created_by.clone(),
            stored_status: InvitationStatus::Accepted,
            public_metadata: Metadata::default(),
            private_metadata: Metadata::default(),
            redirect_url: None,
            notify: false,
            ticket_hash: None,
            ticket_issued_at: now,
            written_by: None,
            validity_days: 0,
            locale: "en".into(),
            delivery: None,
            accepted_user_id: Some(user.id.clone()),
            declined_via: None,
            remind: false,
            remind_at: None,
            reminder: None,
            domain_offer: None,
            link_id: Some(link.id.clone()),
            expires_at: link.expires_at,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The person's verified addresses, in their order: those on record, then a verified session
/// claim not on record yet.
fn verified_addresses(user: &User, session: &Session) -> Vec<EmailAddress> {
    let mut found: Vec<EmailAddress> = user
        .email_addresses
        .iter()
        .map(|e| e.address.clone())
        .collect();
    if let Some(claim) = session.verified_email.as_deref() {
        if let Ok(address) = EmailAddress::parse("email", claim) {
            if !found.iter().any(|a| a.key() == address.key()) {
                found.push(address);
            }
        }
    }
    found
}
