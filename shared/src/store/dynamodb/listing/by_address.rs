//! A status-bound list in address order, or for one address: per stored status asked for, one
//! page of GSI10 (the organization's invitations in that status by address; keys and
//! `expires_at` only); for `expired` asked without `pending`, the lapsed from GSI5 (which
//! projects their address key too). The entries are merged in the page's order and only the
//! page's invitations read whole, with one `BatchGetItem` of at most `limit + 1` keys.

use super::super::codec::{self, key, s, Item};
use super::super::{keys, DynamoStore};
use crate::clock::Millis;
use crate::domain::listing::{after_cursor, PageStart, Source};
use crate::domain::{Invitation, InvitationId, InvitationQuery, InvitationStatus, OrganizationId};
use crate::store::StoreError;

/// An index entry: where it sorts in the page's order, and its table key.
struct Entry {
    sort: String,
    key: Item,
}

/// Where an address-index key (`{address}#{created}#{id}`) sorts in the page's order: itself
/// in address order; its creation key for one address in creation order.
fn sort_in(query: &InvitationQuery, index_key: &str) -> String {
    match (&query.email_key, query.order.by_email()) {
        (Some(email), false) => index_key
            .strip_prefix(&format!("{email}#"))
            .unwrap_or(index_key)
            .to_string(),
        _ => index_key.to_string(),
    }
}

fn entry(query: &InvitationQuery, item: &Item) -> Option<Entry> {
    let index_key = item.get(keys::GSI10SK)?.as_s().ok()?;
    Some(Entry {
        sort: sort_in(query, index_key),
        key: [
            (keys::PK.to_string(), item.get(keys::PK)?.clone()),
            (keys::SK.to_string(), item.get(keys::SK)?.clone()),
        ]
        .into(),
    })
}

impl DynamoStore {
    /// The page (one more than its limit) and how many pending invitations are past their
    /// expiry when that was read (when a part read them).
    pub(super) async fn address_status_page(
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
                    let start = cursor.and_then(|c| self.address_start(org_id, query, status, c));
                    let items = self
                        .query_up_to(
                            || self.address_query(org_id, query, status, unlapsed_only, now),
                            start,
                            wanted,
                        )
                        .await?;
                    Ok::<_, StoreError>((
                        items.iter().filter_map(|i| entry(query, i)).collect(),
                        None,
                    ))
                }
                Source::Lapsed => {
                    let (entries, count) = self.lapsed_entries(org_id, query, cursor, now).await?;
                    Ok((entries, Some(count)))
                }
            }
        });
        let mut entries: Vec<Entry> = Vec::new();
        let mut lapsed = None;
        for (part, count) in futures::future::try_join_all(reads).await? {
            entries.extend(part);
            lapsed = lapsed.or(count);
        }
        entries.sort_by(|a, b| a.sort.cmp(&b.sort));
        if !query.order.ascending() {
            entries.reverse();
        }
        let page: Vec<Entry> = entries
            .into_iter()
            .skip(skip)
            .take(query.page.limit as usize + 1)
            .collect();
        Ok((self.read_whole(query, page).await?, lapsed))
    }

    /// One status's partition of GSI10 in the page's order, within one address when asked; the
    /// pending ones past their expiry left out when `unlapsed_only`.
    fn address_query(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        status: InvitationStatus,
        unlapsed_only: bool,
        now: Millis,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let mut q = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI10)
            .expression_attribute_values(":pk", s(keys::status_partition(org_id, status)))
            .scan_index_forward(query.order.ascending());
        q = match &query.email_key {
            Some(email) => q
                .key_condition_expression("GSI4PK = :pk AND begins_with(GSI10SK, :prefix)")
                .expression_attribute_values(":prefix", s(format!("{email}#"))),
            None => q.key_condition_expression("GSI4PK = :pk"),
        };
        if unlapsed_only {
            q = q
                .filter_expression("expires_at > :now")
                .expression_attribute_values(":now", codec::n(now));
        }
        q
    }

    /// Where a page of one status's partition of GSI10 starts after `cursor`.
    fn address_start(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        status: InvitationStatus,
        cursor: &str,
    ) -> Option<Item> {
        let id = InvitationId::parse(cursor.rsplit('#').next()?)?;
        let index_key = match (&query.email_key, query.order.by_email()) {
            (Some(email), false) => format!("{email}#{cursor}"),
            _ => cursor.to_string(),
        };
        let mut item = key(keys::invitation(org_id, &id));
        item.insert(
            keys::GSI4PK.into(),
            s(keys::status_partition(org_id, status)),
        );
        item.insert(keys::GSI10SK.into(), s(index_key));
        Some(item)
    }

    /// The pending invitations past their expiry that sort after the cursor (within one
    /// address when asked), and how many are past it in all: one `Query` of GSI5 below now.
    async fn lapsed_entries(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        cursor: Option<&str>,
        now: Millis,
    ) -> Result<(Vec<Entry>, u64), StoreError> {
        let found = self.lapsed_entries_of(org_id, now).await?;
        let prefix = query.email_key.as_ref().map(|e| format!("{e}#"));
        let entries = found
            .iter()
            .filter(|item| {
                let index_key = item.get(keys::GSI10SK).and_then(|v| v.as_s().ok());
                prefix
                    .as_deref()
                    .is_none_or(|p| index_key.is_some_and(|k| k.starts_with(p)))
            })
            .filter_map(|item| entry(query, item))
            .filter(|e| after_cursor(&e.sort, cursor, query.order))
            .collect();
        Ok((entries, found.len() as u64))
    }

    /// The page's invitations, whole, in the page's order: one `BatchGetItem`.
    async fn read_whole(
        &self,
        query: &InvitationQuery,
        page: Vec<Entry>,
    ) -> Result<Vec<Invitation>, StoreError> {
        if page.is_empty() {
            return Ok(Vec::new());
        }
        let order: Vec<String> = page.iter().map(|e| e.sort.clone()).collect();
        let mut found = self
            .batch_get(page.into_iter().map(|e| e.key).collect())
            .await?
            .iter()
            .map(codec::invitation_from)
            .collect::<Result<Vec<_>, _>>()?;
        let at = |inv: &Invitation| {
            let sort = crate::domain::listing::sort_key(query.order, inv);
            order.iter().position(|o| *o == sort).unwrap_or(usize::MAX)
        };
        found.sort_by_key(at);
        Ok(found)
    }
}
