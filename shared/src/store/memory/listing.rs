//! Listing an organization's invitations in memory, from the same indexes and with the same
//! paging as the DynamoDB adapter: a pending list reads its page, `total_count` comes from the
//! organization's counters (or, for one address, that address's).

use std::collections::BTreeMap;
use std::ops::Bound;

use super::index::OrgInvitations;
use super::MemoryStore;
use super::{key, Tables};
use crate::clock::Millis;
use crate::domain::listing::{
    after_cursor, merge_sources, sort_key, InvitationCounts, PageStart, Source,
};
use crate::domain::person_list::{AddressRead, InvitationRef, KeyedRead};
use crate::domain::{Invitation, InvitationId, InvitationQuery, OrganizationId, Page};
use crate::store::{ListingStore, StoreError};
use async_trait::async_trait;

#[async_trait]
impl ListingStore for MemoryStore {
    async fn list_invitations(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError> {
        self.tables().invitation_page(organization_id, query, now)
    }

    async fn invitations_to_address(
        &self,
        email_key: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<AddressRead, StoreError> {
        let t = self.tables();
        Ok(t.newest(email_key, before, limit))
    }

    async fn instance_entries(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> Result<KeyedRead<InvitationRef>, StoreError> {
        Ok(self.tables().shard_entries(shard, before, limit))
    }

    async fn instance_status_entries(
        &self,
        source: Source,
        shard: u32,
        before: Option<&str>,
        limit: u32,
        now: Millis,
    ) -> Result<KeyedRead<InvitationRef>, StoreError> {
        Ok(self
            .tables()
            .status_entries(source, shard, before, limit, now))
    }

    async fn invitations_named(
        &self,
        names: &[InvitationRef],
    ) -> Result<Vec<Invitation>, StoreError> {
        Ok(self.tables().named(names))
    }
}

impl Tables {
    pub(super) fn invitation_page(
        &self,
        organization_id: &str,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError> {
        if !self.organizations.contains_key(organization_id) {
            return Err(StoreError::NotFound);
        }
        let Some(index) = self.invitation_index.get(organization_id) else {
            return Ok(Page::from_overfetch(Vec::new(), 0, query.order, 0));
        };
        let skip = match &query.page.start {
            PageStart::Offset(n) => *n as usize,
            PageStart::After(_) => 0,
        };
        let limit = query.page.limit as usize;
        let read = match query.status_sources() {
            Some(sources) => self.status_bound(organization_id, index, query, &sources, now),
            None => self.filtered(organization_id, index, query, now),
        };
        let read = match query.status_sources() {
            Some(_) => read,
            None => read.into_iter().skip(skip).take(limit + 1).collect(),
        };
        let counts = match &query.email_key {
            // One address: its own counters, and whether its pending invitation has lapsed.
            Some(email) => {
                let address = key(organization_id, email);
                let found = self
                    .address_counts
                    .get(&address)
                    .copied()
                    .unwrap_or_default();
                let lapsed = self
                    .slots
                    .get(&address)
                    .is_some_and(|slot| slot.expires_at <= now);
                InvitationCounts::of_address(found.created, found.settled, lapsed)
            }
            None => match self.organizations.get(organization_id) {
                Some(org) => InvitationCounts::of_organization(org, index.lapsed(now).len() as u64),
                None => InvitationCounts::default(),
            },
        };
        let total_count = query.total_from(&counts);
        Ok(Page::from_overfetch(read, limit, query.order, total_count))
    }

    /// A list with no status bound: the index by creation or by address (within one address's
    /// prefix when one is asked for), filtered, from the page's start on.
    fn filtered(
        &self,
        organization_id: &str,
        index: &OrgInvitations,
        query: &InvitationQuery,
        now: Millis,
    ) -> Vec<Invitation> {
        let (entries, prefix) = plan(index, query);
        let start = match &query.page.start {
            PageStart::Offset(_) => None,
            // With one address in creation order, the address index's key is the address, then
            // the creation key the cursor holds (as GSI2's is).
            PageStart::After(cursor) => Some(match (&prefix, query.order.by_email()) {
                (Some(prefix), false) => format!("{prefix}{}", cursor.sort_key),
                _ => cursor.sort_key.clone(),
            }),
        };
        let skip = match &query.page.start {
            PageStart::Offset(n) => *n as usize,
            PageStart::After(_) => 0,
        };
        self.walk(
            organization_id,
            entries,
            &prefix,
            start,
            query.order.ascending(),
        )
        .filter(|inv| query.matches(inv, now))
        .take(skip + query.page.limit as usize + 1)
        .cloned()
        .collect()
    }

    /// A status-bound list: each part read from the page's start on (as many as the page can
    /// take), merged, as DynamoDB reads a page of GSI4 (creation) or GSI10 (address, or one
    /// address) per status and the lapsed from GSI5.
    fn status_bound(
        &self,
        organization_id: &str,
        index: &OrgInvitations,
        query: &InvitationQuery,
        sources: &[Source],
        now: Millis,
    ) -> Vec<Invitation> {
        let (skip, cursor) = match &query.page.start {
            PageStart::Offset(n) => (*n as usize, None),
            PageStart::After(cursor) => (0, Some(cursor.sort_key.clone())),
        };
        let wanted = skip + query.page.limit as usize + 1;
        let by_address = query.email_key.is_some() || query.order.by_email();
        let prefix = query.email_key.as_ref().map(|e| format!("{e}#"));
        // The address index's key for a cursor: with one address in creation order, the
        // address then the creation key (as GSI10's is).
        let start = match (&cursor, &prefix, query.order.by_email()) {
            (Some(c), Some(p), false) => Some(format!("{p}{c}")),
            (c, _, _) => c.clone(),
        };
        let empty = BTreeMap::new();
        let parts = sources
            .iter()
            .map(|source| match *source {
                Source::Stored {
                    status,
                    unlapsed_only,
                } => {
                    let (entries, prefix, start) = match by_address {
                        true => (index.by_status_email.get(&status), &prefix, start.clone()),
                        false => (index.by_status.get(&status), &None, cursor.clone()),
                    };
                    self.walk(
                        organization_id,
                        entries.unwrap_or(&empty),
                        prefix,
                        start,
                        query.order.ascending(),
                    )
                    .filter(|inv| !unlapsed_only || inv.expires_at > now)
                    .take(wanted)
                    .cloned()
                    .collect()
                }
                Source::Lapsed => {
                    let mut lapsed: Vec<(String, &Invitation)> = index
                        .lapsed(now)
                        .into_iter()
                        .filter_map(|k| {
                            let id = k.rsplit('#').next()?;
                            self.invitations
                                .get(&key(organization_id, id))
                                .map(|inv| &**inv)
                        })
                        .filter(|inv| {
                            query
                                .email_key
                                .as_deref()
                                .is_none_or(|e| inv.email_address.key() == e)
                        })
                        .map(|inv| (sort_key(query.order, inv), inv))
                        .filter(|(k, _)| after_cursor(k, cursor.as_deref(), query.order))
                        .collect();
                    lapsed.sort_by(|a, b| a.0.cmp(&b.0));
                    if !query.order.ascending() {
                        lapsed.reverse();
                    }
                    lapsed
                        .into_iter()
                        .take(wanted)
                        .map(|(_, inv)| inv.clone())
                        .collect()
                }
            })
            .collect();
        merge_sources(parts, query.order, skip, query.page.limit as usize + 1)
    }

    /// The invitations of `entries` in order, within `prefix`, after `start` when given.
    fn walk<'a>(
        &'a self,
        organization_id: &'a str,
        entries: &'a BTreeMap<String, InvitationId>,
        prefix: &'a Option<String>,
        start: Option<String>,
        ascending: bool,
    ) -> impl Iterator<Item = &'a Invitation> + 'a {
        let lower = match (&start, prefix) {
            (Some(after), _) if ascending => Bound::Excluded(after.clone()),
            (_, Some(prefix)) => Bound::Included(prefix.clone()),
            _ => Bound::Unbounded,
        };
        let upper = match (&start, prefix) {
            (Some(before), _) if !ascending => Bound::Excluded(before.clone()),
            // '$' follows '#', the separator after the address.
            (_, Some(prefix)) => Bound::Excluded(format!("{}$", prefix.trim_end_matches('#'))),
            _ => Bound::Unbounded,
        };
        let range = entries.range((lower, upper));
        let ordered: Box<dyn Iterator<Item = _>> = if ascending {
            Box::new(range)
        } else {
            Box::new(range.rev())
        };
        ordered.filter_map(move |(_, id)| {
            self.invitations
                .get(&key(organization_id, id.as_str()))
                .map(|inv| &**inv)
        })
    }
}

/// Which index serves a query, as `dynamodb/listing.rs` chooses, and the key prefix within it.
fn plan<'a>(
    index: &'a OrgInvitations,
    query: &InvitationQuery,
) -> (&'a BTreeMap<String, InvitationId>, Option<String>) {
    if let Some(email) = &query.email_key {
        return (&index.by_email, Some(format!("{email}#")));
    }
    if query.order.by_email() {
        (&index.by_email, None)
    } else {
        (&index.by_created, None)
    }
}

impl Tables {
    /// The newest invitations to `email_key`, before the sort key `before` when given.
    fn newest(&self, email_key: &str, before: Option<&str>, limit: u32) -> AddressRead {
        use std::ops::Bound::{Excluded, Included};
        let from = (email_key.to_string(), String::new());
        // Past every key of this address: the next address a string can be.
        let upto = match before {
            Some(b) => (email_key.to_string(), b.to_string()),
            None => (format!("{email_key}\0"), String::new()),
        };
        let newer_than_cursor = self.by_address.range((Included(from), Excluded(upto)));
        let mut found = newer_than_cursor.rev().map(|(_, k)| k);
        let items: Vec<Invitation> = found
            .by_ref()
            .take(limit as usize)
            .filter_map(|k| self.invitations.get(k).map(super::owned))
            .collect();
        AddressRead {
            items,
            exhausted: found.next().is_none(),
        }
    }
}
