//! Offers and membership requests on the table. Round trips:
//! - a person's offers: one `Query` of their `OFFER#` keys (one per organization at most);
//! - a suggestion made, accepted; a request accepted or rejected: one `TransactWriteItems`
//!   each (the offer or request, the one-pending-request marker, the counters, the membership's
//!   items when accepted, the audit entry);
//! - withdrawing a domain's offers: one `Query` page of its offers index per 100, one
//!   `TransactWriteItems` per 100 removed;
//! - a request: one `GetItem`; a page of requests: one `Query` of the status's index and one
//!   `GetItem` of the counters, concurrently. Answering one is in `requests.rs`.

use async_trait::async_trait;

use super::codec::{self, n, s, Item};
use super::tx::{failed, old_item, Params, Tx, TxOutcome};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::membership_request::{MembershipRequest, Offer, RequestStatus, Suggestion};
use crate::domain::{
    DomainId, InvitationId, Membership, MembershipRequestId, OrganizationId, UserId,
};
use crate::store::{OfferStore, StoreError};

/// Transactions take at most 100 items.
const TX_ITEMS: usize = 100;

impl DynamoStore {
    fn count_suggestion(tx: &mut Tx<'_>, sg: &Suggestion, by: i64) -> Result<usize, StoreError> {
        tx.update(
            keys::domain_counts(&sg.organization.id, &sg.domain_id),
            "ADD pending_suggestions :by",
            "",
            Params::new().value(":by", n(by)),
        )
    }
}

#[async_trait]
impl OfferStore for DynamoStore {
    async fn offers_to(&self, user_id: &UserId) -> Result<Vec<Offer>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", s(keys::user(user_id).0))
            .expression_attribute_values(":prefix", s(keys::OFFER_PREFIX))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        out.items
            .unwrap_or_default()
            .iter()
            .map(codec::offer_from)
            .collect()
    }

    async fn insert_suggestion(
        &self,
        sg: &Suggestion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(self.table());
        let offer_index = tx.put_new(codec::suggestion_item(sg))?;
        Self::count_suggestion(&mut tx, sg, 1)?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if failed(&r, offer_index) => Err(StoreError::AlreadyExists),
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    async fn accept_suggestion(
        &self,
        read: &Suggestion,
        request: &MembershipRequest,
        audit: &AuditEntry,
    ) -> Result<Suggestion, StoreError> {
        let mut accepted = read.clone();
        accepted.accepted = true;
        accepted.updated_at = request.created_at;
        let mut tx = Tx::new(self.table());
        let offer_index = tx.put(
            codec::suggestion_item(&accepted),
            "accepted = :no AND id = :id",
            Params::new()
                .value(":no", aws_sdk_dynamodb::types::AttributeValue::Bool(false))
                .value(":id", s(read.id.as_str())),
        )?;
        let request_index = tx.put_new(codec::request_item(request))?;
        let marker_index = tx.put_new(
            codec::key(keys::pending_requester(
                &request.organization_id,
                &request.user_id,
            ))
            .into_iter()
            .chain([("request_id".to_string(), s(request.id.as_str()))])
            .collect(),
        )?;
        Self::count_suggestion(&mut tx, read, -1)?;
        tx.update(
            keys::request_counters(&request.organization_id),
            "ADD #p :one",
            "",
            Params::new()
                .name("#p", RequestStatus::Pending.as_str())
                .value(":one", n(1)),
        )?;
        tx.audit(audit)?;
        let r = match tx.send(self.client()).await? {
            TxOutcome::Committed => return Ok(accepted),
            TxOutcome::Cancelled(r) => r,
        };
        // The request's id is new to this write: an item under it is this write, applied.
        if failed(&r, request_index) {
            return Ok(accepted);
        }
        if failed(&r, offer_index) {
            return Err(match old_item(&r, offer_index) {
                Some(_) => StoreError::Contention,
                None => StoreError::NotFound,
            });
        }
        if failed(&r, marker_index) {
            return Err(StoreError::AlreadyExists);
        }
        Err(unexplained(&r))
    }

    async fn withdraw_offers(
        &self,
        domain_id: &DomainId,
        organization_id: &OrganizationId,
    ) -> Result<Vec<InvitationId>, StoreError> {
        let mut invitations = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(":pk", s(keys::offers_of_domain(domain_id)))
                .limit(TX_ITEMS as i32 - 1)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(sdk_error)?;
            let items = out.items.unwrap_or_default();
            if !items.is_empty() {
                let mut tx = Tx::new(self.table());
                let mut withdrawn_suggestions = 0;
                for item in &items {
                    let user: UserId = codec::Reader::new(item, "offer").s("user_id")?;
                    match codec::offer_from(item)? {
                        Offer::Invitation { invitation_id, .. } => invitations.push(invitation_id),
                        Offer::Suggestion(sg) if !sg.accepted => withdrawn_suggestions += 1,
                        Offer::Suggestion(_) => {}
                    }
                    tx.delete(keys::offer(&user, organization_id), "", Params::new())?;
                }
                if withdrawn_suggestions > 0 {
                    tx.update(
                        keys::domain_counts(organization_id, domain_id),
                        "ADD pending_suggestions :by",
                        "",
                        Params::new().value(":by", n(-withdrawn_suggestions)),
                    )?;
                }
                if let TxOutcome::Cancelled(r) = tx.send(self.client()).await? {
                    return Err(unexplained(&r));
                }
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(invitations);
            }
        }
    }

    async fn get_request(
        &self,
        organization_id: &OrganizationId,
        id: &MembershipRequestId,
    ) -> Result<Option<MembershipRequest>, StoreError> {
        self.get(keys::membership_request(organization_id, id))
            .await?
            .as_ref()
            .map(codec::request_from)
            .transpose()
    }

    async fn requests(
        &self,
        organization_id: &OrganizationId,
        status: RequestStatus,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<MembershipRequest>, u64), StoreError> {
        let (page, counters) = tokio::try_join!(
            self.newest_on_gsi1(
                keys::requests_partition(organization_id, status),
                offset,
                limit
            ),
            self.get(keys::request_counters(organization_id))
        )?;
        let total = match counters {
            Some(item) => codec::Reader::new(&item, "request counters").counter(status.as_str())?,
            None => 0,
        };
        let data = page
            .iter()
            .map(codec::request_from)
            .collect::<Result<_, _>>()?;
        Ok((data, total))
    }

    async fn accept_request(
        &self,
        request: &MembershipRequest,
        m: &Membership,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError> {
        self.write_accepted_request(request, m, audit).await
    }

    async fn reject_request(
        &self,
        request: &MembershipRequest,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError> {
        self.write_rejected_request(request, now, audit).await
    }
}
