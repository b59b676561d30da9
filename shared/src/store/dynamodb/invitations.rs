//! Invitations on DynamoDB.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, Select};

use super::codec::{self, key, n, s, Item};
use super::directory::HAS_FREE_SEAT;
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM, NEW_ITEM};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::listing::{Cursor, PageStart};
use crate::domain::{Invitation, InvitationId, InvitationQuery, InvitationStatus, Page};
use crate::store::{
    ActorRequirement, InvitationContext, InvitationStore, OrganizationStore, SlotHolder, StoreError,
};

impl DynamoStore {
    /// Adds "the actor holds one of these roles" as a condition of the transaction.
    fn actor_check(
        &self,
        tx: &mut Tx<'_>,
        org_id: &str,
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
        tx.check(keys::membership(org_id, &actor.user_id), &condition, params)
    }
}

type Filter = (String, Vec<(String, AttributeValue)>);

/// The filter that keeps invitations whose visible status is one of `statuses`.
fn status_filter(query: &InvitationQuery, now: Millis) -> Option<Filter> {
    if query.statuses.is_empty() {
        return None;
    }
    let clauses: Vec<&str> = query
        .statuses
        .iter()
        .map(|status| match status {
            InvitationStatus::Pending => "(#st = :pending AND expires_at > :now)",
            InvitationStatus::Expired => {
                "((#st = :pending AND expires_at <= :now) OR #st = :expired)"
            }
            InvitationStatus::Accepted => "#st = :accepted",
            InvitationStatus::Revoked => "#st = :revoked",
        })
        .collect();
    let expression = clauses.join(" OR ");
    // DynamoDB rejects a declared placeholder the expression does not use.
    let mut values = Vec::new();
    if expression.contains(":now") {
        values.push((":now".to_string(), n(now)));
    }
    for st in [
        InvitationStatus::Pending,
        InvitationStatus::Expired,
        InvitationStatus::Accepted,
        InvitationStatus::Revoked,
    ] {
        let placeholder = format!(":{}", st.as_str());
        if expression.contains(&placeholder) {
            values.push((placeholder, s(st.as_str())));
        }
    }
    Some((expression, values))
}

/// Which index serves a query, and its key condition.
struct IndexPlan {
    index: &'static str,
    pk_attr: &'static str,
    sk_attr: &'static str,
    partition: String,
    sk_prefix: Option<String>,
}

impl IndexPlan {
    fn for_query(org_id: &str, query: &InvitationQuery) -> Self {
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

    fn key_condition(&self) -> String {
        match self.sk_prefix {
            Some(_) => format!(
                "{} = :pk AND begins_with({}, :prefix)",
                self.pk_attr, self.sk_attr
            ),
            None => format!("{} = :pk", self.pk_attr),
        }
    }

    /// The index key at which a page after `cursor` starts.
    fn start_key(&self, org_id: &str, query: &InvitationQuery, cursor: &Cursor) -> Option<Item> {
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

impl DynamoStore {
    fn invitation_query(
        &self,
        plan: &IndexPlan,
        query: &InvitationQuery,
        filter: &Option<Filter>,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let mut q = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(plan.index)
            .key_condition_expression(plan.key_condition())
            .expression_attribute_values(":pk", s(&plan.partition))
            .scan_index_forward(query.order.ascending());
        if let Some(prefix) = &plan.sk_prefix {
            q = q.expression_attribute_values(":prefix", s(prefix));
        }
        if let Some((expression, values)) = filter {
            q = q
                .filter_expression(expression)
                .expression_attribute_names("#st", "status");
            for (k, v) in values {
                q = q.expression_attribute_values(k, v.clone());
            }
        }
        q
    }

    /// `Select=COUNT` over the same index and filter: one `Query` per 1 MB of index.
    async fn count_invitations(
        &self,
        plan: &IndexPlan,
        query: &InvitationQuery,
        filter: &Option<Filter>,
    ) -> Result<u64, StoreError> {
        let mut total = 0u64;
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .invitation_query(plan, query, filter)
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_error)?;
            total += out.count.max(0) as u64;
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(total);
            }
        }
    }
}

#[async_trait]
impl InvitationStore for DynamoStore {
    /// One round trip: a `BatchGetItem` of the organization, the address's pending slot and
    /// member claim and,
    /// when an actor is named, the actor's membership and profile (repeated only for keys
    /// DynamoDB leaves unprocessed under load).
    async fn invitation_context(
        &self,
        organization_id: &str,
        email_key: &str,
        actor_user_id: Option<&str>,
    ) -> Result<InvitationContext, StoreError> {
        let mut keys_wanted = vec![
            key(keys::organization(organization_id)),
            key(keys::pending_slot(organization_id, email_key)),
            key(keys::member_address(organization_id, email_key)),
        ];
        if let Some(user_id) = actor_user_id {
            keys_wanted.push(key(keys::membership(organization_id, user_id)));
            keys_wanted.push(key(keys::user(user_id)));
        }
        let mut ctx = InvitationContext::default();
        for item in self.batch_get(keys_wanted).await? {
            match codec::entity(&item) {
                Some("organization") => ctx.organization = Some(codec::organization_from(&item)?),
                Some("pending_slot") => ctx.slot_holder = Some(codec::slot_from(&item)?),
                Some("membership") => ctx.actor_membership = Some(codec::membership_from(&item)?),
                Some("user") => ctx.actor_user = Some(codec::user_from(&item)?),
                Some("member_address") => ctx.address_is_member = true,
                _ => {
                    return Err(StoreError::Corrupt(
                        "unexpected item in invitation context".into(),
                    ))
                }
            }
        }
        Ok(ctx)
    }

    /// One round trip: a transaction that puts the invitation, takes the address's slot (only
    /// if free, or still held by the expired invitation read just before), checks the address
    /// is no member's, takes a seat under the maximum and, when named, checks the actor's role.
    async fn insert_invitation(
        &self,
        inv: &Invitation,
        replacing: Option<&SlotHolder>,
        actor: Option<&ActorRequirement>,
    ) -> Result<(), StoreError> {
        let org_id = inv.organization.id.as_str();
        let mut tx = Tx::new(&self.table);
        let actor_index = match actor {
            Some(a) => Some(self.actor_check(&mut tx, org_id, a)?),
            None => None,
        };
        let slot_index = match replacing {
            None => tx.put_new(codec::slot_item(inv))?,
            Some(old) => tx.put(
                codec::slot_item(inv),
                "invitation_id = :old",
                Params::new().value(":old", s(old.invitation_id.as_str())),
            )?,
        };
        let member_index = tx.check(
            keys::member_address(org_id, inv.email_address.key()),
            NEW_ITEM,
            Params::new(),
        )?;
        let org_index = match replacing {
            // The expired invitation's seat passes to this one.
            Some(_) => tx.update(
                keys::organization(org_id),
                "SET updated_at = :now",
                EXISTING_ITEM,
                Params::new().value(":now", n(inv.created_at)),
            )?,
            None => tx.update(
                keys::organization(org_id),
                "ADD pending_invitations_count :one, seats_used :one SET updated_at = :now",
                HAS_FREE_SEAT,
                Params::new()
                    .value(":one", n(1))
                    .value(":zero", n(0))
                    .value(":now", n(inv.created_at)),
            )?,
        };
        let inv_index = tx.put_new(codec::invitation_item(inv))?;
        let old_index = match replacing {
            Some(old) => Some(
                tx.update(
                    keys::invitation(org_id, &old.invitation_id),
                    "SET #st = :expired, updated_at = :now",
                    "#st = :pending",
                    Params::new()
                        .name("#st", "status")
                        .value(":expired", s(InvitationStatus::Expired.as_str()))
                        .value(":pending", s(InvitationStatus::Pending.as_str()))
                        .value(":now", n(inv.created_at)),
                )?,
            ),
            None => None,
        };
        let r = match tx.send(&self.client).await? {
            TxOutcome::Committed => return Ok(()),
            Cancelled(r) => r,
        };
        if failed(&r, org_index)
            && old_item(&r, org_index).is_none()
            && self.get_organization(org_id).await?.is_none()
        {
            return Err(StoreError::NotFound);
        }
        if actor_index.is_some_and(|i| failed(&r, i)) {
            return Err(StoreError::ActorNotAllowed);
        }
        if failed(&r, slot_index)
            || old_index.is_some_and(|i| failed(&r, i))
            || failed(&r, inv_index)
        {
            return Err(StoreError::Contention);
        }
        if failed(&r, member_index) {
            return Err(StoreError::AlreadyMember);
        }
        if failed(&r, org_index) {
            return Err(StoreError::QuotaExceeded);
        }
        Err(unexplained(&r))
    }

    /// One round trip.
    async fn get_invitation(
        &self,
        organization_id: &str,
        id: &InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.get(keys::invitation(organization_id, id))
            .await?
            .as_ref()
            .map(codec::invitation_from)
            .transpose()
    }

    /// One `Query` per page (GSI1 for creation order, GSI2 for address order or one address),
    /// and concurrently a `Select=COUNT` query for `total_count`. A status filter is applied by
    /// DynamoDB after reading, so a page whose items are mostly filtered out continues with
    /// further `Query` calls until it is full or the index ends; `offset` reads past the
    /// skipped items the same way.
    async fn list_invitations(
        &self,
        organization_id: &str,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<Page<Invitation>, StoreError> {
        let plan = IndexPlan::for_query(organization_id, query);
        let filter = status_filter(query, now);
        let (skip, start) = match &query.page.start {
            PageStart::Offset(n) => (*n as usize, None),
            PageStart::After(cursor) => (0, plan.start_key(organization_id, query, cursor)),
        };
        let limit = query.page.limit as usize;
        // One more than the page, to know whether another page follows.
        let wanted = skip + limit + 1;
        let page = async {
            self.query_up_to(
                || self.invitation_query(&plan, query, &filter),
                start,
                wanted,
            )
            .await?
            .iter()
            .skip(skip)
            .map(codec::invitation_from)
            .collect::<Result<Vec<_>, _>>()
        };
        let (page, total_count) = tokio::join!(page, self.count_invitations(&plan, query, &filter));
        let mut data = page?;
        let has_more = data.len() > limit;
        data.truncate(limit);
        let next_cursor = if has_more {
            data.last().map(|inv| {
                Cursor {
                    order: query.order,
                    sort_key: crate::domain::listing::sort_key(query.order, inv),
                }
                .encode()
            })
        } else {
            None
        };
        Ok(Page {
            data,
            total_count: total_count?,
            next_cursor,
        })
    }

    /// One round trip: an `UpdateItem` of the `delivery` attribute alone.
    async fn record_delivery(
        &self,
        organization_id: &str,
        id: &InvitationId,
        delivery: &crate::domain::Delivery,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::invitation(organization_id, id))))
            .update_expression("SET delivery = :delivery")
            .condition_expression(EXISTING_ITEM)
            .expression_attribute_values(":delivery", codec::delivery_value(delivery))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::NotFound)
            }
            Err(err) => Err(sdk_error(err)),
        }
    }

    /// One round trip: a transaction that swaps the ticket hash and expiry on the invitation
    /// (only if it is still pending on the ticket read) and the expiry on its slot (only if it
    /// still holds it), and, when named, checks the actor's role.
    async fn reissue_ticket(
        &self,
        inv: &Invitation,
        new_ticket_hash: &str,
        new_expires_at: Millis,
        now: Millis,
        actor: Option<&ActorRequirement>,
    ) -> Result<(), StoreError> {
        let org_id = inv.organization.id.as_str();
        let mut tx = Tx::new(&self.table);
        let mut params = Params::new()
            .name("#st", "status")
            .value(":pending", s(InvitationStatus::Pending.as_str()))
            .value(":hash", s(new_ticket_hash))
            .value(":exp", n(new_expires_at))
            .value(":now", n(now));
        let same_ticket = match &inv.ticket_hash {
            Some(old) => {
                params = params.value(":old", s(old));
                "ticket_hash = :old"
            }
            None => "attribute_not_exists(ticket_hash)",
        };
        tx.update(
            keys::invitation(org_id, &inv.id),
            "SET ticket_hash = :hash, expires_at = :exp, updated_at = :now",
            &format!("#st = :pending AND {same_ticket}"),
            params,
        )?;
        tx.update(
            keys::pending_slot(org_id, inv.email_address.key()),
            "SET expires_at = :exp",
            "invitation_id = :id",
            Params::new()
                .value(":exp", n(new_expires_at))
                .value(":id", s(inv.id.as_str())),
        )?;
        let actor_index = match actor {
            Some(a) => Some(self.actor_check(&mut tx, org_id, a)?),
            None => None,
        };
        match tx.send(&self.client).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if actor_index.is_some_and(|i| failed(&r, i)) => {
                Err(StoreError::ActorNotAllowed)
            }
            Cancelled(r) if failed(&r, 0) || failed(&r, 1) => Err(StoreError::Contention),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// Two round trips: a `GetItem` (the answer is the revoked invitation, and a transaction
    /// returns no item), then one transaction that marks it revoked only if still pending,
    /// frees its slot only if it still holds it, gives back its seat and, when named, checks
    /// the actor's role.
    async fn revoke_invitation(
        &self,
        organization_id: &str,
        id: &InvitationId,
        now: Millis,
        actor: Option<&ActorRequirement>,
    ) -> Result<Invitation, StoreError> {
        let mut inv = self
            .get_invitation(organization_id, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if inv.stored_status != InvitationStatus::Pending {
            return Err(StoreError::InvitationNotPending(Box::new(inv)));
        }
        let mut tx = Tx::new(&self.table);
        let inv_index = tx.update(
            keys::invitation(organization_id, id),
            "SET #st = :revoked, updated_at = :now",
            "#st = :pending",
            Params::new()
                .name("#st", "status")
                .value(":revoked", s(InvitationStatus::Revoked.as_str()))
                .value(":pending", s(InvitationStatus::Pending.as_str()))
                .value(":now", n(now)),
        )?;
        let slot_index = tx.delete(
            keys::pending_slot(organization_id, inv.email_address.key()),
            "invitation_id = :id",
            Params::new().value(":id", s(id.as_str())),
        )?;
        tx.update(
            keys::organization(organization_id),
            "ADD pending_invitations_count :minus, seats_used :minus",
            EXISTING_ITEM,
            Params::new().value(":minus", n(-1)),
        )?;
        let actor_index = match actor {
            Some(a) => Some(self.actor_check(&mut tx, organization_id, a)?),
            None => None,
        };
        match tx.send(&self.client).await? {
            TxOutcome::Committed => {
                inv.stored_status = InvitationStatus::Revoked;
                inv.updated_at = now;
                Ok(inv)
            }
            Cancelled(r) if actor_index.is_some_and(|i| failed(&r, i)) => {
                Err(StoreError::ActorNotAllowed)
            }
            // Accepted, revoked or replaced since the read: the caller retries and sees why.
            Cancelled(r) if failed(&r, inv_index) || failed(&r, slot_index) => {
                Err(StoreError::Contention)
            }
            Cancelled(r) => Err(unexplained(&r)),
        }
    }
}

use TxOutcome::Cancelled;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::listing::{InvitationOrder, PageRequest};

    fn query(statuses: Vec<InvitationStatus>) -> InvitationQuery {
        InvitationQuery {
            statuses,
            email_key: None,
            order: InvitationOrder::CreatedDesc,
            page: PageRequest {
                limit: 10,
                start: PageStart::Offset(0),
            },
        }
    }

    #[test]
    fn a_status_filter_uses_every_placeholder_it_declares() {
        for statuses in [
            vec![InvitationStatus::Pending],
            vec![InvitationStatus::Expired],
            vec![InvitationStatus::Accepted],
            vec![InvitationStatus::Revoked, InvitationStatus::Accepted],
            InvitationStatus::ALL.to_vec(),
        ] {
            let (expression, values) = status_filter(&query(statuses.clone()), 5).unwrap();
            for (placeholder, _) in &values {
                assert!(
                    expression.contains(placeholder.as_str()),
                    "{statuses:?}: {placeholder} unused"
                );
            }
            for token in expression.split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '_'))
            {
                if token.starts_with(':') {
                    assert!(
                        values.iter().any(|(k, _)| k == token),
                        "{statuses:?}: {token} undeclared"
                    );
                }
            }
        }
        assert!(status_filter(&query(vec![]), 5).is_none());
    }
}
