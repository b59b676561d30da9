//! The deployment's email reputation, for backends: a suppressed mailbox seen and lifted, an
//! organization's email sending seen, paused and resumed by an operator.

use super::{retry_on_contention, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::reputation::{
    day_of, MailDay, MailPause, PausedBy, Suppression, BREAKER_WINDOW_DAYS,
};
use crate::domain::{EmailAddress, OrganizationId};

/// An organization's email sending: its pause, if any, and its last days.
pub type MailSending = (Option<MailPause>, Vec<MailDay>);

impl Service {
    fn mailbox_of(raw: &str) -> Result<String, ServiceError> {
        Ok(EmailAddress::parse("email_address", raw)?.mailbox())
    }

    /// One read: the suppression of the address's mailbox (any spelling of it finds it).
    pub async fn suppression(&self, raw_address: &str) -> Result<Suppression, ServiceError> {
        self.store
            .suppression(&Self::mailbox_of(raw_address)?)
            .await?
            .ok_or(ServiceError::NotFound("suppression"))
    }

    /// One write: the mailbox may be emailed again; the suppression as it was.
    pub async fn lift_suppression(&self, raw_address: &str) -> Result<Suppression, ServiceError> {
        let lifted = self
            .store
            .lift_suppression(&Self::mailbox_of(raw_address)?)
            .await?
            .ok_or(ServiceError::NotFound("suppression"))?;
        tracing::warn!(organization = %lifted.organization_id, reason = lifted.reason.as_str(), "a suppression was lifted");
        Ok(lifted)
    }

    /// The organization (one read) and, concurrently, its pause and last days (one read each).
    pub async fn mail_sending(&self, org_id: &OrganizationId) -> Result<MailSending, ServiceError> {
        let day = day_of(self.clock.now());
        let (org, pause, days) = tokio::join!(
            self.store.get_organization(org_id),
            self.store.mail_pause(org_id),
            self.store
                .mail_days(org_id, day - (BREAKER_WINDOW_DAYS - 1), day)
        );
        org?.ok_or(ServiceError::NotFound("organization"))?;
        Ok((pause?, days?))
    }

    /// An operator pauses (`paused`) or resumes the organization's invitation email. A pause
    /// already there stays as it was (the breaker's reason is kept); resuming what is not
    /// paused changes nothing.
    pub async fn set_mail_sending(
        &self,
        org_id: &OrganizationId,
        paused: bool,
    ) -> Result<MailSending, ServiceError> {
        self.store
            .get_organization(org_id)
            .await?
            .ok_or(ServiceError::NotFound("organization"))?;
        if paused {
            let pause = MailPause {
                at: self.clock.now(),
                by: PausedBy::Operator,
                reason: "paused by an operator".into(),
            };
            let audit = self
                .backend_audit(org_id, AuditAction::EmailSendingPaused, pause.at)
                .target("organization", org_id)
                .with("reason", pause.reason.as_str());
            if self.store.pause_mail(org_id, &pause, &audit).await? {
                tracing::warn!(organization = %org_id, "an operator paused the organization's email");
            }
        } else if let Some(lifted) = retry_on_contention(|| async {
            let audit = self
                .backend_audit(org_id, AuditAction::EmailSendingResumed, self.clock.now())
                .target("organization", org_id);
            Ok::<_, ServiceError>(self.store.resume_mail(org_id, &audit).await?)
        })
        .await?
        {
            tracing::warn!(organization = %org_id, paused_by = lifted.by.as_str(), "the organization's email was resumed");
        }
        self.mail_sending(org_id).await
    }
}
