//! Idempotency records on DynamoDB: `IDEM#{scope and key}` / `REQ`, taken by one conditional
//! `PutItem`, answered by one `UpdateItem`, removed by the table's TTL a day later. A record
//! names its owner (the attempt that took it); one past its TTL or stale in flight is free.

use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;

use super::codec::{key, n, s, Item, ItemBuilder, Reader};
use super::{keys, sdk_error, DynamoStore};
use crate::clock::Millis;
use crate::store::{IdempotencyBegin, IdempotencyStore, StoreError};

fn record_key(idempotency_key: &str) -> (String, String) {
    (format!("IDEM#{idempotency_key}"), "REQ".into())
}

/// What a record says to a request with `fingerprint`: free (past its TTL, or in flight since
/// before `stale_before`), another request's, in flight, or answered.
fn state_of(
    item: &Item,
    fingerprint: &str,
    now: Millis,
    stale_before: Millis,
) -> Result<IdempotencyBegin, StoreError> {
    let r = Reader::new(item, "idempotency record");
    let ttl: i64 = r.n(keys::TTL)?;
    let answered = r.opt_s::<String>("body");
    let started: Millis = r.n("started_at")?;
    if ttl * 1000 <= now || (answered.is_none() && started < stale_before) {
        return Ok(IdempotencyBegin::Started);
    }
    let stored: String = r.s("fingerprint")?;
    if stored != fingerprint {
        return Ok(IdempotencyBegin::Mismatch);
    }
    match answered {
        Some(body) => Ok(IdempotencyBegin::Completed {
            status: r.n("status")?,
            body,
        }),
        None => Ok(IdempotencyBegin::InFlight),
    }
}

#[async_trait]
impl IdempotencyStore for DynamoStore {
    /// One round trip: a `PutItem` only if the key is free (absent, past its TTL, or stale in
    /// flight), returning the holder's record when it is not. A holder that is this very
    /// attempt (the SDK retried a put whose answer was lost) is this attempt's.
    async fn begin_request(
        &self,
        idempotency_key: &str,
        fingerprint: &str,
        owner: &str,
        now: Millis,
        expires_at: Millis,
        stale_before: Millis,
    ) -> Result<IdempotencyBegin, StoreError> {
        let item = ItemBuilder::new(record_key(idempotency_key), "idempotency")
            .set("fingerprint", s(fingerprint))
            .set("owner", s(owner))
            .set("started_at", n(now))
            .set(keys::TTL, n(expires_at.div_euclid(1000) + 1))
            .0;
        let result = self
            .client()
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(
                "attribute_not_exists(PK) OR #ttl <= :now_s \
                 OR (attribute_not_exists(body) AND started_at < :stale)",
            )
            .expression_attribute_names("#ttl", keys::TTL)
            .expression_attribute_values(":now_s", n(now.div_euclid(1000)))
            .expression_attribute_values(":stale", n(stale_before))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(IdempotencyBegin::Started),
            Err(err) => match err.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(e)) => match e.item() {
                    Some(old)
                        if Reader::new(old, "idempotency record").opt_s::<String>("owner")
                            == Some(owner.to_string()) =>
                    {
                        Ok(IdempotencyBegin::Started)
                    }
                    Some(old) => match state_of(old, fingerprint, now, stale_before)? {
                        // Freed between the condition and this read: taken by a later try.
                        IdempotencyBegin::Started => Ok(IdempotencyBegin::InFlight),
                        other => Ok(other),
                    },
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
        now: Millis,
        stale_before: Millis,
    ) -> Result<IdempotencyBegin, StoreError> {
        match self.get(record_key(idempotency_key)).await? {
            None => Ok(IdempotencyBegin::Started),
            Some(item) => state_of(&item, fingerprint, now, stale_before),
        }
    }

    /// One round trip: an `UpdateItem` of the answer, only while `owner` holds the record.
    async fn complete_request(
        &self,
        idempotency_key: &str,
        owner: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StoreError> {
        // A record gone or taken over meanwhile keeps nothing: skipped, not an error.
        let written = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(record_key(idempotency_key))))
            .update_expression("SET #status = :status, body = :body")
            .condition_expression("#owner = :owner")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":status", n(status))
            .expression_attribute_values(":body", s(body))
            .expression_attribute_values(":owner", s(owner))
            .send()
            .await;
        super::applied(written).map(|_| ())
    }

    /// One round trip: a `DeleteItem`, only while `owner` holds the record.
    async fn abandon_request(&self, idempotency_key: &str, owner: &str) -> Result<(), StoreError> {
        let deleted = self
            .client()
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(record_key(idempotency_key))))
            .condition_expression("#owner = :owner")
            .expression_attribute_names("#owner", "owner")
            .expression_attribute_values(":owner", s(owner))
            .send()
            .await;
        super::applied(deleted).map(|_| ())
    }
}
