//! Which index serves a list that is not bound to statuses (GSI1 by creation, GSI2 by address
//! or for one address). A list bound to statuses reads indexes of those statuses alone
//! (`by_status.rs`, `by_address.rs`).

use crate::domain::listing::Cursor;
use crate::domain::{InvitationId, InvitationQuery, OrganizationId};
use crate::store::dynamodb::codec::{key, s, Item};
use crate::store::dynamodb::keys;

/// Which index serves a query, and its key condition.
pub(super) struct IndexPlan {
    pub(super) index: &'static str,
    pub(super) pk_attr: &'static str,
    pub(super) sk_attr: &'static str,
    pub(super) partition: String,
    pub(super) sk_prefix: Option<String>,
}

impl IndexPlan {
    pub(super) fn for_query(org_id: &OrganizationId, query: &InvitationQuery) -> Self {
        let partition = keys::invitations_partition(org_id);
        // One address: GSI2's sort key starts with it, and within it sorts by creation, so it
        // serves both orders exactly.
        if let Some(email) = &query.email_key {
            return Self {
                index: keys::GSI2,
                pk_attr: keys::GSI2PK,
                sk_attr: keys::GSI2SK,
                partition,
                sk_prefix: Some(format!("{email}#")),
            };
        }
        if query.order.by_email() {
            Self {
                index: keys::GSI2,
                pk_attr: keys::GSI2PK,
                sk_attr: keys::GSI2SK,
                partition,
                sk_prefix: None,
            }
        } else {
            Self {
                index: keys::GSI1,
                pk_attr: keys::GSI1PK,
                sk_attr: keys::GSI1SK,
                partition,
                sk_prefix: None,
            }
        }
    }

    pub(super) fn key_condition(&self) -> String {
        match self.sk_prefix {
            Some(_) => format!(
                "{} = :pk AND begins_with({}, :prefix)",
                self.pk_attr, self.sk_attr
            ),
            None => format!("{} = :pk", self.pk_attr),
        }
    }

    /// The index key at which a page after `cursor` starts.
    pub(super) fn start_key(
        &self,
        org_id: &OrganizationId,
        query: &InvitationQuery,
        cursor: &Cursor,
    ) -> Option<Item> {
        let id = InvitationId::parse(cursor.sort_key.rsplit('#').next()?)?;
        let index_sk = match (&query.email_key, query.order.by_email()) {
            (Some(email), false) => format!("{email}#{}", cursor.sort_key),
            _ => cursor.sort_key.clone(),
        };
        let mut item = key(keys::invitation(org_id, &id));
        item.insert(self.pk_attr.into(), s(&self.partition));
        item.insert(self.sk_attr.into(), s(index_sk));
        Some(item)
    }
}
