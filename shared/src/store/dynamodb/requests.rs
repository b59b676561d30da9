//! Membership requests answered on the table: one `TransactWriteItems` each, on the request's
//! pending status (accept: with the seat and the membership's items).

use super::codec::{n, s};
use super::tx::{failed, old_item, Params, Tx, TxOutcome};
use super::{keys, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::membership_request::{MembershipRequest, RequestStatus};
use crate::domain::Membership;
use crate::store::StoreError;

impl DynamoStore {
    /// The request moved from pending to `status`: its item (only if still pending), its
    /// requester's pending marker, and the counters. The request's item index.
    fn answer_request(
        tx: &mut Tx<'_>,
        r: &MembershipRequest,
        status: RequestStatus,
        now: Millis,
    ) -> Result<usize, StoreError> {
        let index = tx.update(
            keys::membership_request(&r.organization_id, &r.id),
            "SET #st = :to, updated_at = :now, GSI1PK = :part",
            "#st = :pending",
            Params::new()
                .name("#st", "status")
                .value(":to", s(status.as_str()))
                .value(":pending", s(RequestStatus::Pending.as_str()))
                .value(":now", n(now))
                .value(
                    ":part",
                    s(keys::requests_partition(&r.organization_id, status)),
                ),
        )?;
        tx.delete(
            keys::pending_requester(&r.organization_id, &r.user_id),
            "",
            Params::new(),
        )?;
        tx.update(
            keys::request_counters(&r.organization_id),
            "ADD #from :minus, #to :one",
            "",
            Params::new()
                .name("#from", RequestStatus::Pending.as_str())
                .name("#to", status.as_str())
                .value(":minus", n(-1))
                .value(":one", n(1)),
        )?;
        Ok(index)
    }

    /// What went wrong with a request's answer: answered meanwhile, or gone.
    async fn request_cancelled(&self, r: &MembershipRequest) -> Result<StoreError, StoreError> {
        Ok(
            match self
                .get(keys::membership_request(&r.organization_id, &r.id))
                .await?
            {
                Some(_) => StoreError::Contention,
                None => StoreError::NotFound,
            },
        )
    }

    pub(super) async fn write_accepted_request(
        &self,
        request: &MembershipRequest,
        m: &Membership,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError> {
        let mut tx = Tx::new(self.table());
        let request_index =
            Self::answer_request(&mut tx, request, RequestStatus::Accepted, m.created_at)?;
        let (org_index, member_index) = self.admit_member(&mut tx, m)?;
        tx.audit(audit)?;
        let r = match tx.send(self.client()).await? {
            TxOutcome::Committed => {
                let mut answered = request.clone();
                answered.status = RequestStatus::Accepted;
                answered.updated_at = m.created_at;
                return Ok(answered);
            }
            TxOutcome::Cancelled(r) => r,
        };
        if failed(&r, request_index) {
            return Err(self.request_cancelled(request).await?);
        }
        if (member_index..r.len()).any(|i| failed(&r, i)) {
            return Err(StoreError::AlreadyMember);
        }
        if failed(&r, org_index) {
            return Err(match old_item(&r, org_index) {
                Some(_) => StoreError::QuotaExceeded,
                None => StoreError::NotFound,
            });
        }
        Err(unexplained(&r))
    }

    pub(super) async fn write_rejected_request(
        &self,
        request: &MembershipRequest,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError> {
        let mut tx = Tx::new(self.table());
        let request_index = Self::answer_request(&mut tx, request, RequestStatus::Rejected, now)?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => {
                let mut answered = request.clone();
                answered.status = RequestStatus::Rejected;
                answered.updated_at = now;
                Ok(answered)
            }
            TxOutcome::Cancelled(r) if failed(&r, request_index) => {
                Err(self.request_cancelled(request).await?)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
