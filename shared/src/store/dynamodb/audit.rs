//! The audit log on DynamoDB: an organization's entries in their own partition
//! (`ORG#{org}#AUDIT`, by time), found by action on GSI1, by actor on GSI2 and by both on
//! GSI3; each read is one query of one page of the index its question needs.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;

use super::codec::{audit_from, audit_item, n, s};
use super::{applied, keys, sdk_error, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::{AuditEntry, AuditPage, AuditQuery};
use crate::domain::OrganizationId;
use crate::store::{AuditStore, StoreError};

#[async_trait]
impl AuditStore for DynamoStore {
    /// One `PutItem`, only where no entry has the id (a refusal repeated within its minute
    /// was recorded already).
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let written = applied(
            self.client()
                .put_item()
                .table_name(self.table())
                .set_item(Some(audit_item(entry)))
                .condition_expression(super::tx::NEW_ITEM)
                .send()
                .await,
        )?;
        if written {
            crate::telemetry::count_by(
                crate::telemetry::AUDIT_ENTRIES,
                "action",
                entry.action.as_str(),
            );
        }
        Ok(())
    }

    /// One `Query` of one page, newest first, on the table (the whole log) or the index the
    /// filter needs. An entry past its retention that the TTL has not removed yet (DynamoDB
    /// removes within days) is dropped by the query's filter: only those, at the old end.
    async fn audit_entries(
        &self,
        organization_id: &OrganizationId,
        query: &AuditQuery,
        now: Millis,
    ) -> Result<AuditPage, StoreError> {
        let (index, pk, sk) = match (&query.actor, query.action) {
            (None, None) => (None, keys::PK, keys::SK),
            (None, Some(_)) => (Some(keys::GSI1), keys::GSI1PK, keys::GSI1SK),
            (Some(_), None) => (Some(keys::GSI2), keys::GSI2PK, keys::GSI2SK),
            (Some(_), Some(_)) => (Some(keys::GSI3), keys::GSI3PK, keys::GSI3SK),
        };
        let condition = if query.before.is_some() {
            "#pk = :pk AND #sk < :before"
        } else {
            "#pk = :pk"
        };
        let mut request = self
            .client()
            .query()
            .table_name(self.table())
            .set_index_name(index.map(String::from))
            .key_condition_expression(condition)
            .filter_expression("retain_until > :now")
            .expression_attribute_names("#pk", pk)
            .expression_attribute_values(":pk", s(query.partition(organization_id)))
            .expression_attribute_values(":now", n(now))
            .scan_index_forward(false)
            .limit(query.limit.clamp(1, 100) as i32);
        request = match &query.before {
            Some(before) => request
                .expression_attribute_names("#sk", sk)
                .expression_attribute_values(":before", s(before)),
            None => request,
        };
        let out = request.send().await.map_err(sdk_error)?;
        let entries = out
            .items
            .unwrap_or_default()
            .iter()
            .map(audit_from)
            .collect::<Result<Vec<_>, _>>()?;
        let next = out
            .last_evaluated_key
            .as_ref()
            .and_then(|k| k.get(sk))
            .and_then(|v: &AttributeValue| v.as_s().ok())
            .cloned();
        Ok(AuditPage { entries, next })
    }
}
