//! The audit log's own reads and writes. Every other write that is audited takes its entry as
//! an argument and writes it in its own transaction (no change without its entry, no entry
//! without its change); here are only the entry with no change of its own (a limit tripped)
//! and the reads.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::audit::{AuditEntry, AuditPage, AuditQuery};
use crate::domain::OrganizationId;

#[async_trait]
pub trait AuditStore: Send + Sync {
    /// An entry that records no change (a refusal), written only if no entry has its id: a
    /// refusal repeated in the same minute is one entry, so a caller hammering a limit does
    /// not write once per request.
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError>;

    /// One page of an organization's entries, newest first, from the one index that answers
    /// the query (the whole log, by action, by actor, by both); entries past their retention
    /// are never answered.
    async fn audit_entries(
        &self,
        organization_id: &OrganizationId,
        query: &AuditQuery,
        now: crate::clock::Millis,
    ) -> Result<AuditPage, StoreError>;
}
