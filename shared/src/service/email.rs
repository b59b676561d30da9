//! Sending the invitation email after the write that asks for it (it is stored `queued`), and
//! recording what happened. A failed send never loses the invitation: it stays pending, with
//! the failure on record. An email queued and never sent (the request stopped between its
//! write and its send) goes out from a retry of the same request, or from the sweeper: the
//! link is made again from the signing key, so it is the same email, with the same id.

use futures::stream::{self, StreamExt};

use super::retry::record_hard;
use super::{IssuedInvitation, Service, ServiceError};
use crate::domain::listing::INSTANCE_SHARDS;
use crate::domain::{Delivery, DeliveryStatus, Invitation, InvitationStatus};
use crate::store::StoreError;
use crate::telemetry;

/// Messages of one bulk request sent at once.
const BULK_SEND_CONCURRENCY: usize = 4;

/// A queued email older than this is one whose request stopped: longer than any function runs
/// (`template.yaml`'s timeouts are 10 s for the routes), so the sweeper never races a live send;
/// with that request's retry it may, and a claim (`claim`) lets one of them send.
pub const UNSENT_GRACE_MS: i64 = 60_000;

/// Queued emails read per partition and sweep.
const UNSENT_PAGE: u32 = 100;

impl Service {
    /// One send (with the mailer's bounded retries) and one write of the outcome, for the
    /// ticket the invitation holds. Without its link (a ticket made with another key), the
    /// email is recorded as not sent.
    pub(super) async fn deliver(&self, mut issued: IssuedInvitation) -> IssuedInvitation {
        if issued.recovered {
            match self.claim(&issued.invitation).await {
                Some(claimed) => issued.invitation.delivery = Some(claimed),
                None => return issued,
            }
        }
        let invitation = &issued.invitation;
        let sent = match &issued.url {
            Some(url) => self.send(invitation, url).await,
            None => Err("the link could not be made again (the ticket key changed)".to_string()),
        };
        let delivery = self.record(invitation, sent).await;
        issued.invitation.delivery = Some(delivery);
        issued
    }

    /// Of two that find an email queued by a request that stopped (its retry and the
    /// sweeper), one sends. A claim the store cannot make leaves the email queued, for the
    /// sweeper's next pass. The delivery as claimed (queued now), which its record names.
    async fn claim(&self, invitation: &Invitation) -> Option<Delivery> {
        let claim = crate::ids::random_base62(20);
        let now = self.clock.now();
        match self.store.claim_queued_email(invitation, &claim, now).await {
            Ok(claimed) => claimed.then(|| Delivery::queued(now)),
            Err(e) => {
                tracing::warn!(invitation = %invitation.id, error = %e, "a queued email could not be claimed; the sweeper sends it");
                None
            }
        }
    }

    async fn send(&self, invitation: &Invitation, url: &str) -> Result<String, String> {
        let role_name = self.roles.name_of(&invitation.role);
        let email = self
            .mail
            .templates
            .invitation(invitation, url, &role_name)?;
        self.mail
            .mailer
            .send(&email)
            .await
            .map_err(|e| e.to_string())
    }

    /// The outcome on the invitation, for the ticket the email carried.
    async fn record(&self, invitation: &Invitation, sent: Result<String, String>) -> Delivery {
        let at = self.clock.now();
        let outcome = if sent.is_ok() { "sent" } else { "failed" };
        telemetry::count_by(telemetry::EMAILS, "outcome", outcome);
        let delivery = match sent {
            Ok(message_id) => Delivery {
                status: DeliveryStatus::Sent,
                message_id: Some(message_id),
                error: None,
                bounce_type: None,
                at,
            },
            Err(error) => {
                tracing::warn!(invitation = %invitation.id, %error, "the invitation email was not sent");
                Delivery {
                    status: DeliveryStatus::Failed,
                    message_id: None,
                    error: Some(error),
                    bounce_type: None,
                    at,
                }
            }
        };
        // The queued delivery this send was for: a resend without an email may have moved the
        // ticket on meanwhile, and this email still went out.
        let queued = invitation.delivery.as_ref().filter(|d| d.is_queued());
        let record = || {
            self.store.record_delivery(
                &invitation.organization.id,
                &invitation.id,
                invitation.ticket_hash.as_deref(),
                queued,
                &delivery,
            )
        };
        // The email is out: an unrecorded send is one the sweeper would send again, so the
        // record is tried harder than other writes (it is idempotent: the same ticket, the
        // same outcome).
        let recorded = record_hard(
            |e| {
                matches!(
                    e,
                    StoreError::Throttled | StoreError::Unavailable(_) | StoreError::Contention
                )
            },
            record,
        )
        .await;
        if let Err(e) = recorded {
            // The answer still says what happened; the email stays queued, and the sweeper
            // finds it and sends it again: the same link, the same email id (SES takes no
            // idempotency key, so this is the one way an email goes out twice).
            tracing::error!(invitation = %invitation.id, error = %e, "recording the email's delivery failed");
        }
        delivery
    }

    /// Sends the emails of a bulk request, a few at a time, keeping the order of the results.
    pub(super) async fn deliver_each<E>(
        &self,
        results: Vec<Result<IssuedInvitation, E>>,
    ) -> Vec<Result<IssuedInvitation, E>> {
        stream::iter(results)
            .map(|result| async move {
                match result {
                    Ok(issued) if issued.queued() => Ok(self.deliver(issued).await),
                    other => other,
                }
            })
            .buffered(BULK_SEND_CONCURRENCY)
            .collect()
            .await
    }

    /// The sweeper's second job: every email queued longer than `UNSENT_GRACE_MS` (its
    /// request stopped between the write and the send) goes out now, with the link its ticket
    /// already has; an invitation that ended meanwhile gets none. Reads only the queued ones.
    pub async fn send_unsent(&self) -> Result<UnsentReport, ServiceError> {
        let now = self.clock.now();
        let mut report = UnsentReport::default();
        for shard in 0..INSTANCE_SHARDS {
            for mut invitation in self.store.unsent_invitations(shard, UNSENT_PAGE).await? {
                let queued_at = invitation.delivery.as_ref().map_or(0, |d| d.at);
                if now - queued_at < UNSENT_GRACE_MS {
                    continue;
                }
                report.found += 1;
                match self.claim(&invitation).await {
                    Some(claimed) => invitation.delivery = Some(claimed),
                    None => continue,
                }
                let sent = if invitation.status(now) != InvitationStatus::Pending {
                    Err("not sent: the invitation ended before its email went out".into())
                } else {
                    match self.links.rebuild(&invitation) {
                        Some(url) => self.send(&invitation, &url).await,
                        None => {
                            Err("the link could not be made again (the ticket key changed)"
                                .to_string())
                        }
                    }
                };
                if sent.is_ok() {
                    report.sent += 1;
                }
                self.record(&invitation, sent).await;
            }
        }
        if report.found > 0 {
            tracing::warn!(
                found = report.found,
                sent = report.sent,
                "queued emails whose request stopped, sent"
            );
        }
        Ok(report)
    }
}

/// What one pass over the queued emails did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct UnsentReport {
    /// Emails queued longer than the grace.
    pub found: u64,
    pub sent: u64,
}
