//! Revoking on DynamoDB.

use super::codec::{self, key, REVOKED_COUNT};
use super::settle::Guard;
use super::tx::{failed, own_write, settled_by, Tx, TxOutcome};
use super::{keys, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::audit::AuditEntry;
use crate::domain::{Invitation, InvitationId, InvitationStatus, OrganizationId};
use crate::store::{ActorRequirement, InvitationStore, StoreError};

use TxOutcome::Cancelled;

impl DynamoStore {
    /// Two round trips: a read (the answer is the revoked invitation, and a transaction
    /// returns no item) — a `GetItem`, or with an actor a `BatchGetItem` that also reads their
    /// membership, whose role is checked before anything about the invitation is told — then
    /// one transaction that marks it revoked only if still pending, frees its slot only if it
    /// still holds it, gives back its seat and, when named, checks the actor's role again.
    pub(super) async fn revoke(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError> {
        let found = match actor {
            None => self.get_invitation(organization_id, id).await?,
            Some(a) => {
                let mut found = None;
                let mut role_ok = false;
                let wanted = vec![
                    key(keys::invitation(organization_id, id)),
                    key(keys::membership(organization_id, &a.user_id)),
                ];
                for item in self.batch_get(wanted).await? {
                    match codec::entity(&item) {
                        Some("invitation") => found = Some(codec::invitation_from(&item)?),
                        Some("membership") => {
                            role_ok = a.roles.contains(&codec::membership_from(&item)?.role)
                        }
                        _ => return Err(StoreError::Corrupt("unexpected item in revoke".into())),
                    }
                }
                if !role_ok {
                    return Err(StoreError::ActorNotAllowed);
                }
                found
            }
        };
        let inv = found.ok_or(StoreError::NotFound)?;
        // This request revoked it already (its answer was lost): done, not refused.
        if inv.stored_status == InvitationStatus::Revoked
            && inv.written_by.as_deref() == Some(token)
        {
            return Ok(inv);
        }
        if inv.stored_status != InvitationStatus::Pending {
            return Err(StoreError::InvitationNotPending(Box::new(inv)));
        }
        let mut tx = Tx::new(&self.table);
        // Revoked whatever ticket it holds: the admin's decision, not the link's.
        let (inv_index, slot_index) = tx.settle_pending(
            &inv,
            InvitationStatus::Revoked,
            Guard {
                same_ticket: false,
                expiry: None,
                accepted_by: None,
                declined_via: None,
            },
            now,
            self.retention_secs,
            token,
        )?;
        tx.free_seat(organization_id, REVOKED_COUNT)?;
        let actor_index = match actor {
            Some(a) => Some(tx.actor_check(organization_id, a)?),
            None => None,
        };
        let revoked = |mut inv: Invitation| {
            inv.stored_status = InvitationStatus::Revoked;
            inv.updated_at = now;
            inv.written_by = Some(token.to_string());
            inv
        };
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(revoked(inv)),
            Cancelled(r) if own_write(&r, inv_index, settled_by("revoked", token)) => {
                Ok(revoked(inv))
            }
            Cancelled(r) if actor_index.is_some_and(|i| failed(&r, i)) => {
                Err(StoreError::ActorNotAllowed)
            }
            // Accepted, revoked or replaced since the read: the caller retries and sees why.
            Cancelled(r) if failed(&r, inv_index) || failed(&r, slot_index) => {
                Err(StoreError::Contention)
            }
            Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
