//! Every event on an EventBridge bus: one `PutEvents` per change (a change makes at most two
//! events; the API takes ten). `source` is `invitations`, `detail-type` the event's type and
//! `detail` its body, so rules can match `detail.data.organization_id`.

use async_trait::async_trait;
use aws_sdk_eventbridge::types::PutEventsRequestEntry;
use aws_sdk_eventbridge::Client;

use crate::aws::LazyClient;
use crate::events::delivery::EventSink;
use crate::events::Event;

pub const SOURCE: &str = "invitations";

pub struct EventBridgeSink {
    client: LazyClient<Client>,
    bus: String,
}

impl EventBridgeSink {
    /// `client` is made on the first event, not at cold start.
    pub fn new(client: LazyClient<Client>, bus: impl Into<String>) -> Self {
        Self {
            client,
            bus: bus.into(),
        }
    }
}

#[async_trait]
impl EventSink for EventBridgeSink {
    async fn publish(&self, events: &[Event]) -> Result<(), String> {
        let entries = events.iter().map(|e| {
            PutEventsRequestEntry::builder()
                .event_bus_name(&self.bus)
                .source(SOURCE)
                .detail_type(e.kind.as_str())
                .detail(e.json())
                .resources(e.id.clone())
                .build()
        });
        let out = self
            .client
            .get()
            .put_events()
            .set_entries(Some(entries.collect()))
            .send()
            .await
            .map_err(|e| aws_sdk_eventbridge::error::DisplayErrorContext(&e).to_string())?;
        match out.failed_entry_count() {
            0 => Ok(()),
            n => Err(format!(
                "EventBridge refused {n} of {} events",
                events.len()
            )),
        }
    }
}
