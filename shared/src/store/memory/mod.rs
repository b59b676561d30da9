//! The embedded default: every record in process memory behind one mutex, so each operation is
//! as atomic as its DynamoDB transaction. Nothing survives a restart. Split by the same
//! capabilities as the DynamoDB adapter: `directory`, `invitations`, `listing`, `acceptance`.

mod acceptance;
mod audit;
mod directory;
mod domains;
mod email;
mod expiry;
mod idempotency;
mod index;
mod instance;
mod invitations;
mod limits;
mod links;
mod listing;
mod memberships;
mod offers;
mod reminders;
mod reputation;
mod revoke;

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::{ActorRequirement, SlotHolder};
use crate::domain::{Invitation, Membership, Organization, OrganizationId, User, UserId};
use crate::store::change::{Change, ChangeRecord};

type OrgKey = (String, String);

/// The maps that grow with history (invitations, addresses, messages): a B-tree grows a node at
/// a time, where a hash map doubles and rehashes every entry at once, under the store's one
/// lock; past 100,000 invitations each doubling stalled every request for tens of
/// milliseconds (`scripts/bench-load`'s `per second:` dips).
pub(super) type Growing<K, V> = std::collections::BTreeMap<K, V>;

/// An invitation as the tables hold it: shared, so the indexes' nodes stay small and the change
/// feed's images are taken without a copy; a write replaces it (`Arc::make_mut` copies one
/// still shared with a feed image).
pub(super) type Stored = std::sync::Arc<Invitation>;

/// A held invitation copied out, for an answer.
pub(super) fn owned(inv: &Stored) -> Invitation {
    Invitation::clone(inv)
}

#[derive(Default)]
pub(super) struct Tables {
    users: Growing<UserId, User>,
    email_owners: Growing<String, UserId>,
    organizations: HashMap<OrganizationId, Organization>,
    /// Slug claims, in slug order (DynamoDB's GSI2 over organizations).
    slugs: std::collections::BTreeMap<String, OrganizationId>,
    /// Every organization by creation (DynamoDB's GSI1 `ORGS`).
    organizations_by_created: std::collections::BTreeMap<String, OrganizationId>,
    memberships: Growing<OrgKey, Membership>,
    member_addresses: std::collections::BTreeSet<OrgKey>,
    /// Shared, not inline: a B-tree node holds eleven of its values, and an invitation is 760
    /// bytes, so every insert shifted kilobytes under the lock. Answers still copy theirs out.
    invitations: Growing<OrgKey, Stored>,
    slots: Growing<OrgKey, SlotHolder>,
    invitation_index: HashMap<OrganizationId, index::OrgInvitations>,
    limits: limits::LimitLogs,
    idempotency: idempotency::IdempotencyRecords,
    /// Invitations to each address, by address and created sort key (DynamoDB's GSI3). One
    /// map, not a map per address: most addresses are invited once, and a map of one entry
    /// took a whole B-tree node (some 800 bytes).
    by_address: Growing<(String, String), OrgKey>,
    /// Each organization's memberships, by created sort key (DynamoDB's GSI1 `ORG#{org}#MEM`).
    memberships_by_org: HashMap<OrganizationId, std::collections::BTreeMap<String, UserId>>,
    /// Each user's memberships, by created sort key (DynamoDB's GSI3 `USER#{user}#MEM`).
    memberships_by_user: HashMap<UserId, std::collections::BTreeMap<String, OrganizationId>>,
    /// The instance's pending invitations by expiry, per shard (DynamoDB's GSI7).
    due: HashMap<u32, std::collections::BTreeMap<String, OrgKey>>,
    /// Reminders due and taken, by partition (DynamoDB's GSI9: `domain::reminder`).
    reminders: HashMap<String, std::collections::BTreeMap<String, OrgKey>>,
    /// Which sweep took each invitation's reminder (DynamoDB's `reminder_claim`).
    reminder_claims: Growing<OrgKey, String>,
    /// The instance's invitations by creation, per shard (DynamoDB's GSI6).
    by_shard: HashMap<u32, std::collections::BTreeMap<String, OrgKey>>,
    /// The instance's invitations by stored status and creation, per shard (GSI11).
    by_shard_status:
        HashMap<(crate::domain::InvitationStatus, u32), std::collections::BTreeMap<String, OrgKey>>,
    /// Each invitation's organization (DynamoDB's pointer item).
    invitation_orgs: Growing<crate::domain::InvitationId, OrganizationId>,
    /// Each address's invitations per organization: sent, and settled by end state (DynamoDB's
    /// `ADDRCOUNT#` items).
    address_counts: Growing<OrgKey, AddressCounts>,
    /// Each invitation's latest message (DynamoDB's GSI8).
    messages: Growing<String, OrgKey>,
    /// The invitations whose email is queued, not sent, per shard (GSI8's `UNSENT#` keys).
    unsent: HashMap<u32, std::collections::BTreeSet<OrgKey>>,
    /// Email reputation: suppressed mailboxes, organizations' days and pauses.
    reputation: reputation::Reputation,
    /// The audit log and its indexes.
    audit_log: audit::AuditLog,
    /// Organizations' domains and their indexes.
    domains: domains::Domains,
    /// What domains offered people, and membership requests.
    offers: offers::Offers,
    /// Shareable invitation links and their hourly joins.
    links: links::Links,
    /// The change feed (DynamoDB Streams' twin), when someone listens.
    feed: Option<Feed>,
}

#[derive(Default, Clone, Copy)]
pub(super) struct AddressCounts {
    pub(super) created: u64,
    pub(super) settled: crate::domain::SettledInvitations,
}

/// Sends each change to an invitation or membership, in the order the writes happen (under the
/// store's lock), as DynamoDB Streams orders them per item.
struct Feed {
    sender: tokio::sync::mpsc::UnboundedSender<Change>,
    sequence: u64,
}

impl Tables {
    pub(super) fn feed(&mut self, record: ChangeRecord) {
        if let Some(feed) = &mut self.feed {
            feed.sequence += 1;
            // A listener that went away stops nothing: the write has happened.
            let _ = feed.sender.send(Change {
                id: format!("memory-{}", feed.sequence),
                at: None,
                record,
            });
        }
    }

    /// Copies the images only when someone listens.
    pub(super) fn feed_invitation(&mut self, old: Option<Stored>, new: Option<Stored>) {
        if self.feed.is_none() {
            return;
        }
        let image = |inv: Stored| Box::new(std::sync::Arc::unwrap_or_clone(inv));
        self.feed(ChangeRecord::Invitation {
            old: old.map(image),
            new: new.map(image),
        });
    }

    pub(super) fn feed_membership(&mut self, old: Option<Membership>, new: Option<Membership>) {
        self.feed(ChangeRecord::Membership {
            old: old.map(Box::new),
            new: new.map(Box::new),
        });
    }

    /// A pending invitation enters the sparse indexes its state puts it in (DynamoDB's GSI7 by
    /// expiry, GSI9 by reminder); `unindex_pending`, with the state it had, takes it out.
    /// A new invitation (pending, or born accepted by a link) as every write that makes one
    /// records it: stored, on the indexes by address (GSI3), by instance partition (GSI6) and
    /// by status (GSI11), its organization named by its id, and counted on its address.
    pub(super) fn index_new_invitation(&mut self, inv: &Invitation) -> Stored {
        let at = key(&inv.organization.id, inv.id.as_str());
        let sort = crate::domain::listing::created_sort_key(inv);
        let stored = Stored::new(inv.clone());
        self.invitations.insert(at.clone(), stored.clone());
        self.by_address.insert(
            (inv.email_address.key().to_string(), sort.clone()),
            at.clone(),
        );
        self.by_shard
            .entry(crate::domain::listing::instance_shard(&inv.id))
            .or_default()
            .insert(sort, at.clone());
        self.invitation_orgs
            .insert(inv.id.clone(), inv.organization.id.clone());
        self.index_status(inv, None);
        self.address_counts
            .entry(key(&inv.organization.id, inv.email_address.key()))
            .or_default()
            .created += 1;
        stored
    }

    /// An invitation enters (or, from `old`, moves within) the instance's index by status.
    pub(super) fn index_status(
        &mut self,
        inv: &Invitation,
        old: Option<crate::domain::InvitationStatus>,
    ) {
        let shard = crate::domain::listing::instance_shard(&inv.id);
        let created = crate::domain::listing::created_sort_key(inv);
        if let Some(old) = old {
            if let Some(part) = self.by_shard_status.get_mut(&(old, shard)) {
                part.remove(&created);
            }
        }
        self.by_shard_status
            .entry((inv.stored_status, shard))
            .or_default()
            .insert(created, key(&inv.organization.id, inv.id.as_str()));
    }

    pub(super) fn index_pending(&mut self, inv: &Invitation) {
        if let Some((pk, sk)) = crate::domain::reminder::index_key(inv) {
            self.reminders
                .entry(pk)
                .or_default()
                .insert(sk, key(&inv.organization.id, inv.id.as_str()));
        }
        self.due
            .entry(crate::domain::listing::instance_shard(&inv.id))
            .or_default()
            .insert(
                crate::domain::listing::expiry_sort_key(inv.expires_at, &inv.id),
                key(&inv.organization.id, inv.id.as_str()),
            );
    }

    pub(super) fn unindex_pending(&mut self, inv: &Invitation) {
        if let Some((pk, sk)) = crate::domain::reminder::index_key(inv) {
            if let Some(index) = self.reminders.get_mut(&pk) {
                index.remove(&sk);
            }
        }
        if let Some(index) = self
            .due
            .get_mut(&crate::domain::listing::instance_shard(&inv.id))
        {
            index.remove(&crate::domain::listing::expiry_sort_key(
                inv.expires_at,
                &inv.id,
            ));
        }
    }

    /// The invitation's email is asked for and not sent yet.
    pub(super) fn queue_email(&mut self, inv: &Invitation) {
        self.unsent
            .entry(crate::domain::listing::instance_shard(&inv.id))
            .or_default()
            .insert(key(&inv.organization.id, inv.id.as_str()));
    }

    /// The invitation's email was sent (or given up on).
    pub(super) fn email_done(&mut self, inv: &Invitation) {
        if let Some(shard) = self
            .unsent
            .get_mut(&crate::domain::listing::instance_shard(&inv.id))
        {
            shard.remove(&key(&inv.organization.id, inv.id.as_str()));
        }
    }

    /// A membership and its place in its user's index.
    pub(super) fn add_membership(&mut self, m: &Membership) {
        self.memberships_by_user
            .entry(m.user_id.clone())
            .or_default()
            .insert(user_membership_key(m), m.organization_id.clone());
        self.memberships_by_org
            .entry(m.organization_id.clone())
            .or_default()
            .insert(org_membership_key(m), m.user_id.clone());
        let old = self
            .memberships
            .insert(key(&m.organization_id, &m.user_id), m.clone());
        self.feed_membership(old, Some(m.clone()));
    }

    pub(super) fn remove_membership(&mut self, org_id: &str, user_id: &str) -> Option<Membership> {
        let m = self.memberships.remove(&key(org_id, user_id))?;
        if let Some(index) = self.memberships_by_user.get_mut(user_id) {
            index.remove(&user_membership_key(&m));
        }
        if let Some(index) = self.memberships_by_org.get_mut(org_id) {
            index.remove(&org_membership_key(&m));
        }
        self.feed_membership(Some(m.clone()), None);
        Some(m)
    }

    pub(super) fn actor_allowed(&self, org: &str, actor: Option<&ActorRequirement>) -> bool {
        actor.is_none_or(|a| {
            self.memberships
                .get(&key(org, &a.user_id))
                .is_some_and(|m| a.roles.contains(&m.role))
        })
    }
}

#[derive(Default)]
pub struct MemoryStore {
    tables: Mutex<Tables>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that reports every change to an invitation or membership on the returned
    /// receiver: the local server's stand-in for DynamoDB Streams.
    pub fn with_change_feed() -> (Self, tokio::sync::mpsc::UnboundedReceiver<Change>) {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let store = Self::default();
        store.tables().feed = Some(Feed {
            sender,
            sequence: 0,
        });
        (store, receiver)
    }

    pub(super) fn tables(&self) -> MutexGuard<'_, Tables> {
        // No operation panics while holding the lock, and every operation checks before it
        // writes, so a poisoned lock still guards consistent data.
        self.tables
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(super) fn key(a: &str, b: &str) -> OrgKey {
    (a.to_string(), b.to_string())
}

/// A user's memberships sort by creation, then organization (as GSI3's key).
pub(super) fn user_membership_key(m: &Membership) -> String {
    format!(
        "{}#{}",
        crate::domain::listing::time_key(m.created_at),
        m.organization_id
    )
}

/// An organization's memberships sort by creation, then user (as GSI1's key).
pub(super) fn org_membership_key(m: &Membership) -> String {
    format!(
        "{}#{}",
        crate::domain::listing::time_key(m.created_at),
        m.user_id
    )
}
