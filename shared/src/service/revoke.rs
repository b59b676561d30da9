//! Revoking an invitation.

use super::{not_allowed_or, retry_on_contention, Actor, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::{Invitation, InvitationId, OrganizationId};
use crate::store::StoreError;
use crate::telemetry;

impl Service {
    /// Pending invitations only (including ones past their expiry, which frees their seat).
    /// One read and one write (`revoke_invitation` in the store); an acting user's role is
    /// read with the invitation and checked first, so nothing about the invitation is told to
    /// someone who may not revoke it.
    #[tracing::instrument(skip_all, fields(organization = %org_id, invitation = raw_id))]
    pub async fn revoke_invitation(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        raw_id: &str,
        requesting_user_id: Option<&crate::domain::UserId>,
    ) -> Result<Invitation, ServiceError> {
        let acting = actor.acting_user(requesting_user_id)?;
        let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
        let requirement = self.manager(acting.clone());
        let token = self.write_token();
        retry_on_contention(|| async {
            let now = self.clock.now();
            let audit = self
                .audit_by(
                    org_id,
                    AuditAction::InvitationRevoked,
                    actor,
                    acting.as_ref(),
                    now,
                )
                .target("invitation", &id);
            match self
                .store
                .revoke_invitation(org_id, &id, now, requirement.as_ref(), &token, &audit)
                .await
            {
                Ok(inv) => {
                    telemetry::count(telemetry::INVITATIONS_REVOKED);
                    Ok(inv)
                }
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("invitation")),
                Err(StoreError::InvitationNotPending(inv)) => {
                    Err(ServiceError::InvitationNotPending(inv.status(now)))
                }
                Err(e) => Err(not_allowed_or(e)),
            }
        })
        .await
    }
}
