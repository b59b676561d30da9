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

/// An invitation's name: its organization and id (its table key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRef {
    pub organization_id: super::OrganizationId,
    pub id: super::InvitationId,
}

/// One read of a newest-first index: each item with its created key, and whether nothing
/// older remains.
#[derive(Debug, Clone)]
pub struct KeyedRead<T> {
    pub items: Vec<(String, T)>,
    pub exhausted: bool,
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
    let keyed = reads
        .into_iter()
        .map(|r| KeyedRead {
            items: r
                .items
                .into_iter()
                .map(|inv| (created_sort_key(&inv), inv))
                .collect(),
            exhausted: r.exhausted,
        })
        .collect();
    let (data, next_before) = merge_keyed(keyed, offset, limit, keep);
    PersonPage { data, next_before }
}

/// [`merge`] over any items read with their created keys (index entries, whole invitations).
pub fn merge_keyed<T>(
    reads: Vec<KeyedRead<T>>,
    offset: usize,
    limit: usize,
    keep: impl Fn(&T) -> bool,
) -> (Vec<T>, Option<String>) {
    let boundary: Option<String> = reads
        .iter()
        .filter(|r| !r.exhausted)
        .filter_map(|r| r.items.last().map(|(k, _)| k.clone()))
        .max();
    let mut known: Vec<(String, T)> = reads
        .into_iter()
        .flat_map(|r| r.items)
        .filter(|(k, _)| boundary.as_ref().is_none_or(|b| k >= b))
        .collect();
    known.sort_by(|a, b| b.0.cmp(&a.0));
    known.dedup_by(|a, b| a.0 == b.0);
    let mut kept = known.into_iter().filter(|(_, t)| keep(t)).skip(offset);
    let data: Vec<(String, T)> = kept.by_ref().take(limit).collect();
    let next_before = if kept.next().is_some() {
        data.last().map(|(k, _)| k.clone())
    } else {
        boundary
    };
    (data.into_iter().map(|(_, t)| t).collect(), next_before)
}
