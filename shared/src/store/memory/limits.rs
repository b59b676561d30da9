//! Abuse-limit logs in memory, versioned like the DynamoDB items.

use std::collections::HashMap;

use async_trait::async_trait;

use super::{MemoryStore, Tables};
use crate::domain::limits::{LimitKey, LimitState, LimitWrite, RateLog};
use crate::store::{states_in_order, LimitStore, StoreError};

/// Logs by key, with their version.
pub(super) type LimitLogs = HashMap<String, (RateLog, u64)>;

impl Tables {
    pub(super) fn limit_states(&self, keys: &[LimitKey]) -> Vec<LimitState> {
        let found = keys
            .iter()
            .filter_map(|k| self.limits.get(&k.key).map(|v| (k.key.clone(), v.clone())))
            .collect();
        states_in_order(keys, found)
    }

    /// Whether every log is still at the version its write was computed from.
    pub(super) fn limits_unchanged(&self, writes: &[LimitWrite]) -> bool {
        writes.iter().all(|w| {
            self.limits
                .get(&w.key.key)
                .map_or(0, |(_, version)| *version)
                == w.read_version
        })
    }

    pub(super) fn store_limits(&mut self, writes: &[LimitWrite]) {
        for w in writes {
            self.limits
                .insert(w.key.key.clone(), (w.log.clone(), w.read_version + 1));
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
