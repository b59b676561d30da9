//! Domains on the table. Round trips, each the least its answer needs:
//! - claim (`insert_domain`), change, remove: one `TransactWriteItems` (the domain, its claim on
//!   the name, the organization's domain count, the name's verified marker when it holds it, the
//!   instance's partition counters, the audit entry);
//! - one domain: one `Query` of its two keys (`DOMAIN#{id}` and its counters);
//! - an organization's domains: one `Query` of its `DOMAIN#` keys (at most 10, with counters);
//! - a name's claims: one `Query` of the name's partition, one `BatchGetItem` of the domains;
//! - verified names: one `BatchGetItem` of their markers, one key per name;
//! - the instance's domains: one `Query` per (verified, mode) partition asked for, concurrently,
//!   one `BatchGetItem` of the page's counters and one `GetItem` of the partition counts.

use async_trait::async_trait;

use super::codec::{self, n, s, Item};
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::domain::audit::AuditEntry;
use crate::domain::org_domain::{OrgDomain, VerifiedName};
use crate::domain::{DomainId, OrganizationId};
use crate::store::{domain_partition, DomainQuery, DomainStore, StoreError};

/// The organization may hold one more domain.
const DOMAIN_ROOM: &str =
    "attribute_exists(PK) AND (attribute_not_exists(domains_count) OR domains_count < :max)";

impl DynamoStore {
    /// Moves the instance's partition counters: `from` loses one, `to` gains one.
    fn count_partitions(
        tx: &mut Tx<'_>,
        from: Option<&OrgDomain>,
        to: Option<&OrgDomain>,
    ) -> Result<(), StoreError> {
        let part = |d: &OrgDomain| domain_partition(d.is_verified(), d.enrollment_mode);
        let (from, to) = (from.map(part), to.map(part));
        if from == to {
            return Ok(());
        }
        let mut adds = Vec::new();
        let mut params = Params::new();
        if let Some(p) = from {
            adds.push("#from :minus");
            params = params.name("#from", &p).value(":minus", n(-1));
        }
        if let Some(p) = to {
            adds.push("#to :one");
            params = params.name("#to", &p).value(":one", n(1));
        }
        tx.update(
            keys::domain_counters(),
            &format!("ADD {}", adds.join(", ")),
            "",
            params,
        )?;
        Ok(())
    }

    /// The name's verified marker follows the domain: written while it is verified (only if no
    /// other domain holds it), removed when it stops being. Its item index, if any.
    fn mark_verified(
        tx: &mut Tx<'_>,
        old: Option<&OrgDomain>,
        new: &OrgDomain,
    ) -> Result<Option<usize>, StoreError> {
        let held = old.is_some_and(OrgDomain::is_verified);
        let mine = Params::new().value(":id", s(new.id.as_str()));
        if new.is_verified() {
            Ok(Some(tx.put(
                codec::verified_name_item(new),
                "attribute_not_exists(PK) OR domain_id = :id",
                mine,
            )?))
        } else if held {
            tx.delete(
                keys::verified_name(new.name.as_str()),
                "domain_id = :id",
                mine,
            )?;
            Ok(None)
        } else {
            Ok(None)
        }
    }

    async fn query_domains(
        &self,
        org_id: &OrganizationId,
        prefix: &str,
    ) -> Result<Vec<Item>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", s(format!("ORG#{org_id}")))
            .expression_attribute_values(":prefix", s(prefix))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(out.items.unwrap_or_default())
    }
}

#[async_trait]
impl DomainStore for DynamoStore {
    async fn insert_domain(
        &self,
        d: &OrgDomain,
        max: u32,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(self.table());
        let domain_index = tx.put_new(codec::domain_item(d))?;
        let claim_index = tx.put_new(codec::claim_item(d))?;
        let org_index = tx.update(
            keys::organization(&d.organization.id),
            "ADD domains_count :one",
            DOMAIN_ROOM,
            Params::new().value(":one", n(1)).value(":max", n(max)),
        )?;
        let marker_index = Self::mark_verified(&mut tx, None, d)?;
        Self::count_partitions(&mut tx, None, Some(d))?;
        tx.audit(audit)?;
        let r = match tx.send(self.client()).await? {
            TxOutcome::Committed => return Ok(()),
            TxOutcome::Cancelled(r) => r,
        };
        // The domain's id is new to this write: an item under it is this write, applied.
        if failed(&r, domain_index) {
            return Ok(());
        }
        if failed(&r, org_index) {
            return Err(match old_item(&r, org_index) {
                Some(_) => StoreError::QuotaExceeded,
                None => StoreError::NotFound,
            });
        }
        if failed(&r, claim_index) {
            return Err(StoreError::AlreadyExists);
        }
        if marker_index.is_some_and(|i| failed(&r, i)) {
            return Err(StoreError::DomainVerifiedElsewhere);
        }
        Err(unexplained(&r))
    }

    async fn get_domain(
        &self,
        organization_id: &OrganizationId,
        id: &DomainId,
    ) -> Result<Option<OrgDomain>, StoreError> {
        let items = self
            .query_domains(organization_id, &format!("{}{id}", keys::DOMAIN_PREFIX))
            .await?;
        // `DOMAIN#{id}` also begins longer ids' keys: keep this one's.
        Ok(codec::domains_from(&items)?
            .into_iter()
            .find(|d| d.id == id))
    }

    async fn organization_domains(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<OrgDomain>, StoreError> {
        let items = self
            .query_domains(organization_id, keys::DOMAIN_PREFIX)
            .await?;
        let mut found = codec::domains_from(&items)?;
        found.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
        Ok(found)
    }

    async fn update_domain(
        &self,
        read: &OrgDomain,
        updated: &OrgDomain,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(self.table());
        let domain_index = tx.put(
            codec::domain_item(updated),
            "updated_at = :read",
            Params::new().value(":read", n(read.updated_at)),
        )?;
        let marker_index = Self::mark_verified(&mut tx, Some(read), updated)?;
        Self::count_partitions(&mut tx, Some(read), Some(updated))?;
        tx.audit(audit)?;
        let r = match tx.send(self.client()).await? {
            TxOutcome::Committed => return Ok(()),
            TxOutcome::Cancelled(r) => r,
        };
        if failed(&r, domain_index) {
            return Err(match old_item(&r, domain_index) {
                Some(item)
                    if codec::domain_from(item, None)?
                        == OrgDomain {
                            pending_invitations: 0,
                            pending_suggestions: 0,
                            ..updated.clone()
                        } =>
                {
                    return Ok(())
                }
                Some(_) => StoreError::Contention,
                None => StoreError::NotFound,
            });
        }
        if marker_index.is_some_and(|i| failed(&r, i)) {
            return Err(StoreError::DomainVerifiedElsewhere);
        }
        Err(unexplained(&r))
    }

    async fn delete_domain(&self, d: &OrgDomain, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut tx = Tx::new(self.table());
        let domain_index = tx.delete(
            keys::domain(&d.organization.id, &d.id),
            EXISTING_ITEM,
            Params::new(),
        )?;
        tx.delete(
            keys::domain_counts(&d.organization.id, &d.id),
            "",
            Params::new(),
        )?;
        tx.delete(
            keys::domain_claim(d.name.as_str(), &d.organization.id),
            "",
            Params::new(),
        )?;
        tx.update(
            keys::organization(&d.organization.id),
            "ADD domains_count :minus",
            EXISTING_ITEM,
            Params::new().value(":minus", n(-1)),
        )?;
        if d.is_verified() {
            tx.delete(
                keys::verified_name(d.name.as_str()),
                "attribute_not_exists(PK) OR domain_id = :id",
                Params::new().value(":id", s(d.id.as_str())),
            )?;
        }
        Self::count_partitions(&mut tx, Some(d), None)?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if failed(&r, domain_index) => Err(StoreError::NotFound),
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    async fn claims_on(&self, name: &str) -> Result<Vec<OrgDomain>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("PK = :pk AND begins_with(SK, :org)")
            .expression_attribute_values(":pk", s(keys::domain_name_partition(name)))
            .expression_attribute_values(":org", s("ORG#"))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        let claims = out.items.unwrap_or_default();
        if claims.is_empty() {
            return Ok(Vec::new());
        }
        let mut wanted = Vec::new();
        for claim in &claims {
            let r = codec::Reader::new(claim, "domain claim");
            let org: OrganizationId = r.s("organization_id")?;
            let id: DomainId = r.s::<String>("domain_id")?.into();
            wanted.push(codec::key(keys::domain(&org, &id)));
            wanted.push(codec::key(keys::domain_counts(&org, &id)));
        }
        let items = self.batch_get(wanted).await?;
        codec::domains_from(&items)
    }

    async fn verified_names(&self, names: &[String]) -> Result<Vec<VerifiedName>, StoreError> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let wanted = names
            .iter()
            .map(|name| codec::key(keys::verified_name(name)))
            .collect();
        self.batch_get(wanted)
            .await?
            .iter()
            .map(codec::verified_name_from)
            .collect()
    }

    async fn instance_domains(
        &self,
        query: &DomainQuery,
    ) -> Result<(Vec<OrgDomain>, u64), StoreError> {
        self.query_instance_domains(query).await
    }
}
