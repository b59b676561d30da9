//! Shareable invitation links on the table. A link is `ORG#{org}` / `LINK#{id}`, on GSI1
//! `ORG#{org}#LINKS` by creation; its hour's joins are `LINKJOINS#{id}#{hour}` (expiring);
//! the organization counts the links made (`invitation_links_count`).

use async_trait::async_trait;

use super::codec::{self, key, n, s, ACCEPTED_COUNT};
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM, HAS_FREE_SEAT, NEW_ITEM};
use super::{keys, limits, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::invitation_link::{join_window, InvitationLink, InvitationLinkId};
use crate::domain::limits::{LimitKey, LimitWrite};
use crate::domain::membership_request::RequestStatus;
use crate::domain::{Invitation, OrganizationId, UserId};
use crate::store::{LinkStore, RedeemedInto, Redemption, RedemptionContext, StoreError};

/// Counted only while not revoked, unexpired and under the cap.
const USABLE: &str = "attribute_not_exists(revoked_at) AND expires_at > :now AND uses < max_uses";

impl DynamoStore {
    /// The invitation a redemption makes, born accepted: its item (kept as long as any
    /// settled one), its pointer and its address's counters (made and accepted). Returns the
    /// invitation's index.
    fn redeemed_invitation(&self, tx: &mut Tx<'_>, inv: &Invitation) -> Result<usize, StoreError> {
        let mut item = codec::invitation_item(inv);
        item.insert(
            keys::TTL.into(),
            n(inv.updated_at.div_euclid(1000) + self.retention_secs),
        );
        let index = tx.put_new(item)?;
        tx.put_new(codec::invitation_pointer_item(inv))?;
        tx.count_for_address(
            &inv.organization.id,
            inv.email_address.key(),
            &[keys::SENT_COUNT, ACCEPTED_COUNT],
        )?;
        Ok(index)
    }
}

#[async_trait]
impl LinkStore for DynamoStore {
    /// One transaction: the link (only if new), the organization's count (only if it exists),
    /// the creator's limit logs (on the versions read), the audit entry.
    async fn insert_link(
        &self,
        link: &InvitationLink,
        limit_writes: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(self.table());
        let link_index = tx.put_new(codec::link_item(link))?;
        let org_index = tx.update(
            keys::organization(link.organization_id()),
            &format!("ADD {} :one", keys::LINKS_COUNT),
            EXISTING_ITEM,
            Params::new().value(":one", n(1)),
        )?;
        let first_limit = org_index + 1;
        for w in limit_writes {
            tx.put_limit(w)?;
        }
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            // The link's id is new to this write: an item under it is this write, applied.
            TxOutcome::Cancelled(r) if failed(&r, link_index) => Ok(()),
            TxOutcome::Cancelled(r) if failed(&r, org_index) => Err(StoreError::NotFound),
            TxOutcome::Cancelled(r)
                if (first_limit..first_limit + limit_writes.len()).any(|i| failed(&r, i)) =>
            {
                Err(StoreError::Contention)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One `GetItem`.
    async fn get_link(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationLinkId,
    ) -> Result<Option<InvitationLink>, StoreError> {
        self.get(keys::invitation_link(organization_id, id))
            .await?
            .as_ref()
            .map(codec::link_from)
            .transpose()
    }

    /// One round trip: a `Query` of the page (and the offset before it) on GSI1, beside a
    /// `GetItem` of the organization's count.
    async fn links(
        &self,
        organization_id: &OrganizationId,
        offset: u32,
        limit: u32,
    ) -> Result<(Vec<InvitationLink>, u64), StoreError> {
        let (page, org) = tokio::try_join!(
            self.newest_on_gsi1(keys::links_partition(organization_id), offset, limit),
            self.get(keys::organization(organization_id))
        )?;
        let total = match org {
            Some(item) => codec::Reader::new(&item, "organization").counter(keys::LINKS_COUNT)?,
            None => 0,
        };
        let data = page
            .iter()
            .map(codec::link_from)
            .collect::<Result<_, _>>()?;
        Ok((data, total))
    }

    /// One transaction: the link, only if not revoked yet, and the audit entry.
    async fn revoke_link(
        &self,
        link: &InvitationLink,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<InvitationLink, StoreError> {
        let mut tx = Tx::new(self.table());
        let index = tx.update(
            keys::invitation_link(link.organization_id(), &link.id),
            "SET revoked_at = :now, updated_at = :now",
            &format!("{EXISTING_ITEM} AND attribute_not_exists(revoked_at)"),
            Params::new().value(":now", n(now)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => {
                let mut revoked = link.clone();
                revoked.revoked_at = Some(now);
                revoked.updated_at = now;
                Ok(revoked)
            }
            TxOutcome::Cancelled(r) if failed(&r, index) => Err(match old_item(&r, index) {
                Some(_) => StoreError::Contention,
                None => StoreError::NotFound,
            }),
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One `BatchGetItem`: the link, the organization, the person's membership, their limit
    /// logs.
    async fn redemption_context(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationLinkId,
        user_id: &UserId,
        limit_keys: &[LimitKey],
    ) -> Result<RedemptionContext, StoreError> {
        let mut wanted = vec![
            key(keys::invitation_link(organization_id, id)),
            key(keys::organization(organization_id)),
            key(keys::membership(organization_id, user_id)),
        ];
        wanted.extend(limits::limit_keys(limit_keys));
        let mut ctx = RedemptionContext::default();
        let mut logs = limits::FoundLogs::default();
        for item in self.batch_get(wanted).await? {
            match codec::entity(&item) {
                Some("invitation_link") => ctx.link = Some(codec::link_from(&item)?),
                Some("membership") => ctx.already_member = true,
                Some("organization") => ctx.organization = Some(codec::organization_from(&item)?),
                Some("limit_log") => logs.add(&item)?,
                _ => {
                    return Err(StoreError::Corrupt(
                        "unexpected item in redemption context".into(),
                    ))
                }
            }
        }
        ctx.limits = logs.states(limit_keys);
        Ok(ctx)
    }

    /// One `TransactWriteItems`: the link's use (`USABLE`), the hour's count (under the cap),
    /// and either the invitation born accepted, the organization (a seat taken, under the
    /// maximum) and the membership's items, or the request, its requester's pending marker,
    /// the request counters and a check that the person is no member; and the audit entry.
    /// Nothing fewer keeps the cap exact: the use and what it makes commit together.
    async fn redeem_link(&self, r: &Redemption<'_>, audit: &AuditEntry) -> Result<(), StoreError> {
        let org_id = r.link.organization_id();
        let mut tx = Tx::new(self.table());
        let link_index = tx.update(
            keys::invitation_link(org_id, &r.link.id),
            "SET uses = uses + :one, last_used_at = :now, updated_at = :now",
            USABLE,
            Params::new().value(":one", n(1)).value(":now", n(r.now)),
        )?;
        let window_index = tx.update(
            keys::link_joins(org_id, &r.link.id, join_window(r.now)),
            "ADD joins :one SET entity = :entity, #ttl = :ttl",
            "attribute_not_exists(joins) OR joins < :cap",
            Params::new()
                .name("#ttl", keys::TTL)
                .value(":one", n(1))
                .value(":entity", s("link_joins"))
                .value(":cap", n(r.joins_per_hour))
                .value(":ttl", n(r.now.div_euclid(1000) + 2 * 3600)),
        )?;
        let (own_index, member_range) = match &r.into {
            RedeemedInto::Member {
                invitation,
                membership,
            } => {
                let own = self.redeemed_invitation(&mut tx, invitation)?;
                let org_index = tx.update(
                    keys::organization(org_id),
                    &format!(
                        "ADD members_count :one, seats_used :one, {ACCEPTED_COUNT} :one \
                         SET updated_at = :now"
                    ),
                    HAS_FREE_SEAT,
                    Params::new()
                        .value(":one", n(1))
                        .value(":zero", n(0))
                        .value(":now", n(r.now)),
                )?;
                let first_member = self.member_items(&mut tx, membership)?;
                (own, Some((org_index, first_member)))
            }
            RedeemedInto::Request(request) => {
                let own = tx.put_new(codec::request_item(request))?;
                let marker = tx.put_new(
                    key(keys::pending_requester(org_id, &request.user_id))
                        .into_iter()
                        .chain([("request_id".to_string(), s(request.id.as_str()))])
                        .collect(),
                )?;
                tx.update(
                    keys::request_counters(org_id),
                    "ADD #p :one",
                    "",
                    Params::new()
                        .name("#p", RequestStatus::Pending.as_str())
                        .value(":one", n(1)),
                )?;
                let member = tx.check(
                    keys::membership(org_id, &request.user_id),
                    NEW_ITEM,
                    Params::new(),
                )?;
                (own, Some((marker, member)))
            }
        };
        tx.audit(audit)?;
        let reasons = match tx.send(self.client()).await? {
            TxOutcome::Committed => return Ok(()),
            TxOutcome::Cancelled(reasons) => reasons,
        };
        // The invitation's (or request's) id is new to this write: an item under it is this
        // write, applied before its answer was lost.
        if failed(&reasons, own_index) {
            return Ok(());
        }
        if failed(&reasons, link_index) {
            return Err(match old_item(&reasons, link_index) {
                Some(_) => StoreError::Contention,
                None => StoreError::NotFound,
            });
        }
        if failed(&reasons, window_index) {
            return Err(StoreError::HourlyCapReached);
        }
        match (&r.into, member_range) {
            (RedeemedInto::Member { .. }, Some((org_index, first_member))) => {
                if (first_member..reasons.len()).any(|i| failed(&reasons, i)) {
                    return Err(StoreError::AlreadyMember);
                }
                if failed(&reasons, org_index) {
                    return Err(match old_item(&reasons, org_index) {
                        Some(_) => StoreError::QuotaExceeded,
                        None => StoreError::NotFound,
                    });
                }
            }
            (RedeemedInto::Request(_), Some((marker, member))) => {
                if failed(&reasons, member) {
                    return Err(StoreError::AlreadyMember);
                }
                if failed(&reasons, marker) {
                    return Err(StoreError::AlreadyExists);
                }
            }
            _ => {}
        }
        Err(unexplained(&reasons))
    }
}
