//! Abuse-limit logs in memory, versioned like the DynamoDB items.

use std::collections::BTreeSet;

use async_trait::async_trait;

use super::{MemoryStore, Tables};
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitState, LimitWrite, RateLog};
use crate::store::{states_in_order, LimitStore, StoreError};

/// Logs by key, with their version, and by when they may be forgotten (DynamoDB's TTL), so
/// that the map holds only logs that still count.
#[derive(Default)]
pub(super) struct LimitLogs {
    logs: super::Growing<String, (RateLog, u64, Millis)>,
    by_expiry: BTreeSet<(Millis, String)>,
}

impl LimitLogs {
    fn get(&self, key: &str) -> Option<(RateLog, u64)> {
        self.logs
            .get(key)
            .map(|(log, version, _)| (log.clone(), *version))
    }

    fn put(&mut self, w: &LimitWrite) {
        if let Some((_, _, old_expiry)) = self.logs.get(&w.key.key) {
            self.by_expiry.remove(&(*old_expiry, w.key.key.clone()));
        }
        self.logs.insert(
            w.key.key.clone(),
            (w.log.clone(), w.read_version + 1, w.expires_at),
        );
        self.by_expiry.insert((w.expires_at, w.key.key.clone()));
    }

    /// Drops every log forgettable by `now`.
    fn forget_until(&mut self, now: Millis) {
        while let Some((expiry, key)) = self.by_expiry.first().cloned() {
            if expiry > now {
                break;
            }
            self.by_expiry.pop_first();
            self.logs.remove(&key);
        }
    }
}

impl Tables {
    pub(super) fn limit_states(&self, keys: &[LimitKey]) -> Vec<LimitState> {
        let found = keys
            .iter()
            .filter_map(|k| self.limits.get(&k.key).map(|v| (k.key.clone(), v)))
            .collect();
        states_in_order(keys, found)
    }

    /// Whether every log is still at the version its write was computed from.
    pub(super) fn limits_unchanged(&self, writes: &[LimitWrite]) -> bool {
        writes.iter().all(|w| {
            self.limits
                .get(&w.key.key)
                .map_or(0, |(_, version)| version)
                == w.read_version
        })
    }

    pub(super) fn store_limits(&mut self, writes: &[LimitWrite]) {
        for w in writes {
            self.limits.put(w);
        }
        if let Some(now) = writes.iter().map(|w| w.at).max() {
            self.limits.forget_until(now);
        }
    }
}

#[async_trait]
impl LimitStore for MemoryStore {
    async fn read_limits(&self, keys: &[LimitKey]) -> Result<Vec<LimitState>, StoreError> {
        Ok(self.tables().limit_states(keys))
    }

    async fn write_limits(&self, writes: &[LimitWrite]) -> Result<(), StoreError> {
        let mut t = self.tables();
        if !t.limits_unchanged(writes) {
            return Err(StoreError::Contention);
        }
        t.store_limits(writes);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::limits::{admit_all, Limits};

    #[tokio::test]
    async fn logs_that_no_longer_count_are_forgotten() {
        let store = MemoryStore::new();
        let limits = Limits::default();
        let first = [LimitKey::address_emails("a@example.com")];
        let states = store.read_limits(&first).await.unwrap();
        store
            .write_limits(&admit_all(&limits, &states, 0).unwrap())
            .await
            .unwrap();
        assert_eq!(store.read_limits(&first).await.unwrap()[0].version, 1);
        // A day and a moment later, another address's email sweeps the first log away.
        let later = 24 * 60 * 60 * 1000 + 1;
        let other = [LimitKey::address_emails("b@example.com")];
        let states = store.read_limits(&other).await.unwrap();
        store
            .write_limits(&admit_all(&limits, &states, later).unwrap())
            .await
            .unwrap();
        assert_eq!(store.read_limits(&first).await.unwrap()[0].version, 0);
        assert_eq!(store.tables().limits.logs.len(), 1);
    }
}
