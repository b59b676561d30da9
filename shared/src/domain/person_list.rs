//! A person's invitations across organizations: the newest-first pages of each of their
//! addresses, merged into one page. Each address is read a bounded number of items at a time,
//! so one request costs the same however many invitations the person has ever had; a page whose
//! items are filtered out by status may come back short, with a cursor to go on.

use super::listing::created_sort_key;
use super::Invitation;

/// One address's invitations as read: newest first, and whether nothing older remains.
#[derive(Debug, Clone, Default)]
pub struct AddressRead {
    pub items: Vec<Invitation>,
    pub exhausted: bool,
}

/// A merged page and where the next one starts (the created sort key to read below).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonPage {
    pub data: Vec<Invitation>,
    pub next_before: Option<String>,
}

/// Merges the reads, skips `offset` kept items, and returns up to `limit` of those `keep`
/// accepts. Only items every address has been read down to are used: below the newest
/// point where an unfinished address stopped, another address may still hold newer items.
pub fn merge(
    reads: Vec<AddressRead>,
    offset: usize,
    limit: usize,
    keep: impl Fn(&Invitation) -> bool,
) -> PersonPage {
    let boundary: Option<String> = reads
        .iter()
        .filter(|r| !r.exhausted)
        .filter_map(|r| r.items.last().map(created_sort_key))
        .max();
    let mut known: Vec<(String, Invitation)> = reads
        .into_iter()
        .flat_map(|r| r.items)
        .map(|inv| (created_sort_key(&inv), inv))
        .filter(|(k, _)| boundary.as_ref().is_none_or(|b| k >= b))
        .collect();
    known.sort_by(|a, b| b.0.cmp(&a.0));
    known.dedup_by(|a, b| a.0 == b.0);
    let mut kept = known.into_iter().filter(|(_, inv)| keep(inv)).skip(offset);
    let data: Vec<(String, Invitation)> = kept.by_ref().take(limit).collect();
    let next_before = if kept.next().is_some() {
        data.last().map(|(k, _)| k.clone())
    } else {
        boundary
    };
    PersonPage {
        data: data.into_iter().map(|(_, inv)| inv).collect(),
        next_before,
    }
}
