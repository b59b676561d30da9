//! Requests made safe to retry by an `Idempotency-Key`: the first one's answer is kept for a
//! day and given to every repeat with the same key and request; the key with another request
//! is refused. The record names the attempt that holds it, so a key never sticks: the SDK's
//! retry of its own taking is its own, a failure releases it, and a holder that died (a
//! function stopped) is free again once no function could still be running it.

use std::time::Duration;

use super::{Service, ServiceError};
use crate::clock::Millis;
use crate::store::IdempotencyBegin;

/// How long a key and its answer are kept.
pub const IDEMPOTENCY_TTL_MS: i64 = 24 * 60 * 60 * 1000;
/// A key in flight for longer than this is free: longer than any function runs
/// (`template.yaml`'s timeouts for the routes are 10 s; a test holds them below this).
pub const IN_FLIGHT_STALE_MS: i64 = 30_000;
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
    /// One conditional write to take the key, as `owner` (this attempt); a repeat of a request
    /// in flight reads the record again every 50 ms, for up to 5 s, until the first one's
    /// answer is there (or it is released, or goes stale).
    pub async fn begin_idempotent(
        &self,
        key: &str,
        fingerprint: &str,
        owner: &str,
    ) -> Result<Idempotent, ServiceError> {
        let mut state = self.take_key(key, fingerprint, owner).await?;
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
                    let now = self.clock.now();
                    state = match self
                        .store
                        .request_state(key, fingerprint, now, stale_before(now))
                        .await?
                    {
                        // The first gave the key up (it failed, or died): this one takes it.
                        IdempotencyBegin::Started => self.take_key(key, fingerprint, owner).await?,
                        other => other,
                    };
                }
            }
        }
    }

    async fn take_key(
        &self,
        key: &str,
        fingerprint: &str,
        owner: &str,
    ) -> Result<IdempotencyBegin, ServiceError> {
        let now = self.clock.now();
        let taken = self
            .store
            .begin_request(
                key,
                fingerprint,
                owner,
                now,
                now + IDEMPOTENCY_TTL_MS,
                stale_before(now),
            )
            .await;
        match taken {
            Ok(state) => Ok(state),
            Err(e) => {
                // The write may have happened with its answer lost: give the key back, so a
                // retry does not find it held by no one alive.
                if let Err(release) = self.store.abandon_request(key, owner).await {
                    tracing::warn!(error = %release, "releasing an idempotency key failed");
                }
                Err(e.into())
            }
        }
    }

    /// Keeps the answer for repeats, or gives the key up when the answer says nothing was
    /// done for sure (a server error, a conflict or a throttle: a retry may do better; every
    /// write it did is marked with the key, so the retry recognises it).
    pub async fn finish_idempotent(&self, key: &str, owner: &str, status: u16, body: &str) {
        let recorded = if is_final(status) {
            self.store.complete_request(key, owner, status, body).await
        } else {
            self.store.abandon_request(key, owner).await
        };
        if let Err(e) = recorded {
            // The answer still goes out; a repeat then finds the key in flight until it goes
            // stale (`IN_FLIGHT_STALE_MS`), then runs and recognises what this one did.
            tracing::error!(error = %e, "recording an idempotent answer failed");
        }
    }
}

/// An answer to keep; not one a retry could better (a server error, a conflict, a throttle or
/// a limit's wait), nor one that refuses the caller (401, 403): a refusal stores nothing.
pub fn is_final(status: u16) -> bool {
    !worth_retrying(status) && !matches!(status, 401 | 403)
}

/// An answer that changed nothing for sure, which the same request may better later: a server
/// error, a conflict, a throttle, a limit's wait.
pub fn worth_retrying(status: u16) -> bool {
    status >= 500 || matches!(status, 409 | 429)
}

fn stale_before(now: Millis) -> Millis {
    now - IN_FLIGHT_STALE_MS
}
