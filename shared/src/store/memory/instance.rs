//! The instance's invitations bound to statuses, in memory: per part and partition, the
//! names from the index by stored status and creation (DynamoDB's GSI11) or the lapsed from
//! the index by expiry (GSI7); and the page's invitations by name.

use std::collections::BTreeMap;

use super::{key, Tables};
use crate::clock::Millis;
use crate::domain::listing::Source;
use crate::domain::person_list::{InvitationRef, KeyedRead};
use crate::domain::Invitation;

impl Tables {
    pub(super) fn status_entries(
        &self,
        source: Source,
        shard: u32,
        before: Option<&str>,
        limit: u32,
        now: Millis,
    ) -> KeyedRead<InvitationRef> {
        let t = self;
        let name = |k: &super::OrgKey| {
            let inv = t.invitations.get(k)?;
            Some((
                crate::domain::listing::created_sort_key(inv),
                InvitationRef {
                    organization_id: inv.organization.id.clone(),
                    id: inv.id.clone(),
                },
                inv.expires_at,
            ))
        };
        let below = |k: &String| before.is_none_or(|b| k.as_str() < b);
        match source {
            Source::Stored {
                status,
                unlapsed_only,
            } => {
                let empty = BTreeMap::new();
                let part = t.by_shard_status.get(&(status, shard)).unwrap_or(&empty);
                let mut walked = part
                    .iter()
                    .rev()
                    .filter(|(k, _)| below(k))
                    .filter_map(|(_, k)| name(k))
                    .filter(|(_, _, expires_at)| !unlapsed_only || *expires_at > now)
                    .map(|(k, r, _)| (k, r));
                let items: Vec<_> = walked.by_ref().take(limit as usize).collect();
                KeyedRead {
                    exhausted: walked.next().is_none(),
                    items,
                }
            }
            Source::Lapsed => {
                let mut items: Vec<_> = t
                    .due
                    .get(&shard)
                    .map(|due| {
                        due.range(..crate::domain::listing::time_key(now + 1))
                            .take(crate::domain::listing::LAPSED_READ_LIMIT as usize)
                            .filter_map(|(_, k)| name(k))
                            .map(|(k, r, _)| (k, r))
                            .filter(|(k, _)| below(k))
                            .collect()
                    })
                    .unwrap_or_default();
                items.sort_by(|a, b| b.0.cmp(&a.0));
                items.truncate(limit as usize);
                KeyedRead {
                    items,
                    exhausted: true,
                }
            }
        }
    }

    pub(super) fn named(&self, names: &[InvitationRef]) -> Vec<Invitation> {
        let t = self;
        names
            .iter()
            .filter_map(|r| {
                t.invitations
                    .get(&key(&r.organization_id, r.id.as_str()))
                    .map(super::owned)
            })
            .collect()
    }

    /// One partition of the instance's invitations by creation (GSI6's twin), newest first.
    pub(super) fn shard_entries(
        &self,
        shard: u32,
        before: Option<&str>,
        limit: u32,
    ) -> KeyedRead<InvitationRef> {
        let empty = BTreeMap::new();
        let part = self.by_shard.get(&shard).unwrap_or(&empty);
        let mut walked = part
            .iter()
            .rev()
            .filter(|(k, _)| before.is_none_or(|b| k.as_str() < b))
            .filter_map(|(k, at)| {
                let inv = self.invitations.get(at)?;
                Some((
                    k.clone(),
                    InvitationRef {
                        organization_id: inv.organization.id.clone(),
                        id: inv.id.clone(),
                    },
                ))
            });
        let items: Vec<_> = walked.by_ref().take(limit as usize).collect();
        KeyedRead {
            exhausted: walked.next().is_none(),
            items,
        }
    }
}
