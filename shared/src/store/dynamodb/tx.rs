//! A `TransactWriteItems` request assembled item by item; every item asks for the old item on a
//! failed condition so a cancellation can say which invariant stopped it.

use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, ConditionCheck, Delete, Put,
    ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use aws_sdk_dynamodb::Client;

use super::build_error;
use super::cancellation_reasons;
use super::codec::{key, s, Item};
use super::keys;
use crate::domain::audit::AuditEntry;
use crate::domain::OrganizationId;
use crate::store::{ActorRequirement, StoreError};

pub const NEW_ITEM: &str = "attribute_not_exists(PK)";
pub const EXISTING_ITEM: &str = "attribute_exists(PK)";

/// Expression attribute names and values of one item.
#[derive(Default, Clone)]
pub struct Params {
    names: Vec<(String, String)>,
    values: Vec<(String, AttributeValue)>,
}

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.names.push((placeholder.into(), attribute.into()));
        self
    }

    pub fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.push((placeholder.into(), value));
        self
    }

    fn names(&self) -> Option<std::collections::HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.iter().cloned().collect())
    }

    fn values(&self) -> Option<std::collections::HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.iter().cloned().collect())
    }
}

pub struct Tx<'a> {
    table: &'a str,
    items: Vec<TransactWriteItem>,
    /// The transaction's `ClientRequestToken`: the SDK's retries of it carry the same, so one
    /// that committed before its answer was lost answers success again (within DynamoDB's ten
    /// minutes). Where that is not enough (an emulator, a later retry), each write names its
    /// request (`written_by`) and `own_write` tells the retry from a rival.
    token: String,
    /// The actions of the audit entries it writes, counted once it commits.
    audited: Vec<&'static str>,
}

/// How a transaction ended: committed, or cancelled with one reason per item (in order).
pub enum TxOutcome {
    Committed,
    Cancelled(Vec<CancellationReason>),
}

impl<'a> Tx<'a> {
    pub fn new(table: &'a str) -> Self {
        Self {
            table,
            items: Vec::new(),
            token: crate::ids::random_base62(32),
            audited: Vec::new(),
        }
    }

    /// Adds an item and returns its index, which the cancellation reasons are ordered by.
    fn push(&mut self, item: TransactWriteItem) -> usize {
        self.items.push(item);
        self.items.len() - 1
    }

    pub fn put(
        &mut self,
        item: Item,
        condition: &str,
        params: Params,
    ) -> Result<usize, StoreError> {
        let put = Put::builder()
            .table_name(self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .set_expression_attribute_names(params.names())
            .set_expression_attribute_values(params.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(build_error)?;
        Ok(self.push(TransactWriteItem::builder().put(put).build()))
    }

    pub fn put_new(&mut self, item: Item) -> Result<usize, StoreError> {
        self.put(item, NEW_ITEM, Params::new())
    }

    /// The audit entry of the change this transaction makes: a new item in the same
    /// transaction (added last, so the change's items keep their indexes).
    pub fn audit(&mut self, entry: &AuditEntry) -> Result<usize, StoreError> {
        self.audited.push(entry.action.as_str());
        self.put_new(super::codec::audit_item(entry))
    }

    pub fn update(
        &mut self,
        k: (String, String),
        update: &str,
        condition: &str,
        params: Params,
    ) -> Result<usize, StoreError> {
        let update = Update::builder()
            .table_name(self.table)
            .set_key(Some(key(k)))
            .update_expression(update)
            .set_condition_expression((!condition.is_empty()).then(|| condition.to_string()))
            .set_expression_attribute_names(params.names())
            .set_expression_attribute_values(params.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(build_error)?;
        Ok(self.push(TransactWriteItem::builder().update(update).build()))
    }

    pub fn check(
        &mut self,
        k: (String, String),
        condition: &str,
        params: Params,
    ) -> Result<usize, StoreError> {
        let check = ConditionCheck::builder()
            .table_name(self.table)
            .set_key(Some(key(k)))
            .condition_expression(condition)
            .set_expression_attribute_names(params.names())
            .set_expression_attribute_values(params.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(build_error)?;
        Ok(self.push(TransactWriteItem::builder().condition_check(check).build()))
    }

    pub fn delete(
        &mut self,
        k: (String, String),
        condition: &str,
        params: Params,
    ) -> Result<usize, StoreError> {
        let delete = Delete::builder()
            .table_name(self.table)
            .set_key(Some(key(k)))
            .set_condition_expression((!condition.is_empty()).then(|| condition.to_string()))
            .set_expression_attribute_names(params.names())
            .set_expression_attribute_values(params.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(build_error)?;
        Ok(self.push(TransactWriteItem::builder().delete(delete).build()))
    }

    /// One round trip.
    pub async fn send(self, client: &Client) -> Result<TxOutcome, StoreError> {
        match client
            .transact_write_items()
            .set_transact_items(Some(self.items))
            .client_request_token(self.token)
            .send()
            .await
        {
            Ok(_) => {
                for action in self.audited {
                    crate::telemetry::count_by(crate::telemetry::AUDIT_ENTRIES, "action", action);
                }
                Ok(TxOutcome::Committed)
            }
            Err(err) => cancellation_reasons(err).map(TxOutcome::Cancelled),
        }
    }
}

/// Whether item `index` failed its condition.
pub fn failed(reasons: &[CancellationReason], index: usize) -> bool {
    reasons
        .get(index)
        .is_some_and(|r| super::outcome(r) == super::ItemOutcome::ConditionFailed)
}

/// The old item a failed condition reported (absent when the item did not exist).
pub fn old_item(reasons: &[CancellationReason], index: usize) -> Option<&Item> {
    reasons.get(index).and_then(|r| r.item())
}

/// Whether item `index` failed its condition only because this very write was applied before:
/// its old image is already what the write makes (`is_ours`). The SDK retried a transaction
/// whose first attempt committed and whose answer was lost, and the retry met its own write.
pub fn own_write(
    reasons: &[CancellationReason],
    index: usize,
    is_ours: impl Fn(&Item) -> bool,
) -> bool {
    failed(reasons, index) && old_item(reasons, index).is_some_and(is_ours)
}

/// `is_ours` for an invitation a write settled in `status` for the request `token`.
pub fn settled_by<'a>(status: &'static str, token: &'a str) -> impl Fn(&Item) -> bool + 'a {
    move |item| {
        let attr = |name: &str| {
            item.get(name)
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
        };
        attr("status") == Some(status) && attr("written_by") == Some(token)
    }
}

/// The seat condition on an organization item: unlimited, or members + pending below the maximum.
pub(super) const HAS_FREE_SEAT: &str =
    "attribute_exists(PK) AND (max_allowed_memberships = :zero OR seats_used < max_allowed_memberships)";

impl Tx<'_> {
    /// Adds "the actor holds one of these roles" as a condition of the transaction.
    pub fn actor_check(
        &mut self,
        org_id: &OrganizationId,
        actor: &ActorRequirement,
    ) -> Result<usize, StoreError> {
        let mut params = Params::new().name("#role", "role");
        let mut placeholders = Vec::new();
        for (i, role) in actor.roles.iter().enumerate() {
            let p = format!(":role{i}");
            params = params.value(&p, s(role));
            placeholders.push(p);
        }
        let condition = if placeholders.is_empty() {
            // No role grants the permission: the condition can never hold.
            "attribute_not_exists(PK) AND attribute_exists(PK)".to_string()
        } else {
            format!("#role IN ({})", placeholders.join(", "))
        };
        self.check(keys::membership(org_id, &actor.user_id), &condition, params)
    }
}
