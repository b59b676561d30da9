//! A list bound to statuses: per stored status asked for, one page of GSI4 (the organization's
//! invitations in that status, by creation); for `expired` asked without `pending`, the pending
//! invitations past their expiry from one page of GSI5 (their created keys projected), and a
//! `BatchGetItem` of those the page takes. Merged in the page's order.

use super::super::codec::{self, s, Item};
use super::super::{keys, DynamoStore};
use crate::clock::Millis;
use crate::domain::listing::{after_cursor, merge_sources, PageStart, Source};
use crate::domain::{Invitation, InvitationQuery, OrganizationId};
use crate::store::StoreError;

impl DynamoStore {
    /// The page (one more than its limit, to tell whether another follows), and how many
    /// pending invitations are past their expiry when that was read.
    pub(super) async fn status_page(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        sources: &[Source],
        now: Millis,
    ) -> Result<(Vec<Invitation>, Option<u64>), StoreError> {
        let (skip, cursor) = match &query.page.start {
            PageStart::Offset(n) => (*n as usize, None),
            PageStart::After(cursor) => (0, Some(cursor.sort_key.as_str())),
        };
        let wanted = skip + query.page.limit as usize + 1;
        let reads = sources.iter().map(|source| async move {
            match *source {
                Source::Stored {
                    status,
                    unlapsed_only,
                } => {
                    let items = self
                        .query_up_to(
                            || self.status_query(org_id, query, status, unlapsed_only, cursor, now),
                            None,
                            wanted,
                        )
                        .await?;
                    let invitations = items
                        .iter()
                        .map(codec::invitation_from)
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok::<_, StoreError>((invitations, None))
                }
                Source::Lapsed => {
                    let (invitations, count) =
                        self.lapsed_page(org_id, query, cursor, wanted, now).await?;
                    Ok((invitations, Some(count)))
                }
            }
        });
        let mut parts = Vec::new();
        let mut lapsed = None;
        for read in futures::future::try_join_all(reads).await? {
            parts.push(read.0);
            lapsed = lapsed.or(read.1);
        }
        let page = merge_sources(parts, query.order, skip, query.page.limit as usize + 1);
        Ok((page, lapsed))
    }

    /// One status's partition of GSI4 from the cursor on, in the page's order; the pending
    /// ones past their expiry left out when `unlapsed_only`.
    fn status_query(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        status: crate::domain::InvitationStatus,
        unlapsed_only: bool,
        cursor: Option<&str>,
        now: Millis,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let mut q = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI4)
            .expression_attribute_values(":pk", s(keys::status_partition(org_id, status)))
            .scan_index_forward(query.order.ascending());
        q = match cursor {
            Some(after) => q
                .key_condition_expression(if query.order.ascending() {
                    "GSI4PK = :pk AND GSI4SK > :after"
                } else {
                    "GSI4PK = :pk AND GSI4SK < :after"
                })
                .expression_attribute_values(":after", s(after)),
            None => q.key_condition_expression("GSI4PK = :pk"),
        };
        if unlapsed_only {
            q = q
                .filter_expression("expires_at > :now")
                .expression_attribute_values(":now", codec::n(now));
        }
        q
    }

    /// The pending invitations past their expiry that fall in the page (read whole), and how
    /// many are past it in all (at most `LAPSED_READ_LIMIT`): one `Query` of GSI5 below now,
    /// and a `BatchGetItem` when any falls in the page.
    async fn lapsed_page(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        cursor: Option<&str>,
        wanted: usize,
        now: Millis,
    ) -> Result<(Vec<Invitation>, u64), StoreError> {
        let found = self.lapsed_entries_of(org_id, now).await?;
        let count = found.len() as u64;
        let created = |item: &Item| {
            item.get(keys::GSI4SK)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
        let mut in_page: Vec<&Item> = found
            .iter()
            .filter(|item| after_cursor(&created(item), cursor, query.order))
            .collect();
        in_page.sort_by_key(|item| created(item));
        if !query.order.ascending() {
            in_page.reverse();
        }
        in_page.truncate(wanted);
        if in_page.is_empty() {
            return Ok((Vec::new(), count));
        }
        let keys_wanted = in_page
            .iter()
            .filter_map(|item| {
                let (pk, sk) = (item.get(keys::PK)?.clone(), item.get(keys::SK)?.clone());
                Some([(keys::PK.to_string(), pk), (keys::SK.to_string(), sk)].into())
            })
            .collect();
        let invitations = self
            .batch_get(keys_wanted)
            .await?
            .iter()
            .map(codec::invitation_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((invitations, count))
    }
}
