//! Declining: the holder of the link, or the signed-in owner of the invited address, says no.

use super::acceptance::still_pending;
use super::people::owned_addresses;
use super::{retry_on_contention, Service, ServiceError};
use crate::clock::Millis;
use crate::domain::audit::{AuditAction, AuditActor};
use crate::domain::{DeclineChannel, Invitation, InvitationId, InvitationStatus};
use crate::store::StoreError;
use crate::telemetry;
use crate::tokens::session::Session;

impl Service {
    /// `POST /v1/tickets/decline {ticket}`: whoever holds the link says no. One read, one
    /// write: the invitation becomes `declined`, its address's slot and seat are freed, and
    /// every link to it dies.
    #[tracing::instrument(skip_all)]
    pub async fn decline_ticket(&self, token: &str) -> Result<Invitation, ServiceError> {
        let ticket = self.links.verifier()?.verify(token, self.clock.now())?;
        let mark = self.write_token();
        retry_on_contention(|| async {
            let now = self.clock.now();
            let ctx = self.ticket_context(&ticket, None, &[]).await?;
            if let Some(inv) = ctx
                .invitation
                .as_ref()
                .filter(|inv| self.declined_already(inv))
            {
                return Ok(inv.clone());
            }
            let invitation = self.current_invitation(&ticket, ctx.invitation, now)?;
            let holder = AuditActor::link_holder(invitation.id.as_str());
            self.decline(&invitation, now, &mark, DeclineChannel::Link, holder)
                .await
        })
        .await
    }

    /// `POST /v1/me/organization_invitations/{inv}/decline`: the signed-in owner of the invited
    /// address says no. The invitation is found as for accepting by id.
    #[tracing::instrument(skip_all)]
    pub async fn decline_my_invitation(
        &self,
        raw_id: &str,
        session: &Session,
    ) -> Result<Invitation, ServiceError> {
        let mark = self.write_token();
        retry_on_contention(|| async {
            let now = self.clock.now();
            let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
            let (user, found) =
                tokio::join!(self.session_user(session), self.store.find_invitation(&id));
            let user = user?;
            let invitation = found?
                .filter(|inv| {
                    owned_addresses(&user, session).contains(&inv.email_address.key().to_string())
                })
                .ok_or(ServiceError::NotFound("invitation"))?;
            if self.declined_already(&invitation) {
                return Ok(invitation);
            }
            still_pending(&invitation, now)?;
            let me = AuditActor::user(&user.id);
            self.decline(&invitation, now, &mark, DeclineChannel::SignedIn, me)
                .await
        })
        .await
    }

    /// Whether this request declined it already (its answer was lost).
    fn declined_already(&self, inv: &Invitation) -> bool {
        inv.stored_status == InvitationStatus::Declined && self.is_own(inv.written_by.as_deref())
    }

    async fn decline(
        &self,
        invitation: &Invitation,
        now: Millis,
        token: &str,
        via: DeclineChannel,
        actor: AuditActor,
    ) -> Result<Invitation, ServiceError> {
        let audit = self
            .audit_entry(
                &invitation.organization.id,
                AuditAction::InvitationDeclined,
                actor,
                now,
            )
            .target("invitation", &invitation.id)
            .with("email_address", invitation.email_address.as_str())
            .with("via", via.as_str());
        match self
            .store
            .decline_invitation(invitation, now, token, via, &audit)
            .await
        {
            Ok(declined) => {
                telemetry::count_by(telemetry::INVITATIONS_DECLINED, "via", via.as_str());
                Ok(declined)
            }
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("invitation")),
            Err(e) => Err(e.into()),
        }
    }
}
