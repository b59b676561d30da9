//! An organization's invitations in the orders its lists read them: the in-memory twins of the
//! DynamoDB indexes (GSI1 by creation, GSI2 by address, GSI4 by stored status and creation,
//! the sparse GSI5 of pending invitations by expiry), so a list costs what it costs in
//! production.

use std::collections::{BTreeMap, HashMap};

use crate::clock::Millis;
use crate::domain::listing::{created_sort_key, email_sort_key, expiry_sort_key, time_key};
use crate::domain::{Invitation, InvitationId, InvitationStatus};

#[derive(Default)]
pub(super) struct OrgInvitations {
    pub(super) by_created: BTreeMap<String, InvitationId>,
    pub(super) by_email: BTreeMap<String, InvitationId>,
    /// Each stored status's invitations by creation.
    pub(super) by_status: HashMap<InvitationStatus, BTreeMap<String, InvitationId>>,
    /// Each stored status's invitations by address (DynamoDB's GSI10).
    pub(super) by_status_email: HashMap<InvitationStatus, BTreeMap<String, InvitationId>>,
    /// Pending invitations by expiry, each with its created key.
    pending_by_expiry: BTreeMap<String, String>,
}

/// Who accepted an invitation, or how it was declined: recorded on it as it ends.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct EndedBy<'a> {
    pub accepted_by: Option<&'a crate::domain::UserId>,
    pub declined_via: Option<crate::domain::DeclineChannel>,
}

impl OrgInvitations {
    /// A new (pending) invitation enters every index.
    pub(super) fn add(&mut self, inv: &Invitation) {
        let created = created_sort_key(inv);
        self.by_created.insert(created.clone(), inv.id.clone());
        self.by_email.insert(email_sort_key(inv), inv.id.clone());
        self.by_status
            .entry(InvitationStatus::Pending)
            .or_default()
            .insert(created.clone(), inv.id.clone());
        self.by_status_email
            .entry(InvitationStatus::Pending)
            .or_default()
            .insert(email_sort_key(inv), inv.id.clone());
        self.pending_by_expiry
            .insert(expiry_sort_key(inv.expires_at, &inv.id), created);
    }

    /// `inv` (as stored while pending) reached `status`: it moves to that status's index and
    /// leaves the index by expiry.
    pub(super) fn settle(&mut self, inv: &Invitation, status: InvitationStatus) {
        let created = created_sort_key(inv);
        if let Some(pending) = self.by_status.get_mut(&InvitationStatus::Pending) {
            pending.remove(&created);
        }
        self.by_status
            .entry(status)
            .or_default()
            .insert(created, inv.id.clone());
        let by_email = email_sort_key(inv);
        if let Some(pending) = self.by_status_email.get_mut(&InvitationStatus::Pending) {
            pending.remove(&by_email);
        }
        self.by_status_email
            .entry(status)
            .or_default()
            .insert(by_email, inv.id.clone());
        self.pending_by_expiry
            .remove(&expiry_sort_key(inv.expires_at, &inv.id));
    }

    /// A resend moved the expiry.
    pub(super) fn reexpire(&mut self, inv: &Invitation, old: Millis) {
        self.pending_by_expiry
            .remove(&expiry_sort_key(old, &inv.id));
        self.pending_by_expiry.insert(
            expiry_sort_key(inv.expires_at, &inv.id),
            created_sort_key(inv),
        );
    }

    /// The created keys of the pending invitations whose expiry has passed at `now`; reads only
    /// those, at most `LAPSED_READ_LIMIT` (as DynamoDB's one page of GSI5).
    pub(super) fn lapsed(&self, now: Millis) -> Vec<&String> {
        self.pending_by_expiry
            .range(..time_key(now + 1))
            .take(crate::domain::listing::LAPSED_READ_LIMIT as usize)
            .map(|(_, created)| created)
            .collect()
    }
}

impl super::Tables {
    /// A stored pending invitation reaches `status` (accepted, revoked, or expired when
    /// replaced): it leaves the pending indexes and the organization counts it, as the DynamoDB
    /// transaction does in the same write. `None` if there is no such invitation.
    pub(super) fn settle_invitation(
        &mut self,
        org_id: &str,
        id: &InvitationId,
        status: InvitationStatus,
        now: Millis,
        ended_by: EndedBy<'_>,
        token: &str,
    ) -> Option<Invitation> {
        let before = self
            .invitations
            .get(&super::key(org_id, id.as_str()))?
            .clone();
        self.unindex_pending(&before);
        let held = self.invitations.get_mut(&super::key(org_id, id.as_str()))?;
        let inv = std::sync::Arc::make_mut(held);
        if let Some(index) = self.invitation_index.get_mut(org_id) {
            index.settle(inv, status);
        }
        inv.stored_status = status;
        inv.updated_at = now;
        inv.accepted_user_id = ended_by.accepted_by.cloned();
        inv.declined_via = ended_by.declined_via;
        inv.written_by = Some(token.to_string());
        let settled = inv.clone();
        let held = held.clone();
        self.index_status(&settled, Some(before.stored_status));
        self.feed_invitation(Some(before), Some(held));
        let address = super::key(org_id, settled.email_address.key());
        let by_address = &mut self.address_counts.entry(address).or_default().settled;
        count_settled(by_address, status);
        if let Some(org) = self.organizations.get_mut(org_id) {
            count_settled(&mut org.settled_invitations, status);
        }
        if let Some(offer) = &settled.domain_offer {
            self.domains.count(org_id, &offer.domain_id, -1, 0);
        }
        Some(settled)
    }
}

fn count_settled(counts: &mut crate::domain::SettledInvitations, status: InvitationStatus) {
    match status {
        InvitationStatus::Accepted => counts.accepted += 1,
        InvitationStatus::Revoked => counts.revoked += 1,
        InvitationStatus::Declined => counts.declined += 1,
        InvitationStatus::Expired => counts.expired += 1,
        InvitationStatus::Pending => {}
    }
}
