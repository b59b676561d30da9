//! The instance's domains: one `Query` per (verified, mode) partition asked for, on GSI1 (by
//! creation) or GSI2 (by name), concurrently, merged by the caller; then one `BatchGetItem` of
//! the page's counters and the instance's partition counts.

use aws_sdk_dynamodb::types::AttributeValue;

use super::codec::{self, s, Item};
use super::{keys, sdk_error, DynamoStore};
use crate::domain::org_domain::OrgDomain;
use crate::domain::{DomainId, OrganizationId};
use crate::store::{domain_partition, DomainQuery, StoreError};

impl DynamoStore {
    pub(super) async fn query_instance_domains(
        &self,
        query: &DomainQuery,
    ) -> Result<(Vec<OrgDomain>, u64), StoreError> {
        let (index, pk, sk) = if query.by_name {
            (keys::GSI2, keys::GSI2PK, keys::GSI2SK)
        } else {
            (keys::GSI1, keys::GSI1PK, keys::GSI1SK)
        };
        let partitions = query.partitions();
        let reads = futures::future::try_join_all(partitions.iter().map(|(verified, mode)| {
            let mut request = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(index)
                .expression_attribute_names("#pk", pk)
                .expression_attribute_values(":pk", s(domain_partition(*verified, *mode)))
                .scan_index_forward(!query.descending)
                .limit(query.depth.clamp(1, 1000) as i32);
            request = match &query.prefix {
                Some(prefix) => request
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                    .expression_attribute_names("#sk", sk)
                    .expression_attribute_values(":prefix", s(prefix)),
                None => request.key_condition_expression("#pk = :pk"),
            };
            async move {
                request
                    .send()
                    .await
                    .map(|out| out.items.unwrap_or_default())
                    .map_err(sdk_error)
            }
        }))
        .await?;
        let items: Vec<Item> = reads.into_iter().flatten().collect();
        let mut wanted: Vec<Item> = items
            .iter()
            .filter_map(|i| {
                let org = i.get("organization_id")?.as_s().ok()?;
                let id = i.get("id")?.as_s().ok()?;
                Some(codec::key(keys::domain_counts(
                    &OrganizationId::new(org.as_str()),
                    &DomainId::new(id.as_str()),
                )))
            })
            .collect();
        wanted.push(codec::key(keys::domain_counters()));
        let extra = self.batch_get(wanted).await?;
        let mut totals = 0u64;
        let mut with_counts = items.clone();
        for item in extra {
            if item
                .get(keys::PK)
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some("DOMAINS")
            {
                for (verified, mode) in &partitions {
                    totals += match item.get(&domain_partition(*verified, *mode)) {
                        Some(AttributeValue::N(v)) => v.parse::<i64>().unwrap_or(0).max(0) as u64,
                        _ => 0,
                    };
                }
            } else {
                with_counts.push(item);
            }
        }
        let domains = codec::domains_from(&with_counts)?;
        Ok((domains, totals))
    }
}
