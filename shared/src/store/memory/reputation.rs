//! Email reputation in memory: suppressed mailboxes by mailbox, each organization's days in
//! order (a range read, as DynamoDB's `MAIL#DAY#` sort keys), and pauses; a pause or resume is
//! a change on the feed, as on DynamoDB's stream.

use crate::domain::audit::AuditEntry;
use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;

use super::MemoryStore;
use crate::domain::limits::LimitKey;
use crate::domain::reputation::{MailDay, MailOutcome, MailPause, Suppression};
use crate::domain::OrganizationId;
use crate::store::change::ChangeRecord;
use crate::store::{EmailGate, ReputationStore, StoreError};

#[derive(Default)]
pub(super) struct Reputation {
    suppressions: HashMap<String, Suppression>,
    days: BTreeMap<(OrganizationId, i64), MailDay>,
    pauses: HashMap<OrganizationId, MailPause>,
}

impl Reputation {
    /// The mailbox's suppression and the organization's pause.
    pub(super) fn gate(
        &self,
        organization_id: &OrganizationId,
        mailbox: &str,
    ) -> (Option<Suppression>, Option<MailPause>) {
        (
            self.suppressions.get(mailbox).cloned(),
            self.pauses.get(organization_id).cloned(),
        )
    }
}

#[async_trait]
impl ReputationStore for MemoryStore {
    async fn email_gate(
        &self,
        organization_id: &OrganizationId,
        mailbox: &str,
        limit_keys: &[LimitKey],
    ) -> Result<EmailGate, StoreError> {
        let t = self.tables();
        Ok(EmailGate {
            limits: t.limit_states(limit_keys),
            suppression: t.reputation.suppressions.get(mailbox).cloned(),
            pause: t.reputation.pauses.get(organization_id).cloned(),
        })
    }

    async fn suppression(&self, mailbox: &str) -> Result<Option<Suppression>, StoreError> {
        Ok(self.tables().reputation.suppressions.get(mailbox).cloned())
    }

    async fn suppress(&self, suppression: &Suppression) -> Result<(), StoreError> {
        self.tables()
            .reputation
            .suppressions
            .insert(suppression.mailbox.clone(), suppression.clone());
        Ok(())
    }

    async fn lift_suppression(&self, mailbox: &str) -> Result<Option<Suppression>, StoreError> {
        Ok(self.tables().reputation.suppressions.remove(mailbox))
    }

    async fn count_mail_outcome(
        &self,
        organization_id: &OrganizationId,
        day: i64,
        outcome: MailOutcome,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let counts = t
            .reputation
            .days
            .entry((organization_id.clone(), day))
            .or_insert(MailDay {
                day,
                ..MailDay::default()
            });
        match outcome {
            MailOutcome::Delivered => counts.delivered += 1,
            MailOutcome::HardBounced => counts.bounced += 1,
            MailOutcome::Complained => counts.complained += 1,
        }
        Ok(())
    }

    async fn mail_days(
        &self,
        organization_id: &OrganizationId,
        first_day: i64,
        last_day: i64,
    ) -> Result<Vec<MailDay>, StoreError> {
        let t = self.tables();
        Ok(t.reputation
            .days
            .range((organization_id.clone(), first_day)..=(organization_id.clone(), last_day))
            .map(|(_, day)| *day)
            .collect())
    }

    async fn mail_pause(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Option<MailPause>, StoreError> {
        Ok(self
            .tables()
            .reputation
            .pauses
            .get(organization_id)
            .cloned())
    }

    async fn pause_mail(
        &self,
        organization_id: &OrganizationId,
        pause: &MailPause,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        if t.reputation.pauses.contains_key(organization_id) {
            return Ok(false);
        }
        t.reputation
            .pauses
            .insert(organization_id.clone(), pause.clone());
        t.feed(ChangeRecord::MailSending {
            organization_id: organization_id.clone(),
            old: None,
            new: Some(pause.clone()),
        });
        t.audit(audit);
        Ok(true)
    }

    async fn resume_mail(
        &self,
        organization_id: &OrganizationId,
        audit: &AuditEntry,
    ) -> Result<Option<MailPause>, StoreError> {
        let mut t = self.tables();
        let lifted = t.reputation.pauses.remove(organization_id);
        if let Some(old) = &lifted {
            t.feed(ChangeRecord::MailSending {
                organization_id: organization_id.clone(),
                old: Some(old.clone()),
                new: None,
            });
            t.audit(audit);
        }
        Ok(lifted)
    }
}
