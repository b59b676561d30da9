//! The backfill's address counters: an invitation written before them is counted as sent on
//! its address, and in its end state if it has one, once. Invitations written since carry
//! `address_counted` (from their create) and, once ended, `address_settled` (from the write
//! that ended them), so neither is counted twice, and a race with that write fails this one's
//! condition (it is then counted by the next run).

use aws_sdk_dynamodb::types::AttributeValue;

use super::codec::{s, Item};
use super::keys::{self, ADDRESS_COUNTED, ADDRESS_SETTLED, SENT_COUNT};
use super::settle::settled_counter;
use super::tx::{Params, Tx, TxOutcome};
use super::DynamoStore;
use crate::domain::Invitation;
use crate::store::StoreError;

impl DynamoStore {
    /// One transaction: the invitation's markers (only if its status and markers are as read)
    /// and the address's counters. `false` when there was nothing to count or it lost a race.
    pub(super) async fn count_on_address(
        &self,
        item: &Item,
        inv: &Invitation,
    ) -> Result<bool, StoreError> {
        let mut counters: Vec<&str> = Vec::new();
        let mut marks: Vec<&str> = Vec::new();
        let mut condition = "#st = :st".to_string();
        if !item.contains_key(ADDRESS_COUNTED) {
            counters.push(SENT_COUNT);
            marks.push(ADDRESS_COUNTED);
            condition.push_str(&format!(" AND attribute_not_exists({ADDRESS_COUNTED})"));
        }
        if let (Some(counter), false) = (
            settled_counter(inv.stored_status),
            item.contains_key(ADDRESS_SETTLED),
        ) {
            counters.push(counter);
            marks.push(ADDRESS_SETTLED);
            condition.push_str(&format!(" AND attribute_not_exists({ADDRESS_SETTLED})"));
        }
        if counters.is_empty() {
            return Ok(false);
        }
        let org_id = &inv.organization.id;
        let set: Vec<String> = marks.iter().map(|m| format!("{m} = :yes")).collect();
        let mut tx = Tx::new(&self.table);
        tx.update(
            keys::invitation(org_id, &inv.id),
            &format!("SET {}", set.join(", ")),
            &condition,
            Params::new()
                .name("#st", "status")
                .value(":st", s(inv.stored_status.as_str()))
                .value(":yes", AttributeValue::Bool(true)),
        )?;
        tx.count_for_address(org_id, inv.email_address.key(), &counters)?;
        Ok(matches!(
            tx.send(self.client()).await?,
            TxOutcome::Committed
        ))
    }
}
