//! Domains in memory, with the indexes DynamoDB keeps: each name's claims and verified marker,
//! each organization's domains, the instance's by (verified, mode) partition, by creation and
//! by name, and the partitions' counts.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;

use super::{key, MemoryStore, OrgKey};
use crate::domain::audit::AuditEntry;
use crate::domain::org_domain::{OrgDomain, VerifiedName};
use crate::domain::{DomainId, OrganizationId};
use crate::store::change::ChangeRecord;
use crate::store::{
    domain_created_key, domain_name_key, domain_partition, DomainQuery, DomainStore, StoreError,
};

#[derive(Default)]
pub(super) struct Domains {
    /// Each organization's domains, by id.
    pub(super) by_org: HashMap<OrganizationId, HashMap<DomainId, OrgDomain>>,
    /// Each name's claims, by organization.
    claims: HashMap<String, BTreeMap<OrganizationId, DomainId>>,
    verified: HashMap<String, VerifiedName>,
    /// The instance's domains per partition, by creation and by name.
    by_created: HashMap<String, BTreeMap<String, OrgKey>>,
    by_name: HashMap<String, BTreeMap<String, OrgKey>>,
    counts: HashMap<String, u64>,
}

impl Domains {
    fn index(&mut self, d: &OrgDomain) {
        let partition = domain_partition(d.is_verified(), d.enrollment_mode);
        let at = key(&d.organization.id, &d.id);
        self.by_created
            .entry(partition.clone())
            .or_default()
            .insert(domain_created_key(d), at.clone());
        self.by_name
            .entry(partition.clone())
            .or_default()
            .insert(domain_name_key(d), at);
        *self.counts.entry(partition).or_default() += 1;
    }

    fn unindex(&mut self, d: &OrgDomain) {
        let partition = domain_partition(d.is_verified(), d.enrollment_mode);
        if let Some(i) = self.by_created.get_mut(&partition) {
            i.remove(&domain_created_key(d));
        }
        if let Some(i) = self.by_name.get_mut(&partition) {
            i.remove(&domain_name_key(d));
        }
        if let Some(c) = self.counts.get_mut(&partition) {
            *c = c.saturating_sub(1);
        }
    }

    fn get(&self, org: &str, id: &str) -> Option<&OrgDomain> {
        self.by_org.get(org)?.get(id)
    }

    fn verified_elsewhere(&self, d: &OrgDomain) -> bool {
        self.verified
            .get(d.name.as_str())
            .is_some_and(|v| v.domain_id != d.id)
    }

    /// The stored domain with its counters moved by `by` (a pending offer made or ended).
    pub(super) fn count(&mut self, org: &str, id: &str, invitations: i64, suggestions: i64) {
        if let Some(d) = self.by_org.get_mut(org).and_then(|o| o.get_mut(id)) {
            d.pending_invitations = add(d.pending_invitations, invitations);
            d.pending_suggestions = add(d.pending_suggestions, suggestions);
        }
    }
}

fn add(count: u32, by: i64) -> u32 {
    u32::try_from((i64::from(count) + by).max(0)).unwrap_or(u32::MAX)
}

#[async_trait]
impl DomainStore for MemoryStore {
    async fn insert_domain(
        &self,
        d: &OrgDomain,
        max: u32,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if !t.organizations.contains_key(&d.organization.id) {
            return Err(StoreError::NotFound);
        }
        let claims = t.domains.claims.get(d.name.as_str());
        if claims.is_some_and(|c| c.contains_key(&d.organization.id)) {
            return Err(StoreError::AlreadyExists);
        }
        if d.is_verified() && t.domains.verified_elsewhere(d) {
            return Err(StoreError::DomainVerifiedElsewhere);
        }
        let held = t
            .domains
            .by_org
            .get(&d.organization.id)
            .map_or(0, |o| o.len());
        if held >= max as usize {
            return Err(StoreError::QuotaExceeded);
        }
        let domains = &mut t.domains;
        domains
            .claims
            .entry(d.name.as_str().to_string())
            .or_default()
            .insert(d.organization.id.clone(), d.id.clone());
        if d.is_verified() {
            domains
                .verified
                .insert(d.name.as_str().to_string(), VerifiedName::of(d));
        }
        domains.index(d);
        domains
            .by_org
            .entry(d.organization.id.clone())
            .or_default()
            .insert(d.id.clone(), d.clone());
        t.feed(ChangeRecord::Domain {
            old: None,
            new: Some(Box::new(d.clone())),
        });
        t.audit(audit);
        Ok(())
    }

    async fn get_domain(
        &self,
        organization_id: &OrganizationId,
        id: &DomainId,
    ) -> Result<Option<OrgDomain>, StoreError> {
        Ok(self.tables().domains.get(organization_id, id).cloned())
    }

    async fn organization_domains(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<OrgDomain>, StoreError> {
        let t = self.tables();
        let mut found: Vec<OrgDomain> = t
            .domains
            .by_org
            .get(organization_id)
            .map(|o| o.values().cloned().collect())
            .unwrap_or_default();
        found.sort_by_key(|d| std::cmp::Reverse(domain_created_key(d)));
        Ok(found)
    }

    async fn update_domain(
        &self,
        read: &OrgDomain,
        updated: &OrgDomain,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        let current = t
            .domains
            .get(&read.organization.id, &read.id)
            .cloned()
            .ok_or(StoreError::NotFound)?;
        if current.updated_at != read.updated_at
            || current.enrollment_mode != read.enrollment_mode
            || current.affiliation != read.affiliation
            || current.ownership != read.ownership
        {
            return Err(StoreError::Contention);
        }
        if updated.is_verified() && t.domains.verified_elsewhere(updated) {
            return Err(StoreError::DomainVerifiedElsewhere);
        }
        let mut stored = updated.clone();
        stored.pending_invitations = current.pending_invitations;
        stored.pending_suggestions = current.pending_suggestions;
        let domains = &mut t.domains;
        domains.unindex(&current);
        domains.index(&stored);
        let name = stored.name.as_str().to_string();
        if stored.is_verified() {
            domains.verified.insert(name, VerifiedName::of(&stored));
        } else if domains
            .verified
            .get(&name)
            .is_some_and(|v| v.domain_id == stored.id)
        {
            domains.verified.remove(&name);
        }
        domains
            .by_org
            .entry(stored.organization.id.clone())
            .or_default()
            .insert(stored.id.clone(), stored.clone());
        t.feed(ChangeRecord::Domain {
            old: Some(Box::new(current)),
            new: Some(Box::new(stored)),
        });
        t.audit(audit);
        Ok(())
    }

    async fn delete_domain(&self, d: &OrgDomain, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut t = self.tables();
        let current = t
            .domains
            .by_org
            .get_mut(&d.organization.id)
            .and_then(|o| o.remove(&d.id))
            .ok_or(StoreError::NotFound)?;
        let domains = &mut t.domains;
        domains.unindex(&current);
        let name = current.name.as_str().to_string();
        if let Some(claims) = domains.claims.get_mut(&name) {
            claims.remove(&current.organization.id);
            if claims.is_empty() {
                domains.claims.remove(&name);
            }
        }
        if domains
            .verified
            .get(&name)
            .is_some_and(|v| v.domain_id == current.id)
        {
            domains.verified.remove(&name);
        }
        t.feed(ChangeRecord::Domain {
            old: Some(Box::new(current)),
            new: None,
        });
        t.audit(audit);
        Ok(())
    }

    async fn claims_on(&self, name: &str) -> Result<Vec<OrgDomain>, StoreError> {
        let t = self.tables();
        Ok(t.domains
            .claims
            .get(name)
            .map(|claims| {
                claims
                    .iter()
                    .filter_map(|(org, id)| t.domains.get(org, id).cloned())
                    .collect()
            })
            .unwrap_or_default())
    }

    async fn verified_names(&self, names: &[String]) -> Result<Vec<VerifiedName>, StoreError> {
        let t = self.tables();
        Ok(names
            .iter()
            .filter_map(|n| t.domains.verified.get(n).cloned())
            .collect())
    }

    async fn instance_domains(
        &self,
        query: &DomainQuery,
    ) -> Result<(Vec<OrgDomain>, u64), StoreError> {
        let t = self.tables();
        let mut found = Vec::new();
        let mut total = 0;
        for (verified, mode) in query.partitions() {
            let partition = domain_partition(verified, mode);
            total += t.domains.counts.get(&partition).copied().unwrap_or(0);
            let index = if query.by_name {
                t.domains.by_name.get(&partition)
            } else {
                t.domains.by_created.get(&partition)
            };
            let Some(index) = index else { continue };
            // Keys are ASCII: every key starting with the prefix sorts below prefix + U+00FF.
            let range = match &query.prefix {
                Some(prefix) => index.range(prefix.clone()..format!("{prefix}\u{ff}")),
                None => index.range(String::new()..),
            };
            let ordered: Box<dyn Iterator<Item = (&String, &OrgKey)>> = if query.descending {
                Box::new(range.rev())
            } else {
                Box::new(range)
            };
            found.extend(
                ordered
                    .take(query.depth as usize)
                    .filter_map(|(_, (org, id))| t.domains.get(org, id).cloned()),
            );
        }
        Ok((found, total))
    }
}
