//! The DynamoDB adapter: one table and its eight global secondary indexes (`docs/dynamodb.md`),
//! one file per store capability, like the in-memory store.
//!
//! Each method says how many round trips it makes. Writes that must hold an invariant are one
//! `TransactWriteItems` whose conditions hold it, so concurrent requests cannot break it.

mod acceptance;
mod audit;
mod codec;
mod directory;
mod domain_index;
mod domains;
mod email;
mod expiry;
mod idempotency;
mod invitations;
pub mod keys;
mod limits;
mod links;
mod listing;
mod membership_updates;
mod offers;
mod organizations;
mod reminders;
mod reputation;
mod requests;
mod revoke;
mod settle;
pub mod stream;
mod table;
mod tx;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, CancellationReason};
use aws_sdk_dynamodb::Client;
use codec::key;

pub use codec::Item;
pub use table::{ensure_streamed_table, ensure_table};

use crate::aws::LazyClient;
use crate::store::StoreError;

#[derive(Clone)]
pub struct DynamoStore {
    client: LazyClient<Client>,
    table: String,
    /// How long an ended invitation stays before DynamoDB's TTL removes it.
    retention_secs: i64,
}

impl DynamoStore {
    /// `client` is built once per cold start and shared; cloning it is cheap.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client: LazyClient::ready(client),
            table: table.into(),
            retention_secs: settle::DEFAULT_RETENTION_SECS,
        }
    }

    /// The client is made from `config` on the first request, not at cold start.
    pub fn lazy(config: aws_sdk_dynamodb::Config, table: impl Into<String>) -> Self {
        Self {
            client: LazyClient::new(move || Client::from_conf(config.clone())),
            table: table.into(),
            retention_secs: settle::DEFAULT_RETENTION_SECS,
        }
    }

    /// Ended invitations leave the table `days` after they end (DynamoDB TTL).
    pub fn with_retention_days(mut self, days: u32) -> Self {
        self.retention_secs = i64::from(days) * 24 * 60 * 60;
        self
    }

    fn client(&self) -> &Client {
        self.client.get()
    }

    /// Builds the client and opens `connections` connections (a TLS handshake each) before a
    /// request needs them: as many concurrent `GetItem`s of a key nothing writes (half a read
    /// unit each). Lambda is reported to give init more CPU than the memory's share, which the
    /// handshakes need most of (`scripts/bench-cold-cpu`). A failure is only logged: the first
    /// request then connects as it would have.
    pub async fn open_connections(&self, connections: usize) {
        let read = || {
            self.client()
                .get_item()
                .table_name(&self.table)
                .key(keys::PK, AttributeValue::S("CONNECTION".into()))
                .key(keys::SK, AttributeValue::S("CONNECTION".into()))
                .projection_expression(keys::PK)
                .send()
        };
        let reads = futures::future::join_all((0..connections.max(1)).map(|_| read()));
        match tokio::time::timeout(std::time::Duration::from_secs(2), reads).await {
            Ok(answers) => {
                if let Some(Err(e)) = answers.into_iter().find(Result::is_err) {
                    tracing::warn!(error = %aws_sdk_dynamodb::error::DisplayErrorContext(&e), "DynamoDB's connections were not all opened at init; the first request opens them");
                }
            }
            Err(_) => tracing::warn!("DynamoDB's connections were not opened at init within 2 s; the first request opens them"),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// One round trip: a strongly consistent `GetItem`.
    pub(super) async fn get(&self, k: (String, String)) -> Result<Option<Item>, StoreError> {
        let out = self
            .client()
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(k)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(out.item)
    }

    /// One offset page of GSI1's `partition`, newest first: one `Query` of `offset + limit`
    /// items (at most 1,000), the page kept. For lists an organization keeps few of
    /// (membership requests in one status, links), where `offset` is all the paging they take.
    pub(super) async fn newest_on_gsi1(
        &self,
        partition: String,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<codec::Item>, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(":pk", codec::s(partition))
            .scan_index_forward(false)
            .limit(offset.saturating_add(limit).clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(sdk_error)?;
        Ok(out
            .items
            .unwrap_or_default()
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect())
    }

    /// Any number of keys, in `BatchGetItem`s of 100 (DynamoDB's most per request).
    pub(super) async fn batch_get_all(
        &self,
        keys: Vec<codec::Item>,
    ) -> Result<Vec<codec::Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            found.extend(self.batch_get(chunk.to_vec()).await?);
        }
        Ok(found)
    }

    /// One `BatchGetItem` of up to 100 keys, strongly consistent, asked again (at most
    /// `BATCH_GET_ATTEMPTS` times in all) only for keys DynamoDB leaves unprocessed under load.
    pub(super) async fn batch_get(
        &self,
        keys: Vec<codec::Item>,
    ) -> Result<Vec<codec::Item>, StoreError> {
        let mut found = Vec::new();
        let mut pending = Some(keys);
        for _ in 0..BATCH_GET_ATTEMPTS {
            let Some(batch) = pending.take() else { break };
            let request = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                .set_keys(Some(batch))
                .consistent_read(true)
                .build()
                .map_err(build_error)?;
            let out = self
                .client()
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await
                .map_err(sdk_error)?;
            found.extend(
                out.responses
                    .unwrap_or_default()
                    .remove(&self.table)
                    .unwrap_or_default(),
            );
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.table))
                .map(|k| k.keys)
                .filter(|k| !k.is_empty());
        }
        match pending {
            None => Ok(found),
            Some(_) => Err(StoreError::Throttled),
        }
    }

    /// Reads pages of `query` from `start` until `wanted` items are in hand or the index ends:
    /// one round trip per page (a page ends at `wanted` items or 1 MB).
    async fn query_up_to(
        &self,
        query: impl Fn() -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder,
        mut start: Option<codec::Item>,
        wanted: usize,
    ) -> Result<Vec<codec::Item>, StoreError> {
        let mut items = Vec::new();
        loop {
            let out = query()
                .limit((wanted - items.len()).clamp(1, 1000) as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(sdk_error)?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if items.len() >= wanted || start.is_none() {
                return Ok(items);
            }
        }
    }
}

/// `BatchGetItem` may leave keys unprocessed under load; it is asked at most this many times.
const BATCH_GET_ATTEMPTS: usize = 4;

const THROTTLING_CODES: [&str; 4] = [
    "ThrottlingException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "ThrottlingError",
];

/// Keeps throttling apart from outages; everything else keeps its source for the log.
pub(crate) fn sdk_error<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if err.code().is_some_and(|c| THROTTLING_CODES.contains(&c)) {
        return StoreError::Throttled;
    }
    StoreError::Unavailable(Box::new(err))
}

/// Whether a conditional write was refused by its condition.
pub(crate) fn condition_failed<E, R>(err: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}

/// A conditional write's outcome: `true` when applied, `false` when its condition refused it.
pub(crate) fn applied<T, E, R>(result: Result<T, SdkError<E, R>>) -> Result<bool, StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(err) if condition_failed(&err) => Ok(false),
        Err(err) => Err(sdk_error(err)),
    }
}

/// What one item of a cancelled transaction reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemOutcome {
    Fine,
    ConditionFailed,
    Conflict,
    Throttled,
    Other,
}

pub(crate) fn outcome(reason: &CancellationReason) -> ItemOutcome {
    match reason.code() {
        None | Some("None") => ItemOutcome::Fine,
        Some("ConditionalCheckFailed") => ItemOutcome::ConditionFailed,
        Some("TransactionConflict") => ItemOutcome::Conflict,
        Some(c) if THROTTLING_CODES.contains(&c) => ItemOutcome::Throttled,
        Some(_) => ItemOutcome::Other,
    }
}

/// The reasons of a cancelled transaction, or the error as a store error.
pub(crate) fn cancellation_reasons(
    err: SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        impl std::fmt::Debug + Send + Sync + 'static,
    >,
) -> Result<Vec<CancellationReason>, StoreError> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    match err.as_service_error() {
        Some(E::TransactionCanceledException(e)) => Ok(e.cancellation_reasons().to_vec()),
        _ => Err(sdk_error(err)),
    }
}

/// The store error for reasons no condition explains (conflicts, throttling).
pub(crate) fn unexplained(reasons: &[CancellationReason]) -> StoreError {
    let outcomes: Vec<ItemOutcome> = reasons.iter().map(outcome).collect();
    if outcomes.contains(&ItemOutcome::Throttled) {
        StoreError::Throttled
    } else if outcomes.contains(&ItemOutcome::Conflict) {
        StoreError::Contention
    } else {
        StoreError::Unavailable(format!("transaction cancelled: {outcomes:?}").into())
    }
}

/// A request the SDK refused to build: a bug of ours, reported as an outage, never a panic.
pub(crate) fn build_error(err: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Unavailable(Box::new(err))
}
