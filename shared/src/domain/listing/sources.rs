//! The parts of a list bound to statuses: each a page of an index of one stored status by
//! creation, and the pending invitations past their expiry, merged into one page.

use super::{sort_key, InvitationOrder, InvitationQuery};
use crate::domain::{Invitation, InvitationStatus};

impl InvitationQuery {
    /// The parts a status-bound list reads (each a page of an index of one stored status, by
    /// creation or by address), or `None` when the query has no status filter.
    pub fn status_sources(&self) -> Option<Vec<Source>> {
        if self.statuses.is_empty() {
            return None;
        }
        let asked = |s| self.statuses.contains(&s);
        let mut sources = Vec::new();
        if asked(InvitationStatus::Pending) {
            sources.push(Source::Stored {
                status: InvitationStatus::Pending,
                unlapsed_only: !asked(InvitationStatus::Expired),
            });
        }
        for status in [
            InvitationStatus::Accepted,
            InvitationStatus::Revoked,
            InvitationStatus::Declined,
            InvitationStatus::Expired,
        ] {
            if asked(status) {
                sources.push(Source::Stored {
                    status,
                    unlapsed_only: false,
                });
            }
        }
        if asked(InvitationStatus::Expired) && !asked(InvitationStatus::Pending) {
            sources.push(Source::Lapsed);
        }
        Some(sources)
    }
}

/// A part of a status-bound list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Invitations stored in `status`, by creation; with `unlapsed_only`, the pending ones not
    /// past their expiry (those past it read as expired: few, the sweeper expires them).
    Stored {
        status: InvitationStatus,
        unlapsed_only: bool,
    },
    /// Pending invitations past their expiry: they read as expired until the sweeper writes
    /// them so (read from the index of pending invitations by expiry, bounded).
    Lapsed,
}

/// One page from the parts of a status-bound list, each read from the page's start on in
/// `order`: merged in that order, `skip` dropped, at most `wanted` kept.
pub fn merge_sources(
    parts: Vec<Vec<Invitation>>,
    order: InvitationOrder,
    skip: usize,
    wanted: usize,
) -> Vec<Invitation> {
    let mut all: Vec<Invitation> = parts.into_iter().flatten().collect();
    all.sort_by(|a, b| {
        let (a, b) = (sort_key(order, a), sort_key(order, b));
        if order.ascending() {
            a.cmp(&b)
        } else {
            b.cmp(&a)
        }
    });
    all.into_iter().skip(skip).take(wanted).collect()
}

/// Whether a created sort key lies after `cursor` in `order` (a page continues past it).
pub fn after_cursor(sort_key: &str, cursor: Option<&str>, order: InvitationOrder) -> bool {
    match cursor {
        None => true,
        Some(c) if order.ascending() => sort_key > c,
        Some(c) => sort_key < c,
    }
}
