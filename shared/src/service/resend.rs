//! A new link for a pending invitation: every older link stops working.

use super::invitations::DAY_MS;
use super::{
    not_allowed_or, retry_on_contention, Actor, InvitationAction, IssuedInvitation, Service,
    ServiceError,
};
use crate::domain::{InvitationId, InvitationStatus, OrganizationId};

/// The least time between two tickets (and emails) of one invitation.
pub const RESEND_COOLDOWN_MS: i64 = 60_000;

impl Service {
    /// A new ticket for a pending invitation: every older link stops working, and the expiry
    /// moves to now plus the validity it was created with. One read and one write round trip,
    /// then the email when `notify`.
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
        let requirement = self.manager(acting);
        let issued = retry_on_contention(|| async {
            let now = self.clock.now();
            let mut invitation = self
                .store
                .get_invitation(org_id, &id)
                .await?
                .ok_or(ServiceError::NotFound("invitation"))?;
            match invitation.status(now) {
                InvitationStatus::Pending => {}
                other => return Err(ServiceError::InvitationNotPending(other)),
            }
            // Every ticket lives `validity_days` from its issue, so its issue time is derivable.
            let issued_at = invitation.expires_at - i64::from(invitation.validity_days) * DAY_MS;
            let wait = issued_at + RESEND_COOLDOWN_MS - now;
            if wait > 0 {
                return Err(ServiceError::ResendCooldown {
                    retry_after_seconds: (wait + 999).div_euclid(1000) as u64,
                });
            }
            let expires_at = now + i64::from(invitation.validity_days) * DAY_MS;
            let ticket = self
                .links
                .signer
                .issue(&id, org_id, invitation.email_address.key(), now, expires_at)
                .map_err(ServiceError::TicketIssue)?;
            self.store
                .reissue_ticket(
                    &invitation,
                    &ticket.nonce_hash,
                    expires_at,
                    now,
                    requirement.as_ref(),
                )
                .await
                .map_err(not_allowed_or)?;
            invitation.ticket_hash = Some(ticket.nonce_hash);
            invitation.expires_at = expires_at;
            invitation.updated_at = now;
            Ok(IssuedInvitation {
                url: self.links.accept_link(&ticket.token),
                invitation,
            })
        })
        .await?;
        Ok(if action.notify {
            self.deliver(issued).await
        } else {
            issued
        })
    }
}
