//! Membership requests, for an organization's admins (a backend, or a signed-in person who
//! manages memberships): listed by status, accepted (a membership with the instance's domain
//! role, seats respected) or rejected. Each answer is one conditional transaction on the
//! request's pending status, so two answers at once make one outcome and one membership; an
//! answer given again is answered as it stands.

use super::retry::retry_on_contention;
use super::{Actor, Service, ServiceError};
use crate::domain::audit::AuditAction;
use crate::domain::membership_request::{MembershipRequest, RequestStatus};
use crate::domain::org_domain::DomainRefusal;
use crate::domain::{Membership, MembershipRequestId, Metadata, OrganizationId};
use crate::ids::new_id;
use crate::store::StoreError;
use crate::telemetry;

impl Service {
    /// One page of the status's index and the organization's request counters.
    pub async fn membership_requests(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        status: RequestStatus,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<MembershipRequest>, u64), ServiceError> {
        self.domain_admin(actor, org_id).await?;
        Ok(self.store.requests(org_id, status, offset, limit).await?)
    }

    async fn pending_request(
        &self,
        org_id: &OrganizationId,
        id: &MembershipRequestId,
    ) -> Result<MembershipRequest, ServiceError> {
        self.store
            .get_request(org_id, id)
            .await?
            .ok_or(ServiceError::NotFound("membership request"))
    }

    /// Reads the request, then one transaction; a concurrent answer makes it read again.
    pub async fn accept_membership_request(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        id: &MembershipRequestId,
    ) -> Result<MembershipRequest, ServiceError> {
        self.domain_admin(actor, org_id).await?;
        retry_on_contention(|| async {
            let read = self.pending_request(org_id, id).await?;
            match read.status {
                RequestStatus::Accepted => return Ok(read),
                RequestStatus::Rejected => return Err(DomainRefusal::RequestAnswered.into()),
                RequestStatus::Pending => {}
            }
            let now = self.clock.now();
            let membership = Membership {
                id: new_id("orgmem"),
                organization_id: org_id.clone(),
                user_id: read.user_id.clone(),
                // A link's request joins with the link's role; a domain's with the domain role.
                role: read
                    .role
                    .clone()
                    .unwrap_or_else(|| self.policy.domains.default_role.clone()),
                public_metadata: Metadata::default(),
                private_metadata: Metadata::default(),
                public_user_data: read.public_user_data.clone(),
                email_keys: read.email_keys.clone(),
                created_at: now,
                updated_at: now,
            };
            let audit = self
                .audit_by(
                    org_id,
                    AuditAction::MembershipRequestAccepted,
                    actor,
                    None,
                    now,
                )
                .target("organization_membership_request", &read.id)
                .with("user_id", read.user_id.as_str())
                .with("role", membership.role.as_str());
            match self.store.accept_request(&read, &membership, &audit).await {
                Ok(accepted) => {
                    telemetry::count_by(telemetry::MEMBERSHIP_REQUESTS, "outcome", "accepted");
                    Ok(accepted)
                }
                Err(StoreError::AlreadyMember) => Err(ServiceError::AlreadyMember),
                Err(StoreError::QuotaExceeded) => Err(ServiceError::QuotaExceeded),
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("membership request")),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    pub async fn reject_membership_request(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        id: &MembershipRequestId,
    ) -> Result<MembershipRequest, ServiceError> {
        self.domain_admin(actor, org_id).await?;
        retry_on_contention(|| async {
            let read = self.pending_request(org_id, id).await?;
            match read.status {
                RequestStatus::Rejected => return Ok(read),
                RequestStatus::Accepted => return Err(DomainRefusal::RequestAnswered.into()),
                RequestStatus::Pending => {}
            }
            let now = self.clock.now();
            let audit = self
                .audit_by(
                    org_id,
                    AuditAction::MembershipRequestRejected,
                    actor,
                    None,
                    now,
                )
                .target("organization_membership_request", &read.id)
                .with("user_id", read.user_id.as_str());
            match self.store.reject_request(&read, now, &audit).await {
                Ok(rejected) => {
                    telemetry::count_by(telemetry::MEMBERSHIP_REQUESTS, "outcome", "rejected");
                    Ok(rejected)
                }
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("membership request")),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }
}
