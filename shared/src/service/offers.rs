//! The person's side of verified domains: what the domains at their verified addresses offer
//! them (made once per person and organization, when they look), their suggestions, and
//! accepting one (which files a membership request). Also: withdrawing a domain's offers.

use super::{Actor, NewInvitation, Service, ServiceError};
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::membership_request::{MembershipRequest, Offer, RequestStatus, Suggestion};
use crate::domain::org_domain::{address_domain, DomainRefusal, EnrollmentMode, VerifiedName};
use crate::domain::{DomainOffer, EmailAddress, MembershipRequestId, Metadata, SuggestionId, User};
use crate::ids::new_id;
use crate::store::StoreError;
use crate::telemetry;

/// The most address domains one look reads (each is one key of one batched read).
const MAX_DOMAINS: usize = 10;

/// How long a domain's automatic invitation stays pending.
const AUTOMATIC_INVITATION_DAYS: u32 = 30;

impl Service {
    /// Makes what the domains at `addresses` (the person's verified ones) offer and the person
    /// does not have yet: one `BatchGetItem` of the names' verified markers; only when one of
    /// them offers, one query of the person's offers, and for each new offer a membership read
    /// and one transaction. A refused offer (a full organization, a limit) is left unmade.
    pub(super) async fn refresh_offers(
        &self,
        user: &User,
        addresses: &[String],
    ) -> Result<(), ServiceError> {
        let settings = &self.policy.domains;
        if !settings.enabled {
            return Ok(());
        }
        let mut names: Vec<String> = addresses
            .iter()
            .filter_map(|a| address_domain(a))
            .map(str::to_string)
            .collect();
        names.sort();
        names.dedup();
        names.truncate(MAX_DOMAINS);
        let offering: Vec<VerifiedName> = self
            .store
            .verified_names(&names)
            .await?
            .into_iter()
            .filter(|v| v.enrollment_mode.offers() && settings.allows(v.enrollment_mode))
            .collect();
        if offering.is_empty() {
            return Ok(());
        }
        let made = self.store.offers_to(&user.id).await?;
        for name in offering {
            if made
                .iter()
                .any(|o| o.organization_id() == &name.organization.id)
            {
                continue;
            }
            if self
                .store
                .get_membership(&name.organization.id, &user.id)
                .await?
                .is_some()
            {
                continue;
            }
            let Some(address) = addresses
                .iter()
                .find(|a| address_domain(a) == Some(name.name.as_str()))
            else {
                continue;
            };
            let made = match name.enrollment_mode {
                EnrollmentMode::AutomaticInvitation => {
                    self.offer_invitation(user, &name, address).await
                }
                _ => self.offer_suggestion(user, &name).await,
            };
            match made {
                Ok(()) => {}
                // Refused (already invited or a member, a full organization, a limit) or made
                // by a concurrent look: nothing to offer now.
                Err(
                    ServiceError::DuplicateInvitation
                    | ServiceError::AlreadyMember
                    | ServiceError::QuotaExceeded
                    | ServiceError::LimitReached(_)
                    | ServiceError::NotFound(_)
                    | ServiceError::Busy,
                ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// An ordinary pending invitation without an email, made by the system for the person.
    async fn offer_invitation(
        &self,
        user: &User,
        name: &VerifiedName,
        address: &str,
    ) -> Result<(), ServiceError> {
        let input = NewInvitation {
            email_address: EmailAddress::from_stored(address.to_string()),
            role: self.policy.domains.default_role.clone(),
            inviter_user_id: None,
            public_metadata: Metadata::default(),
            private_metadata: Metadata::default(),
            redirect_url: None,
            expires_in_days: AUTOMATIC_INVITATION_DAYS,
            notify: false,
            remind: false,
            locale: "en",
            domain_offer: Some(DomainOffer {
                domain_id: name.domain_id.clone(),
                user_id: user.id.clone(),
            }),
        };
        let token = self.write_token();
        match self
            .write_invitation(
                &Actor::Backend,
                &name.organization.id,
                &input,
                &token,
                false,
            )
            .await
        {
            Ok(_) => {
                telemetry::count_by(telemetry::DOMAIN_OFFERS, "kind", "invitation");
                Ok(())
            }
            Err(ServiceError::Store(StoreError::AlreadyExists)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn offer_suggestion(&self, user: &User, name: &VerifiedName) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let suggestion = Suggestion {
            id: SuggestionId::new(new_id("orgsugg")),
            user_id: user.id.clone(),
            organization: name.organization.clone(),
            domain_id: name.domain_id.clone(),
            accepted: false,
            created_at: now,
            updated_at: now,
        };
        let audit = self
            .system_audit(&name.organization.id, AuditAction::SuggestionCreated, now)
            .target("organization_suggestion", &suggestion.id)
            .with("organization_domain_id", name.domain_id.as_str())
            .with("user_id", user.id.as_str());
        match self.store.insert_suggestion(&suggestion, &audit).await {
            Ok(()) => {
                telemetry::count_by(telemetry::DOMAIN_OFFERS, "kind", "suggestion");
                Ok(())
            }
            Err(StoreError::AlreadyExists) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    pub(super) fn system_audit(
        &self,
        org: &crate::domain::OrganizationId,
        action: AuditAction,
        now: crate::clock::Millis,
    ) -> AuditEntry {
        AuditEntry::by_system(
            org,
            action,
            "organization_domain",
            now,
            self.policy.audit_retention_days,
        )
    }

    /// `GET /v1/me/organization_suggestions`: what the person's domains suggest (made as they
    /// look), newest first, with their status.
    pub async fn my_suggestions(
        &self,
        session: &crate::tokens::session::Session,
    ) -> Result<Vec<Suggestion>, ServiceError> {
        let user = self.session_user(session).await?;
        self.refresh_offers(&user, &super::people::owned_addresses(&user, session))
            .await?;
        let mut found: Vec<Suggestion> = self
            .store
            .offers_to(&user.id)
            .await?
            .into_iter()
            .filter_map(|o| match o {
                Offer::Suggestion(s) => Some(s),
                Offer::Invitation { .. } => None,
            })
            .collect();
        found.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(found)
    }

    /// `POST /v1/me/organization_suggestions/{id}/accept`: the suggestion is accepted and a
    /// membership request filed, in one transaction. Accepting it again answers it as it is.
    pub async fn accept_suggestion(
        &self,
        session: &crate::tokens::session::Session,
        id: &SuggestionId,
    ) -> Result<Suggestion, ServiceError> {
        let user = self.session_user(session).await?;
        let read = self
            .store
            .offers_to(&user.id)
            .await?
            .into_iter()
            .find_map(|o| match o {
                Offer::Suggestion(s) if s.id == id => Some(s),
                _ => None,
            })
            .ok_or(ServiceError::NotFound("organization suggestion"))?;
        if read.accepted {
            return Ok(read);
        }
        let now = self.clock.now();
        let request = MembershipRequest {
            id: MembershipRequestId::new(new_id("orgmbrreq")),
            organization_id: read.organization.id.clone(),
            user_id: user.id.clone(),
            public_user_data: user.public_data(),
            email_keys: user.address_keys(),
            domain_id: Some(read.domain_id.clone()),
            link_id: None,
            role: None,
            status: RequestStatus::Pending,
            created_at: now,
            updated_at: now,
        };
        let audit = self
            .audit_by(
                &read.organization.id,
                AuditAction::MembershipRequestCreated,
                &Actor::Member(user.id.clone()),
                None,
                now,
            )
            .target("organization_membership_request", &request.id)
            .with("organization_suggestion_id", read.id.as_str());
        match self.store.accept_suggestion(&read, &request, &audit).await {
            Ok(accepted) => {
                telemetry::count_by(telemetry::MEMBERSHIP_REQUESTS, "outcome", "created");
                Ok(accepted)
            }
            Err(StoreError::Contention) => Err(DomainRefusal::SuggestionAccepted.into()),
            Err(StoreError::AlreadyExists) => Err(DomainRefusal::RequestPending.into()),
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization suggestion")),
            Err(e) => Err(e.into()),
        }
    }

    /// Everything a domain offered goes: its suggestions' records (one transaction per 100),
    /// and its automatic invitations, each revoked by the system (one transaction each).
    pub(super) async fn withdraw_offers(
        &self,
        domain: &crate::domain::org_domain::OrgDomain,
    ) -> Result<(), ServiceError> {
        let org = &domain.organization.id;
        let invitations = self.store.withdraw_offers(&domain.id, org).await?;
        let token = self.write_token();
        for id in invitations {
            let now = self.clock.now();
            let audit = self
                .system_audit(org, AuditAction::InvitationRevoked, now)
                .target("invitation", &id)
                .with("organization_domain_id", domain.id.as_str());
            match self
                .store
                .revoke_invitation(org, &id, now, None, &token, &audit)
                .await
            {
                Ok(_) | Err(StoreError::InvitationNotPending(_) | StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
