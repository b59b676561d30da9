//! The invitation's life as events: each change to a stored invitation or membership (from
//! DynamoDB Streams, or the in-memory store's change feed) becomes Clerk-shaped webhook events,
//! delivered signed the Svix way to the configured endpoints and, when configured, published
//! to an EventBridge bus.
//!
//! - [`derive`] says which events a change makes; [`payload`] shapes their `data`.
//! - [`svix`] signs (and verifies) a delivery.
//! - [`endpoints`] reads `WEBHOOK_ENDPOINTS`.
//! - [`delivery`] holds the ports a pipeline sends through; [`adapters`] implements them.
//! - [`pipeline`] turns a batch of changes into delivered events, reporting what did not finish.
//! - [`lambda`] is the functions' glue (a stream batch in, batch item failures out; SNS in).
//!
//! The pipeline is built from the configuration at start, by `crate::runtime`.

pub mod adapters;
pub mod delivery;
pub mod derive;
pub mod endpoints;
pub mod lambda;
pub mod payload;
pub mod pipeline;
pub mod svix;
mod ways_in;

/// What changed, as both stores report it (the store's change feed, DynamoDB's stream).
pub use crate::store::change::{Change, ChangeRecord};
pub use derive::{EventContext, EventType};
pub use endpoints::{Endpoint, EndpointsError};
pub use pipeline::{BatchOutcome, Pipeline};

use serde::Serialize;

use crate::clock::Millis;

/// One event, as Clerk's webhooks carry it (`object: "event"`). `id` is not part of the body:
/// it travels as `svix-id`, and is derived from the change so a redelivered change has it too.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub kind: EventType,
    /// Which invitation or membership it is about: events with the same key keep their order.
    pub key: String,
    pub body: EventBody,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventBody {
    pub object: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data: serde_json::Value,
    /// Milliseconds since the epoch, as Clerk sends it.
    pub timestamp: Millis,
    pub instance_id: String,
}

impl Event {
    /// The body as sent: the same bytes on every attempt, so every signature covers them.
    pub fn json(&self) -> String {
        // A struct of strings, numbers and a JSON value always serializes.
        serde_json::to_string(&self.body).unwrap_or_default()
    }
}
