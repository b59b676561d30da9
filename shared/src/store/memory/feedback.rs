//! What the mail service reported, found by message id, under the same rules as DynamoDB's
//! conditions: only the latest message counts; "delivered" never undoes a bounce or complaint.

use async_trait::async_trait;

use super::MemoryStore;
use crate::domain::{Delivery, DeliveryStatus, Invitation};
use crate::store::{MailFeedbackStore, StoreError};

#[async_trait]
impl MailFeedbackStore for MemoryStore {
    async fn record_mail_feedback(
        &self,
        message_id: &str,
        delivery: &Delivery,
    ) -> Result<Option<Invitation>, StoreError> {
        let mut t = self.tables();
        let Some(k) = t.messages.get(message_id).cloned() else {
            return Ok(None);
        };
        let Some(inv) = t.invitations.get_mut(&k) else {
            return Ok(None);
        };
        let Some(current) = &inv.delivery else {
            return Ok(None);
        };
        let latest = current.message_id.as_deref() == Some(message_id);
        let is_final = matches!(
            current.status,
            DeliveryStatus::Bounced | DeliveryStatus::Complained
        );
        if !latest || (is_final && delivery.status == DeliveryStatus::Delivered) {
            return Ok(None);
        }
        let before = inv.clone();
        inv.delivery = Some(delivery.clone());
        let after = inv.clone();
        t.feed_invitation(Some(before), Some(after.clone()));
        Ok(Some(after))
    }
}
