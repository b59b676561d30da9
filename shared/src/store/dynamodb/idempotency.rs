//! Idempotency records on DynamoDB: `IDEM#{scope and key}` / `REQ`, taken by one conditional
//! `PutItem`, answered by one `UpdateItem`, removed by the table's TTL a day later.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;

use super::codec::{key, n, s, Item, ItemBuilder, Reader};
use super::{keys, sdk_error, DynamoStore};
use crate::clock::Millis;
use crate::store::{IdempotencyBegin, IdempotencyStore, StoreError};

fn record_key(idempotency_key: &str) -> (String, String) {
    (format!("IDEM#{idempotency_key}"), "REQ".into())
}

fn state_of(item: &Item, fingerprint: &str) -> Result<IdempotencyBegin, StoreError> {
    let r = Reader::new(item, "idempotency record");
    let stored: String = r.s("fingerprint")?;
    if stored != fingerprint {
        return Ok(IdempotencyBegin::Mismatch);
    }
    match r.opt_s::<String>("body") {
        Some(body) => Ok(IdempotencyBegin::Completed {
            status: r.n("status")?,
            body,
        }),
        None => Ok(IdempotencyBegin::InFlight),
    }
}

#[async_trait]
impl IdempotencyStore for DynamoStore {
    /// One round trip: a `PutItem` only if the key is free, returning the holder's record when
    /// it is not.
    async fn begin_request(
        &self,
        idempotency_key: &str,
        fingerprint: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<IdempotencyBegin, StoreError> {
        let item = ItemBuilder::new(record_key(idempotency_key), "idempotency")
            .set("fingerprint", s(fingerprint))
            .set("started_at", n(now))
            .set(keys::TTL, n(expires_at.div_euclid(1000) + 1))
            .0;
        let result = self
            .client()
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(IdempotencyBegin::Started),
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(e)) => match e.item() {
                    Some(old) => state_of(old, fingerprint),
                    None => Ok(IdempotencyBegin::InFlight),
                },
                _ => Err(sdk_error(err)),
            },
        }
    }

    /// One round trip: a consistent `GetItem`.
    async fn request_state(
        &self,
        idempotency_key: &str,
        fingerprint: &str,
    ) -> Result<IdempotencyBegin, StoreError> {
        match self.get(record_key(idempotency_key)).await? {
            None => Ok(IdempotencyBegin::Started),
            Some(item) => state_of(&item, fingerprint),
        }
    }

    /// One round trip: an `UpdateItem` of the answer.
    async fn complete_request(
        &self,
        idempotency_key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        // A record gone (expired meanwhile) keeps nothing: the write is skipped, not an error.
        let written = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(record_key(idempotency_key))))
            .update_expression("SET #status = :status, body = :body")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", n(status))
            .expression_attribute_values(":body", s(body))
            .send()
            .await;
        super::applied(written).map(|_| ())
    }

    /// One round trip: a `DeleteItem`.
    async fn abandon_request(&self, idempotency_key: &str) -> Result<(), StoreError> {
        self.client()
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(record_key(idempotency_key))))
            .send()
            .await
            .map(|_| ())
            .map_err(sdk_error)
    }
}
