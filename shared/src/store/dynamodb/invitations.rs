//! Invitations on DynamoDB.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::codec::{self, key, n, s, EXPIRED_COUNT};
use super::keys::PENDING_INDEX_ATTRIBUTES;
use super::tx::{
    failed, old_item, own_write, Params, Tx, TxOutcome, EXISTING_ITEM, HAS_FREE_SEAT, NEW_ITEM,
};
use super::{keys, limits, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::limits::{LimitKey, LimitWrite};
use crate::domain::{Invitation, InvitationId, InvitationStatus, OrganizationId, UserId};
use crate::store::{
    ActorRequirement, InvitationContext, InvitationStore, OrganizationStore, SlotHolder, StoreError,
};

#[async_trait]
impl InvitationStore for DynamoStore {
    /// One round trip: a `BatchGetItem` of the organization, the address's pending slot and
    /// member claim, when an actor is named the actor's membership and profile, and when an
    /// email is asked for its limit logs, the mailbox's suppression and the organization's
    /// mail state (repeated only for keys DynamoDB leaves unprocessed under load).
    async fn invitation_context(
        &self,
        organization_id: &OrganizationId,
        email_key: &str,
        actor_user_id: Option<&UserId>,
        limit_keys: &[LimitKey],
        mailbox: Option<&str>,
    ) -> Result<InvitationContext, StoreError> {
        let mut keys_wanted = vec![
            key(keys::organization(organization_id)),
            key(keys::pending_slot(organization_id, email_key)),
            key(keys::member_address(organization_id, email_key)),
        ];
        if let Some(user_id) = actor_user_id {
            keys_wanted.push(key(keys::membership(organization_id, user_id)));
            keys_wanted.push(key(keys::user(user_id)));
        }
        keys_wanted.extend(limits::limit_keys(limit_keys));
        if let Some(mailbox) = mailbox {
            keys_wanted.push(key(keys::suppression(mailbox)));
            keys_wanted.push(key(keys::mail_state(organization_id)));
        }
        let mut ctx = InvitationContext::default();
        let mut logs = limits::FoundLogs::default();
        for item in self.batch_get(keys_wanted).await? {
            match codec::entity(&item) {
                Some("limit_log") => logs.add(&item)?,
                Some("organization") => ctx.organization = Some(codec::organization_from(&item)?),
                Some("pending_slot") => ctx.slot_holder = Some(codec::slot_from(&item)?),
                Some("membership") => ctx.actor_membership = Some(codec::membership_from(&item)?),
                Some("user") => ctx.actor_user = Some(codec::user_from(&item)?),
                Some("member_address") => ctx.address_is_member = true,
                Some("suppression") => {
                    ctx.suppression = Some(super::reputation::suppression_from(&item)?)
                }
                Some("mail_state") => {
                    ctx.mail_pause = Some(super::reputation::pause_from(&item)?.1)
                }
                _ => {
                    return Err(StoreError::Corrupt(
                        "unexpected item in invitation context".into(),
                    ))
                }
            }
        }
        ctx.limits = logs.states(limit_keys);
        Ok(ctx)
    }

    /// One round trip: a transaction that puts the invitation, takes the address's slot (only
    /// if free, or still held by the expired invitation read just before), checks the address
    /// is no member's, takes a seat under the maximum, when named checks the actor's role, and
    /// puts the abuse-limit logs on the versions read, and the pointer from the invitation's id
    /// to its organization.
    async fn insert_invitation(
        &self,
        inv: &Invitation,
        replacing: Option<&SlotHolder>,
        actor: Option<&ActorRequirement>,
        limit_writes: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let org_id = &inv.organization.id;
        let mut tx = Tx::new(&self.table);
        let actor_index = match actor {
            Some(a) => Some(tx.actor_check(org_id, a)?),
            None => None,
        };
        let slot_index = match replacing {
            None => tx.put_new(codec::slot_item(inv))?,
            Some(old) => tx.put(
                codec::slot_item(inv),
                "invitation_id = :old",
                Params::new().value(":old", s(old.invitation_id.as_str())),
            )?,
        };
        let member_index = tx.check(
            keys::member_address(org_id, inv.email_address.key()),
            NEW_ITEM,
            Params::new(),
        )?;
        let org_index = match replacing {
            // The expired invitation's seat passes to this one.
            Some(_) => tx.update(
                keys::organization(org_id),
                &format!("ADD {EXPIRED_COUNT} :one SET updated_at = :now"),
                EXISTING_ITEM,
                Params::new()
                    .value(":one", n(1))
                    .value(":now", n(inv.created_at)),
            )?,
            None => tx.update(
                keys::organization(org_id),
                "ADD pending_invitations_count :one, seats_used :one SET updated_at = :now",
                HAS_FREE_SEAT,
                Params::new()
                    .value(":one", n(1))
                    .value(":zero", n(0))
                    .value(":now", n(inv.created_at)),
            )?,
        };
        // Sent, and when it replaces one, that one expired: one update of the address's counters.
        let counted: &[&str] = match replacing {
            Some(_) => &[keys::SENT_COUNT, EXPIRED_COUNT],
            None => &[keys::SENT_COUNT],
        };
        tx.count_for_address(org_id, inv.email_address.key(), counted)?;
        let inv_index = tx.put_new(codec::invitation_item(inv))?;
        let pointer_index = tx.put_new(codec::invitation_pointer_item(inv))?;
        let old_index = match replacing {
            Some(old) => Some(
                tx.update(
                    keys::invitation(org_id, &old.invitation_id),
                    &format!("SET #st = :expired, updated_at = :now, #ttl = :ttl, written_by = :by, GSI4PK = :stpart, GSI11PK = :inststpart REMOVE {PENDING_INDEX_ATTRIBUTES}"),
                    "#st = :pending",
                    Params::new()
                        .name("#st", "status")
                        .name("#ttl", keys::TTL)
                        .value(":by", s(inv.written_by.as_deref().unwrap_or_default()))
                        .value(
                            ":stpart",
                            s(keys::status_partition(org_id, InvitationStatus::Expired)),
                        )
                        .value(
                            ":inststpart",
                            s(keys::instance_status_partition(
                                InvitationStatus::Expired,
                                crate::domain::listing::instance_shard(&old.invitation_id),
                            )),
                        )
                        .value(":ttl", n(inv.created_at.div_euclid(1000) + self.retention_secs))
                        .value(":expired", s(InvitationStatus::Expired.as_str()))
                        .value(":pending", s(InvitationStatus::Pending.as_str()))
                        .value(":now", n(inv.created_at)),
                )?,
            ),
            None => None,
        };
        // A domain's automatic invitation: made once per (person, organization), counted.
        let offer_index = match &inv.domain_offer {
            Some(offer) => {
                let index = tx.put_new(codec::invitation_offer_item(inv, offer))?;
                tx.update(
                    keys::domain_counts(org_id, &offer.domain_id),
                    "ADD pending_invitations :one",
                    "",
                    Params::new().value(":one", n(1)),
                )?;
                Some(index)
            }
            None => None,
        };
        let limit_indexes = tx.put_limits(limit_writes)?;
        tx.audit(audit)?;
        let r = match tx.send(self.client()).await? {
            TxOutcome::Committed => return Ok(()),
            Cancelled(r) => r,
        };
        // The invitation's id is new to this write: an item under it is this write, applied.
        if own_write(&r, inv_index, |_| true) {
            return Ok(());
        }
        if failed(&r, org_index)
            && old_item(&r, org_index).is_none()
            && self.get_organization(org_id).await?.is_none()
        {
            return Err(StoreError::NotFound);
        }
        if actor_index.is_some_and(|i| failed(&r, i)) {
            return Err(StoreError::ActorNotAllowed);
        }
        if offer_index.is_some_and(|i| failed(&r, i)) {
            return Err(StoreError::AlreadyExists);
        }
        if failed(&r, slot_index)
            || old_index.is_some_and(|i| failed(&r, i))
            || failed(&r, inv_index)
            || failed(&r, pointer_index)
            || limit_indexes.iter().any(|&i| failed(&r, i))
        {
            return Err(StoreError::Contention);
        }
        if failed(&r, member_index) {
            return Err(StoreError::AlreadyMember);
        }
        if failed(&r, org_index) {
            return Err(StoreError::QuotaExceeded);
        }
        Err(unexplained(&r))
    }

    /// One round trip.
    async fn get_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.get(keys::invitation(organization_id, id))
            .await?
            .as_ref()
            .map(codec::invitation_from)
            .transpose()
    }

    /// One round trip: a transaction that swaps the ticket (hash, issue time) and expiry on the
    /// invitation (only if it is still pending on the ticket read), queues its email when one
    /// is asked for, moves the expiry on its slot (only if it still holds it), when named
    /// checks the actor's role, and puts the abuse-limit logs on the versions read.
    async fn reissue_ticket(
        &self,
        read: &Invitation,
        inv: &Invitation,
        actor: Option<&ActorRequirement>,
        limit_writes: &[LimitWrite],
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let org_id = &inv.organization.id;
        let new_hash = inv.ticket_hash.clone().unwrap_or_default();
        let mut tx = Tx::new(&self.table);
        let mut params = Params::new()
            .name("#st", "status")
            .value(":pending", s(InvitationStatus::Pending.as_str()))
            .value(":hash", s(&new_hash))
            .value(":issued", n(inv.ticket_issued_at))
            .value(":exp", n(inv.expires_at))
            .value(":now", n(inv.updated_at))
            .value(":by", s(inv.written_by.as_deref().unwrap_or_default()))
            .value(":expkey", s(keys::expiry_sort_key(inv.expires_at, &inv.id)));
        let mut set = "SET ticket_hash = :hash, ticket_issued_at = :issued, expires_at = :exp, \
                       updated_at = :now, written_by = :by, GSI5SK = :expkey, GSI7SK = :expkey"
            .to_string();
        if let Some(delivery) = inv.delivery.as_ref().filter(|d| d.is_queued()) {
            set.push_str(", delivery = :delivery, #ds = :queued, #mid = :unsent");
            params = params
                .name("#ds", keys::DELIVERY_STATUS)
                .name("#mid", keys::GSI8PK)
                .value(":delivery", codec::delivery_value(delivery))
                .value(":queued", s("queued"))
                .value(":unsent", s(keys::unsent_partition(&inv.id)));
        }
        // The reminder starts over for the new expiry (or there is none).
        let mut remove = vec!["reminder"];
        match (inv.remind_at, crate::domain::reminder::index_key(inv)) {
            (Some(at), Some((pk, sk))) => {
                set.push_str(", remind_at = :remind, GSI9PK = :rpk, GSI9SK = :rsk");
                params = params
                    .value(":remind", n(at))
                    .value(":rpk", s(pk))
                    .value(":rsk", s(sk));
            }
            _ => remove.extend(["remind_at", "GSI9PK", "GSI9SK"]),
        }
        set.push_str(&format!(" REMOVE {}", remove.join(", ")));
        let same_ticket = match &read.ticket_hash {
            Some(old) => {
                params = params.value(":old", s(old));
                "ticket_hash = :old"
            }
            None => "attribute_not_exists(ticket_hash)",
        };
        let inv_index = tx.update(
            keys::invitation(org_id, &inv.id),
            &set,
            &format!("#st = :pending AND {same_ticket}"),
            params,
        )?;
        tx.update(
            keys::pending_slot(org_id, inv.email_address.key()),
            "SET expires_at = :exp",
            "invitation_id = :id",
            Params::new()
                .value(":exp", n(inv.expires_at))
                .value(":id", s(inv.id.as_str())),
        )?;
        let actor_index = match actor {
            Some(a) => Some(tx.actor_check(org_id, a)?),
            None => None,
        };
        let limit_indexes = tx.put_limits(limit_writes)?;
        let has_new_ticket = |item: &codec::Item| {
            item.get("ticket_hash").and_then(|v| v.as_s().ok()) == Some(&new_hash)
        };
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if own_write(&r, inv_index, has_new_ticket) => Ok(()),
            Cancelled(r) if actor_index.is_some_and(|i| failed(&r, i)) => {
                Err(StoreError::ActorNotAllowed)
            }
            Cancelled(r)
                if failed(&r, inv_index)
                    || failed(&r, inv_index + 1)
                    || limit_indexes.iter().any(|&i| failed(&r, i)) =>
            {
                Err(StoreError::Contention)
            }
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// See `revoke.rs`.
    async fn revoke_invitation(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
        token: &str,
        audit: &AuditEntry,
    ) -> Result<Invitation, StoreError> {
        self.revoke(organization_id, id, now, actor, token, audit)
            .await
    }
}

use TxOutcome::Cancelled;
