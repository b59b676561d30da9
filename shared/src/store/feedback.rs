//! What the mail service reports about a message it took (SES's delivery, bounce and
//! complaint events), recorded on the invitation the message was sent for.

use async_trait::async_trait;

use super::StoreError;

/// What the mail service reports after it took a message (SES delivery, bounce and complaint
/// events), recorded on the invitation the message was sent for.
#[async_trait]
pub trait MailFeedbackStore: Send + Sync {
    /// Finds the invitation by the message's id (its pointer, written with the send's record:
    /// one read) and records `delivery` on it, only if that message is still its latest and
    /// `delivery` does not undo a bounce or complaint with a later "delivered". `None` when
    /// the message is not one of ours or the record was not changed.
    async fn record_mail_feedback(
        &self,
        message_id: &str,
        delivery: &crate::domain::Delivery,
    ) -> Result<Option<crate::domain::Invitation>, StoreError>;
}
