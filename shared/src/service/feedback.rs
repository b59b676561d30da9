//! What SES reported about an email (delivered, bounced, complained), recorded on the
//! invitation it was sent for: the bounces function's whole job.

use std::sync::Arc;

use super::ServiceError;
use crate::clock::Clock;
use crate::domain::{Delivery, DeliveryStatus, Invitation, MailFeedback as Feedback};
use crate::store::EmailStore;

#[derive(Clone)]
pub struct MailFeedback {
    store: Arc<dyn EmailStore>,
    clock: Arc<dyn Clock>,
}

impl MailFeedback {
    pub fn new(store: Arc<dyn EmailStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// Records what SES reported about `message_id` on its invitation; the change feed then
    /// emits `organizationInvitation.bounced` for a bounce. `None` when it changed nothing (not
    /// our message, not the latest one, or a "delivered" after a bounce).
    pub async fn record(
        &self,
        message_id: &str,
        feedback: &Feedback,
    ) -> Result<Option<Invitation>, ServiceError> {
        let delivery = Delivery {
            status: DeliveryStatus::Sent,
            message_id: Some(message_id.to_string()),
            error: None,
            bounce_type: None,
            at: self.clock.now(),
        };
        let Some(updated) = delivery.with_feedback(feedback, delivery.at) else {
            return Ok(None);
        };
        Ok(self
            .store
            .record_mail_feedback(message_id, &updated)
            .await?)
    }
}
