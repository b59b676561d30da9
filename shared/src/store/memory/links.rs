//! Shareable links in memory: each organization's links by creation (DynamoDB's GSI1
//! `ORG#{org}#LINKS`), each link's joins per hour, and redemption under the one lock with the
//! same checks, in the same order, as the DynamoDB transaction.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;

use super::{key, MemoryStore, OrgKey, Tables};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::invitation_link::{join_window, InvitationLink, InvitationLinkId, LinkStatus};
use crate::domain::limits::{LimitKey, LimitWrite};
use crate::domain::listing::time_key;
use crate::domain::{Invitation, InvitationStatus, OrganizationId, UserId};
use crate::store::change::ChangeRecord;
use crate::store::{LinkStore, RedeemedInto, Redemption, RedemptionContext, StoreError};

#[derive(Default)]
pub(super) struct Links {
    links: HashMap<OrgKey, InvitationLink>,
    by_org: HashMap<OrganizationId, BTreeMap<String, InvitationLinkId>>,
    joins: HashMap<(InvitationLinkId, i64), u32>,
}

fn created_key(l: &InvitationLink) -> String {
    format!("{}#{}", time_key(l.created_at), l.id)
}

impl Tables {
    fn put_link(&mut self, old: Option<InvitationLink>, new: InvitationLink) {
        self.links
            .links
            .insert(key(new.organization_id(), new.id.as_str()), new.clone());
        self.feed(ChangeRecord::InvitationLink {
            old: old.map(Box::new),
            new: Some(Box::new(new)),
        });
    }

    /// The invitation a redemption makes, born accepted: in every index an accepted
    /// invitation is in, and counted as made and accepted.
    fn record_redeemed(&mut self, inv: &Invitation) {
        let org_id = inv.organization.id.as_str();
        let mut pending = inv.clone();
        pending.stored_status = InvitationStatus::Pending;
        let index = self
            .invitation_index
            .entry(inv.organization.id.clone())
            .or_default();
        index.add(&pending);
        index.settle(&pending, InvitationStatus::Accepted);
        let stored = self.index_new_invitation(inv);
        if let Some(counts) = self
            .address_counts
            .get_mut(&key(org_id, inv.email_address.key()))
        {
            counts.settled.accepted += 1;
        }
        if let Some(org) = self.organizations.get_mut(org_id) {
            org.settled_invitations.accepted += 1;
        }
        self.feed_invitation(None, Some(stored));
    }
}

#[async_trait]
impl LinkStore for MemoryStore {
    async fn insert_link(
        &self,
        link: &InvitationLink,
        limits: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut t = self.tables();
        if !t.organizations.contains_key(link.organization_id()) {
            return Err(StoreError::NotFound);
        }
        if !t.limits_unchanged(limits) {
            return Err(StoreError::Contention);
        }
        if t.links
            .links
            .contains_key(&key(link.organization_id(), link.id.as_str()))
        {
            return Err(StoreError::AlreadyExists);
        }
        t.links
            .by_org
            .entry(link.organization_id().clone())
            .or_default()
            .insert(created_key(link), link.id.clone());
        t.put_link(None, link.clone());
        t.store_limits(limits);
        t.audit(audit);
        Ok(())
    }

    async fn get_link(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationLinkId,
    ) -> Result<Option<InvitationLink>, StoreError> {
        Ok(self
            .tables()
            .links
            .links
            .get(&key(organization_id, id.as_str()))
            .cloned())
    }

    async fn links(
        &self,
        organization_id: &OrganizationId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<InvitationLink>, u64), StoreError> {
        let t = self.tables();
        let Some(index) = t.links.by_org.get(organization_id) else {
            return Ok((Vec::new(), 0));
        };
        let page = index
            .values()
            .rev()
            .skip(offset as usize)
            .take(limit as usize)
            .filter_map(|id| {
                t.links
                    .links
                    .get(&key(organization_id, id.as_str()))
                    .cloned()
            })
            .collect();
        Ok((page, index.len() as u64))
    }

    async fn revoke_link(
        &self,
        link: &InvitationLink,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<InvitationLink, StoreError> {
        let mut t = self.tables();
        let current = t
            .links
            .links
            .get(&key(link.organization_id(), link.id.as_str()))
            .cloned()
            .ok_or(StoreError::NotFound)?;
        if current.revoked_at.is_some() {
            return Err(StoreError::Contention);
        }
        let mut revoked = current.clone();
        revoked.revoked_at = Some(now);
        revoked.updated_at = now;
        t.put_link(Some(current), revoked.clone());
        t.audit(audit);
        Ok(revoked)
    }

    async fn redemption_context(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationLinkId,
        user_id: &UserId,
        limit_keys: &[LimitKey],
    ) -> Result<RedemptionContext, StoreError> {
        let t = self.tables();
        Ok(RedemptionContext {
            link: t
                .links
                .links
                .get(&key(organization_id, id.as_str()))
                .cloned(),
            organization: t.organizations.get(organization_id).cloned(),
            already_member: t.memberships.contains_key(&key(organization_id, user_id)),
            limits: t.limit_states(limit_keys),
        })
    }

    async fn redeem_link(&self, r: &Redemption<'_>, audit: &AuditEntry) -> Result<(), StoreError> {
        let mut t = self.tables();
        let org_id = r.link.organization_id();
        let current = t
            .links
            .links
            .get(&key(org_id, r.link.id.as_str()))
            .cloned()
            .ok_or(StoreError::NotFound)?;
        if current.status(r.now) != LinkStatus::Active {
            return Err(StoreError::Contention);
        }
        let window = (r.link.id.clone(), join_window(r.now));
        if t.links.joins.get(&window).copied().unwrap_or(0) >= r.joins_per_hour {
            return Err(StoreError::HourlyCapReached);
        }
        match &r.into {
            RedeemedInto::Member {
                invitation,
                membership,
            } => {
                t.admit_member(membership)?;
                t.record_redeemed(invitation);
            }
            RedeemedInto::Request(request) => {
                if t.memberships.contains_key(&key(org_id, &request.user_id)) {
                    return Err(StoreError::AlreadyMember);
                }
                if t.offers.has_pending_request(org_id, &request.user_id) {
                    return Err(StoreError::AlreadyExists);
                }
                t.offers.file(request);
                t.feed(ChangeRecord::MembershipRequest {
                    old: None,
                    new: Some(Box::new((*request).clone())),
                });
            }
        }
        *t.links.joins.entry(window).or_default() += 1;
        let mut used = current.clone();
        used.uses += 1;
        used.last_used_at = Some(r.now);
        used.updated_at = r.now;
        t.put_link(Some(current), used);
        t.audit(audit);
        Ok(())
    }
}
