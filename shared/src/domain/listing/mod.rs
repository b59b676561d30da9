//! Listing invitations: filters, order and pagination, shared by every store so that both sort
//! and page the same way.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::clock::Millis;

mod sources;
pub use sources::{after_cursor, merge_sources, Source};

use super::{Invitation, InvitationStatus, Organization};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationOrder {
    CreatedAsc,
    CreatedDesc,
    EmailAsc,
    EmailDesc,
}

impl InvitationOrder {
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "created_at" | "+created_at" => Self::CreatedAsc,
            "-created_at" => Self::CreatedDesc,
            "email_address" | "+email_address" => Self::EmailAsc,
            "-email_address" => Self::EmailDesc,
            _ => return None,
        })
    }

    pub fn ascending(self) -> bool {
        matches!(self, Self::CreatedAsc | Self::EmailAsc)
    }

    pub fn by_email(self) -> bool {
        matches!(self, Self::EmailAsc | Self::EmailDesc)
    }

    fn tag(self) -> char {
        match self {
            Self::CreatedAsc => 'c',
            Self::CreatedDesc => 'C',
            Self::EmailAsc => 'e',
            Self::EmailDesc => 'E',
        }
    }
}

/// Zero-padded so that string order is time order.
pub fn time_key(at: Millis) -> String {
    format!("{:013}", at.max(0))
}

/// The key an invitation sorts by in the created-at order (also the DynamoDB GSI1 sort key).
pub fn created_sort_key(inv: &Invitation) -> String {
    format!("{}#{}", time_key(inv.created_at), inv.id)
}

/// The key an invitation sorts by in the address order (also the DynamoDB GSI2 sort key).
/// Addresses sort by their case-folded form, then by creation.
pub fn email_sort_key(inv: &Invitation) -> String {
    format!(
        "{}#{}#{}",
        inv.email_address.key(),
        time_key(inv.created_at),
        inv.id
    )
}

/// The key pending invitations sort by in expiry order (also the DynamoDB GSI5 sort key): the
/// ones whose expiry has passed are exactly those below `time_key(now + 1)`.
pub fn expiry_sort_key(expires_at: Millis, id: &super::InvitationId) -> String {
    format!("{}#{id}", time_key(expires_at))
}

pub fn sort_key(order: InvitationOrder, inv: &Invitation) -> String {
    if order.by_email() {
        email_sort_key(inv)
    } else {
        created_sort_key(inv)
    }
}

/// Where a page starts: a number of items to skip (Clerk's `offset`), or after the item an
/// opaque cursor names (beyond Clerk: stable under concurrent inserts, no re-reading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStart {
    Offset(u32),
    After(Cursor),
}

/// The sort key of the last item a page returned, in the order that page used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub order: InvitationOrder,
    pub sort_key: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}{}", self.order.tag(), self.sort_key))
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut chars = text.chars();
        let order = match chars.next()? {
            'c' => InvitationOrder::CreatedAsc,
            'C' => InvitationOrder::CreatedDesc,
            'e' => InvitationOrder::EmailAsc,
            'E' => InvitationOrder::EmailDesc,
            _ => return None,
        };
        let sort_key = chars.as_str().to_string();
        // The last segment of every sort key is an invitation id.
        let id = sort_key.rsplit('#').next()?;
        super::InvitationId::parse(id)?;
        Some(Self { order, sort_key })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: u32,
    pub start: PageStart,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: u32 = 10;
    pub const MAX_LIMIT: u32 = 500;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationQuery {
    /// Empty means every status.
    pub statuses: Vec<InvitationStatus>,
    /// An address key: only invitations to this address.
    pub email_key: Option<String>,
    pub order: InvitationOrder,
    pub page: PageRequest,
}

impl InvitationQuery {
    pub fn matches(&self, inv: &Invitation, now: Millis) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&inv.status(now)))
            && self
                .email_key
                .as_deref()
                .is_none_or(|k| k == inv.email_address.key())
    }
}

impl InvitationQuery {
    /// Whether `total_count` needs the number of pending invitations past their expiry (which
    /// read as expired): only when exactly one of `pending` and `expired` is asked for.
    pub fn needs_lapsed_count(&self) -> bool {
        !self.statuses.is_empty()
            && self.statuses.contains(&InvitationStatus::Pending)
                != self.statuses.contains(&InvitationStatus::Expired)
    }

    /// `total_count` from counters: the organization's, or one address's in it. One or two
    /// items read, however long the history.
    pub fn total_from(&self, counts: &InvitationCounts) -> u64 {
        let settled = counts.settled;
        let visible = |status: InvitationStatus| match status {
            InvitationStatus::Pending => counts.stored_pending.saturating_sub(counts.lapsed),
            InvitationStatus::Expired => settled.expired + counts.lapsed,
            InvitationStatus::Accepted => settled.accepted,
            InvitationStatus::Revoked => settled.revoked,
            InvitationStatus::Declined => settled.declined,
        };
        let statuses: &[InvitationStatus] = if self.statuses.is_empty() {
            &InvitationStatus::ALL
        } else {
            &self.statuses
        };
        statuses.iter().map(|st| visible(*st)).sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub total_count: u64,
    pub next_cursor: Option<String>,
}

impl Page<Invitation> {
    /// A page from the items read from its start on, in `order`: every store reads one more
    /// than `limit`, and that extra item (dropped here) says whether a next page and its cursor
    /// exist.
    pub fn from_overfetch(
        mut items: Vec<Invitation>,
        limit: usize,
        order: InvitationOrder,
        total_count: u64,
    ) -> Self {
        let has_more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = has_more.then(|| items.last()).flatten().map(|last| {
            Cursor {
                order,
                sort_key: sort_key(order, last),
            }
            .encode()
        });
        Self {
            data: items,
            total_count,
            next_cursor,
        }
    }
}

/// Every invitation of the instance lies in one of this many partitions of an index by
/// creation (DynamoDB's GSI6), so that no single partition takes every write; a page merges
/// them (`person_list::merge`).
pub const INSTANCE_SHARDS: u32 = 8;

/// The partition an invitation's id puts it in (a stable hash of the id).
pub fn instance_shard(id: &super::InvitationId) -> u32 {
    id.as_str()
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % INSTANCE_SHARDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_rejects_tampering() {
        let cursor = Cursor {
            order: InvitationOrder::EmailDesc,
            sort_key: "ada@example.com#0000000000001#orginv_abcdefghijklmnopqrstuvwxyz0".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("not base64!"), None);
        assert_eq!(Cursor::decode(&URL_SAFE_NO_PAD.encode("x123")), None);
        assert_eq!(
            Cursor::decode(&URL_SAFE_NO_PAD.encode("c0000000000001#orginv_x")),
            None
        );
    }

    #[test]
    fn order_by_accepts_clerks_spellings() {
        assert_eq!(
            InvitationOrder::parse("created_at"),
            Some(InvitationOrder::CreatedAsc)
        );
        assert_eq!(
            InvitationOrder::parse("-created_at"),
            Some(InvitationOrder::CreatedDesc)
        );
        assert_eq!(
            InvitationOrder::parse("+email_address"),
            Some(InvitationOrder::EmailAsc)
        );
        assert_eq!(InvitationOrder::parse("name"), None);
    }
}

/// The most pending-past-expiry invitations one list reads to count them. The sweeper keeps
/// their number to the expiries of the last few minutes; this bounds the read if it stops.
pub const LAPSED_READ_LIMIT: u32 = 1000;

/// What `total_count` is computed from: invitations stored pending, those of them past their
/// expiry (they read as expired), and those settled in each end state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvitationCounts {
    pub stored_pending: u64,
    pub lapsed: u64,
    pub settled: super::organization::SettledInvitations,
}

impl InvitationCounts {
    /// The organization's counters, and the number of its pending invitations past expiry.
    pub fn of_organization(org: &Organization, lapsed: u64) -> Self {
        Self {
            stored_pending: u64::from(org.pending_invitations_count),
            lapsed,
            settled: org.settled_invitations,
        }
    }

    /// One address in one organization: every invitation it was sent (`created`), those
    /// settled, and whether its one pending invitation (if any) is past its expiry.
    pub fn of_address(
        created: u64,
        settled: super::organization::SettledInvitations,
        pending_lapsed: bool,
    ) -> Self {
        let ended = settled.accepted + settled.revoked + settled.expired + settled.declined;
        let stored_pending = created.saturating_sub(ended);
        Self {
            stored_pending,
            lapsed: u64::from(pending_lapsed && stored_pending > 0),
            settled,
        }
    }
}
