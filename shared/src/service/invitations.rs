//! Creating, reading and listing an organization's invitations (revoking: `revoke.rs`).

use super::audit::audit_actor;
use super::limits::email_limit_keys;
use super::{not_allowed_or, retry_on_contention, Actor, NewInvitation, Service, ServiceError};
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::limits::LimitKey;
use crate::domain::listing::PageStart;
use crate::domain::reminder::remind_at;
use crate::domain::role::MANAGE_MEMBERSHIPS;
use crate::domain::{
    FieldError, Invitation, InvitationId, InvitationQuery, InvitationStatus, OrganizationId, Page,
};
use crate::store::StoreError;
use crate::telemetry;

pub(super) const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// An invitation with the accept link of its current ticket; the link is shown on create (and
/// resend, and their retries), and never stored.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub invitation: Invitation,
    /// `None` only when the link cannot be made again (a ticket made with another key).
    pub url: Option<String>,
    /// Found by a retry of the request that made it, not made by this attempt: an email still
    /// queued is claimed before it is sent (the sweeper may have found it too).
    pub recovered: bool,
}

impl IssuedInvitation {
    /// Its email is asked for and not sent yet.
    pub fn queued(&self) -> bool {
        self.invitation
            .delivery
            .as_ref()
            .is_some_and(|d| d.is_queued())
    }
}

impl Service {
    /// Stores the invitation, then (when `notify`) sends its email and records the outcome.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn create_invitation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        input: &NewInvitation,
    ) -> Result<IssuedInvitation, ServiceError> {
        let input = &self.invitation_by(actor, input)?;
        let token = self.write_token();
        let issued = self
            .write_invitation(actor, org_id, input, &token, false)
            .await?;
        Ok(if issued.queued() {
            self.deliver(issued).await
        } else {
            issued
        })
    }

    /// One read round trip and one write round trip when uncontended (the abuse-limit logs are
    /// read in the same batch and written in the same transaction). A lost race is tried
    /// again from the read, which then sees the winner (and answers `duplicate_record`, say).
    pub(super) async fn write_invitation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        input: &NewInvitation,
        token: &str,
        bulk: bool,
    ) -> Result<IssuedInvitation, ServiceError> {
        retry_on_contention(|| self.try_create_invitation(actor, org_id, input, token, bulk)).await
    }

    async fn try_create_invitation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        input: &NewInvitation,
        token: &str,
        bulk: bool,
    ) -> Result<IssuedInvitation, ServiceError> {
        let now = self.clock.now();
        let email = &input.email_address;
        // Without an email, the organization holds the link itself: what its lookups tell is
        // bounded by how many such invitations it may make.
        let limit_keys = if input.notify {
            email_limit_keys(org_id, input.inviter_user_id.as_ref(), email)
        } else {
            vec![LimitKey::silent_invitations(org_id)]
        };
        let mailbox = input.notify.then(|| email.mailbox());
        let ctx = self
            .store
            .invitation_context(
                org_id,
                email.key(),
                input.inviter_user_id.as_ref(),
                &limit_keys,
                mailbox.as_deref(),
            )
            .await?;
        let org = ctx
            .organization
            .ok_or(ServiceError::NotFound("organization"))?;
        let inviter = match &input.inviter_user_id {
            None => None,
            Some(_) => {
                let membership = ctx.actor_membership.ok_or(ServiceError::NotAllowed(
                    "the inviter is not a member of the organization",
                ))?;
                if !self.roles.grants(&membership.role, MANAGE_MEMBERSHIPS) {
                    return Err(ServiceError::NotAllowed(
                        "the inviter cannot manage memberships",
                    ));
                }
                Some(
                    ctx.actor_user
                        .map(|u| u.public_data())
                        .unwrap_or(membership.public_user_data),
                )
            }
        };
        let replacing = match ctx.slot_holder {
            // This request made it already (its answer was lost): answered as made.
            Some(holder) if holder.written_by.as_deref() == Some(token) => {
                return self.made_already(org_id, &holder.invitation_id).await
            }
            Some(holder) if holder.expires_at > now => {
                return Err(ServiceError::DuplicateInvitation)
            }
            other => other,
        };
        if ctx.address_is_member {
            return Err(ServiceError::AlreadyMember);
        }
        if replacing.is_none() && !org.has_free_seat() {
            return Err(ServiceError::QuotaExceeded);
        }
        // The deployment's reputation: no email to a mailbox that bounced for good or
        // complained, none for an organization whose email is paused.
        if let Some(suppressed) = ctx.suppression {
            telemetry::count_by(telemetry::EMAILS, "outcome", "suppressed");
            return Err(ServiceError::Suppressed(Box::new(suppressed)));
        }
        if let Some(paused) = ctx.mail_pause {
            telemetry::count_by(telemetry::EMAILS, "outcome", "paused");
            return Err(ServiceError::MailPaused(Box::new(paused)));
        }
        // Last: a request refused for another reason counts against no limit.
        let acting = input.inviter_user_id.as_ref();
        let limit_writes = self
            .admit_or_record(&ctx.limits, now, org_id, audit_actor(actor, acting))
            .await?;
        let id = InvitationId::generate();
        let expires_at = now + i64::from(input.expires_in_days) * DAY_MS;
        let ticket = self
            .links
            .issuer()?
            .issue(&id, org_id, email.key(), now, expires_at)
            .map_err(ServiceError::TicketIssue)?;
        let invitation = Invitation {
            id,
            organization: org.public_data(),
            email_address: email.clone(),
            role: input.role.clone(),
            inviter,
            stored_status: InvitationStatus::Pending,
            public_metadata: input.public_metadata.clone(),
            private_metadata: input.private_metadata.clone(),
            redirect_url: input.redirect_url.clone(),
            notify: input.notify,
            ticket_hash: Some(ticket.nonce_hash),
            ticket_issued_at: now,
            written_by: Some(token.to_string()),
            validity_days: input.expires_in_days,
            locale: input.locale.to_string(),
            delivery: input.notify.then(|| crate::domain::Delivery::queued(now)),
            accepted_user_id: None,
            declined_via: None,
            remind: input.notify && input.remind,
            remind_at: (input.notify && input.remind)
                .then(|| remind_at(now, expires_at, self.policy.reminder_days))
                .flatten(),
            reminder: None,
            domain_offer: input.domain_offer.clone(),
            link_id: None,
            expires_at,
            created_at: now,
            updated_at: now,
        };
        let made_by = match &input.domain_offer {
            // Made by a verified domain for a person: the system acts, naming both.
            Some(offer) => AuditEntry::by_system(
                org_id,
                AuditAction::InvitationCreated,
                "organization_domain",
                now,
                self.policy.audit_retention_days,
            )
            .with("organization_domain_id", offer.domain_id.as_str())
            .with("user_id", offer.user_id.as_str()),
            None => self.audit_by(org_id, AuditAction::InvitationCreated, actor, acting, now),
        };
        let mut audit = made_by
            .target("invitation", &invitation.id)
            .with("email_address", invitation.email_address.as_str())
            .with("role", invitation.role.as_str())
            .with("notify", invitation.notify)
            .with("expires_at", invitation.expires_at);
        if bulk {
            audit = audit.with("bulk", true);
        }
        if let Some(old) = &replacing {
            // The lapsed invitation this one takes the address's place of ends with it.
            audit = audit.with("replaced_invitation_id", old.invitation_id.as_str());
        }
        let requirement = self.manager(input.inviter_user_id.clone());
        match self
            .store
            .insert_invitation(
                &invitation,
                replacing.as_ref(),
                requirement.as_ref(),
                &limit_writes,
                &audit,
            )
            .await
        {
            Ok(()) => {
                telemetry::count(telemetry::INVITATIONS_CREATED);
                Ok(IssuedInvitation {
                    url: Some(self.links.accept_link(&ticket.token)),
                    invitation,
                    recovered: false,
                })
            }
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization")),
            Err(StoreError::AlreadyMember) => Err(ServiceError::AlreadyMember),
            Err(StoreError::QuotaExceeded) => Err(ServiceError::QuotaExceeded),
            Err(e) => Err(not_allowed_or(e)),
        }
    }

    /// Each item gets its own result, in request order. Items are written one after another:
    /// every one takes a seat on the same organization record, so concurrent writes would only
    /// conflict, and in order the last free seats go to the first items. An address given
    /// twice is refused for every occurrence after the first. An item the actor may not create
    /// at all (private metadata from a signed-in person) refuses the whole request.
    #[tracing::instrument(skip_all, fields(organization = %org_id, items = inputs.len()))]
    pub async fn create_invitations(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        inputs: &[NewInvitation],
    ) -> Result<Vec<Result<IssuedInvitation, ServiceError>>, ServiceError> {
        let inputs = inputs
            .iter()
            .map(|input| self.invitation_by(actor, input))
            .collect::<Result<Vec<_>, _>>()?;
        let mut results = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let repeated = inputs[..i]
                .iter()
                .any(|earlier| earlier.email_address.key() == input.email_address.key());
            let token = crate::domain::request::write_token(
                self.request.as_ref().map(|k| k.item(i)).as_ref(),
            );
            let result = if repeated {
                Err(ServiceError::DuplicateInvitation)
            } else {
                self.write_invitation(actor, org_id, input, &token, true)
                    .await
            };
            // No organization: the whole request is refused (404), as Clerk does, rather
            // than every item alike.
            if matches!(result, Err(ServiceError::NotFound("organization"))) && results.is_empty() {
                return Err(ServiceError::NotFound("organization"));
            }
            results.push(result);
        }
        Ok(self.deliver_each(results).await)
    }

    /// One read round trip (a member's permission is read alongside it, not before).
    #[tracing::instrument(skip_all, fields(organization = %org_id, invitation = raw_id))]
    pub async fn get_invitation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        raw_id: &str,
    ) -> Result<Invitation, ServiceError> {
        let read = async {
            let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
            self.store
                .get_invitation(org_id, &id)
                .await?
                .ok_or(ServiceError::NotFound("invitation"))
        };
        let (allowed, invitation) = tokio::join!(self.authorize_reader(actor, org_id), read);
        allowed?;
        invitation
    }

    /// The store's list round trips; a member's permission is read alongside the page.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn list_invitations(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        query: &InvitationQuery,
    ) -> Result<Page<Invitation>, ServiceError> {
        let (allowed, page) = tokio::join!(
            self.authorize_reader(actor, org_id),
            self.read_invitation_page(org_id, query)
        );
        allowed?;
        page
    }

    async fn read_invitation_page(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
    ) -> Result<Page<Invitation>, ServiceError> {
        if let PageStart::After(cursor) = &query.page.start {
            if cursor.order != query.order {
                return Err(FieldError::value(
                    "cursor",
                    "cursor belongs to a list in another order.",
                )
                .into());
            }
        }
        match self
            .store
            .list_invitations(org_id, query, self.clock.now())
            .await
        {
            Ok(page) => Ok(page),
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization")),
            Err(e) => Err(e.into()),
        }
    }
}
