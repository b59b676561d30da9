//! An organization's domains: claimed by a backend (verified unless it says otherwise) or a
//! signed-in admin (verified at once when their own address is at it), listed, changed and
//! removed. Verifying a name removes other organizations' unverified claims on it; removing a
//! domain, or turning its offers off, withdraws what it offered.

use super::{Actor, Service, ServiceError};
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::org_domain::{
    is_at, DomainName, DomainRefusal, DomainSettings, EnrollmentMode, OrgDomain, Verification,
    VerificationStrategy,
};
use crate::domain::{DomainId, OrganizationId};
use crate::ids::new_id;
use crate::store::StoreError;

/// A domain asked for: its name as given, its mode, and (backends only) whether it is verified.
#[derive(Debug, Clone)]
pub struct NewDomain {
    pub name: String,
    pub enrollment_mode: EnrollmentMode,
    pub verified: Option<bool>,
}

/// A change to a domain (Clerk's `UpdateOrganizationDomain`).
#[derive(Debug, Clone, Default)]
pub struct DomainPatch {
    pub enrollment_mode: Option<EnrollmentMode>,
    pub verified: Option<bool>,
}

/// Which of an organization's domains a list shows.
#[derive(Debug, Clone, Default)]
pub struct DomainFilter {
    pub verified: Option<bool>,
    pub include: Vec<EnrollmentMode>,
    pub exclude: Vec<EnrollmentMode>,
}

impl DomainFilter {
    pub fn admits(&self, d: &OrgDomain) -> bool {
        self.verified.is_none_or(|v| v == d.is_verified())
            && (self.include.is_empty() || self.include.contains(&d.enrollment_mode))
            && !self.exclude.contains(&d.enrollment_mode)
    }
}

impl Service {
    /// The instance's settings, if domains are on.
    pub(super) fn domain_settings(&self) -> Result<&DomainSettings, ServiceError> {
        let settings = &self.policy.domains;
        if !settings.enabled {
            return Err(DomainRefusal::Disabled.into());
        }
        Ok(settings)
    }

    pub(super) fn mode_allowed(&self, mode: EnrollmentMode) -> Result<(), ServiceError> {
        if !self.domain_settings()?.allows(mode) {
            return Err(DomainRefusal::ModeNotAllowed.into());
        }
        Ok(())
    }

    /// A signed-in person must manage the organization's memberships (its admins); a
    /// backend may always. One read for a person.
    pub(super) async fn domain_admin(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
    ) -> Result<(), ServiceError> {
        match actor {
            Actor::Backend => Ok(()),
            Actor::Member(user) => self.still_manages(org_id, user).await,
        }
    }

    pub(super) fn domain_audit(
        &self,
        d: &OrgDomain,
        action: AuditAction,
        actor: &Actor,
        now: crate::clock::Millis,
    ) -> AuditEntry {
        self.audit_by(&d.organization.id, action, actor, None, now)
            .target("organization_domain", &d.id)
            .with("name", d.name.as_str())
            .with("enrollment_mode", d.enrollment_mode.as_str())
            .with("verified", d.is_verified())
    }

    /// `POST /v1/organizations/{org}/domains`. Reads: the organization (and, for a signed-in
    /// admin, their membership and user); one transaction; when it is verified, one query of
    /// the name's other claims (and a transaction per unverified one it removes).
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn create_domain(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        input: NewDomain,
    ) -> Result<OrgDomain, ServiceError> {
        let settings = self.domain_settings()?.clone();
        self.mode_allowed(input.enrollment_mode)?;
        let name = DomainName::parse(&input.name)?;
        self.domain_admin(actor, org_id).await?;
        let org = self
            .store
            .get_organization(org_id)
            .await?
            .ok_or(ServiceError::NotFound("organization"))?;
        let now = self.clock.now();
        let (affiliation, address) = match actor {
            Actor::Backend => match input.verified {
                Some(false) => (Verification::unverified(), None),
                _ => (
                    Verification::granted(VerificationStrategy::Admin, now),
                    None,
                ),
            },
            Actor::Member(user) => {
                if input.verified.is_some() {
                    return Err(ServiceError::NotAllowed(
                        "only a backend may say whether a domain is verified",
                    ));
                }
                let own = self.get_user(user).await?;
                match own.address_keys().into_iter().find(|a| is_at(a, &name)) {
                    Some(address) => (
                        Verification::granted(VerificationStrategy::AffiliationEmail, now),
                        Some(address),
                    ),
                    None => (Verification::unverified(), None),
                }
            }
        };
        let domain = OrgDomain {
            id: DomainId::new(new_id("orgdmn")),
            organization: org.public_data(),
            name,
            enrollment_mode: input.enrollment_mode,
            affiliation_email_address: address,
            affiliation: Some(affiliation),
            ownership: None,
            pending_invitations: 0,
            pending_suggestions: 0,
            created_at: now,
            updated_at: now,
        };
        let audit = self.domain_audit(&domain, AuditAction::DomainCreated, actor, now);
        match self
            .store
            .insert_domain(&domain, settings.max_per_organization, &audit)
            .await
        {
            Ok(()) => {}
            Err(StoreError::NotFound) => return Err(ServiceError::NotFound("organization")),
            Err(StoreError::AlreadyExists) => return Err(DomainRefusal::AlreadyAdded.into()),
            Err(StoreError::QuotaExceeded) => return Err(DomainRefusal::QuotaExceeded.into()),
            Err(StoreError::DomainVerifiedElsewhere) => {
                return Err(DomainRefusal::VerifiedElsewhere.into())
            }
            Err(e) => return Err(e.into()),
        }
        crate::telemetry::count_by(crate::telemetry::DOMAINS, "outcome", "created");
        if domain.is_verified() {
            self.clear_other_claims(&domain).await?;
        }
        Ok(domain)
    }

    /// Other organizations' unverified claims on a name one has just verified are removed
    /// (each with its audit entry, by the system).
    pub(super) async fn clear_other_claims(
        &self,
        verified: &OrgDomain,
    ) -> Result<(), ServiceError> {
        for claim in self.store.claims_on(verified.name.as_str()).await? {
            if claim.id == verified.id || claim.is_verified() {
                continue;
            }
            let audit = AuditEntry::by_system(
                &claim.organization.id,
                AuditAction::DomainDeleted,
                "domain_verified_elsewhere",
                self.clock.now(),
                self.policy.audit_retention_days,
            )
            .target("organization_domain", &claim.id)
            .with("name", claim.name.as_str());
            match self.store.delete_domain(&claim, &audit).await {
                Ok(()) | Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// One domain of the organization (one query).
    pub async fn get_domain(
        &self,
        org_id: &OrganizationId,
        id: &DomainId,
    ) -> Result<OrgDomain, ServiceError> {
        self.store
            .get_domain(org_id, id)
            .await?
            .ok_or(ServiceError::NotFound("organization domain"))
    }

    /// `GET /v1/organizations/{org}/domains`: at most 10 domains, one query, filtered in hand.
    pub async fn list_domains(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        filter: &DomainFilter,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<OrgDomain>, u64), ServiceError> {
        self.authorize_reader(actor, org_id).await?;
        let all: Vec<OrgDomain> = self
            .store
            .organization_domains(org_id)
            .await?
            .into_iter()
            .filter(|d| filter.admits(d))
            .collect();
        let total = all.len() as u64;
        Ok((
            all.into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .collect(),
            total,
        ))
    }

    /// `DELETE …/domains/{id}`: its offers withdrawn (automatic invitations revoked), then the
    /// domain, its claim and its verified marker in one transaction.
    pub async fn delete_domain(
        &self,
        org_id: &OrganizationId,
        id: &DomainId,
    ) -> Result<OrgDomain, ServiceError> {
        let domain = self.get_domain(org_id, id).await?;
        self.withdraw_offers(&domain).await?;
        let now = self.clock.now();
        let audit = self.domain_audit(&domain, AuditAction::DomainDeleted, &Actor::Backend, now);
        match self.store.delete_domain(&domain, &audit).await {
            Ok(()) | Err(StoreError::NotFound) => Ok(domain),
            Err(e) => Err(e.into()),
        }
    }
}
