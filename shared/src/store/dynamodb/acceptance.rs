//! Tickets and acceptance on DynamoDB.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::codec::{self, key, n, ACCEPTED_COUNT, DECLINED_COUNT};
use super::settle::Guard;
use super::tx::{failed, own_write, settled_by, Params, Tx, TxOutcome, EXISTING_ITEM};
use super::{keys, limits, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::limits::LimitKey;
use crate::domain::{
    Invitation, InvitationId, InvitationStatus, Membership, OrganizationId, UserId,
};
use crate::store::{AcceptanceStore, InvitationStore, StoreError, TicketContext};

#[async_trait]
impl AcceptanceStore for DynamoStore {
    /// One round trip: a `BatchGetItem` of the invitation, the owner of its address (the ticket
    /// carries the address, so this need not wait for the invitation) and the session's user.
    async fn ticket_context(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        email_key: &str,
        session_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
    ) -> Result<TicketContext, StoreError> {
        let mut wanted = vec![
            key(keys::invitation(organization_id, id)),
            key(keys::email_owner(email_key)),
        ];
        if let Some(user_id) = session_user_id {
            wanted.push(key(keys::user(user_id)));
        }
        wanted.extend(limits::limit_keys(limit_keys));
        let mut ctx = TicketContext::default();
        let mut logs = limits::FoundLogs::default();
        for item in self.batch_get(wanted).await? {
            match codec::entity(&item) {
                Some("limit_log") => logs.add(&item)?,
                Some("invitation") => ctx.invitation = Some(codec::invitation_from(&item)?),
                Some("email_owner") => {
                    ctx.address_owner = Some(codec::Reader::new(&item, "email owner").s("user_id")?)
                }
                Some("user") => ctx.session_user = Some(codec::user_from(&item)?),
                _ => {
                    return Err(StoreError::Corrupt(
                        "unexpected item in ticket context".into(),
                    ))
                }
            }
        }
        ctx.limits = logs.states(limit_keys);
        Ok(ctx)
    }

    /// One round trip: a transaction of the invitation (accepted only if still pending,
    /// unexpired and on the same ticket), its slot (deleted), the membership and its address
    /// claims (created only if new) and the organization (a pending seat becomes a member's).
    async fn accept_invitation(
        &self,
        inv: &Invitation,
        m: &Membership,
        now: Millis,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let org_id = &inv.organization.id;
        let mut tx = Tx::new(&self.table);
        let (inv_index, slot_index) = tx.settle_pending(
            inv,
            InvitationStatus::Accepted,
            Guard {
                same_ticket: true,
                expiry: Some("expires_at > :now"),
                accepted_by: Some(m.user_id.clone()),
                declined_via: None,
            },
            now,
            self.retention_secs,
            token,
        )?;
        let member_index = tx.put_new(codec::membership_item(m))?;
        for addr in &m.email_keys {
            tx.put_new(codec::member_address_item(org_id, addr, &m.user_id))?;
        }
        let org_index = tx.update(
            keys::organization(org_id),
            &format!(
                "ADD members_count :one, pending_invitations_count :minus, {ACCEPTED_COUNT} :one \
                 SET updated_at = :now"
            ),
            EXISTING_ITEM,
            Params::new()
                .value(":one", n(1))
                .value(":minus", n(-1))
                .value(":now", n(now)),
        )?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if own_write(&r, inv_index, settled_by("accepted", token)) => {
                Ok(())
            }
            TxOutcome::Cancelled(r) if failed(&r, inv_index) || failed(&r, slot_index) => {
                Err(StoreError::Contention)
            }
            TxOutcome::Cancelled(r) if (member_index..org_index).any(|i| failed(&r, i)) => {
                Err(StoreError::AlreadyMember)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One round trip: a transaction of the invitation (declined only if still pending on the
    /// same ticket), its slot (deleted) and the organization (the seat given back, the
    /// declined counter moved).
    async fn decline_invitation(
        &self,
        inv: &Invitation,
        now: Millis,
        token: &str,
        via: crate::domain::DeclineChannel,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError> {
        let mut tx = Tx::new(&self.table);
        let (inv_index, slot_index) = tx.settle_pending(
            inv,
            InvitationStatus::Declined,
            Guard {
                same_ticket: true,
                expiry: None,
                accepted_by: None,
                declined_via: Some(via),
            },
            now,
            self.retention_secs,
            token,
        )?;
        tx.free_seat(&inv.organization.id, DECLINED_COUNT)?;
        let declined = || {
            let mut declined = inv.clone();
            declined.stored_status = InvitationStatus::Declined;
            declined.updated_at = now;
            declined.written_by = Some(token.to_string());
            declined.declined_via = Some(via);
            declined
        };
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(declined()),
            TxOutcome::Cancelled(r) if own_write(&r, inv_index, settled_by("declined", token)) => {
                Ok(declined())
            }
            TxOutcome::Cancelled(r) if failed(&r, inv_index) || failed(&r, slot_index) => {
                Err(StoreError::Contention)
            }
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// Two `GetItem`s: the pointer to the organization, then the invitation.
    async fn find_invitation(&self, id: &InvitationId) -> Result<Option<Invitation>, StoreError> {
        let Some(pointer) = self.get(keys::invitation_pointer(id)).await? else {
            return Ok(None);
        };
        let org: OrganizationId =
            codec::Reader::new(&pointer, "invitation pointer").s("organization_id")?;
        self.get_invitation(&org, id).await
    }
}
