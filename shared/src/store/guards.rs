//! The stores' guards against repetition: abuse-limit logs and idempotency records.

use async_trait::async_trait;

use super::StoreError;
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitState, LimitWrite};

/// What a request with an `Idempotency-Key` finds when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyBegin {
    /// The key is new: this request now holds it, in flight.
    Started,
    /// Another request with the key has not finished.
    InFlight,
    /// The key was used with another request (method, path or body).
    Mismatch,
    /// The key's request finished: its answer.
    Completed { status: u16, body: String },
}

/// Requests made idempotent by a key: one record per (caller, key), kept 24 hours (TTL). A
/// record names the attempt that holds it (`owner`): the SDK's retry of its own `begin` finds
/// itself, and only the owner completes or releases it. A record past its TTL (DynamoDB deletes
/// within days, not at once) or in flight since before `stale_before` (its request died: no
/// function runs that long) is free.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Takes the key for a request with `fingerprint`, as `owner`, only if it is free (one
    /// conditional write); else says what holds it.
    async fn begin_request(
        &self,
        key: &str,
        fingerprint: &str,
        owner: &str,
        now: Millis,
        expires_at: Millis,
        stale_before: Millis,
    ) -> Result<IdempotencyBegin, StoreError>;
    /// Reads what holds the key now (`Started` if nothing does, or only something free).
    async fn request_state(
        &self,
        key: &str,
        fingerprint: &str,
        now: Millis,
        stale_before: Millis,
    ) -> Result<IdempotencyBegin, StoreError>;
    /// Records the answer of the request that holds the key, if `owner` still does.
    async fn complete_request(
        &self,
        key: &str,
        owner: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError>;
    /// Releases the key, if `owner` still holds it (the request failed without changing
    /// anything for sure, or transiently).
    async fn abandon_request(&self, key: &str, owner: &str) -> Result<(), StoreError>;
}

/// Abuse-limit logs on their own, for operations whose context read cannot name them.
#[async_trait]
pub trait LimitStore: Send + Sync {
    /// The logs of `keys`, in order; an absent log reads as empty at version 0.
    async fn read_limits(&self, keys: &[LimitKey]) -> Result<Vec<LimitState>, StoreError>;
    /// Stores every log, all or none, each only if still at its read version; else `Contention`.
    async fn write_limits(&self, writes: &[LimitWrite]) -> Result<(), StoreError>;
}

/// `states` for `keys` from the logs found (by key); absent ones read as empty at version 0.
pub(crate) fn states_in_order(
    keys: &[LimitKey],
    mut found: std::collections::HashMap<String, (crate::domain::limits::RateLog, u64)>,
) -> Vec<LimitState> {
    keys.iter()
        .map(|key| {
            let (log, version) = found.remove(&key.key).unwrap_or_default();
            LimitState {
                key: key.clone(),
                log,
                version,
            }
        })
        .collect()
}
