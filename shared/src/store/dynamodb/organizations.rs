//! Organizations on DynamoDB: create (with the creator's membership), read by id or slug,
//! list, update and delete.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::codec::{self, n, s};
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::{Membership, Organization, OrganizationId};
use crate::store::{MembershipStore, OrganizationStore, StoreError};

use TxOutcome::Cancelled;

/// No condition: a counter item is created by its first `ADD`.
const ANY_ITEM: &str = "attribute_not_exists(PK) OR attribute_exists(PK)";

/// Pages in a row that change nothing before a deletion gives up (`delete_organization`).
const STALLED_PAGES: u32 = 5;

impl DynamoStore {
    /// The organizations named, by id (one `BatchGetItem` per 100); a missing one is left out.
    pub(super) async fn organizations_named(
        &self,
        ids: &[&OrganizationId],
    ) -> Result<std::collections::HashMap<OrganizationId, Organization>, StoreError> {
        let wanted = ids
            .iter()
            .map(|id| codec::key(keys::organization(id)))
            .collect();
        self.batch_get_all(wanted)
            .await?
            .iter()
            .map(|item| codec::organization_from(item).map(|o| (o.id.clone(), o)))
            .collect()
    }

    /// The organizations slug claims name, in the claims' order.
    async fn claimed_organizations(
        &self,
        claims: &[codec::Item],
    ) -> Result<Vec<Organization>, StoreError> {
        let ids: Vec<OrganizationId> = claims
            .iter()
            .map(|c| codec::Reader::new(c, "slug").s("organization_id"))
            .collect::<Result<_, _>>()?;
        let mut found = self
            .organizations_named(&ids.iter().collect::<Vec<_>>())
            .await?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}

#[async_trait]
impl OrganizationStore for DynamoStore {
    /// One round trip: organization, slug claim and the creator's membership in one transaction.
    async fn insert_organization(
        &self,
        org: &Organization,
        creator: Option<&Membership>,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let org_index = tx.put_new(codec::organization_item(org))?;
        let slug_index = tx.put_new(codec::slug_item(&org.slug, org))?;
        if let Some(m) = creator {
            self.member_items(&mut tx, m)?;
        }
        tx.update(
            keys::organizations_count(),
            "ADD organizations_count :one",
            ANY_ITEM,
            Params::new().value(":one", n(1)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, slug_index) => Err(StoreError::SlugTaken),
            Cancelled(r) if failed(&r, org_index) => Err(StoreError::Contention),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One round trip.
    async fn get_organization(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Option<Organization>, StoreError> {
        self.get(keys::organization(organization_id))
            .await?
            .as_ref()
            .map(codec::organization_from)
            .transpose()
    }

    /// Two round trips: the slug claim names the organization, which is then read.
    async fn find_organization_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organization>, StoreError> {
        let Some(claim) = self.get(keys::slug(slug)).await? else {
            return Ok(None);
        };
        let org_id = codec::Reader::new(&claim, "slug").s("organization_id")?;
        self.get_organization(&org_id).await
    }

    /// One `Query` on GSI1 (`limit` slug claims by creation) and, concurrently, one `GetItem`
    /// of the count; then the organizations they name, by key (one `BatchGetItem` per 100).
    async fn list_organizations(
        &self,
        ascending: bool,
        limit: u32,
    ) -> Result<(Vec<Organization>, u64), StoreError> {
        let page = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(":pk", s(keys::ALL_ORGANIZATIONS))
            .scan_index_forward(ascending)
            .limit(limit.clamp(1, 1000) as i32)
            .send();
        let (page, count) = tokio::join!(page, self.get(keys::organizations_count()));
        let claims = page.map_err(sdk_error)?.items.unwrap_or_default();
        let orgs = self.claimed_organizations(&claims).await?;
        let total = match count? {
            Some(item) => {
                codec::Reader::new(&item, "organizations count").counter("organizations_count")?
            }
            None => 0,
        };
        Ok((orgs, total))
    }

    /// One `Query` on GSI2: slugs from `prefix` on, at most `limit`; then their organizations.
    async fn organizations_by_slug_prefix(
        &self,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Organization>, StoreError> {
        let claims = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI2)
            .key_condition_expression("GSI2PK = :pk AND begins_with(GSI2SK, :prefix)")
            .expression_attribute_values(":pk", s(keys::ALL_ORGANIZATIONS))
            .expression_attribute_values(":prefix", s(prefix))
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(sdk_error)?
            .items
            .unwrap_or_default();
        self.claimed_organizations(&claims).await
    }

    /// One round trip: a transaction of the organization (conditioned on the fields read) and,
    /// for a new slug, its claim (only if free) and the old claim's release.
    async fn update_organization(
        &self,
        read: &Organization,
        updated: &Organization,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let org_index = tx.update(
            keys::organization(&read.id),
            "SET #name = :name, slug = :slug, max_allowed_memberships = :max, \
             public_metadata = :public, private_metadata = :private, updated_at = :now",
            "attribute_exists(PK) AND #name = :old_name AND slug = :old_slug \
             AND max_allowed_memberships = :old_max AND public_metadata = :old_public \
             AND private_metadata = :old_private",
            Params::new()
                .name("#name", "name")
                .value(":name", s(&updated.name))
                .value(":slug", s(&updated.slug))
                .value(":max", n(updated.max_allowed_memberships))
                .value(":public", codec::metadata(&updated.public_metadata))
                .value(":private", codec::metadata(&updated.private_metadata))
                .value(":now", n(updated.updated_at))
                .value(":old_name", s(&read.name))
                .value(":old_slug", s(&read.slug))
                .value(":old_max", n(read.max_allowed_memberships))
                .value(":old_public", codec::metadata(&read.public_metadata))
                .value(":old_private", codec::metadata(&read.private_metadata)),
        )?;
        let slug_index = if updated.slug != read.slug {
            let claimed = tx.put_new(codec::slug_item(&updated.slug, read))?;
            tx.delete(
                keys::slug(&read.slug),
                "organization_id = :id",
                Params::new().value(":id", s(&read.id)),
            )?;
            Some(claimed)
        } else {
            None
        };
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, org_index) && old_item(&r, org_index).is_none() => {
                Err(StoreError::NotFound)
            }
            Cancelled(r) if failed(&r, org_index) => Err(StoreError::Contention),
            Cancelled(r) if slug_index.is_some_and(|i| failed(&r, i)) => Err(StoreError::SlugTaken),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// Pages of 25 pending invitations (GSI4), each page one transaction that revokes them and
    /// frees their slots; pages of memberships (GSI1), each deleted with its address claims;
    /// then one transaction removing the organization and its slug claim. 1 + ⌈pending/25⌉ × 2
    /// + members' pages + 1 round trips: the organization's history is not read.
    async fn delete_organization(
        &self,
        org: &Organization,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        // Indexes are eventually consistent: a page may still show what was just changed. A few
        // pages in a row without progress end in `Contention` (the caller may retry).
        let mut stalled = 0;
        loop {
            if stalled >= STALLED_PAGES {
                return Err(StoreError::Contention);
            }
            let pending = self
                .client()
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI4)
                .key_condition_expression("GSI4PK = :pk")
                .expression_attribute_values(
                    ":pk",
                    s(keys::status_partition(
                        &org.id,
                        crate::domain::InvitationStatus::Pending,
                    )),
                )
                .limit(25)
                .send()
                .await
                .map_err(sdk_error)?
                .items
                .unwrap_or_default();
            if pending.is_empty() {
                break;
            }
            let mut tx = Tx::new(&self.table);
            let token = crate::domain::request::write_token(None);
            for item in &pending {
                let inv = codec::invitation_from(item)?;
                tx.settle_pending(
                    &inv,
                    crate::domain::InvitationStatus::Revoked,
                    super::settle::Guard {
                        same_ticket: false,
                        expiry: None,
                        accepted_by: None,
                        declined_via: None,
                    },
                    now,
                    self.retention_secs,
                    &token,
                )?;
            }
            match tx.send(self.client()).await? {
                TxOutcome::Committed => stalled = 0,
                // Accepted or revoked meanwhile: the next page read no longer holds it.
                TxOutcome::Cancelled(_) => stalled += 1,
            }
        }
        stalled = 0;
        loop {
            if stalled >= STALLED_PAGES {
                return Err(StoreError::Contention);
            }
            let (_, members) = self.list_memberships(&org.id, 25, 0).await?;
            if members.is_empty() {
                break;
            }
            let mut deleted = false;
            for m in members {
                match self.remove_membership(&org.id, &m.user_id, None).await {
                    Ok(_) => deleted = true,
                    Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            stalled = if deleted { 0 } else { stalled + 1 };
        }
        let mut tx = Tx::new(&self.table);
        tx.delete(keys::organization(&org.id), EXISTING_ITEM, Params::new())?;
        tx.delete(
            keys::slug(&org.slug),
            "organization_id = :id",
            Params::new().value(":id", s(&org.id)),
        )?;
        tx.update(
            keys::organizations_count(),
            "ADD organizations_count :minus",
            ANY_ITEM,
            Params::new().value(":minus", n(-1)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, 0) => Err(StoreError::NotFound),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
