//! Changing a domain: its mode or verification by a backend, Clerk's ownership override, and
//! the one read-change-write every change goes through (a code's outcome too), with what a
//! change asks of others: offers withdrawn, other organizations' claims removed.

use super::domains::DomainPatch;
use super::retry::retry_on_contention;
use super::{Actor, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::org_domain::{DomainRefusal, OrgDomain, Verification, VerificationStrategy};
use crate::domain::{DomainId, OrganizationId};
use crate::store::StoreError;

impl Service {
    /// `PATCH …/domains/{id}` (backends): its mode, or whether it is verified. One query, one
    /// transaction (again when a concurrent change wins); then, when it stops offering or offers
    /// something else, its offers are withdrawn, and when it becomes verified, other claims go.
    pub async fn update_domain(
        &self,
        org_id: &OrganizationId,
        id: &DomainId,
        patch: DomainPatch,
    ) -> Result<OrgDomain, ServiceError> {
        if let Some(mode) = patch.enrollment_mode {
            self.mode_allowed(mode)?;
        } else {
            self.domain_settings()?;
        }
        self.change_domain(
            org_id,
            id,
            &Actor::Backend,
            AuditAction::DomainUpdated,
            |d, now| {
                if let Some(mode) = patch.enrollment_mode {
                    d.enrollment_mode = mode;
                }
                match patch.verified {
                    Some(true) if !d.is_verified() => {
                        d.affiliation =
                            Some(Verification::granted(VerificationStrategy::Admin, now));
                    }
                    Some(false) => {
                        d.affiliation = Some(Verification::unverified());
                        d.ownership = None;
                    }
                    _ => {}
                }
                Ok(())
            },
        )
        .await
    }

    /// `POST …/domains/{id}/verify_ownership` (backends): Clerk's manual override. A domain
    /// whose ownership is verified already is answered as it is, unchanged.
    pub async fn verify_ownership(
        &self,
        org_id: &OrganizationId,
        id: &DomainId,
    ) -> Result<OrgDomain, ServiceError> {
        self.domain_settings()?;
        self.change_domain(
            org_id,
            id,
            &Actor::Backend,
            AuditAction::DomainVerified,
            |d, now| {
                if d.ownership.is_none() || !d.is_verified() {
                    d.ownership = Some(Verification::granted(
                        VerificationStrategy::ManualOverride,
                        now,
                    ));
                }
                Ok(())
            },
        )
        .await
    }

    /// Reads the domain, applies `change` (which may refuse), writes it if it changed, and
    /// does what the change asks of others (offers withdrawn, other claims removed).
    pub(super) async fn change_domain(
        &self,
        org_id: &OrganizationId,
        id: &DomainId,
        actor: &Actor,
        action: AuditAction,
        change: impl Fn(&mut OrgDomain, crate::clock::Millis) -> Result<(), ServiceError>,
    ) -> Result<OrgDomain, ServiceError> {
        let (read, written) = retry_on_contention(|| async {
            let read = self.get_domain(org_id, id).await?;
            let now = self.clock.now().max(read.updated_at + 1);
            let mut updated = read.clone();
            change(&mut updated, now)?;
            if updated == read {
                return Ok((read.clone(), read));
            }
            updated.updated_at = now;
            // A code that did not verify is recorded as the change it is.
            let action = match action {
                AuditAction::DomainVerified if !updated.is_verified() => AuditAction::DomainUpdated,
                other => other,
            };
            let audit = self.domain_audit(&updated, action, actor, now);
            match self.store.update_domain(&read, &updated, &audit).await {
                Ok(()) => Ok((read, updated)),
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization domain")),
                Err(StoreError::DomainVerifiedElsewhere) => {
                    Err(DomainRefusal::VerifiedElsewhere.into())
                }
                Err(e) => Err(e.into()),
            }
        })
        .await?;
        if read.offers() && (!written.offers() || read.enrollment_mode != written.enrollment_mode) {
            self.withdraw_offers(&written).await?;
        }
        if written.is_verified() && !read.is_verified() {
            self.clear_other_claims(&written).await?;
        }
        Ok(written)
    }
}
