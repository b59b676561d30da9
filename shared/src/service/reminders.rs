//! The sweeper's third job: one reminder to each pending invitation whose reminder is due
//! (`domain::reminder`), through the same gate as every invitation email (never to a
//! suppressed mailbox, none while the organization's email is paused, counted by the email
//! limits), taken by one sweep before it is sent and recorded on the invitation after.

use super::limits::email_limit_keys;
use super::retry::record_hard;
use super::{Service, ServiceError};
use crate::clock::Millis;
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::listing::INSTANCE_SHARDS;
use crate::domain::reminder::TAKEN_GRACE_MS;
use crate::domain::{Delivery, DeliveryStatus, Invitation, InvitationStatus};
use crate::store::StoreError;
use crate::telemetry;

/// Due reminders read per partition and sweep (a page of each: the due, the stale taken).
const PAGE: u32 = 100;

/// What one pass over the due reminders did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReminderReport {
    pub found: u64,
    pub sent: u64,
    /// Not sent, and not to be: the mailbox is suppressed, the send failed, the link could
    /// not be made again.
    pub not_sent: u64,
    /// Left due for the next pass: the organization's email paused, a limit reached.
    pub deferred: u64,
}

impl Service {
    /// Per partition: one read of the due (and of the taken whose sweep stopped), then per
    /// reminder one read of its gate, one transaction taking it, the send, and one write of
    /// what became of it.
    pub async fn send_reminders(&self) -> Result<ReminderReport, ServiceError> {
        let now = self.clock.now();
        let mut report = ReminderReport::default();
        for shard in 0..INSTANCE_SHARDS {
            let due = self
                .store
                .due_reminders(shard, now, now - TAKEN_GRACE_MS, PAGE)
                .await?;
            for invitation in due {
                report.found += 1;
                self.remind(&invitation, now, &mut report).await;
            }
        }
        if report.found > 0 {
            tracing::info!(
                found = report.found,
                sent = report.sent,
                not_sent = report.not_sent,
                deferred = report.deferred,
                "reminders"
            );
        }
        Ok(report)
    }

    async fn remind(&self, inv: &Invitation, now: Millis, report: &mut ReminderReport) {
        // Lapsed since it was found: the expiry removes it from the index.
        if inv.status(now) != InvitationStatus::Pending {
            return;
        }
        let org = &inv.organization.id;
        // A retake (its sweep stopped after taking it) was counted and recorded then.
        let first = !inv.reminder.as_ref().is_some_and(Delivery::is_queued);
        let keys = email_limit_keys(org, None, &inv.email_address);
        let gate = match self
            .store
            .email_gate(org, &inv.email_address.mailbox(), &keys)
            .await
        {
            Ok(gate) => gate,
            Err(e) => {
                tracing::warn!(invitation = %inv.id, error = %e, "a reminder's gate could not be read; the next pass tries again");
                return;
            }
        };
        if gate.pause.is_some() {
            report.deferred += 1;
            return;
        }
        let suppressed = gate.suppression.map(|s| s.reason);
        let limits = match (first, suppressed) {
            (true, None) => match self.admit(&gate.limits, now) {
                Ok(writes) => writes,
                Err(_) => {
                    report.deferred += 1;
                    return;
                }
            },
            _ => Vec::new(),
        };
        let claim = crate::ids::random_base62(20);
        let audit = first.then(|| {
            AuditEntry::by_system(
                org,
                AuditAction::InvitationReminded,
                "sweeper",
                now,
                self.policy.audit_retention_days,
            )
            .target("invitation", &inv.id)
            .with("email_address", inv.email_address.as_str())
            .with("expires_at", inv.expires_at)
            .with("sent", suppressed.is_none())
        });
        match self
            .store
            .take_reminder(inv, &claim, now, &limits, audit.as_ref())
            .await
        {
            Ok(()) => {}
            // Another sweep took it, or it changed: theirs, or the next pass's.
            Err(StoreError::Contention) => return,
            Err(e) => {
                tracing::warn!(invitation = %inv.id, error = %e, "a reminder could not be taken; the next pass tries again");
                return;
            }
        }
        let sent = match suppressed {
            Some(reason) => {
                telemetry::count_by(telemetry::EMAILS, "outcome", "suppressed");
                Err(format!(
                    "not sent: the mailbox is suppressed ({})",
                    reason.as_str()
                ))
            }
            None => {
                let sent = match self.links.rebuild(inv) {
                    Some(url) => self.send_reminder(inv, &url).await,
                    None => Err("the link could not be made again (the ticket key changed)".into()),
                };
                // Counted with the invitation emails that failed: the same alarm watches both.
                if sent.is_err() {
                    telemetry::count_by(telemetry::EMAILS, "outcome", "failed");
                }
                sent
            }
        };
        let outcome = match sent {
            Ok(message_id) => {
                report.sent += 1;
                telemetry::count(telemetry::REMINDERS_SENT);
                telemetry::count_by(telemetry::EMAILS, "outcome", "sent");
                Delivery {
                    status: DeliveryStatus::Sent,
                    message_id: Some(message_id),
                    error: None,
                    bounce_type: None,
                    at: self.clock.now(),
                }
            }
            Err(error) => {
                report.not_sent += 1;
                tracing::warn!(invitation = %inv.id, %error, "a reminder was not sent");
                Delivery {
                    status: DeliveryStatus::Failed,
                    message_id: None,
                    error: Some(error),
                    bounce_type: None,
                    at: self.clock.now(),
                }
            }
        };
        // Tried as hard as the invitation email's record: an unrecorded send is the one way
        // to a second reminder (the next pass retakes it after the grace).
        let recorded = record_hard(
            |e| matches!(e, StoreError::Throttled | StoreError::Unavailable(_)),
            || self.store.record_reminder(inv, &claim, &outcome),
        )
        .await;
        if let Err(e) = recorded {
            tracing::error!(invitation = %inv.id, error = %e, "recording a reminder failed");
        }
    }

    async fn send_reminder(&self, inv: &Invitation, url: &str) -> Result<String, String> {
        let role_name = self.roles.name_of(&inv.role);
        let email = self.mail.templates.reminder(inv, url, &role_name)?;
        self.mail
            .mailer
            .send(&email)
            .await
            .map_err(|e| e.to_string())
    }
}
