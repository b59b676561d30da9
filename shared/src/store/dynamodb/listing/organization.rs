//! An organization's invitations: which index serves a query, its filter and paging.

use super::plan::IndexPlan;
use crate::clock::Millis;
use crate::domain::listing::{time_key, InvitationCounts, PageStart, Source, LAPSED_READ_LIMIT};
use crate::domain::{Invitation, InvitationQuery, OrganizationId, Page};
use crate::store::dynamodb::codec::{self, key, s, Item};
use crate::store::dynamodb::{keys, sdk_error, DynamoStore};
use crate::store::{OrganizationStore, StoreError};

impl DynamoStore {
    fn invitation_query(
        &self,
        plan: &IndexPlan,
        query: &InvitationQuery,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let mut q = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(plan.index)
            .key_condition_expression(plan.key_condition())
            .expression_attribute_values(":pk", s(&plan.partition))
            .scan_index_forward(query.order.ascending());
        if let Some(prefix) = &plan.sk_prefix {
            q = q.expression_attribute_values(":prefix", s(prefix));
        }
        q
    }

    /// Pending invitations whose expiry has passed (they read as expired): one page of GSI5
    /// keys below `now` (keys only), at most `LAPSED_READ_LIMIT`. The sweeper expires them every
    /// 5 minutes, so the page holds only the expiries since its last run, whatever the
    /// organization's age; past the limit (a sweeper far behind) the count stops there.
    pub(super) async fn count_lapsed(
        &self,
        org_id: &OrganizationId,
        now: Millis,
    ) -> Result<u64, StoreError> {
        Ok(self.lapsed_entries_of(org_id, now).await?.len() as u64)
    }

    /// The entries (keys, `GSI4SK`, `GSI10SK`) of the organization's pending invitations past
    /// their expiry: one `Query` of GSI5 below now, at most `LAPSED_READ_LIMIT`. What counts
    /// them and what places them in a page both read this.
    pub(super) async fn lapsed_entries_of(
        &self,
        org_id: &OrganizationId,
        now: Millis,
    ) -> Result<Vec<Item>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI5)
            .key_condition_expression("GSI5PK = :pk AND GSI5SK < :bound")
            .expression_attribute_values(":pk", s(keys::pending_partition(org_id)))
            .expression_attribute_values(":bound", s(time_key(now + 1)))
            .limit(LAPSED_READ_LIMIT as i32)
            .send()
            .await
            .map_err(sdk_error)?;
        if out.last_evaluated_key.is_some() {
            tracing::warn!(
                organization = %org_id,
                "more than {LAPSED_READ_LIMIT} lapsed invitations: is the sweeper running?"
            );
        }
        Ok(out.items.unwrap_or_default())
    }

    /// `total_count` from counters. Without an address filter: the organization's (one
    /// `GetItem`), plus the lapsed page when the filter needs it. With one: one `BatchGetItem`
    /// of the address's counters, its slot (is its pending invitation past expiry?) and the
    /// organization (does it exist?). Never the history.
    async fn invitation_total(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<u64, StoreError> {
        if let Some(email) = &query.email_key {
            let items = self
                .batch_get(vec![
                    key(keys::address_counts(organization_id, email)),
                    key(keys::pending_slot(organization_id, email)),
                    key(keys::organization(organization_id)),
                ])
                .await?;
            let sk_of = |item: &Item| item.get(keys::SK).and_then(|v| v.as_s().ok()).cloned();
            let find = |(_, sk): (String, String)| {
                items
                    .iter()
                    .find(|i| sk_of(i).as_deref() == Some(sk.as_str()))
            };
            if find(keys::organization(organization_id)).is_none() {
                return Err(StoreError::NotFound);
            }
            let (sent, settled) = match find(keys::address_counts(organization_id, email)) {
                Some(item) => codec::address_counts_from(item)?,
                None => Default::default(),
            };
            let lapsed = match find(keys::pending_slot(organization_id, email)) {
                Some(item) => codec::slot_from(item)?.expires_at <= now,
                None => false,
            };
            return Ok(query.total_from(&InvitationCounts::of_address(sent, settled, lapsed)));
        }
        let lapsed = async {
            match query.needs_lapsed_count() {
                true => self.count_lapsed(organization_id, now).await,
                false => Ok(0),
            }
        };
        let (org, lapsed) = tokio::join!(self.get_organization(organization_id), lapsed);
        let org = org?.ok_or(StoreError::NotFound)?;
        Ok(query.total_from(&InvitationCounts::of_organization(&org, lapsed?)))
    }
}

impl DynamoStore {
    /// A status-bound list (`by_status.rs`): one `Query` of GSI4 per status asked for (and the
    /// lapsed from GSI5), and concurrently `total_count` from the organization's counters
    /// (`GetItem`, plus the GSI5 count when `pending` is asked without `expired`). Otherwise
    /// one `Query` per page: GSI1 for creation order, GSI2 for address order or one address,
    /// with `total_count` alongside; a status filter on the address order is applied after
    /// reading (such a page continues until it is full or the index ends), and `offset` reads
    /// past the skipped items the same way.
    pub(super) async fn invitation_page(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError> {
        let limit = query.page.limit as usize;
        if let Some(sources) = query.status_sources() {
            let by_address = query.email_key.is_some() || query.order.by_email();
            let read = async {
                match by_address {
                    true => {
                        self.address_status_page(organization_id, query, &sources, now)
                            .await
                    }
                    false => {
                        self.status_page(organization_id, query, &sources, now)
                            .await
                    }
                }
            };
            // One address: its own counters. Otherwise the organization's, and the lapsed
            // count: the page's own read of GSI5 gives it when it makes one; `pending` alone
            // counts them with one more Query (stored pending − lapsed).
            let reads_lapsed = sources.contains(&Source::Lapsed);
            let total = async {
                if query.email_key.is_some() {
                    return Ok(None);
                }
                let counted = match !reads_lapsed && query.needs_lapsed_count() {
                    true => Some(self.count_lapsed(organization_id, now).await?),
                    false => None,
                };
                let org = self.get_organization(organization_id).await?;
                Ok(Some((org.ok_or(StoreError::NotFound)?, counted)))
            };
            let address_total = async {
                match query.email_key.is_some() {
                    true => Some(self.invitation_total(organization_id, query, now).await),
                    false => None,
                }
            };
            let (read, total, address_total) = tokio::join!(read, total, address_total);
            let (page, lapsed_read) = read?;
            let total_count = match (total?, address_total) {
                (_, Some(total)) => total?,
                (Some((org, counted)), None) => {
                    let lapsed = lapsed_read.or(counted).unwrap_or(0);
                    query.total_from(&InvitationCounts::of_organization(&org, lapsed))
                }
                (None, None) => 0,
            };
            return Ok(Page::from_overfetch(page, limit, query.order, total_count));
        }
        let plan = IndexPlan::for_query(organization_id, query);
        let (skip, start) = match &query.page.start {
            PageStart::Offset(n) => (*n as usize, None),
            PageStart::After(cursor) => (0, plan.start_key(organization_id, query, cursor)),
        };
        // One more than the page, to know whether another page follows.
        let wanted = skip + limit + 1;
        let page = async {
            self.query_up_to(|| self.invitation_query(&plan, query), start, wanted)
                .await?
                .iter()
                .skip(skip)
                .map(codec::invitation_from)
                .collect::<Result<Vec<_>, _>>()
        };
        let total = self.invitation_total(organization_id, query, now);
        let (page, total_count) = tokio::join!(page, total);
        Ok(Page::from_overfetch(
            page?,
            limit,
            query.order,
            total_count?,
        ))
    }
}
