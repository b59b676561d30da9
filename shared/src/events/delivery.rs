//! The ports a pipeline sends through: the webhook transport, the dead-letter queue and the
//! sinks that take every event (EventBridge, the local folder). Adapters live in `adapters`.

use async_trait::async_trait;
use serde::Serialize;

use super::Event;

/// Posts one signed delivery; `Ok(status)` when the receiver answered at all.
#[async_trait]
pub trait WebhookTransport: Send + Sync {
    async fn post(
        &self,
        url: &url::Url,
        headers: &[(&'static str, String)],
        body: &str,
    ) -> Result<u16, String>;
}

/// A delivery that failed every attempt, kept whole so it can be redriven: the endpoint, the
/// event's id, type and exact body, and why it failed. Never the endpoint's secret.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct DeadLetter {
    pub endpoint: String,
    pub event_id: String,
    pub event_type: String,
    pub body: serde_json::Value,
    pub attempts: u32,
    pub last_error: String,
    /// The change it came from (the stream record's `eventID`).
    pub change_id: String,
}

#[async_trait]
pub trait DeadLetters: Send + Sync {
    async fn put(&self, letter: &DeadLetter) -> Result<(), String>;
}

/// Without a dead-letter queue, a delivery that keeps failing fails its change: the stream
/// retries it, then hands the record to the event source's own failure destination.
pub struct NoDeadLetters;

#[async_trait]
impl DeadLetters for NoDeadLetters {
    async fn put(&self, _: &DeadLetter) -> Result<(), String> {
        Err("no dead-letter queue is configured".into())
    }
}

/// Takes every event of a change, all or nothing (EventBridge `PutEvents`, a local folder).
#[async_trait]
pub trait EventSink: Send + Sync {
    async fn publish(&self, events: &[Event]) -> Result<(), String>;
}
