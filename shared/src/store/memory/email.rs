//! An invitation's email in memory: queued (the `unsent` index, GSI8's twin), recorded, and
//! what the mail service reported, found by message id, under the same rules as DynamoDB's
//! conditions: only the latest message counts; "delivered" never undoes a bounce or complaint.

use async_trait::async_trait;

use super::{key, MemoryStore};
use crate::clock::Millis;
use crate::domain::{Delivery, DeliveryStatus, Invitation, InvitationId, OrganizationId};
use crate::store::{EmailStore, StoreError};

#[async_trait]
impl EmailStore for MemoryStore {
    async fn record_delivery(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        ticket_hash: Option<&str>,
        queued: Option<&Delivery>,
        delivery: &Delivery,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let inv = t
            .invitations
            .get_mut(&key(organization_id, id.as_str()))
            .ok_or(StoreError::NotFound)?;
        let still_queued = queued.is_some() && inv.delivery.as_ref() == queued;
        if ticket_hash.is_some() && inv.ticket_hash.as_deref() != ticket_hash && !still_queued {
            return Ok(false);
        }
        let before = inv.clone();
        std::sync::Arc::make_mut(inv).delivery = Some(delivery.clone());
        let after = inv.clone();
        // As GSI8: only the latest message names the invitation.
        if let Some(old) = before.delivery.as_ref().and_then(|d| d.message_id.as_ref()) {
            t.messages.remove(old);
        }
        if let Some(message_id) = &delivery.message_id {
            t.messages
                .insert(message_id.clone(), key(organization_id, id.as_str()));
        }
        t.email_done(&after);
        t.feed_invitation(Some(before), Some(after));
        Ok(true)
    }

    async fn claim_queued_email(
        &self,
        invitation: &Invitation,
        _claim: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let mut t = self.tables();
        let k = key(&invitation.organization.id, invitation.id.as_str());
        let Some(inv) = t.invitations.get_mut(&k) else {
            return Ok(false);
        };
        let seen = invitation.delivery.as_ref().filter(|d| d.is_queued());
        if seen.is_none()
            || inv.delivery.as_ref() != seen
            || inv.ticket_hash != invitation.ticket_hash
        {
            return Ok(false);
        }
        std::sync::Arc::make_mut(inv).delivery = Some(Delivery::queued(now));
        Ok(true)
    }

    async fn unsent_invitations(
        &self,
        shard: u32,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let t = self.tables();
        Ok(t.unsent
            .get(&shard)
            .into_iter()
            .flatten()
            .take(limit as usize)
            .filter_map(|k| t.invitations.get(k).map(super::owned))
            .collect())
    }

    async fn record_mail_feedback(
        &self,
        message_id: &str,
        delivery: &Delivery,
    ) -> Result<Option<(Invitation, Invitation)>, StoreError> {
        let mut t = self.tables();
        let Some(k) = t.messages.get(message_id).cloned() else {
            return Ok(None);
        };
        let Some(inv) = t.invitations.get_mut(&k) else {
            return Ok(None);
        };
        let Some(current) = &inv.delivery else {
            return Ok(None);
        };
        let latest = current.message_id.as_deref() == Some(message_id);
        let is_final = matches!(
            current.status,
            DeliveryStatus::Bounced | DeliveryStatus::Complained
        );
        if !latest || (is_final && delivery.status == DeliveryStatus::Delivered) {
            return Ok(None);
        }
        let before = inv.clone();
        std::sync::Arc::make_mut(inv).delivery = Some(delivery.clone());
        let after = inv.clone();
        t.feed_invitation(Some(before.clone()), Some(after.clone()));
        Ok(Some((super::owned(&before), super::owned(&after))))
    }
}
