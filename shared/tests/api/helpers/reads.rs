//! What each DynamoDB answer read: a `Query`'s index and the items it examined
//! (`ScannedCount`, before any filter), a `BatchGetItem`'s and `GetItem`'s items. The cost
//! tests sum these per list page.

use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::config::interceptors::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::query::QueryOutput;

/// One answer: the operation, the index a query named (`-` for the table), items examined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    pub operation: &'static str,
    pub index: String,
    pub items: u64,
}

#[derive(Debug, Clone, Default)]
pub struct ReadLog(Arc<Mutex<Vec<Read>>>);

impl ReadLog {
    pub fn take(&self) -> Vec<Read> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The index a request names, kept for when its answer comes back.
#[derive(Debug, Clone)]
struct IndexName(String);

impl aws_smithy_types::config_bag::Storable for IndexName {
    type Storer = aws_smithy_types::config_bag::StoreReplace<Self>;
}

impl Intercept for ReadLog {
    fn name(&self) -> &'static str {
        "ReadLog"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let index = context
            .request()
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .and_then(|v| v["IndexName"].as_str().map(str::to_string))
            .unwrap_or_else(|| "-".into());
        cfg.interceptor_state().store_put(IndexName(index));
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let Ok(output) = context.output_or_error() else {
            return Ok(());
        };
        let index = cfg
            .load::<IndexName>()
            .map(|i| i.0.clone())
            .unwrap_or_default();
        let read = if let Some(q) = output.downcast_ref::<QueryOutput>() {
            Read {
                operation: "Query",
                index,
                items: q.scanned_count() as u64,
            }
        } else if let Some(b) = output.downcast_ref::<BatchGetItemOutput>() {
            Read {
                operation: "BatchGetItem",
                index,
                items: b
                    .responses()
                    .map_or(0, |r| r.values().map(|v| v.len() as u64).sum()),
            }
        } else if let Some(g) = output.downcast_ref::<GetItemOutput>() {
            Read {
                operation: "GetItem",
                index,
                items: u64::from(g.item().is_some()),
            }
        } else {
            return Ok(());
        };
        self.0.lock().unwrap().push(read);
        Ok(())
    }
}
