//! The audit log in memory: each organization's entries by time, and the same three indexes
//! DynamoDB keeps (by action, by actor, by both), each a sorted set of the entries' sort keys.
//! Entries past their retention leave as new ones arrive (the table's TTL), and are never read.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;

use super::{MemoryStore, Tables};
use crate::clock::Millis;
use crate::domain::audit::{log_partition, AuditEntry, AuditPage, AuditQuery};
use crate::domain::OrganizationId;
use crate::store::change::ChangeRecord;
use crate::store::{AuditStore, StoreError};

/// An entry's sort key, shared by the log and its indexes (one allocation, not six).
type SortKey = Arc<str>;

/// An entry as kept: its JSON, as the table keeps it an item. A journey of the admin loop writes
/// two entries, and each entry's parts (metadata map, targets, context) took some 1.3 KB of
/// heap cloned whole; as compact JSON, some 400 bytes. Reads (a page at a time) parse it again.
struct StoredEntry {
    retain_until: Millis,
    json: Box<str>,
}

impl StoredEntry {
    fn entry(&self) -> Result<AuditEntry, StoreError> {
        serde_json::from_str(&self.json).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

#[derive(Default)]
pub(super) struct AuditLog {
    /// Every entry, by partition (`domain::audit`'s names) and sort key.
    partitions: HashMap<String, BTreeSet<SortKey>>,
    entries: super::Growing<SortKey, StoredEntry>,
    /// Each entry's sort key by when it leaves, for retention.
    by_retention: BTreeSet<(Millis, SortKey)>,
}

impl AuditLog {
    fn partitions_of(entry: &AuditEntry) -> [String; 4] {
        [
            log_partition(&entry.organization_id),
            entry.action_partition(),
            entry.actor_partition(),
            entry.actor_action_partition(),
        ]
    }

    fn contains(&self, entry: &AuditEntry) -> bool {
        self.entries.contains_key(entry.sort_key().as_str())
    }

    fn insert(&mut self, entry: &AuditEntry) {
        let Ok(json) = serde_json::to_string(entry) else {
            // A map of JSON values with string keys always serializes; nothing to keep if not.
            return;
        };
        let sort: SortKey = entry.sort_key().into();
        for partition in Self::partitions_of(entry) {
            self.partitions
                .entry(partition)
                .or_default()
                .insert(sort.clone());
        }
        self.by_retention.insert((entry.retain_until, sort.clone()));
        self.entries.insert(
            sort,
            StoredEntry {
                retain_until: entry.retain_until,
                json: json.into_boxed_str(),
            },
        );
    }

    /// Entries whose retention ended by `now` leave, oldest first.
    fn expire(&mut self, now: Millis) {
        while let Some((until, sort)) = self.by_retention.pop_first() {
            if until > now {
                self.by_retention.insert((until, sort));
                break;
            }
            let Some(entry) = self.entries.remove(&sort).and_then(|e| e.entry().ok()) else {
                continue;
            };
            for partition in Self::partitions_of(&entry) {
                if let Some(set) = self.partitions.get_mut(&partition) {
                    set.remove(&sort);
                }
            }
        }
    }
}

impl Tables {
    /// Records `entry` with the change it belongs to (under the same lock, after every check
    /// of the change passed).
    pub(super) fn audit(&mut self, entry: &AuditEntry) {
        self.audit_log.expire(entry.occurred_at);
        self.audit_log.insert(entry);
        crate::telemetry::count_by(
            crate::telemetry::AUDIT_ENTRIES,
            "action",
            entry.action.as_str(),
        );
        self.feed(ChangeRecord::Audit(Box::new(entry.clone())));
    }
}

#[async_trait]
impl AuditStore for MemoryStore {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut t = self.tables();
        if !t.audit_log.contains(entry) {
            t.audit(entry);
        }
        Ok(())
    }

    async fn audit_entries(
        &self,
        organization_id: &OrganizationId,
        query: &AuditQuery,
        now: Millis,
    ) -> Result<AuditPage, StoreError> {
        let t = self.tables();
        let Some(set) = t
            .audit_log
            .partitions
            .get(&query.partition(organization_id))
        else {
            return Ok(AuditPage {
                entries: Vec::new(),
                next: None,
            });
        };
        let upper = query.before.clone();
        let limit = query.limit as usize;
        let mut entries: Vec<AuditEntry> = Vec::with_capacity(limit);
        let mut last = None;
        let keys = set
            .iter()
            .rev()
            .filter(|k| upper.as_deref().is_none_or(|u| &***k < u));
        for sort in keys.take(limit) {
            last = Some(sort.to_string());
            if let Some(stored) = t.audit_log.entries.get(sort) {
                if stored.retain_until > now {
                    entries.push(stored.entry()?);
                }
            }
        }
        let next = last.filter(|_| entries.len() == limit);
        Ok(AuditPage { entries, next })
    }
}
