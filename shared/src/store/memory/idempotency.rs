//! Idempotency records in memory, forgotten a day after they were taken (DynamoDB's TTL), with
//! the same owner and staleness rules as the DynamoDB records.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;

use super::MemoryStore;
use crate::clock::Millis;
use crate::store::{IdempotencyBegin, IdempotencyStore, StoreError};

#[derive(Clone)]
struct Record {
    fingerprint: String,
    owner: String,
    started_at: Millis,
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

    fn state(
        &self,
        key: &str,
        fingerprint: &str,
        now: Millis,
        stale_before: Millis,
    ) -> IdempotencyBegin {
        match self.records.get(key) {
            None => IdempotencyBegin::Started,
            Some(r)
                if r.expires_at <= now || (r.answer.is_none() && r.started_at < stale_before) =>
            {
                IdempotencyBegin::Started
            }
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

    fn held_by(&self, key: &str, owner: &str) -> bool {
        self.records.get(key).is_some_and(|r| r.owner == owner)
    }
}

#[async_trait]
impl IdempotencyStore for MemoryStore {
    async fn begin_request(
        &self,
        key: &str,
        fingerprint: &str,
        owner: &str,
        now: Millis,
        expires_at: Millis,
        stale_before: Millis,
    ) -> Result<IdempotencyBegin, StoreError> {
        let mut t = self.tables();
        t.idempotency.forget_until(now);
        let state = t.idempotency.state(key, fingerprint, now, stale_before);
        if state == IdempotencyBegin::Started {
            t.idempotency.records.insert(
                key.to_string(),
                Record {
                    fingerprint: fingerprint.to_string(),
                    owner: owner.to_string(),
                    started_at: now,
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
        now: Millis,
        stale_before: Millis,
    ) -> Result<IdempotencyBegin, StoreError> {
        Ok(self
            .tables()
            .idempotency
            .state(key, fingerprint, now, stale_before))
    }

    async fn complete_request(
        &self,
        key: &str,
        owner: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.idempotency.held_by(key, owner) {
            if let Some(r) = t.idempotency.records.get_mut(key) {
                r.answer = Some((status, body.to_string()));
            }
        }
        Ok(())
    }

    async fn abandon_request(&self, key: &str, owner: &str) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.idempotency.held_by(key, owner) {
            t.idempotency.records.remove(key);
        }
        Ok(())
    }
}
