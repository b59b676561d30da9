//! Offers and membership requests in memory, with DynamoDB's indexes: each person's offers by
//! organization, each domain's offers, each organization's requests by status and creation,
//! and one pending request per (organization, person).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use async_trait::async_trait;

use super::{key, MemoryStore, OrgKey};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::membership_request::{
    request_sort_key, MembershipRequest, Offer, RequestStatus, Suggestion,
};
use crate::domain::{
    DomainId, InvitationId, Membership, MembershipRequestId, OrganizationId, UserId,
};
use crate::store::change::ChangeRecord;
use crate::store::{OfferStore, StoreError};

#[derive(Default)]
pub(super) struct Offers {
    by_user: HashMap<UserId, BTreeMap<OrganizationId, Offer>>,
    by_domain: HashMap<DomainId, BTreeSet<(UserId, OrganizationId)>>,
    requests: HashMap<OrgKey, MembershipRequest>,
    by_status: HashMap<(OrganizationId, RequestStatus), BTreeMap<String, MembershipRequestId>>,
    pending_requesters: HashMap<OrgKey, MembershipRequestId>,
}

impl Offers {
    pub(super) fn has(&self, user: &UserId, org: &str) -> bool {
        self.by_user.get(user).is_some_and(|o| o.contains_key(org))
    }

    pub(super) fn record(&mut self, user: &UserId, offer: Offer) {
        self.by_domain
            .entry(offer.domain_id().clone())
            .or_default()
            .insert((user.clone(), offer.organization_id().clone()));
        self.by_user
            .entry(user.clone())
            .or_default()
            .insert(offer.organization_id().clone(), offer);
    }

    pub(super) fn has_pending_request(&self, org: &str, user: &UserId) -> bool {
        self.pending_requesters.contains_key(&key(org, user))
    }

    pub(super) fn file(&mut self, r: &MembershipRequest) {
        self.by_status
            .entry((r.organization_id.clone(), r.status))
            .or_default()
            .insert(request_sort_key(r), r.id.clone());
        if r.status == RequestStatus::Pending {
            self.pending_requesters
                .insert(key(&r.organization_id, &r.user_id), r.id.clone());
        }
        self.requests
            .insert(key(&r.organization_id, &r.id), r.clone());
    }

    /// Moves a pending request to its answer.
    fn answer(
        &mut self,
        r: &MembershipRequest,
        status: RequestStatus,
        now: Millis,
    ) -> MembershipRequest {
        if let Some(i) = self
            .by_status
            .get_mut(&(r.organization_id.clone(), r.status))
        {
            i.remove(&request_sort_key(r));
        }
        self.pending_requesters
            .remove(&key(&r.organization_id, &r.user_id));
        let mut answered = r.clone();
        answered.status = status;
        answered.updated_at = now;
        self.file(&answered);
        answered
    }

    fn pending(&self, r: &MembershipRequest) -> Result<(), StoreError> {
        match self.requests.get(&key(&r.organization_id, &r.id)) {
            None => Err(StoreError::NotFound),
            Some(stored) if stored.status == RequestStatus::Pending => Ok(()),
            Some(_) => Err(StoreError::Contention),
        }
    }
}

#[async_trait]
impl OfferStore for MemoryStore {
    async fn offers_to(&self, user_id: &UserId) -> Result<Vec<Offer>, StoreError> {
        Ok(self
            .tables()
            .offers
            .by_user
            .get(user_id)
            .map(|o| o.values().cloned().collect())
            .unwrap_or_default())
    }

    async fn insert_suggestion(
        &self,
        s: &Suggestion,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if t.offers.has(&s.user_id, &s.organization.id) {
            return Err(StoreError::AlreadyExists);
        }
        t.offers.record(&s.user_id, Offer::Suggestion(s.clone()));
        t.domains.count(&s.organization.id, &s.domain_id, 0, 1);
        t.audit(audit);
        Ok(())
    }

    async fn accept_suggestion(
        &self,
        read: &Suggestion,
        request: &MembershipRequest,
        audit: &AuditEntry,
    ) -> Result<Suggestion, StoreError> {
        let (user_id, id) = (&read.user_id, &read.id);
        let mut t = self.tables();
        let found = t
            .offers
            .by_user
            .get(user_id)
            .and_then(|o| {
                o.values().find_map(|offer| match offer {
                    Offer::Suggestion(s) if s.id == id => Some(s.clone()),
                    _ => None,
                })
            })
            .ok_or(StoreError::NotFound)?;
        if found.accepted {
            return Err(StoreError::Contention);
        }
        if t.offers
            .pending_requesters
            .contains_key(&key(&request.organization_id, user_id))
        {
            return Err(StoreError::AlreadyExists);
        }
        let mut accepted = found.clone();
        accepted.accepted = true;
        accepted.updated_at = request.created_at;
        t.offers
            .record(user_id, Offer::Suggestion(accepted.clone()));
        t.domains
            .count(&found.organization.id, &found.domain_id, 0, -1);
        t.offers.file(request);
        t.feed(ChangeRecord::MembershipRequest {
            old: None,
            new: Some(Box::new(request.clone())),
        });
        t.audit(audit);
        Ok(accepted)
    }

    async fn withdraw_offers(
        &self,
        domain_id: &DomainId,
        organization_id: &OrganizationId,
    ) -> Result<Vec<InvitationId>, StoreError> {
        let mut t = self.tables();
        let made = t.offers.by_domain.remove(domain_id).unwrap_or_default();
        let mut invitations = Vec::new();
        for (user, org) in made {
            let Some(offers) = t.offers.by_user.get_mut(&user) else {
                continue;
            };
            match offers.remove(&org) {
                Some(Offer::Invitation { invitation_id, .. }) => invitations.push(invitation_id),
                Some(Offer::Suggestion(s)) if !s.accepted => {
                    t.domains.count(organization_id, domain_id, 0, -1);
                }
                _ => {}
            }
        }
        Ok(invitations)
    }

    async fn get_request(
        &self,
        organization_id: &OrganizationId,
        id: &MembershipRequestId,
    ) -> Result<Option<MembershipRequest>, StoreError> {
        Ok(self
            .tables()
            .offers
            .requests
            .get(&key(organization_id, id))
            .cloned())
    }

    async fn requests(
        &self,
        organization_id: &OrganizationId,
        status: RequestStatus,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<MembershipRequest>, u64), StoreError> {
        let t = self.tables();
        let Some(index) = t.offers.by_status.get(&(organization_id.clone(), status)) else {
            return Ok((Vec::new(), 0));
        };
        let page = index
            .values()
            .rev()
            .skip(offset as usize)
            .take(limit as usize)
            .filter_map(|id| t.offers.requests.get(&key(organization_id, id)).cloned())
            .collect();
        Ok((page, index.len() as u64))
    }

    async fn accept_request(
        &self,
        request: &MembershipRequest,
        m: &Membership,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError> {
        let mut t = self.tables();
        t.offers.pending(request)?;
        t.admit_member(m)?;
        let answered = t
            .offers
            .answer(request, RequestStatus::Accepted, m.created_at);
        t.feed(ChangeRecord::MembershipRequest {
            old: Some(Box::new(request.clone())),
            new: Some(Box::new(answered.clone())),
        });
        t.audit(audit);
        Ok(answered)
    }

    async fn reject_request(
        &self,
        request: &MembershipRequest,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<MembershipRequest, StoreError> {
        let mut t = self.tables();
        t.offers.pending(request)?;
        let answered = t.offers.answer(request, RequestStatus::Rejected, now);
        t.feed(ChangeRecord::MembershipRequest {
            old: Some(Box::new(request.clone())),
            new: Some(Box::new(answered.clone())),
        });
        t.audit(audit);
        Ok(answered)
    }
}
