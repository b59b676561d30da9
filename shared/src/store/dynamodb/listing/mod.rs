//! Lists of invitations on DynamoDB: an organization's (`organization.rs`), one address's
//! across organizations (GSI3) and the instance's (GSI6, GSI11: entries, read by name).

mod by_address;
mod by_status;
mod instance;
mod organization;
mod plan;

use async_trait::async_trait;

use super::codec::{self, s};
use super::{keys, DynamoStore};
use crate::clock::Millis;
use crate::domain::listing::Source;
use crate::domain::person_list::{AddressRead, InvitationRef, KeyedRead};
use crate::domain::{Invitation, InvitationQuery, OrganizationId, Page};
use crate::store::{ListingStore, StoreError};

#[async_trait]
impl ListingStore for DynamoStore {
    /// See `organization.rs`.
    async fn list_invitations(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError> {
        self.invitation_page(organization_id, query, now).await
    }

    /// One `Query` on GSI3 of at most `limit` items.
    async fn invitations_to_address(
        &self,
        email_key: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError> {
        let partition = keys::invitations_to_address(email_key);
        self.newest_invitations((keys::GSI3, "GSI3PK", "GSI3SK"), &partition, before, limit)
            .await
    }

    /// One `Query` on GSI6 (keys only) of at most `limit` entries.
    async fn instance_entries(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> Result<KeyedRead<InvitationRef>, StoreError> {
        let mut query = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI6)
            .expression_attribute_values(":pk", s(keys::instance_partition(shard)))
            .scan_index_forward(false)
            .limit(limit.clamp(1, 1000) as i32);
        query = match before {
            Some(before) => query
                .key_condition_expression("GSI6PK = :pk AND GSI6SK < :before")
                .expression_attribute_values(":before", s(before)),
            None => query.key_condition_expression("GSI6PK = :pk"),
        };
        let out = query.send().await.map_err(super::sdk_error)?;
        Ok(KeyedRead {
            items: out
                .items
                .unwrap_or_default()
                .iter()
                .filter_map(|i| instance::named(i, keys::GSI6SK))
                .collect(),
            exhausted: out.last_evaluated_key.is_none(),
        })
    }

    /// See `instance.rs`.
    async fn instance_status_entries(
        &self,
        source: Source,
        shard: u32,
        before: Option<&str>,
        limit: u32,
        now: Millis,
    ) -> Result<KeyedRead<InvitationRef>, StoreError> {
        self.status_entries(source, shard, before, limit, now).await
    }

    async fn invitations_named(
        &self,
        names: &[InvitationRef],
    ) -> Result<Vec<Invitation>, StoreError> {
        self.named_invitations(names).await
    }
}

impl DynamoStore {
    /// One `Query` of an index of invitations by creation (`(name, pk, sk)`), newest first,
    /// below `before` when given, at most `limit` items.
    async fn newest_invitations(
        &self,
        (index, pk, sk): (&str, &str, &str),
        partition: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError> {
        let mut query = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(index)
            .expression_attribute_values(":pk", s(partition))
            .scan_index_forward(false)
            .limit(limit.clamp(1, 1000) as i32);
        query = match before {
            Some(before) => query
                .key_condition_expression(format!("{pk} = :pk AND {sk} < :before"))
                .expression_attribute_values(":before", s(before)),
            None => query.key_condition_expression(format!("{pk} = :pk")),
        };
        let out = query.send().await.map_err(super::sdk_error)?;
        let items = out
            .items
            .unwrap_or_default()
            .iter()
            .map(codec::invitation_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(AddressRead {
            items,
            exhausted: out.last_evaluated_key.is_none(),
        })
    }
}
