//! Clerk's `GET /organization_domains`: the instance's domains, each question one page of an
//! index built for it. By organization: its (at most 10) domains. By exact names: each name's
//! claims. Otherwise: one query per (verified, mode) partition the filters leave, by creation
//! or by name (a `query` is a name prefix there), merged.

use super::{Service, ServiceError};
use crate::domain::org_domain::{EnrollmentMode, OrgDomain};
use crate::domain::OrganizationId;
use crate::store::{domain_created_key, domain_name_key, DomainQuery};

use super::domains::DomainFilter;

/// The most exact names one question may name.
pub const MAX_NAMES: usize = 20;

/// One question to the instance's domains.
#[derive(Debug, Clone, Default)]
pub struct InstanceDomainQuery {
    pub filter: DomainFilter,
    pub organization_id: Option<OrganizationId>,
    pub names: Vec<String>,
    pub query: Option<String>,
    pub by_name: bool,
    pub descending: bool,
    pub limit: u32,
    pub offset: u32,
}

impl Service {
    pub async fn instance_domains(
        &self,
        q: &InstanceDomainQuery,
    ) -> Result<(Vec<OrgDomain>, u64), ServiceError> {
        let org = q.organization_id.clone().or_else(|| {
            q.query
                .as_deref()
                .filter(|t| t.starts_with("org_"))
                .map(OrganizationId::new)
        });
        let sort_key = |d: &OrgDomain| match q.by_name {
            true => domain_name_key(d),
            false => domain_created_key(d),
        };
        let bounded = match org {
            Some(org) => Some(self.store.organization_domains(&org).await?),
            None if !q.names.is_empty() => {
                let mut found = Vec::new();
                for name in q.names.iter().take(MAX_NAMES) {
                    found.extend(self.store.claims_on(&name.to_ascii_lowercase()).await?);
                }
                Some(found)
            }
            None => None,
        };
        if let Some(mut found) = bounded {
            found.retain(|d| q.filter.admits(d));
            found.sort_by_key(sort_key);
            if q.descending {
                found.reverse();
            }
            let total = found.len() as u64;
            let page = found
                .into_iter()
                .skip(q.offset as usize)
                .take(q.limit as usize)
                .collect();
            return Ok((page, total));
        }
        let modes: Vec<EnrollmentMode> = EnrollmentMode::ALL
            .into_iter()
            .filter(|m| q.filter.include.is_empty() || q.filter.include.contains(m))
            .filter(|m| !q.filter.exclude.contains(m))
            .collect();
        if modes.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let depth = q.offset.saturating_add(q.limit);
        let prefix = q.query.as_ref().map(|t| t.trim().to_ascii_lowercase());
        // A name prefix is a range of the name index: such a question answers in name order.
        let by_name = q.by_name || prefix.is_some();
        let (mut found, counted) = self
            .store
            .instance_domains(&DomainQuery {
                verified: q.filter.verified,
                modes,
                by_name,
                descending: q.descending,
                prefix: prefix.clone(),
                depth,
            })
            .await?;
        if by_name {
            found.sort_by_key(domain_name_key);
        } else {
            found.sort_by_key(domain_created_key);
        }
        if q.descending {
            found.reverse();
        }
        // A name prefix has no counter: its total is what was read, exact when the partitions
        // ended before the page did, else one more than this page's end (more may follow).
        let total = match prefix {
            None => counted,
            Some(_) if found.len() < depth as usize => found.len() as u64,
            Some(_) => u64::from(depth) + 1,
        };
        let page = found
            .into_iter()
            .skip(q.offset as usize)
            .take(q.limit as usize)
            .collect();
        Ok((page, total))
    }
}
