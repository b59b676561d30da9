//! Listing an organization's invitations in memory, paged as the DynamoDB adapter pages them.

use super::Tables;
use crate::clock::Millis;
use crate::domain::listing::{sort_key, PageStart};
use crate::domain::{Invitation, InvitationQuery, Page};

impl Tables {
    pub(super) fn invitation_page(
        &self,
        organization_id: &str,
        query: &InvitationQuery,
        now: Millis,
    ) -> Page<Invitation> {
        let mut matching: Vec<(String, &Invitation)> = self
            .invitations
            .values()
            .filter(|inv| inv.organization.id == organization_id && query.matches(inv, now))
            .map(|inv| (sort_key(query.order, inv), inv))
            .collect();
        matching.sort_by(|a, b| a.0.cmp(&b.0));
        if !query.order.ascending() {
            matching.reverse();
        }
        let total_count = matching.len() as u64;
        let limit = query.page.limit as usize;
        let after = matching
            .into_iter()
            .filter(|(k, _)| match &query.page.start {
                PageStart::Offset(_) => true,
                PageStart::After(cursor) if query.order.ascending() => *k > cursor.sort_key,
                PageStart::After(cursor) => *k < cursor.sort_key,
            });
        let skip = match &query.page.start {
            PageStart::Offset(n) => *n as usize,
            PageStart::After(_) => 0,
        };
        let read: Vec<Invitation> = after
            .skip(skip)
            .take(limit + 1)
            .map(|(_, inv)| inv.clone())
            .collect();
        Page::from_overfetch(read, limit, query.order, total_count)
    }
}
