//! An audit entry as an item: its organization's log partition and sort key, the three index
//! keys (by action on GSI1, by actor on GSI2, by both on GSI3), the table's TTL, and the
//! entry itself as JSON.

use super::*;
use crate::domain::audit::{log_partition, AuditEntry};

fn audit_key(entry: &AuditEntry) -> (String, String) {
    (log_partition(&entry.organization_id), entry.sort_key())
}

pub fn audit_item(entry: &AuditEntry) -> Item {
    let sort = entry.sort_key();
    ItemBuilder::new(audit_key(entry), "audit")
        .set(keys::GSI1PK, s(entry.action_partition()))
        .set(keys::GSI1SK, s(&sort))
        .set(keys::GSI2PK, s(entry.actor_partition()))
        .set(keys::GSI2SK, s(&sort))
        .set(keys::GSI3PK, s(entry.actor_action_partition()))
        .set(keys::GSI3SK, s(&sort))
        .set(keys::TTL, n(entry.retain_until.div_euclid(1000) + 1))
        .set("retain_until", n(entry.retain_until))
        .set("entry", json(entry))
        .0
}

pub fn audit_from(item: &Item) -> Result<AuditEntry, StoreError> {
    let r = Reader::new(item, "audit entry");
    let raw: String = r.s("entry")?;
    serde_json::from_str(&raw).map_err(|_| r.corrupt("entry"))
}

/// Whether an item is an audit entry (the stream tells them apart by this).
pub fn is_audit(item: &Item) -> bool {
    entity(item) == Some("audit")
}
