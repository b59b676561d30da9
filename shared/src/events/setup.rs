//! The pipeline a configuration describes: deployed (HTTPS webhooks, SQS dead letters,
//! EventBridge when named) or local (the same, with a folder of events and dead letters).

use std::sync::Arc;

use super::adapters::sqs::SqsDeadLetters;
use super::adapters::{eventbridge::EventBridgeSink, folder::Folder, http::HttpTransport};
use super::delivery::{DeadLetters, EventSink, NoDeadLetters};
use super::{EventContext, Pipeline};
use crate::clock::Clock;
use crate::config::{Config, ConfigError};
use crate::store::Store;

/// Built once per cold start. AWS clients are made only for what is configured.
pub fn pipeline(
    config: &Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> Result<Pipeline, ConfigError> {
    let events = &config.events;
    let transport =
        HttpTransport::new().map_err(|reason| ConfigError::invalid("WEBHOOK_ENDPOINTS", reason))?;
    let mut sinks: Vec<Arc<dyn EventSink>> = Vec::new();
    let mut dead_letters: Arc<dyn DeadLetters> = Arc::new(NoDeadLetters);
    if config.mode.is_local() {
        let folder = Folder::new(&events.local_dir).map_err(|e| {
            ConfigError::invalid("LOCAL_EVENTS_DIR", format!("{}: {e}", events.local_dir))
        })?;
        sinks.push(Arc::new(folder.clone()));
        dead_letters = Arc::new(folder);
    }
    if let Some(bus) = &events.event_bus {
        let shared = crate::runtime::shared_aws()?;
        let mut builder = aws_sdk_eventbridge::config::Builder::from(shared);
        if let Some(url) = &events.eventbridge_endpoint {
            builder = builder.endpoint_url(url);
        }
        let client = aws_sdk_eventbridge::Client::from_conf(builder.build());
        sinks.push(Arc::new(EventBridgeSink::new(client, bus)));
    }
    if let Some(queue) = &events.dead_letter_queue_url {
        let shared = crate::runtime::shared_aws()?;
        let mut builder = aws_sdk_sqs::config::Builder::from(shared);
        if let Some(url) = &events.sqs_endpoint {
            builder = builder.endpoint_url(url);
        }
        let client = aws_sdk_sqs::Client::from_conf(builder.build());
        dead_letters = Arc::new(SqsDeadLetters::new(client, queue));
    }
    Ok(Pipeline {
        ctx: EventContext {
            instance_id: events.instance_id.clone(),
            roles: config.roles.clone(),
        },
        endpoints: events.endpoints.clone(),
        transport: Arc::new(transport),
        dead_letters,
        sinks,
        organizations: store,
        clock,
        retry_delays: events.retry_delays.clone(),
    })
}
