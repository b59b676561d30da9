//! What the events function reads (and the local server, which runs the same pipeline): where
//! webhooks go, the bus, the dead-letter queue, the roles whose names events carry, and the
//! store it reads organizations from.

use std::time::Duration;

use super::{roles, store, ConfigError, HoldsSecrets, Secret, StoreConfig, Vars};
use crate::domain::RoleCatalog;

#[derive(Debug, Clone)]
pub struct EventsConfig {
    pub store: StoreConfig,
    pub roles: RoleCatalog,
    /// `WEBHOOK_ENDPOINTS` (a secret when deployed): the JSON list, parsed once read.
    pub endpoints: Option<Secret>,
    /// Clerk's `instance_id` on every event (`INSTANCE_ID`).
    pub instance_id: String,
    /// `EVENT_BUS_NAME`: events are also put on this EventBridge bus.
    pub event_bus: Option<String>,
    pub eventbridge_endpoint: Option<String>,
    /// `EVENTS_DEAD_LETTER_QUEUE_URL`: where a delivery that kept failing goes, whole.
    pub dead_letter_queue_url: Option<String>,
    pub sqs_endpoint: Option<String>,
    /// Locally: the folder whose `events.jsonl` gets each event as a line (`LOCAL_EVENTS_DIR`,
    /// by default `webhook-events` beside the outbox), and dead letters under it.
    pub local_dir: Option<String>,
    /// The waits between attempts of one delivery (`WEBHOOK_RETRY_DELAYS_MS`).
    pub retry_delays: Vec<Duration>,
}

pub const DEFAULT_RETRY_DELAYS_MS: [u64; 3] = [1_000, 5_000, 20_000];
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

impl EventsConfig {
    /// `local`: the local server's pipeline, which also writes every event to a folder.
    pub fn from_lookup(
        local: bool,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let vars = Vars::new(lookup);
        let retry_delays = match vars.get("WEBHOOK_RETRY_DELAYS_MS") {
            None => DEFAULT_RETRY_DELAYS_MS.to_vec(),
            Some(raw) => raw
                .split(',')
                .map(|d| d.trim().parse::<u64>())
                .collect::<Result<Vec<_>, _>>()
                .ok()
                .filter(|d| d.len() <= 5 && d.iter().all(|ms| *ms <= 60_000))
                .ok_or_else(|| {
                    ConfigError::invalid(
                        "WEBHOOK_RETRY_DELAYS_MS",
                        "it is up to 5 comma-separated waits in milliseconds, each at most 60000",
                    )
                })?,
        }
        .into_iter()
        .map(Duration::from_millis)
        .collect();
        let local_dir = local.then(|| {
            vars.get("LOCAL_EVENTS_DIR").unwrap_or_else(|| {
                let outbox = vars.get("OUTBOX_DIR").unwrap_or_else(|| "outbox".into());
                let beside = std::path::Path::new(&outbox)
                    .parent()
                    .unwrap_or(std::path::Path::new(""));
                beside.join("webhook-events").to_string_lossy().into_owned()
            })
        });
        Ok(Self {
            store: store(local, &vars)?,
            roles: roles(&vars)?,
            endpoints: vars.secret("WEBHOOK_ENDPOINTS"),
            instance_id: vars
                .get("INSTANCE_ID")
                .unwrap_or_else(|| "ins_invitations".into()),
            event_bus: vars.get("EVENT_BUS_NAME"),
            eventbridge_endpoint: vars.get("EVENTBRIDGE_ENDPOINT"),
            dead_letter_queue_url: vars.get("EVENTS_DEAD_LETTER_QUEUE_URL"),
            sqs_endpoint: vars.get("SQS_ENDPOINT"),
            local_dir,
            retry_delays,
        })
    }
}

impl HoldsSecrets for EventsConfig {
    fn secrets_mut(&mut self) -> Vec<&mut Secret> {
        self.endpoints.iter_mut().collect()
    }
}
