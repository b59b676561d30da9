//! The events pipeline a configuration describes: deployed (HTTPS webhooks, SQS dead letters,
//! EventBridge when named) or local (the same, with a folder of events and dead letters). AWS
//! clients are made only for what is configured, each on its first use.

use std::sync::Arc;

use super::{Aws, StartError};
use crate::aws::LazyClient;
use crate::clock::Clock;
use crate::config::{ConfigError, EventsConfig};
use crate::events::adapters::sqs::SqsDeadLetters;
use crate::events::adapters::{eventbridge::EventBridgeSink, folder::Folder, http::HttpTransport};
use crate::events::delivery::{DeadLetters, EventSink, NoDeadLetters};
use crate::events::{endpoints, EventContext, Pipeline};
use crate::store::OrganizationStore;

/// Built once per cold start.
pub fn pipeline(
    config: &EventsConfig,
    organizations: Arc<dyn OrganizationStore>,
    clock: Arc<dyn Clock>,
    aws: &Aws,
) -> Result<Pipeline, StartError> {
    let endpoints = match &config.endpoints {
        Some(secret) => endpoints::parse(Some(secret.value()?))
            .map_err(|e| ConfigError::invalid("WEBHOOK_ENDPOINTS", e.0))?,
        None => Vec::new(),
    };
    let transport =
        HttpTransport::new().map_err(|reason| ConfigError::invalid("WEBHOOK_ENDPOINTS", reason))?;
    let mut sinks: Vec<Arc<dyn EventSink>> = Vec::new();
    let mut dead_letters: Arc<dyn DeadLetters> = Arc::new(NoDeadLetters);
    if let Some(dir) = &config.local_dir {
        let folder = Folder::new(dir)
            .map_err(|e| ConfigError::invalid("LOCAL_EVENTS_DIR", format!("{dir}: {e}")))?;
        sinks.push(Arc::new(folder.clone()));
        dead_letters = Arc::new(folder);
    }
    if let Some(bus) = &config.event_bus {
        let mut builder = aws_sdk_eventbridge::config::Builder::from(aws.config()?);
        if let Some(url) = &config.eventbridge_endpoint {
            builder = builder.endpoint_url(url);
        }
        let conf = builder.build();
        let client = LazyClient::new(move || aws_sdk_eventbridge::Client::from_conf(conf.clone()));
        sinks.push(Arc::new(EventBridgeSink::new(client, bus)));
    }
    if let Some(queue) = &config.dead_letter_queue_url {
        let mut builder = aws_sdk_sqs::config::Builder::from(aws.config()?);
        if let Some(url) = &config.sqs_endpoint {
            builder = builder.endpoint_url(url);
        }
        let conf = builder.build();
        let client = LazyClient::new(move || aws_sdk_sqs::Client::from_conf(conf.clone()));
        dead_letters = Arc::new(SqsDeadLetters::new(client, queue));
    }
    Ok(Pipeline {
        ctx: EventContext {
            instance_id: config.instance_id.clone(),
            roles: config.roles.clone(),
        },
        endpoints,
        transport: Arc::new(transport),
        dead_letters,
        sinks,
        organizations,
        clock,
        retry_delays: config.retry_delays.clone(),
    })
}
