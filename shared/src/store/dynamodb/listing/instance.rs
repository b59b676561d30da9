//! The instance's invitations bound to statuses: per part and partition, one page of GSI11
//! (one stored status, by creation; keys and `expires_at` only), or the lapsed from GSI7 (the
//! pending ones by expiry, below now, bounded); and the page's invitations read whole, by name.
//! GSI6 (every invitation by creation) is keys only too: its pages are read by name likewise.

use super::super::codec::{self, key, n, s, Item};
use super::super::{keys, DynamoStore};
use crate::clock::Millis;
use crate::domain::listing::{Source, LAPSED_READ_LIMIT};
use crate::domain::person_list::{InvitationRef, KeyedRead};
use crate::domain::{Invitation, InvitationId, OrganizationId};
use crate::store::{ExpiryStore, StoreError};

/// An invitation's name from any of its index entries (its table key).
fn name_of(item: &Item) -> Option<InvitationRef> {
    let org = item.get(keys::PK)?.as_s().ok()?.strip_prefix("ORG#")?;
    let id = item.get(keys::SK)?.as_s().ok()?.strip_prefix("INV#")?;
    Some(InvitationRef {
        organization_id: OrganizationId::new(org),
        id: InvitationId::parse(id)?,
    })
}

/// An index item's created key and name.
pub(super) fn named(item: &Item, created_attr: &str) -> Option<(String, InvitationRef)> {
    let created = item.get(created_attr)?.as_s().ok()?.clone();
    Some((created, name_of(item)?))
}

impl DynamoStore {
    /// A stored status: one `Query` of GSI11 (more only when `unlapsed_only` drops items).
    /// The lapsed: one `Query` of GSI7 below now, at most `LAPSED_READ_LIMIT` items.
    pub(super) async fn status_entries(
        &self,
        source: Source,
        shard: u32,
        before: Option<&str>,
        limit: u32,
        now: Millis,
    ) -> Result<KeyedRead<InvitationRef>, StoreError> {
        let wanted = limit as usize;
        match source {
            Source::Stored {
                status,
                unlapsed_only,
            } => {
                let query = || {
                    let mut q = self
                        .client()
                        .query()
                        .table_name(&self.table)
                        .index_name(keys::GSI11)
                        .expression_attribute_values(
                            ":pk",
                            s(keys::instance_status_partition(status, shard)),
                        )
                        .scan_index_forward(false);
                    q = match before {
                        Some(b) => q
                            .key_condition_expression("GSI11PK = :pk AND GSI11SK < :before")
                            .expression_attribute_values(":before", s(b)),
                        None => q.key_condition_expression("GSI11PK = :pk"),
                    };
                    if unlapsed_only {
                        q = q
                            .filter_expression("expires_at > :now")
                            .expression_attribute_values(":now", n(now));
                    }
                    q
                };
                let items = self.query_up_to(query, None, wanted).await?;
                Ok(KeyedRead {
                    exhausted: items.len() < wanted,
                    items: items
                        .iter()
                        .filter_map(|i| named(i, keys::GSI11SK))
                        .collect(),
                })
            }
            Source::Lapsed => {
                // The sweeper's own read of the partition's due invitations (GSI7).
                let due = self.due_invitations(shard, now, LAPSED_READ_LIMIT).await?;
                let mut items: Vec<(String, InvitationRef)> = due
                    .iter()
                    .map(|inv| {
                        (
                            crate::domain::listing::created_sort_key(inv),
                            InvitationRef {
                                organization_id: inv.organization.id.clone(),
                                id: inv.id.clone(),
                            },
                        )
                    })
                    .filter(|(k, _)| before.is_none_or(|b| k.as_str() < b))
                    .collect();
                items.sort_by(|a, b| b.0.cmp(&a.0));
                items.truncate(wanted);
                Ok(KeyedRead {
                    items,
                    exhausted: true,
                })
            }
        }
    }

    /// One `BatchGetItem` per 100 names (a page is at most 101).
    pub(super) async fn named_invitations(
        &self,
        names: &[InvitationRef],
    ) -> Result<Vec<Invitation>, StoreError> {
        let wanted = names
            .iter()
            .map(|r| key(keys::invitation(&r.organization_id, &r.id)))
            .collect();
        self.batch_get_all(wanted)
            .await?
            .iter()
            .map(codec::invitation_from)
            .collect()
    }
}
