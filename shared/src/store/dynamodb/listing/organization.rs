//! An organization's invitations: which index serves a query, its filter and paging.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::clock::Millis;
use crate::domain::listing::{time_key, Cursor, InvitationCounts, PageStart, LAPSED_READ_LIMIT};
use crate::domain::{
    Invitation, InvitationId, InvitationQuery, InvitationStatus, OrganizationId, Page,
};
use crate::store::dynamodb::codec::{self, key, n, s, Item};
use crate::store::dynamodb::{keys, sdk_error, DynamoStore};
use crate::store::{OrganizationStore, StoreError};

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
            InvitationStatus::Declined => "#st = :declined",
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
        InvitationStatus::Declined,
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
    fn for_query(org_id: &OrganizationId, query: &InvitationQuery) -> Self {
        // Pending by creation, the default admin view: the sparse index holds only pending
        // invitations, so a page reads its own items (and any past expiry not yet swept).
        if query.is_pending_by_creation() {
            return Self {
                index: keys::GSI4,
                pk_attr: keys::GSI4PK,
                sk_attr: keys::GSI4SK,
                partition: keys::pending_partition(org_id),
                sk_prefix: None,
            };
        }
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
    fn start_key(
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

impl DynamoStore {
    fn invitation_query(
        &self,
        plan: &IndexPlan,
        query: &InvitationQuery,
        filter: &Option<Filter>,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        let mut q = self
            .client()
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

    /// Pending invitations whose expiry has passed (they read as expired): one page of GSI5
    /// keys below `now` (keys only), at most `LAPSED_READ_LIMIT`. The sweeper expires them every
    /// 5 minutes, so the page holds only the expiries since its last run, whatever the
    /// organization's age; past the limit (a sweeper far behind) the count stops there.
    async fn count_lapsed(&self, org_id: &OrganizationId, now: Millis) -> Result<u64, StoreError> {
        let out = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI5)
            .key_condition_expression("GSI5PK = :pk AND GSI5SK < :bound")
            .expression_attribute_values(":pk", s(keys::pending_partition(org_id)))
            .expression_attribute_values(":bound", s(time_key(now + 1)))
            .limit(LAPSED_READ_LIMIT as i32)
            .send()
            .await
            .map_err(sdk_error)?;
        if out.last_evaluated_key.is_some() {
            tracing::warn!(
                organization = %org_id,
                "more than {LAPSED_READ_LIMIT} lapsed invitations: is the sweeper running?"
            );
        }
        Ok(out.items.map_or(0, |items| items.len() as u64))
    }

    /// `total_count` from counters. Without an address filter: the organization's (one
    /// `GetItem`), plus the lapsed page when the filter needs it. With one: one `BatchGetItem`
    /// of the address's counters, its slot (is its pending invitation past expiry?) and the
    /// organization (does it exist?). Never the history.
    async fn invitation_total(
        &self,
        organization_id: &OrganizationId,
        query: &InvitationQuery,
        now: Millis,
    ) -> Result<u64, StoreError> {
        if let Some(email) = &query.email_key {
            let items = self
                .batch_get(vec![
                    key(keys::address_counts(organization_id, email)),
                    key(keys::pending_slot(organization_id, email)),
                    key(keys::organization(organization_id)),
                ])
                .await?;
            let sk_of = |item: &Item| item.get(keys::SK).and_then(|v| v.as_s().ok()).cloned();
            let find = |(_, sk): (String, String)| {
                items
                    .iter()
                    .find(|i| sk_of(i).as_deref() == Some(sk.as_str()))
            };
            if find(keys::organization(organization_id)).is_none() {
                return Err(StoreError::NotFound);
            }
            let (sent, settled) = match find(keys::address_counts(organization_id, email)) {
                Some(item) => codec::address_counts_from(item)?,
                None => Default::default(),
            };
            let lapsed = match find(keys::pending_slot(organization_id, email)) {
                Some(item) => codec::slot_from(item)?.expires_at <= now,
                None => false,
            };
            return Ok(query.total_from(&InvitationCounts::of_address(sent, settled, lapsed)));
        }
        let lapsed = async {
            match query.needs_lapsed_count() {
                true => self.count_lapsed(organization_id, now).await,
                false => Ok(0),
            }
        };
        let (org, lapsed) = tokio::join!(self.get_organization(organization_id), lapsed);
        let org = org?.ok_or(StoreError::NotFound)?;
        Ok(query.total_from(&InvitationCounts::of_organization(&org, lapsed?)))
    }
}

impl DynamoStore {
    /// One `Query` per page: GSI4 for pending by creation (only pending items), GSI1 for
    /// creation order, GSI2 for address order or one address. Concurrently, `total_count` from
    /// the organization's counters (`GetItem`), plus a GSI5 count of lapsed pending invitations
    /// when the filter is `pending` or `expired` alone. Other status filters are applied after
    /// reading, so such a page continues with further `Query` calls until it is full or the
    /// index ends; `offset` reads past the skipped items the same way.
    pub(super) async fn invitation_page(
        &self,
        organization_id: &OrganizationId,
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
        let total = self.invitation_total(organization_id, query, now);
        let (page, total_count) = tokio::join!(page, total);
        Ok(Page::from_overfetch(
            page?,
            limit,
            query.order,
            total_count?,
        ))
    }
}

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
