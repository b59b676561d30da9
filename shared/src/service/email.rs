//! Sending the invitation email after the invitation is stored, and recording what happened.
//! A failed send never loses the invitation: it stays pending, with the failure on record.

use futures::stream::{self, StreamExt};

use super::{IssuedInvitation, Service};
use crate::domain::{Delivery, DeliveryStatus};

/// Messages of one bulk request sent at once.
const BULK_SEND_CONCURRENCY: usize = 4;

impl Service {
    /// One send (with the mailer's bounded retries) and one write of the outcome.
    pub(super) async fn deliver(&self, mut issued: IssuedInvitation) -> IssuedInvitation {
        let invitation = &issued.invitation;
        let role_name = self.roles.name_of(&invitation.role);
        let sent = match self
            .mail
            .templates
            .invitation(invitation, &issued.url, &role_name)
        {
            Ok(email) => self
                .mail
                .mailer
                .send(&email)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        let at = self.clock.now();
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
        if let Err(e) = self
            .store
            .record_delivery(&invitation.organization.id, &invitation.id, &delivery)
            .await
        {
            // The answer still says what happened; only the record of it is missing.
            tracing::error!(invitation = %invitation.id, error = %e, "recording the email's delivery failed");
        }
        issued.invitation.delivery = Some(delivery);
        issued
    }

    /// Sends the emails of a bulk request, a few at a time, keeping the order of the results.
    pub(super) async fn deliver_each<E>(
        &self,
        results: Vec<Result<IssuedInvitation, E>>,
    ) -> Vec<Result<IssuedInvitation, E>> {
        stream::iter(results)
            .map(|result| async move {
                match result {
                    Ok(issued) if issued.invitation.notify => Ok(self.deliver(issued).await),
                    other => other,
                }
            })
            .buffered(BULK_SEND_CONCURRENCY)
            .collect()
            .await
    }
}
