use crate::clock::Millis;

/// What became of an invitation's email, recorded on the invitation for backend callers: the
/// send, then what the mail service reported about it (delivered, bounced, complained).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delivery {
    pub status: DeliveryStatus,
    /// The mail service's id of the message, when it took it.
    pub message_id: Option<String>,
    /// Why it was not sent, when it was not.
    pub error: Option<String>,
    /// For a bounce, SES's kind and subkind (`Permanent/General`, `Transient/MailboxFull`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounce_type: Option<String>,
    pub at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Asked for in the write that stored the invitation (or its new ticket), not sent yet:
    /// the request sends it next; if that request stops first, its retry or the sweeper does.
    Queued,
    Sent,
    Failed,
    Delivered,
    Bounced,
    Complained,
}

/// What the mail service reported about a message after it took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailFeedback {
    Delivered,
    Bounced { bounce_type: String },
    Complained,
}

impl Delivery {
    /// The delivery after `feedback` on its message. A bounce or complaint is final: a later
    /// "delivered" (SES may report one for another recipient) does not undo it.
    pub fn with_feedback(&self, feedback: &MailFeedback, at: Millis) -> Option<Delivery> {
        if matches!(
            self.status,
            DeliveryStatus::Bounced | DeliveryStatus::Complained
        ) && *feedback == MailFeedback::Delivered
        {
            return None;
        }
        let (status, bounce_type) = match feedback {
            MailFeedback::Delivered => (DeliveryStatus::Delivered, None),
            MailFeedback::Bounced { bounce_type } => {
                (DeliveryStatus::Bounced, Some(bounce_type.clone()))
            }
            MailFeedback::Complained => (DeliveryStatus::Complained, None),
        };
        Some(Delivery {
            status,
            message_id: self.message_id.clone(),
            error: None,
            bounce_type,
            at,
        })
    }
}

impl Delivery {
    /// An email asked for at `at`, not sent yet.
    pub fn queued(at: Millis) -> Self {
        Self {
            status: DeliveryStatus::Queued,
            message_id: None,
            error: None,
            bounce_type: None,
            at,
        }
    }

    pub fn is_queued(&self) -> bool {
        self.status == DeliveryStatus::Queued
    }
}
