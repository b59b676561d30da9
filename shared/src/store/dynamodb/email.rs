//! The email's fate on the invitation: queued in the write that asks for it (on GSI8 under
//! `UNSENT#{shard}`), the send's record (which puts the message id on GSI8 instead, so SES's
//! events find the invitation in one read), and what SES reports later.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::codec::{self, key, s};
use super::tx::EXISTING_ITEM;
use super::{condition_failed, keys, sdk_error, DynamoStore};
use crate::clock::Millis;
use crate::domain::{Delivery, DeliveryStatus, Invitation, InvitationId, OrganizationId};
use crate::store::{EmailStore, StoreError};

fn status_value(status: DeliveryStatus) -> AttributeValue {
    s(serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default())
}

#[async_trait]
impl EmailStore for DynamoStore {
    /// One round trip: an `UpdateItem` of the delivery, only while the invitation holds the
    /// ticket the email carried, which also moves the invitation's GSI8 key to the message id
    /// (or off the index when nothing was sent).
    async fn record_delivery(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        ticket_hash: Option<&str>,
        queued: Option<&Delivery>,
        delivery: &Delivery,
    ) -> Result<bool, StoreError> {
        let mut request = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invitation(organization_id, id))))
            .expression_attribute_names("#ds", keys::DELIVERY_STATUS)
            .expression_attribute_names("#mid", keys::GSI8PK)
            .expression_attribute_values(":delivery", codec::delivery_value(delivery))
            .expression_attribute_values(":status", status_value(delivery.status))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            );
        request = match (ticket_hash, queued) {
            (Some(hash), Some(mine)) => request
                .condition_expression(
                    "attribute_exists(PK) AND (ticket_hash = :hash OR delivery = :mine)",
                )
                .expression_attribute_values(":hash", s(hash))
                .expression_attribute_values(":mine", codec::delivery_value(mine)),
            (Some(hash), None) => request
                .condition_expression("attribute_exists(PK) AND ticket_hash = :hash")
                .expression_attribute_values(":hash", s(hash)),
            (None, _) => request.condition_expression(EXISTING_ITEM),
        };
        request = match &delivery.message_id {
            Some(message_id) => request
                .update_expression("SET delivery = :delivery, #ds = :status, #mid = :mid")
                .expression_attribute_values(":mid", s(message_id)),
            None => {
                request.update_expression("SET delivery = :delivery, #ds = :status REMOVE #mid")
            }
        };
        match request.send().await {
            Ok(_) => Ok(true),
            Err(err) if condition_failed(&err) => {
                let exists = err
                    .as_service_error()
                    .and_then(|e| match e {
                        aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c) => c.item(),
                        _ => None,
                    })
                    .is_some();
                if exists {
                    Ok(false)
                } else {
                    Err(StoreError::NotFound)
                }
            }
            Err(err) => Err(sdk_error(err)),
        }
    }

    /// One round trip: an `UpdateItem` conditioned on the delivery read (its JSON, which
    /// holds the time it was queued) and the ticket, naming the claim in `send_claim`; when
    /// the condition fails, the item it returns says whether the claim there is this one (the
    /// SDK's retry of a claim whose answer was lost).
    async fn claim_queued_email(
        &self,
        invitation: &Invitation,
        claim: &str,
        now: Millis,
    ) -> Result<bool, StoreError> {
        let (Some(seen), Some(hash)) = (
            invitation.delivery.as_ref().filter(|d| d.is_queued()),
            invitation.ticket_hash.as_deref(),
        ) else {
            return Ok(false);
        };
        let claimed = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invitation(
                &invitation.organization.id,
                &invitation.id,
            ))))
            .update_expression("SET delivery = :claimed, #claim = :claim")
            .condition_expression("delivery = :seen AND ticket_hash = :hash")
            .expression_attribute_names("#claim", keys::SEND_CLAIM)
            .expression_attribute_values(":claimed", codec::delivery_value(&Delivery::queued(now)))
            .expression_attribute_values(":claim", s(claim))
            .expression_attribute_values(":seen", codec::delivery_value(seen))
            .expression_attribute_values(":hash", s(hash))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match claimed {
            Ok(_) => Ok(true),
            Err(err) if condition_failed(&err) => Ok(err
                .as_service_error()
                .and_then(|e| match e {
                    aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(c) => c.item(),
                    _ => None,
                })
                .and_then(|item| item.get(keys::SEND_CLAIM))
                .and_then(|v| v.as_s().ok())
                .is_some_and(|held| held == claim)),
            Err(err) => Err(sdk_error(err)),
        }
    }

    /// Two round trips: a `Query` of GSI8 under the partition's `UNSENT` key (keys only: the
    /// queued emails, nothing else), then a `BatchGetItem` of those invitations.
    async fn unsent_invitations(
        &self,
        shard: u32,
        limit: u32,
    ) -> Result<Vec<Invitation>, StoreError> {
        let found = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI8)
            .key_condition_expression("#mid = :unsent")
            .expression_attribute_names("#mid", keys::GSI8PK)
            .expression_attribute_values(":unsent", s(keys::unsent_shard(shard)))
            .limit(limit.clamp(1, 100) as i32)
            .send()
            .await
            .map_err(sdk_error)?;
        let keys_found: Vec<codec::Item> = found
            .items
            .unwrap_or_default()
            .into_iter()
            .filter_map(|item| {
                let (pk, sk) = (item.get(keys::PK)?.clone(), item.get(keys::SK)?.clone());
                Some([(keys::PK.to_string(), pk), (keys::SK.to_string(), sk)].into())
            })
            .collect();
        if keys_found.is_empty() {
            return Ok(Vec::new());
        }
        self.batch_get(keys_found)
            .await?
            .iter()
            .map(codec::invitation_from)
            .collect()
    }

    /// Two round trips: a `Query` of GSI8 by the message id (the one read; keys only), then an
    /// `UpdateItem` whose condition holds the rules (still the latest message; no "delivered"
    /// over a bounce or complaint).
    async fn record_mail_feedback(
        &self,
        message_id: &str,
        delivery: &Delivery,
    ) -> Result<Option<(Invitation, Invitation)>, StoreError> {
        let found = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI8)
            .key_condition_expression("#mid = :mid")
            .expression_attribute_names("#mid", keys::GSI8PK)
            .expression_attribute_values(":mid", s(message_id))
            .limit(1)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(item) = found.items.unwrap_or_default().into_iter().next() else {
            return Ok(None);
        };
        let (Some(pk), Some(sk)) = (item.get(keys::PK), item.get(keys::SK)) else {
            return Ok(None);
        };
        let mut condition = "#mid = :mid".to_string();
        let mut request = self
            .client()
            .update_item()
            .table_name(&self.table)
            .key(keys::PK, pk.clone())
            .key(keys::SK, sk.clone())
            .update_expression("SET delivery = :delivery, #ds = :status")
            .expression_attribute_names("#mid", keys::GSI8PK)
            .expression_attribute_names("#ds", keys::DELIVERY_STATUS)
            .expression_attribute_values(":mid", s(message_id))
            .expression_attribute_values(":delivery", codec::delivery_value(delivery))
            .expression_attribute_values(":status", status_value(delivery.status))
            .return_values(ReturnValue::AllOld);
        if delivery.status == DeliveryStatus::Delivered {
            condition.push_str(" AND NOT #ds IN (:bounced, :complained)");
            request = request
                .expression_attribute_values(":bounced", status_value(DeliveryStatus::Bounced))
                .expression_attribute_values(
                    ":complained",
                    status_value(DeliveryStatus::Complained),
                );
        }
        match request.condition_expression(condition).send().await {
            Ok(out) => match out.attributes {
                Some(item) => {
                    let before = codec::invitation_from(&item)?;
                    let mut after = before.clone();
                    after.delivery = Some(delivery.clone());
                    Ok(Some((before, after)))
                }
                None => Ok(None),
            },
            Err(err) if condition_failed(&err) => Ok(None),
            Err(err) => Err(sdk_error(err)),
        }
    }
}
