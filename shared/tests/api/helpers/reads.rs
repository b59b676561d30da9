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

/// One answer: the operation, the index a query named (`-` for the table), items examined,
/// and the read units it consumed by DynamoDB's rule (4 KB units of what it returned, each
/// item of a batch or get on its own; half for an eventually consistent read).
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub operation: &'static str,
    pub index: String,
    pub items: u64,
    pub units: f64,
}

/// An attribute's size as DynamoDB counts it (names and values in bytes; a number about one
/// byte per two digits and one more).
pub fn value_size(v: &aws_sdk_dynamodb::types::AttributeValue) -> usize {
    use aws_sdk_dynamodb::types::AttributeValue as A;
    match v {
        A::S(s) => s.len(),
        A::N(n) => {
            let digits = n.chars().filter(|c| c.is_ascii_digit()).count();
            digits.div_ceil(2) + 1
        }
        A::Bool(_) | A::Null(_) => 1,
        A::B(b) => b.as_ref().len(),
        A::M(m) => {
            3 + m
                .iter()
                .map(|(k, v)| k.len() + value_size(v) + 1)
                .sum::<usize>()
        }
        A::L(l) => 3 + l.iter().map(|v| value_size(v) + 1).sum::<usize>(),
        A::Ss(ss) => ss.iter().map(String::len).sum(),
        A::Ns(ns) => ns.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        _ => 0,
    }
}

pub fn item_size(
    item: &std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReadLog(Arc<Mutex<Vec<Read>>>);

impl ReadLog {
    pub fn take(&self) -> Vec<Read> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The index a request names and whether it reads consistently, kept for its answer.
#[derive(Debug, Clone)]
struct IndexName(String, bool);

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
        let body = context
            .request()
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
            .unwrap_or_default();
        let index = body["IndexName"].as_str().unwrap_or("-").to_string();
        let consistent = body["ConsistentRead"].as_bool().unwrap_or(false)
            || body.to_string().contains("\"ConsistentRead\":true");
        cfg.interceptor_state()
            .store_put(IndexName(index, consistent));
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
        let (index, consistent) = cfg
            .load::<IndexName>()
            .map(|i| (i.0.clone(), i.1))
            .unwrap_or_default();
        let read = if let Some(q) = output.downcast_ref::<QueryOutput>() {
            Read {
                operation: "Query",
                index,
                items: q.scanned_count() as u64,
                units: read_units(q.items().iter().map(item_size).sum(), consistent),
            }
        } else if let Some(b) = output.downcast_ref::<BatchGetItemOutput>() {
            let items: Vec<_> = b
                .responses()
                .map(|r| r.values().flatten().collect())
                .unwrap_or_default();
            Read {
                operation: "BatchGetItem",
                index,
                items: items.len() as u64,
                units: items
                    .iter()
                    .map(|i| read_units(item_size(i), consistent))
                    .sum(),
            }
        } else if let Some(g) = output.downcast_ref::<GetItemOutput>() {
            Read {
                operation: "GetItem",
                index,
                items: u64::from(g.item().is_some()),
                units: read_units(g.item().map_or(0, item_size), consistent),
            }
        } else {
            return Ok(());
        };
        self.0.lock().unwrap().push(read);
        Ok(())
    }
}
