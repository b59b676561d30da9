//! Which index serves a list that is not bound to statuses (GSI1 by creation, GSI2 by address
//! or for one address), and the status filter applied after reading it.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::clock::Millis;
use crate::domain::listing::Cursor;
use crate::domain::{InvitationId, InvitationQuery, InvitationStatus, OrganizationId};
use crate::store::dynamodb::codec::{key, n, s, Item};
use crate::store::dynamodb::keys;

pub(super) type Filter = (String, Vec<(String, AttributeValue)>);

/// The filter that keeps invitations whose visible status is one of `statuses`.
pub(super) fn status_filter(query: &InvitationQuery, now: Millis) -> Option<Filter> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::listing::{InvitationOrder, PageRequest, PageStart};

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
