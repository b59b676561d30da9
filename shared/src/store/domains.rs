//! An organization's email domains: claimed, read, changed and removed; the names verified in
//! the instance, read by key; and the instance's domains, one page of an index per question.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::audit::AuditEntry;
use crate::domain::org_domain::{EnrollmentMode, OrgDomain, VerifiedName};
use crate::domain::{DomainId, OrganizationId};

/// One question to the instance's domains: by creation or by name, in the partitions of the
/// verification states and modes asked for (all when empty), names starting with `prefix`.
#[derive(Debug, Clone, Default)]
pub struct DomainQuery {
    pub verified: Option<bool>,
    pub modes: Vec<EnrollmentMode>,
    pub by_name: bool,
    pub descending: bool,
    pub prefix: Option<String>,
    pub depth: u32,
}

impl DomainQuery {
    /// The (verified, mode) partitions the question reads.
    pub fn partitions(&self) -> Vec<(bool, EnrollmentMode)> {
        let states: Vec<bool> = match self.verified {
            Some(v) => vec![v],
            None => vec![true, false],
        };
        let modes: Vec<EnrollmentMode> = if self.modes.is_empty() {
            EnrollmentMode::ALL.to_vec()
        } else {
            self.modes.clone()
        };
        states
            .iter()
            .flat_map(|v| modes.iter().map(move |m| (*v, *m)))
            .collect()
    }
}

/// The instance index key of a domain: its partition, and its sort keys by creation and name.
pub fn domain_partition(verified: bool, mode: EnrollmentMode) -> String {
    format!("DOMAINS#{verified}#{}", mode.as_str())
}

pub fn domain_created_key(d: &OrgDomain) -> String {
    format!(
        "{}#{}",
        crate::domain::listing::time_key(d.created_at),
        d.id
    )
}

pub fn domain_name_key(d: &OrgDomain) -> String {
    format!("{}#{}", d.name.as_str(), d.id)
}

#[async_trait]
pub trait DomainStore: Send + Sync {
    /// Claims the name for the organization: only if the organization exists and has fewer
    /// than `max` domains, has no claim on the name yet and, when `domain` is verified, no
    /// other organization has verified it. Fails with `NotFound`, `QuotaExceeded`,
    /// `AlreadyExists` or `DomainVerifiedElsewhere`.
    async fn insert_domain(
        &self,
        domain: &OrgDomain,
        max: u32,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    async fn get_domain(
        &self,
        organization_id: &OrganizationId,
        id: &DomainId,
    ) -> Result<Option<OrgDomain>, StoreError>;

    /// The organization's domains, newest first (at most its maximum: one keyed read).
    async fn organization_domains(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Vec<OrgDomain>, StoreError>;

    /// Writes `updated` over `read` (as read just before): its mode and verifications, and the
    /// name's verified marker with them. Fails with `Contention` if it changed meanwhile,
    /// `NotFound` if it is gone, `DomainVerifiedElsewhere` if it becomes verified and another
    /// organization verified the name first.
    async fn update_domain(
        &self,
        read: &OrgDomain,
        updated: &OrgDomain,
        audit: &AuditEntry,
    ) -> Result<(), StoreError>;

    /// Removes the domain, its claim on the name and, if it holds it, the name's verified
    /// marker. `NotFound` if it is gone.
    async fn delete_domain(&self, domain: &OrgDomain, audit: &AuditEntry)
        -> Result<(), StoreError>;

    /// Every organization's claim on a name (one keyed read of the name's partition).
    async fn claims_on(&self, name: &str) -> Result<Vec<OrgDomain>, StoreError>;

    /// The verified markers of these names, those that exist: one batched keyed read.
    async fn verified_names(&self, names: &[String]) -> Result<Vec<VerifiedName>, StoreError>;

    /// Each partition's domains, at most `depth` of each, and the total across the partitions
    /// (from the instance's counters).
    async fn instance_domains(
        &self,
        query: &DomainQuery,
    ) -> Result<(Vec<OrgDomain>, u64), StoreError>;
}
