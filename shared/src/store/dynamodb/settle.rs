//! The items every write that ends a pending invitation shares: the invitation moves to its end
//! state (leaving the pending indexes, marked counted), its address's slot is freed, and the
//! organization and the address count it. Accept, decline, expire and revoke differ only in their conditions
//! and in what the organization's counters do. An ended invitation carries its TTL: it leaves
//! the table once its retention has passed.

use super::codec::{n, s, ACCEPTED_COUNT, DECLINED_COUNT, EXPIRED_COUNT, REVOKED_COUNT};
use super::keys::{self, PENDING_INDEX_ATTRIBUTES};
use super::tx::{Params, Tx, EXISTING_ITEM};
use crate::clock::Millis;
use crate::domain::{Invitation, InvitationStatus, OrganizationId};
use crate::store::StoreError;

/// Whether the write also requires the ticket read to still be the invitation's, and what else
/// the invitation's expiry must satisfy (`expires_at > :now` to accept, `<=` to expire).
pub struct Guard {
    pub same_ticket: bool,
    pub expiry: Option<&'static str>,
    /// Recorded on the invitation when it is accepted.
    pub accepted_by: Option<crate::domain::UserId>,
    /// Recorded on the invitation when it is declined.
    pub declined_via: Option<crate::domain::DeclineChannel>,
}

/// How long an invitation stays in the table after it ends, unless configured
/// (`RETENTION_DAYS`): DynamoDB's TTL removes it then.
pub const DEFAULT_RETENTION_SECS: i64 = 90 * 24 * 60 * 60;

impl Tx<'_> {
    /// The invitation (to `status`, only if still pending and as `guard` says) and its slot
    /// (deleted only if it still holds it). Returns their item indexes, for the cancellation
    /// reasons.
    pub fn settle_pending(
        &mut self,
        inv: &Invitation,
        status: InvitationStatus,
        guard: Guard,
        now: Millis,
        retain_secs: i64,
        token: &str,
    ) -> Result<(usize, usize), StoreError> {
        let org_id = &inv.organization.id;
        let mut params = Params::new()
            .name("#st", "status")
            .value(":end", s(status.as_str()))
            .value(":pending", s(InvitationStatus::Pending.as_str()))
            .value(":now", n(now))
            .value(":ttl", n(now.div_euclid(1000) + retain_secs))
            .name("#ttl", keys::TTL)
            .value(":by", s(token))
            .value(":stpart", s(keys::status_partition(org_id, status)))
            .value(
                ":inststpart",
                s(keys::instance_status_partition(
                    status,
                    crate::domain::listing::instance_shard(&inv.id),
                )),
            );
        let mut set = "SET #st = :end, updated_at = :now, #ttl = :ttl, written_by = :by, \
                       GSI4PK = :stpart, GSI11PK = :inststpart"
            .to_string();
        if let Some(user) = &guard.accepted_by {
            params = params.value(":user", s(user.as_str()));
            set.push_str(", accepted_user_id = :user");
        }
        if let Some(via) = guard.declined_via {
            params = params.value(":via", s(via.as_str()));
            set.push_str(", declined_via = :via");
        }
        let mut condition = "#st = :pending".to_string();
        if let Some(expiry) = guard.expiry {
            condition.push_str(" AND ");
            condition.push_str(expiry);
        }
        if guard.same_ticket {
            match &inv.ticket_hash {
                Some(hash) => {
                    params = params.value(":hash", s(hash));
                    condition.push_str(" AND ticket_hash = :hash");
                }
                None => condition.push_str(" AND attribute_not_exists(ticket_hash)"),
            }
        }
        let invitation = self.update(
            keys::invitation(org_id, &inv.id),
            &format!("{set} REMOVE {PENDING_INDEX_ATTRIBUTES}"),
            &condition,
            params,
        )?;
        if let Some(counter) = settled_counter(status) {
            self.count_for_address(org_id, inv.email_address.key(), &[counter])?;
        }
        // A domain's automatic invitation gives its domain's pending count back (a counters
        // item of its own: a late end never recreates a removed domain).
        if let Some(offer) = &inv.domain_offer {
            self.update(
                keys::domain_counts(org_id, &offer.domain_id),
                "ADD pending_invitations :minus",
                "",
                Params::new().value(":minus", n(-1)),
            )?;
        }
        let slot = self.delete(
            keys::pending_slot(org_id, inv.email_address.key()),
            "invitation_id = :id",
            Params::new().value(":id", s(inv.id.as_str())),
        )?;
        Ok((invitation, slot))
    }

    /// Adds one to each of `counters` on the address's counters item (made by the first).
    pub fn count_for_address(
        &mut self,
        org_id: &OrganizationId,
        email_key: &str,
        counters: &[&str],
    ) -> Result<usize, StoreError> {
        let adds: Vec<String> = counters.iter().map(|c| format!("{c} :one")).collect();
        self.update(
            keys::address_counts(org_id, email_key),
            &format!("ADD {}", adds.join(", ")),
            "",
            Params::new().value(":one", n(1)),
        )
    }

    /// The organization gives the seat back and counts the invitation under `counter`.
    pub fn free_seat(
        &mut self,
        org_id: &OrganizationId,
        counter: &str,
    ) -> Result<usize, StoreError> {
        self.update(
            keys::organization(org_id),
            &format!("ADD pending_invitations_count :minus, seats_used :minus, {counter} :one"),
            EXISTING_ITEM,
            Params::new().value(":minus", n(-1)).value(":one", n(1)),
        )
    }
}

/// The counter an end state is counted under (the organization's and the address's).
pub fn settled_counter(status: InvitationStatus) -> Option<&'static str> {
    match status {
        InvitationStatus::Accepted => Some(ACCEPTED_COUNT),
        InvitationStatus::Revoked => Some(REVOKED_COUNT),
        InvitationStatus::Declined => Some(DECLINED_COUNT),
        InvitationStatus::Expired => Some(EXPIRED_COUNT),
        InvitationStatus::Pending => None,
    }
}
