//! Abuse-limit logs on DynamoDB: one small item per limited key (`LIMIT#{key}` / `LOG`), written
//! with a condition on the version read and removed by the table's TTL once no bucket counts.

use std::collections::HashMap;

use async_trait::async_trait;

use super::codec::{key, n, s, Item, ItemBuilder, Reader};
use super::tx::{Params, Tx, TxOutcome};
use super::{keys, unexplained, DynamoStore};
use crate::domain::limits::{LimitKey, LimitState, LimitWrite, RateLog};
use crate::store::{states_in_order, LimitStore, StoreError};

/// The log's item. `buckets` is `start:count` pairs, comma-separated (a few hundred bytes at
/// most: a log keeps at most 61 buckets).
pub(super) fn limit_item(w: &LimitWrite) -> Item {
    let buckets = w
        .log
        .buckets
        .iter()
        .map(|(start, count)| format!("{start}:{count}"))
        .collect::<Vec<_>>()
        .join(",");
    ItemBuilder::new(keys::limit_log(&w.key.key), "limit_log")
        .set("limit_key", s(&w.key.key))
        .set("buckets", s(buckets))
        .set("version", n(w.read_version + 1))
        .set(keys::TTL, n(w.expires_at.div_euclid(1000) + 1))
        .0
}

/// The key, log and version of a log item.
pub(super) fn limit_from(item: &Item) -> Result<(String, (RateLog, u64)), StoreError> {
    let r = Reader::new(item, "limit log");
    let raw: String = r.s("buckets")?;
    let mut buckets = Vec::new();
    for pair in raw.split(',').filter(|p| !p.is_empty()) {
        let parsed = pair
            .split_once(':')
            .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
        buckets.push(parsed.ok_or_else(|| r.corrupt("buckets"))?);
    }
    Ok((r.s("limit_key")?, (RateLog { buckets }, r.n("version")?)))
}

pub(super) fn limit_keys(keys_wanted: &[LimitKey]) -> impl Iterator<Item = Item> + '_ {
    keys_wanted.iter().map(|k| key(keys::limit_log(&k.key)))
}

impl Tx<'_> {
    /// Puts the log only if it is still at the version read (absent, for version 0).
    pub fn put_limit(&mut self, w: &LimitWrite) -> Result<usize, StoreError> {
        if w.read_version == 0 {
            self.put_new(limit_item(w))
        } else {
            self.put(
                limit_item(w),
                "version = :v",
                Params::new().value(":v", n(w.read_version)),
            )
        }
    }

    /// Every log of `writes`; the indexes of their items, in order.
    pub fn put_limits(&mut self, writes: &[LimitWrite]) -> Result<Vec<usize>, StoreError> {
        writes.iter().map(|w| self.put_limit(w)).collect()
    }
}

/// Logs found among the items of a context read.
#[derive(Default)]
pub(super) struct FoundLogs(HashMap<String, (RateLog, u64)>);

impl FoundLogs {
    pub(super) fn add(&mut self, item: &Item) -> Result<(), StoreError> {
        let (k, v) = limit_from(item)?;
        self.0.insert(k, v);
        Ok(())
    }

    pub(super) fn states(self, keys_wanted: &[LimitKey]) -> Vec<LimitState> {
        states_in_order(keys_wanted, self.0)
    }
}

impl DynamoStore {
    async fn put_limit(&self, w: &LimitWrite) -> Result<(), StoreError> {
        let request = self
            .client()
            .put_item()
            .table_name(&self.table)
            .set_item(Some(limit_item(w)));
        let request = if w.read_version == 0 {
            request.condition_expression(super::tx::NEW_ITEM)
        } else {
            request
                .condition_expression("version = :v")
                .expression_attribute_values(":v", n(w.read_version))
        };
        match super::applied(request.send().await)? {
            true => Ok(()),
            false => Err(StoreError::Contention),
        }
    }
}

#[async_trait]
impl LimitStore for DynamoStore {
    /// One round trip: a `BatchGetItem` (none for no keys).
    async fn read_limits(&self, keys_wanted: &[LimitKey]) -> Result<Vec<LimitState>, StoreError> {
        let mut found = FoundLogs::default();
        if !keys_wanted.is_empty() {
            for item in self.batch_get(limit_keys(keys_wanted).collect()).await? {
                found.add(&item)?;
            }
        }
        Ok(found.states(keys_wanted))
    }

    /// One round trip: a conditional `PutItem` for one log, a transaction of them for several
    /// (none for no writes).
    async fn write_limits(&self, writes: &[LimitWrite]) -> Result<(), StoreError> {
        match writes {
            [] => return Ok(()),
            [one] => return self.put_limit(one).await,
            _ => {}
        }
        let mut tx = Tx::new(&self.table);
        let indexes = tx.put_limits(writes)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if indexes.iter().any(|&i| super::tx::failed(&r, i)) => {
                Err(StoreError::Contention)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::limits::LimitKey;

    #[test]
    fn a_log_survives_its_item() {
        let w = LimitWrite {
            key: LimitKey::address_emails("a@b.co"),
            read_version: 3,
            log: RateLog {
                buckets: vec![(1_000, 2), (2_000, 1)],
            },
            at: 2_000,
            expires_at: 99_500,
        };
        let item = limit_item(&w);
        let (k, (log, version)) = limit_from(&item).unwrap();
        assert_eq!(k, w.key.key);
        assert_eq!(log, w.log);
        assert_eq!(version, 4);
        assert_eq!(item[keys::TTL].as_n().unwrap(), "100");
    }
}
