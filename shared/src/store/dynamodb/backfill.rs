//! One-off migration of a table written before the pending indexes (GSI4, GSI5), the
//! organization's settled counters, the id pointers and the address counters existed: pending
//! invitations get their pending index keys, settled ones are counted once on their
//! organization, every one gets the pointer from its id to its organization and is counted
//! once on its address (`backfill_address.rs`). Run by the `backfill` command; a scan is
//! right here (it reads the whole table once, off the request path), and every write is
//! conditional, so the migration is safe while the service runs, resumable from any page, and
//! a second run changes nothing.

use aws_sdk_dynamodb::types::AttributeValue;

use super::codec::{self, n, s, Item};
use super::keys::{self, HAS_POINTER, SETTLED_COUNTED};
use super::tx::{Params, Tx, TxOutcome, EXISTING_ITEM};
use super::{applied, sdk_error, DynamoStore};
use crate::domain::InvitationStatus;
use crate::store::StoreError;

/// What one page of the migration did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackfillProgress {
    /// Invitations the page found still to migrate.
    pub found: u64,
    /// Pending invitations given their pending index keys, and memberships put on their
    /// user's index.
    pub indexed: u64,
    /// Settled invitations counted on their organization.
    pub counted: u64,
    /// Invitations given the pointer from their id to their organization.
    pub pointed: u64,
    /// Invitations counted on their address's counters (sent, and their end state).
    pub address_counted: u64,
}

impl BackfillProgress {
    pub fn add(&mut self, other: BackfillProgress) {
        self.found += other.found;
        self.indexed += other.indexed;
        self.counted += other.counted;
        self.pointed += other.pointed;
        self.address_counted += other.address_counted;
    }
}

impl DynamoStore {
    /// One `Scan` page (from `start`, the previous page's last key) of invitations still to
    /// migrate, then one conditional write per invitation found. Returns the next page's start,
    /// `None` when the table is done.
    pub async fn backfill_page(
        &self,
        start: Option<Item>,
    ) -> Result<(BackfillProgress, Option<Item>), StoreError> {
        let out = self
            .client()
            .scan()
            .table_name(&self.table)
            .filter_expression(
                "(entity = :invitation AND ((#st = :pending AND (attribute_not_exists(GSI4PK) \
                 OR attribute_not_exists(GSI7PK))) \
                 OR (#st <> :pending AND attribute_not_exists(#counted)) \
                 OR attribute_not_exists(#pointed) OR attribute_not_exists(GSI6PK) \
                 OR attribute_not_exists(#address_counted) \
                 OR (#st <> :pending AND attribute_not_exists(#address_settled)))) \
                 OR (entity = :membership AND attribute_not_exists(GSI3PK)) \
                 OR (entity = :organization AND attribute_not_exists(GSI1PK))",
            )
            .expression_attribute_values(":membership", s("membership"))
            .expression_attribute_values(":organization", s("organization"))
            .expression_attribute_names("#st", "status")
            .expression_attribute_names("#counted", SETTLED_COUNTED)
            .expression_attribute_names("#pointed", HAS_POINTER)
            .expression_attribute_names("#address_counted", keys::ADDRESS_COUNTED)
            .expression_attribute_names("#address_settled", keys::ADDRESS_SETTLED)
            .expression_attribute_values(":invitation", s("invitation"))
            .expression_attribute_values(":pending", s(InvitationStatus::Pending.as_str()))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_error)?;
        let mut progress = BackfillProgress::default();
        for item in out.items.unwrap_or_default() {
            progress.found += 1;
            if codec::entity(&item) == Some("membership") {
                progress.indexed += u64::from(self.index_membership(&item).await?);
                continue;
            }
            if codec::entity(&item) == Some("organization") {
                progress.indexed += u64::from(self.index_organization(&item).await?);
                continue;
            }
            let inv = codec::invitation_from(&item)?;
            if !item.contains_key(HAS_POINTER) {
                self.point_to(&inv).await?;
                progress.pointed += 1;
            }
            if !item.contains_key(keys::GSI6PK) {
                progress.indexed += u64::from(self.index_instance(&inv).await?);
            }
            if inv.stored_status == InvitationStatus::Pending {
                if !item.contains_key(keys::GSI4PK) || !item.contains_key(keys::GSI7PK) {
                    progress.indexed += u64::from(self.index_pending(&inv).await?);
                }
            } else if !item.contains_key(SETTLED_COUNTED) {
                progress.counted += u64::from(self.count_settled(&inv).await?);
            }
            progress.address_counted += u64::from(self.count_on_address(&item, &inv).await?);
        }
        Ok((progress, out.last_evaluated_key))
    }

    /// Writes the invitation's id pointer and marks the invitation as having one (both
    /// idempotent: the pointer's content follows from the invitation).
    async fn point_to(&self, inv: &crate::domain::Invitation) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        tx.put(
            codec::invitation_pointer_item(inv),
            "attribute_not_exists(PK) OR attribute_exists(PK)",
            Params::new(),
        )?;
        tx.update(
            keys::invitation(&inv.organization.id, &inv.id),
            &format!("SET {HAS_POINTER} = :yes"),
            EXISTING_ITEM,
            Params::new().value(":yes", AttributeValue::Bool(true)),
        )?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            TxOutcome::Cancelled(r) => Err(super::unexplained(&r)),
        }
    }

    /// Puts an organization on the list of all organizations (GSI1, GSI2) and counts it, in one
    /// transaction, unless it is there already.
    async fn index_organization(&self, item: &Item) -> Result<bool, StoreError> {
        let org = codec::organization_from(item)?;
        let mut tx = Tx::new(&self.table);
        tx.update(
            keys::organization(&org.id),
            "SET GSI1PK = :all, GSI1SK = :created, GSI2PK = :all, GSI2SK = :slug",
            "attribute_exists(PK) AND attribute_not_exists(GSI1PK)",
            Params::new()
                .value(":all", s(keys::ALL_ORGANIZATIONS))
                .value(":created", s(keys::organization_created_key(&org)))
                .value(":slug", s(&org.slug)),
        )?;
        tx.update(
            keys::organizations_count(),
            "ADD organizations_count :one",
            "attribute_not_exists(PK) OR attribute_exists(PK)",
            Params::new().value(":one", n(1)),
        )?;
        Ok(matches!(
            tx.send(self.client()).await?,
            TxOutcome::Committed
        ))
    }

    /// Puts an invitation on the instance's index (GSI6), unless it is there already.
    async fn index_instance(&self, inv: &crate::domain::Invitation) -> Result<bool, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(codec::key(keys::invitation(
                &inv.organization.id,
                &inv.id,
            ))))
            .update_expression("SET GSI6PK = :pk, GSI6SK = :sk")
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(GSI6PK)")
            .expression_attribute_values(
                ":pk",
                s(keys::instance_partition(
                    crate::domain::listing::instance_shard(&inv.id),
                )),
            )
            .expression_attribute_values(":sk", s(crate::domain::listing::created_sort_key(inv)))
            .send()
            .await;
        applied(result)
    }

    /// Puts a membership on its user's index (GSI3), unless it is there already.
    async fn index_membership(&self, item: &Item) -> Result<bool, StoreError> {
        let m = codec::membership_from(item)?;
        let result = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(codec::key(keys::membership(
                &m.organization_id,
                &m.user_id,
            ))))
            .update_expression("SET GSI3PK = :pk, GSI3SK = :sk")
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(GSI3PK)")
            .expression_attribute_values(":pk", s(keys::memberships_of_user(&m.user_id)))
            .expression_attribute_values(":sk", s(keys::user_membership_key(&m)))
            .send()
            .await;
        applied(result)
    }

    /// Sets the pending index keys, only if the invitation is still pending without them.
    async fn index_pending(&self, inv: &crate::domain::Invitation) -> Result<bool, StoreError> {
        let mut update = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(codec::key(keys::invitation(
                &inv.organization.id,
                &inv.id,
            ))))
            .condition_expression(
                "#st = :pending AND (attribute_not_exists(GSI4PK) OR attribute_not_exists(GSI7PK))",
            )
            .expression_attribute_names("#st", "status")
            .expression_attribute_values(":pending", s(InvitationStatus::Pending.as_str()));
        let mut sets = Vec::new();
        for (name, value) in keys::invitation_index_keys(inv) {
            if name.starts_with("GSI4") || name.starts_with("GSI5") || name.starts_with("GSI7") {
                sets.push(format!("{name} = :{name}"));
                update = update.expression_attribute_values(format!(":{name}"), s(value));
            }
        }
        applied(
            update
                .update_expression(format!("SET {}", sets.join(", ")))
                .send()
                .await,
        )
    }

    /// Marks the invitation counted and adds it to its organization's counter, in one
    /// transaction, only if no one counted it yet.
    async fn count_settled(&self, inv: &crate::domain::Invitation) -> Result<bool, StoreError> {
        let Some(counter) = super::settle::settled_counter(inv.stored_status) else {
            return Ok(false);
        };
        let org_id = &inv.organization.id;
        let mut tx = Tx::new(&self.table);
        tx.update(
            keys::invitation(org_id, &inv.id),
            &format!("SET {SETTLED_COUNTED} = :counted"),
            &format!("attribute_not_exists({SETTLED_COUNTED}) AND #st = :st"),
            Params::new()
                .name("#st", "status")
                .value(":st", s(inv.stored_status.as_str()))
                .value(":counted", AttributeValue::Bool(true)),
        )?;
        tx.update(
            keys::organization(org_id),
            &format!("ADD {counter} :one"),
            EXISTING_ITEM,
            Params::new().value(":one", n(1)),
        )?;
        Ok(matches!(
            tx.send(self.client()).await?,
            TxOutcome::Committed
        ))
    }
}
