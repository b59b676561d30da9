//! Email reputation in the store: the suppressed mailboxes, each organization's recent mail
//! outcomes per day, and whether its email is paused (`domain::reputation` has the rules).

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::StoreError;
use crate::domain::limits::{LimitKey, LimitState};
use crate::domain::reputation::{MailDay, MailOutcome, MailPause, Suppression};
use crate::domain::OrganizationId;

/// What an invitation email must pass, read at once: its limit logs, the recipient's
/// suppression and the organization's pause.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmailGate {
    pub limits: Vec<LimitState>,
    pub suppression: Option<Suppression>,
    pub pause: Option<MailPause>,
}

#[async_trait]
pub trait ReputationStore: Send + Sync {
    /// The gate of an email to `mailbox` for the organization, with its limit logs: one read.
    async fn email_gate(
        &self,
        organization_id: &OrganizationId,
        mailbox: &str,
        limit_keys: &[LimitKey],
    ) -> Result<EmailGate, StoreError>;

    async fn suppression(&self, mailbox: &str) -> Result<Option<Suppression>, StoreError>;

    /// Suppresses the mailbox (a later bounce or complaint replaces the record: the latest).
    async fn suppress(&self, suppression: &Suppression) -> Result<(), StoreError>;

    /// Lifts it; the record as it was, `None` when there was none.
    async fn lift_suppression(&self, mailbox: &str) -> Result<Option<Suppression>, StoreError>;

    /// Adds one outcome to the organization's `day`.
    async fn count_mail_outcome(
        &self,
        organization_id: &OrganizationId,
        day: i64,
        outcome: MailOutcome,
    ) -> Result<(), StoreError>;

    /// The organization's days from `first_day` to `last_day`, those with any outcome.
    async fn mail_days(
        &self,
        organization_id: &OrganizationId,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<MailDay>, StoreError>;

    async fn mail_pause(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Option<MailPause>, StoreError>;

    /// Pauses the organization's email unless it is paused already (`Ok(false)`): a breaker
    /// trips once, however many bounces arrive together.
    async fn pause_mail(
        &self,
        organization_id: &OrganizationId,
        pause: &MailPause,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError>;

    /// Resumes it; the pause lifted, `None` when it was not paused (and nothing is recorded).
    async fn resume_mail(
        &self,
        organization_id: &OrganizationId,
        audit: &AuditEntry,
    ) -> Result<Option<MailPause>, StoreError>;
}
