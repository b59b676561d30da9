//! What SES reported about an email (delivered, bounced, complained), recorded on the
//! invitation it was sent for: the bounces function's whole job. A report that changed the
//! invitation (once per event, however often SES delivers it) also counts in its
//! organization's day; a hard bounce or a complaint suppresses the mailbox and may trip the
//! organization's breaker (`domain::reputation`).

use crate::domain::audit::{AuditAction, AuditEntry};
use std::sync::Arc;

use super::ServiceError;
use crate::clock::Clock;
use crate::domain::reputation::{
    day_of, BreakerPolicy, MailOutcome, MailPause, PausedBy, Suppression, SuppressionReason,
    BREAKER_WINDOW_DAYS,
};
use crate::domain::{Delivery, DeliveryStatus, Invitation, MailFeedback as Feedback};
use crate::store::{EmailStore, ReputationStore};
use crate::telemetry;

#[derive(Clone)]
pub struct MailFeedback {
    store: Arc<dyn EmailStore>,
    reputation: Arc<dyn ReputationStore>,
    clock: Arc<dyn Clock>,
    breaker: BreakerPolicy,
    audit_retention_days: u32,
}

/// What one report did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedbackOutcome {
    /// The invitation as it is now, when the report changed it.
    pub invitation: Option<Invitation>,
    /// The mailbox suppressed by it, if any.
    pub suppressed: Option<String>,
    /// Why the breaker tripped on it, if it did.
    pub paused: Option<String>,
}

impl MailFeedback {
    pub fn new(
        store: Arc<dyn EmailStore>,
        reputation: Arc<dyn ReputationStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            reputation,
            clock,
            breaker: BreakerPolicy::default(),
            audit_retention_days: crate::domain::audit::DEFAULT_RETENTION_DAYS,
        }
    }

    /// How long the breaker's audit entries are kept (`AUDIT_RETENTION_DAYS`).
    pub fn with_audit_retention(mut self, days: u32) -> Self {
        self.audit_retention_days = days;
        self
    }

    /// The breaker's rates and volume (`MAIL_BREAKER_*`).
    pub fn with_breaker(mut self, breaker: BreakerPolicy) -> Self {
        self.breaker = breaker;
        self
    }

    /// Records what SES reported about `message_id` on its invitation; the change feed then
    /// emits `organizationInvitation.bounced` for a bounce. Nothing changes for a report that
    /// is not about our message, not about its latest one, or a "delivered" after a bounce.
    pub async fn record(
        &self,
        message_id: &str,
        feedback: &Feedback,
    ) -> Result<FeedbackOutcome, ServiceError> {
        let now = self.clock.now();
        let delivery = Delivery {
            status: DeliveryStatus::Sent,
            message_id: Some(message_id.to_string()),
            error: None,
            bounce_type: None,
            at: now,
        };
        let Some(updated) = delivery.with_feedback(feedback, now) else {
            return Ok(FeedbackOutcome::default());
        };
        let Some((before, invitation)) = self
            .store
            .record_mail_feedback(message_id, &updated)
            .await?
        else {
            return Ok(FeedbackOutcome::default());
        };
        // Counted when the status moves: SES may report an event twice, and a report retried
        // after a failure below finds the status it set and does the rest.
        let moved = before.delivery.as_ref().map(|d| d.status) != Some(updated.status);
        let org = &invitation.organization.id;
        let (outcome, suppression) = match feedback {
            Feedback::Delivered => (MailOutcome::Delivered, None),
            Feedback::Bounced { bounce_type } if bounce_type.starts_with("Permanent") => (
                MailOutcome::HardBounced,
                Some((SuppressionReason::HardBounce, Some(bounce_type.clone()))),
            ),
            // A full mailbox, a blip: the next email may well arrive.
            Feedback::Bounced { .. } => {
                if moved {
                    telemetry::count_by(telemetry::EMAILS, "outcome", "bounced_transient");
                }
                return Ok(FeedbackOutcome {
                    invitation: Some(invitation),
                    ..FeedbackOutcome::default()
                });
            }
            Feedback::Complained => (
                MailOutcome::Complained,
                Some((SuppressionReason::Complaint, None)),
            ),
        };
        let day = day_of(now);
        if moved {
            telemetry::count_by(telemetry::EMAILS, "outcome", outcome.metric_name());
            self.reputation
                .count_mail_outcome(org, day, outcome)
                .await?;
        }
        let Some((reason, detail)) = suppression else {
            return Ok(FeedbackOutcome {
                invitation: Some(invitation),
                ..FeedbackOutcome::default()
            });
        };
        let mailbox = invitation.email_address.mailbox();
        self.reputation
            .suppress(&Suppression {
                mailbox: mailbox.clone(),
                reason,
                detail,
                organization_id: org.clone(),
                invitation_id: invitation.id.clone(),
                at: now,
            })
            .await?;
        if moved {
            telemetry::count_by(telemetry::SUPPRESSIONS, "reason", reason.as_str());
        }
        tracing::warn!(organization = %org, invitation = %invitation.id, reason = reason.as_str(), "a mailbox was suppressed");
        let days = self
            .reputation
            .mail_days(org, day - (BREAKER_WINDOW_DAYS - 1), day)
            .await?;
        let paused = match self.breaker.judge(&days) {
            Some(why) => {
                let pause = MailPause {
                    at: now,
                    by: PausedBy::Breaker,
                    reason: why.clone(),
                };
                let audit = AuditEntry::by_system(
                    org,
                    AuditAction::EmailSendingPaused,
                    "breaker",
                    now,
                    self.audit_retention_days,
                )
                .target("organization", org)
                .with("reason", why.as_str());
                let tripped = self.reputation.pause_mail(org, &pause, &audit).await?;
                if tripped {
                    telemetry::count(telemetry::BREAKER_TRIPS);
                    tracing::error!(organization = %org, reason = %why, "the organization's email breaker tripped: its invitation email is paused until an operator resumes it");
                }
                tripped.then_some(why)
            }
            None => None,
        };
        Ok(FeedbackOutcome {
            invitation: Some(invitation),
            suppressed: Some(mailbox),
            paused,
        })
    }
}
