//! Which abuse limits an operation counts against (`domain::limits` has the rule).

use super::{Service, ServiceError};
use crate::clock::Millis;
use crate::domain::audit::AuditActor;
use crate::domain::limits::{admit_all, LimitKey, LimitState, LimitWrite};
use crate::domain::{EmailAddress, OrganizationId, UserId};
use crate::telemetry;

/// The logs one invitation email counts against: its organization's, its inviter's (a person;
/// a backend acting as no one is counted by the organization alone), its recipient's across
/// the service, and the (organization, recipient) cooldown. A recipient is a mailbox
/// (`EmailAddress::mailbox`): every spelling of one inbox shares its limits.
pub(super) fn email_limit_keys(
    org_id: &OrganizationId,
    inviter: Option<&UserId>,
    email: &EmailAddress,
) -> Vec<LimitKey> {
    let mailbox = email.mailbox();
    let mut keys = vec![
        LimitKey::organization_emails(org_id),
        LimitKey::address_emails(&mailbox),
        LimitKey::address_cooldown(org_id, &mailbox),
    ];
    if let Some(user) = inviter {
        keys.push(LimitKey::inviter_emails(user));
    }
    keys
}

impl Service {
    /// As `admit`, and a refusal is recorded in `org`'s audit log as `actor`'s.
    pub(super) async fn admit_or_record(
        &self,
        states: &[LimitState],
        now: Millis,
        org: &OrganizationId,
        actor: AuditActor,
    ) -> Result<Vec<LimitWrite>, ServiceError> {
        match self.admit(states, now) {
            Err(ServiceError::LimitReached(refused)) => {
                self.record_trip(org, actor, &refused, now).await;
                Err(ServiceError::LimitReached(refused))
            }
            other => other,
        }
    }

    /// One more event on each log read, or the refusal (`429`, with when to retry).
    pub(super) fn admit(
        &self,
        states: &[LimitState],
        now: Millis,
    ) -> Result<Vec<LimitWrite>, ServiceError> {
        admit_all(&self.policy.limits, states, now).map_err(|refused| {
            telemetry::count_by(telemetry::LIMIT_REFUSALS, "limit", refused.kind.as_str());
            ServiceError::LimitReached(refused)
        })
    }
}
