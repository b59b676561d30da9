//! A new link for a pending invitation: every older link stops working.

use super::audit::audit_actor;
use super::invitations::DAY_MS;
use super::limits::email_limit_keys;
use super::{
    not_allowed_or, retry_on_contention, Actor, InvitationAction, IssuedInvitation, Service,
    ServiceError,
};
use crate::domain::audit::AuditAction;
use crate::domain::reminder::remind_at;
use crate::domain::{InvitationId, InvitationStatus, OrganizationId};
use crate::telemetry;

impl Service {
    /// A new ticket for a pending invitation: every older link stops working, and the expiry
    /// moves to now plus the validity it was created with. One read round trip (with an acting
    /// user's role read alongside, and checked first), (when `notify`) one read of the
    /// abuse-limit logs, and one write round trip, then the email. The email's limits are
    /// counted in the write.
    #[tracing::instrument(skip_all, fields(organization = %org_id, invitation = raw_id))]
    pub async fn resend_invitation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        raw_id: &str,
        action: &InvitationAction,
    ) -> Result<IssuedInvitation, ServiceError> {
        let acting = actor.acting_user(action.requesting_user_id.as_ref())?;
        let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
        let requirement = self.manager(acting.clone());
        let token = self.write_token();
        let issued = retry_on_contention(|| async {
            let now = self.clock.now();
            // The role is read alongside, and checked before anything about the invitation is
            // told.
            let (allowed, found) = tokio::join!(
                self.authorize_manager(org_id, requirement.as_ref()),
                self.store.get_invitation(org_id, &id)
            );
            allowed?;
            let read = found?.ok_or(ServiceError::NotFound("invitation"))?;
            // This request resent it already (its answer was lost): the same link again.
            if self.is_own(read.written_by.as_deref())
                && read.stored_status == InvitationStatus::Pending
            {
                return Ok(IssuedInvitation {
                    url: self.links.rebuild(&read),
                    invitation: read,
                    recovered: true,
                });
            }
            match read.status(now) {
                InvitationStatus::Pending => {}
                other => return Err(ServiceError::InvitationNotPending(other)),
            }
            let limit_writes = if action.notify {
                let keys = email_limit_keys(org_id, acting.as_ref(), &read.email_address);
                let gate = self
                    .store
                    .email_gate(org_id, &read.email_address.mailbox(), &keys)
                    .await?;
                if let Some(suppressed) = gate.suppression {
                    telemetry::count_by(telemetry::EMAILS, "outcome", "suppressed");
                    return Err(ServiceError::Suppressed(Box::new(suppressed)));
                }
                if let Some(paused) = gate.pause {
                    telemetry::count_by(telemetry::EMAILS, "outcome", "paused");
                    return Err(ServiceError::MailPaused(Box::new(paused)));
                }
                self.admit_or_record(
                    &gate.limits,
                    now,
                    org_id,
                    audit_actor(actor, acting.as_ref()),
                )
                .await?
            } else {
                Vec::new()
            };
            // A new issue time makes a new nonce: every older link stops working.
            let issued_at = now.max(read.ticket_issued_at + 1);
            let expires_at = now + i64::from(read.validity_days) * DAY_MS;
            let ticket = self
                .links
                .issuer()?
                .issue(&id, org_id, read.email_address.key(), issued_at, expires_at)
                .map_err(ServiceError::TicketIssue)?;
            let mut invitation = read.clone();
            invitation.ticket_hash = Some(ticket.nonce_hash);
            invitation.ticket_issued_at = issued_at;
            invitation.expires_at = expires_at;
            invitation.updated_at = now;
            invitation.written_by = Some(token.clone());
            // A new link starts the reminder over, for the new expiry.
            invitation.remind_at = invitation
                .remind
                .then(|| remind_at(issued_at, expires_at, self.policy.reminder_days))
                .flatten();
            invitation.reminder = None;
            if action.notify {
                invitation.delivery = Some(crate::domain::Delivery::queued(now));
            }
            let audit = self
                .audit_by(
                    org_id,
                    AuditAction::InvitationResent,
                    actor,
                    acting.as_ref(),
                    now,
                )
                .target("invitation", &id)
                .with("email_address", read.email_address.as_str())
                .with("notify", action.notify)
                .with("expires_at", expires_at);
            self.store
                .reissue_ticket(
                    &read,
                    &invitation,
                    requirement.as_ref(),
                    &limit_writes,
                    &audit,
                )
                .await
                .map_err(not_allowed_or)?;
            Ok(IssuedInvitation {
                url: Some(self.links.accept_link(&ticket.token)),
                invitation,
                recovered: false,
            })
        })
        .await?;
        // Only a resend that asks for an email sends one. A resend without one that finds
        // another request's email still queued keeps it queued on the new ticket: that request
        // (whose record still lands) or the sweeper sends it, once (found by the fault suite:
        // the copy used to go out from here too).
        Ok(if action.notify && issued.queued() {
            self.deliver(issued).await
        } else {
            issued
        })
    }
}
