//! A batch of changes to delivered events. Changes about the same invitation or membership are
//! handled in order, one after another; different ones concurrently. A change is finished when
//! every sink took its events and every matching endpoint either took each event (2xx) or,
//! after the retries, its delivery went to the dead-letter queue whole. A change that is not
//! finished is reported, and so is every later change with its key, so order holds when the
//! stream delivers them again.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::future::join_all;

use super::delivery::{DeadLetter, DeadLetters, EventSink, WebhookTransport};
use super::derive::{events_of, organization_needed};
use super::{svix, Change, Endpoint, Event, EventContext};
use crate::clock::Clock;
use crate::domain::{Organization, OrganizationId};
use crate::store::OrganizationStore;
use crate::telemetry;

pub struct Pipeline {
    pub ctx: EventContext,
    pub endpoints: Vec<Endpoint>,
    pub transport: Arc<dyn WebhookTransport>,
    pub dead_letters: Arc<dyn DeadLetters>,
    pub sinks: Vec<Arc<dyn EventSink>>,
    /// Reads the organizations membership events carry (one `GetItem` per organization a batch
    /// names).
    pub organizations: Arc<dyn OrganizationStore>,
    pub clock: Arc<dyn Clock>,
    /// Waits between attempts: with `[1 s, 5 s, 20 s]`, four attempts in about 26 s.
    pub retry_delays: Vec<Duration>,
}

/// What a batch did. `failed` lists the ids of changes to hand back to the stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct BatchOutcome {
    pub failed: Vec<String>,
    pub events: u64,
    pub delivered: u64,
    pub dead_lettered: u64,
}

/// The organizations a batch's membership events carry, by id (a failed read fails only the
/// changes that need it).
type Organizations = HashMap<OrganizationId, Result<Option<Organization>, String>>;

#[derive(Default)]
struct ChangeOutcome {
    events: u64,
    delivered: u64,
    dead_lettered: u64,
}

impl Pipeline {
    pub async fn process(&self, changes: &[Change]) -> BatchOutcome {
        let mut order: Vec<String> = Vec::new();
        let mut groups: HashMap<String, Vec<&Change>> = HashMap::new();
        for c in changes {
            let key = c.key();
            if !groups.contains_key(&key) {
                order.push(key.clone());
            }
            groups.entry(key).or_default().push(c);
        }
        let organizations = self.organizations_of(changes).await;
        let runs = order
            .iter()
            .map(|key| self.process_in_order(&groups[key], &organizations));
        let mut outcome = BatchOutcome::default();
        for (done, failed) in join_all(runs).await {
            outcome.events += done.events;
            outcome.delivered += done.delivered;
            outcome.dead_lettered += done.dead_lettered;
            outcome.failed.extend(failed);
        }
        // In the batch's order, as the stream hands them back.
        let position: HashMap<&str, usize> = changes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        outcome
            .failed
            .sort_by_key(|id| position.get(id.as_str()).copied());
        outcome
    }

    /// Each organization the batch's membership changes need, read once (concurrently).
    async fn organizations_of(&self, changes: &[Change]) -> Organizations {
        let mut ids: Vec<&OrganizationId> =
            changes.iter().filter_map(organization_needed).collect();
        ids.sort();
        ids.dedup();
        let reads = ids.into_iter().map(|id| async move {
            let read = self
                .organizations
                .get_organization(id)
                .await
                .map_err(|e| format!("reading the organization: {e}"));
            (id.clone(), read)
        });
        join_all(reads).await.into_iter().collect()
    }

    async fn process_in_order(
        &self,
        changes: &[&Change],
        organizations: &Organizations,
    ) -> (ChangeOutcome, Vec<String>) {
        let mut done = ChangeOutcome::default();
        for (i, change) in changes.iter().enumerate() {
            match self.process_one(change, organizations).await {
                Ok(o) => {
                    done.events += o.events;
                    done.delivered += o.delivered;
                    done.dead_lettered += o.dead_lettered;
                }
                Err(error) => {
                    tracing::warn!(change = %change.id, %error, "change not finished; handed back");
                    return (done, changes[i..].iter().map(|c| c.id.clone()).collect());
                }
            }
        }
        (done, Vec::new())
    }

    async fn process_one(
        &self,
        change: &Change,
        organizations: &Organizations,
    ) -> Result<ChangeOutcome, String> {
        let org = match organization_needed(change).and_then(|id| organizations.get(id)) {
            Some(Ok(org)) => org.as_ref(),
            Some(Err(e)) => return Err(e.clone()),
            None => None,
        };
        let events = events_of(change, &self.ctx, org, self.clock.now());
        let mut outcome = ChangeOutcome {
            events: events.len() as u64,
            ..Default::default()
        };
        if events.is_empty() {
            return Ok(outcome);
        }
        for sink in &self.sinks {
            sink.publish(&events).await?;
        }
        for event in &events {
            for endpoint in self.endpoints.iter().filter(|e| e.wants(event.kind)) {
                match self.deliver(endpoint, event).await {
                    Ok(()) => outcome.delivered += 1,
                    Err((attempts, last_error)) => {
                        let letter = DeadLetter {
                            endpoint: endpoint.url.to_string(),
                            event_id: event.id.clone(),
                            event_type: event.kind.as_str().to_string(),
                            body: serde_json::to_value(&event.body)
                                .unwrap_or(serde_json::Value::Null),
                            attempts,
                            last_error,
                            change_id: change.id.clone(),
                        };
                        self.dead_letters.put(&letter).await.map_err(|e| {
                            format!("{} failed and could not be dead-lettered: {e}", event.id)
                        })?;
                        tracing::warn!(event = %event.id, endpoint = %endpoint.url, "delivery dead-lettered");
                        outcome.dead_lettered += 1;
                        telemetry::count_by(
                            telemetry::WEBHOOK_DELIVERIES,
                            "result",
                            "dead_lettered",
                        );
                    }
                }
            }
        }
        Ok(outcome)
    }

    /// One delivery, retried after each wait of the schedule. Each attempt is signed anew
    /// (a fresh timestamp) over the same id and body.
    async fn deliver(&self, endpoint: &Endpoint, event: &Event) -> Result<(), (u32, String)> {
        let body = event.json();
        let mut last_error = String::new();
        let attempts = self.retry_delays.len() as u32 + 1;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(self.retry_delays[attempt as usize - 1]).await;
            }
            let now_secs = self.clock.now().div_euclid(1000);
            let headers = svix::headers(&endpoint.secret, &event.id, now_secs, &body);
            match self.transport.post(&endpoint.url, &headers, &body).await {
                Ok(status) if (200..300).contains(&status) => {
                    telemetry::count_by(telemetry::WEBHOOK_DELIVERIES, "result", "delivered");
                    return Ok(());
                }
                Ok(status) => last_error = format!("the endpoint answered {status}"),
                Err(e) => last_error = e,
            }
            telemetry::count_by(telemetry::WEBHOOK_DELIVERIES, "result", "failed");
        }
        Err((attempts, last_error))
    }
}

impl Pipeline {
    /// Follows an in-memory store's change feed until the store is gone: each time, every
    /// change waiting, as one batch (the local server's stand-in for the stream's batches).
    pub async fn follow(&self, mut feed: tokio::sync::mpsc::UnboundedReceiver<Change>) {
        while let Some(first) = feed.recv().await {
            let mut batch = vec![first];
            while let Ok(next) = feed.try_recv() {
                batch.push(next);
            }
            let outcome = self.process(&batch).await;
            if !outcome.failed.is_empty() {
                tracing::warn!(failed = outcome.failed.len(), "local events not finished");
            }
        }
    }
}
