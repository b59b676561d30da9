//! Idempotency records in memory, forgotten a day after they were taken (DynamoDB's TTL).

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;

use super::MemoryStore;
use crate::clock::Millis;
use crate::store::{IdempotencyBegin, IdempotencyStore, StoreError};

#[derive(Clone)]
struct Record {
    fingerprint: String,
    answer: Option<(u16, String)>,
    expires_at: Millis,
}

#[derive(Default)]
pub(super) struct IdempotencyRecords {
    records: HashMap<String, Record>,
    by_expiry: BTreeSet<(Millis, String)>,
}

impl IdempotencyRecords {
    fn forget_until(&mut self, now: Millis) {
        while let Some((expiry, key)) = self.by_expiry.first().cloned() {
            if expiry > now {
                break;
            }
            self.by_expiry.pop_first();
            if self
                .records
                .get(&key)
                .is_some_and(|r| r.expires_at == expiry)
            {
                self.records.remove(&key);
            }
        }
    }

    fn state(&self, key: &str, fingerprint: &str) -> IdempotencyBegin {
        match self.records.get(key) {
            None => IdempotencyBegin::Started,
            Some(r) if r.fingerprint != fingerprint => IdempotencyBegin::Mismatch,
            Some(Record { answer: None, .. }) => IdempotencyBegin::InFlight,
            Some(Record {
                answer: Some((status, body)),
                ..
            }) => IdempotencyBegin::Completed {
                status: *status,
                body: body.clone(),
            },
        }
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn begin_request(
        &self,
        key: &str,
        fingerprint: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<IdempotencyBegin, StoreError> {
        let mut t = self.tables();
        t.idempotency.forget_until(now);
        let state = t.idempotency.state(key, fingerprint);
        if state == IdempotencyBegin::Started {
            t.idempotency.records.insert(
                key.to_string(),
                Record {
                    fingerprint: fingerprint.to_string(),
                    answer: None,
                    expires_at,
                },
            );
            t.idempotency
                .by_expiry
                .insert((expires_at, key.to_string()));
        }
        Ok(state)
    }

    async fn request_state(
        &self,
        key: &str,
        fingerprint: &str,
    ) -> Result<IdempotencyBegin, StoreError> {
        Ok(self.tables().idempotency.state(key, fingerprint))
    }

    async fn complete_request(&self, key: &str, status: u16, body: &str) -> Result<(), StoreError> {
        if let Some(r) = self.tables().idempotency.records.get_mut(key) {
            r.answer = Some((status, body.to_string()));
        }
        Ok(())
    }

    async fn abandon_request(&self, key: &str) -> Result<(), StoreError> {
        self.tables().idempotency.records.remove(key);
        Ok(())
    }
}
