use crate::clock::Millis;

/// What became of an invitation's email, recorded on the invitation for backend callers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Delivery {
    pub status: DeliveryStatus,
    /// The mail service's id of the message, when it took it.
    pub message_id: Option<String>,
    /// Why it was not sent, when it was not.
    pub error: Option<String>,
    pub at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Sent,
    Failed,
}
