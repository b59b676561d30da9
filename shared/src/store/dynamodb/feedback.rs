//! The email's fate on the invitation: the send's record (with a pointer from the message id,
//! so SES's events find the invitation in one read) and what SES reports later.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::codec::{self, key, n, s};
use super::tx::{failed, Params, Tx, TxOutcome, EXISTING_ITEM};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::domain::{Delivery, DeliveryStatus, Invitation, InvitationId, OrganizationId};
use crate::store::{MailFeedbackStore, StoreError};

/// How long a message's pointer stays: SES reports bounces and complaints within days.
const MESSAGE_POINTER_SECS: i64 = 30 * 24 * 60 * 60;

fn status_value(status: DeliveryStatus) -> AttributeValue {
    s(serde_json::to_value(status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default())
}

impl DynamoStore {
    /// One round trip. Without a message id, an `UpdateItem` of the delivery; with one, a
    /// transaction of that update and the message's pointer.
    pub(super) async fn write_delivery(
        &self,
        organization_id: &OrganizationId,
        id: &InvitationId,
        delivery: &Delivery,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let mut params = Params::new()
            .value(":delivery", codec::delivery_value(delivery))
            .value(":status", status_value(delivery.status))
            .name("#ds", keys::DELIVERY_STATUS);
        let mut set = "SET delivery = :delivery, #ds = :status".to_string();
        if let Some(message_id) = &delivery.message_id {
            params = params
                .value(":mid", s(message_id))
                .name("#mid", keys::DELIVERY_MESSAGE_ID);
            set.push_str(", #mid = :mid");
        }
        let invitation = tx.update(
            keys::invitation(organization_id, id),
            &set,
            EXISTING_ITEM,
            params,
        )?;
        if let Some(message_id) = &delivery.message_id {
            let (pk, sk) = keys::message(message_id);
            let item = std::collections::HashMap::from([
                (keys::PK.to_string(), s(pk)),
                (keys::SK.to_string(), s(sk)),
                ("organization_id".to_string(), s(organization_id.as_str())),
                ("invitation_id".to_string(), s(id.as_str())),
                (
                    keys::TTL.to_string(),
                    n(delivery.at.div_euclid(1000) + MESSAGE_POINTER_SECS),
                ),
            ]);
            tx.put(item, "attribute_not_exists(PK)", Params::new())?;
        }
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) if failed(&r, invitation) => Err(StoreError::NotFound),
            TxOutcome::Cancelled(r) => Err(unexplained(&r)),
        }
    }
}

#[async_trait]
impl MailFeedbackStore for DynamoStore {
    /// Two round trips: the pointer (`GetItem`, the one read), then an `UpdateItem` whose
    /// condition holds the rules (latest message; no "delivered" over a bounce or complaint).
    async fn record_mail_feedback(
        &self,
        message_id: &str,
        delivery: &Delivery,
    ) -> Result<Option<Invitation>, StoreError> {
        let pointer = self
            .client()
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::message(message_id))))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        let Some(item) = pointer.item else {
            return Ok(None);
        };
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        let (Some(org), Some(inv)) = (text("organization_id"), text("invitation_id")) else {
            return Ok(None);
        };
        let Some(inv) = InvitationId::parse(&inv) else {
            return Ok(None);
        };
        let mut condition = "#mid = :mid".to_string();
        let mut request = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invitation(&org, &inv))))
            .update_expression("SET delivery = :delivery, #ds = :status")
            .expression_attribute_names("#mid", keys::DELIVERY_MESSAGE_ID)
            .expression_attribute_names("#ds", keys::DELIVERY_STATUS)
            .expression_attribute_values(":mid", s(message_id))
            .expression_attribute_values(":delivery", codec::delivery_value(delivery))
            .expression_attribute_values(":status", status_value(delivery.status))
            .return_values(ReturnValue::AllNew);
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
                Some(item) => codec::invitation_from(&item).map(Some),
                None => Ok(None),
            },
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(None)
            }
            Err(err) => Err(sdk_error(err)),
        }
    }
}
