//! Requests made safe to retry by an `Idempotency-Key`: the first one's answer is kept for a
//! day and given to every repeat with the same key and request; the key with another request
//! is refused.

use std::time::Duration;

use super::{Service, ServiceError};
use crate::store::IdempotencyBegin;

/// How long a key and its answer are kept.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// A repeat that arrives while the first is in flight waits this long for its answer.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(5);
const POLL: Duration = Duration::from_millis(50);

/// What to do with a request that carries a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotent {
    /// Run it: this request holds the key.
    Proceed,
    /// Answer as the first request was answered.
    Replay { status: u16, body: String },
}

impl Service {
    /// One conditional write to take the key; a repeat of a request in flight reads the record
    /// again every 50 ms, for up to 5 s, until the first one's answer is there.
    pub async fn begin_idempotent(
        &self,
        key: &str,
        fingerprint: &str,
    ) -> Result<Idempotent, ServiceError> {
        let now = self.clock.now();
        let mut state = self
            .store
            .begin_request(key, fingerprint, now, now + IDEMPOTENCY_TTL_MS)
            .await?;
        let started = tokio::time::Instant::now();
        loop {
            match state {
                IdempotencyBegin::Started => return Ok(Idempotent::Proceed),
                IdempotencyBegin::Mismatch => return Err(ServiceError::IdempotencyKeyReused),
                IdempotencyBegin::Completed { status, body } => {
                    return Ok(Idempotent::Replay { status, body })
                }
                IdempotencyBegin::InFlight if started.elapsed() >= WAIT_FOR_FIRST => {
                    return Err(ServiceError::IdempotencyInFlight)
                }
                IdempotencyBegin::InFlight => {
                    tokio::time::sleep(POLL).await;
                    state = match self.store.request_state(key, fingerprint).await? {
                        // The first gave the key up (it failed): this one takes it.
                        IdempotencyBegin::Started => {
                            let now = self.clock.now();
                            self.store
                                .begin_request(key, fingerprint, now, now + IDEMPOTENCY_TTL_MS)
                                .await?
                        }
                        other => other,
                    };
                }
            }
        }
    }

    /// Keeps the answer for repeats, or gives the key up when the answer says nothing was
    /// done for sure (a server error, a conflict or a throttle: a retry may do better).
    pub async fn finish_idempotent(&self, key: &str, status: u16, body: &str) {
        let keep = status < 500 && status != 409 && status != 429;
        let recorded = if keep {
            self.store.complete_request(key, status, body).await
        } else {
            self.store.abandon_request(key).await
        };
        if let Err(e) = recorded {
            // The answer still goes out; a repeat then finds the key in flight (409) or free.
            tracing::error!(error = %e, "recording an idempotent answer failed");
        }
    }
}
