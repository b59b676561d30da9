//! Users and memberships on DynamoDB.

use crate::domain::audit::AuditEntry;
use async_trait::async_trait;

use super::codec::{self, n, s};
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM, HAS_FREE_SEAT};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::{Membership, Organization, OrganizationId, RoleKey, User, UserId};
use crate::store::{MembershipStore, OrganizationStore, StoreError, UserStore};

impl DynamoStore {
    /// A new member's items in `tx`: the organization's seat (`members_count`, only while one is
    /// free) and the membership with its address claims (each new). Shared by a direct add and
    /// an accepted request. Returns the organization's index and the membership's (the address
    /// claims follow it).
    pub(super) fn admit_member(
        &self,
        tx: &mut Tx<'_>,
        m: &Membership,
    ) -> Result<(usize, usize), StoreError> {
        let org_index = tx.update(
            keys::organization(&m.organization_id),
            "ADD members_count :one, seats_used :one SET updated_at = :now",
            HAS_FREE_SEAT,
            Params::new()
                .value(":one", n(1))
                .value(":zero", n(0))
                .value(":now", n(m.created_at)),
        )?;
        Ok((org_index, self.member_items(tx, m)?))
    }

    pub(super) fn member_items(
        &self,
        tx: &mut Tx<'_>,
        m: &Membership,
    ) -> Result<usize, StoreError> {
        let first = tx.put_new(codec::membership_item(m))?;
        for addr in &m.email_keys {
            tx.put_new(codec::member_address_item(
                &m.organization_id,
                addr,
                &m.user_id,
            ))?;
        }
        Ok(first)
    }
}

#[async_trait]
impl UserStore for DynamoStore {
    /// One round trip: the profile and one ownership item per address, each put only if new.
    async fn insert_user(&self, user: &User) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let profile = tx.put_new(codec::user_item(user))?;
        for e in &user.email_addresses {
            tx.put_new(codec::email_owner_item(e.address.key(), &user.id))?;
        }
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, profile) => Err(StoreError::AlreadyExists),
            Cancelled(r) if (profile + 1..r.len()).any(|i| failed(&r, i)) => {
                Err(StoreError::EmailTaken)
            }
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One round trip.
    async fn get_user(&self, user_id: &UserId) -> Result<Option<User>, StoreError> {
        self.get(keys::user(user_id))
            .await?
            .as_ref()
            .map(codec::user_from)
            .transpose()
    }
}

use TxOutcome::Cancelled;

#[async_trait]
impl MembershipStore for DynamoStore {
    /// One round trip: seat taken on the organization (conditioned on a free one), membership
    /// and address claims put only if new.
    async fn insert_membership(
        &self,
        m: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let (org_index, member_index) = self.admit_member(&mut tx, m)?;
        tx.audit(audit)?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, org_index) && old_item(&r, org_index).is_none() => {
                // Without the old item we cannot tell "no organization" from "no seat".
                match self.get_organization(&m.organization_id).await? {
                    None => Err(StoreError::NotFound),
                    Some(_) if (member_index..r.len()).any(|i| failed(&r, i)) => {
                        Err(StoreError::AlreadyMember)
                    }
                    Some(_) => Err(StoreError::QuotaExceeded),
                }
            }
            Cancelled(r) if (member_index..r.len()).any(|i| failed(&r, i)) => {
                Err(StoreError::AlreadyMember)
            }
            Cancelled(r) if failed(&r, org_index) => Err(StoreError::QuotaExceeded),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One round trip.
    async fn get_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
    ) -> Result<Option<Membership>, StoreError> {
        self.get(keys::membership(organization_id, user_id))
            .await?
            .as_ref()
            .map(codec::membership_from)
            .transpose()
    }

    /// One `Query` on GSI1 per page of up to 1 MB, and concurrently one `GetItem` of the
    /// organization, whose `members_count` is the total.
    async fn list_memberships(
        &self,
        organization_id: &OrganizationId,
        limit: u32,
        offset: u32,
    ) -> Result<(Option<Organization>, Vec<Membership>), StoreError> {
        let wanted = (offset + limit) as usize;
        let query = || {
            self.client()
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI1)
                .key_condition_expression("GSI1PK = :pk")
                .expression_attribute_values(
                    ":pk",
                    s(keys::memberships_by_created(organization_id)),
                )
                .scan_index_forward(false)
        };
        let page = async {
            self.query_up_to(query, None, wanted)
                .await?
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(codec::membership_from)
                .collect::<Result<Vec<_>, _>>()
        };
        let (page, org) = tokio::join!(page, self.get_organization(organization_id));
        Ok((org?, page?))
    }

    /// One `Query` on GSI3 (`limit + 1` items, to tell whether more follow), then the
    /// organizations in `BatchGetItem`s of up to 100 keys.
    async fn user_memberships(
        &self,
        user_id: &UserId,
        limit: u32,
    ) -> Result<(Vec<(Membership, Organization)>, bool), StoreError> {
        let out = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI3)
            .key_condition_expression("GSI3PK = :pk")
            .expression_attribute_values(":pk", s(keys::memberships_of_user(user_id)))
            .scan_index_forward(false)
            .limit((limit + 1).min(1000) as i32)
            .send()
            .await
            .map_err(sdk_error)?;
        let mut memberships = out
            .items
            .unwrap_or_default()
            .iter()
            .map(codec::membership_from)
            .collect::<Result<Vec<_>, _>>()?;
        let more = memberships.len() > limit as usize || out.last_evaluated_key.is_some();
        memberships.truncate(limit as usize);
        let mut ids: Vec<&OrganizationId> =
            memberships.iter().map(|m| &m.organization_id).collect();
        ids.dedup();
        let orgs = self.organizations_named(&ids).await?;
        let page = memberships
            .into_iter()
            .filter_map(|m| {
                let org = orgs.get(&m.organization_id)?.clone();
                Some((m, org))
            })
            .collect();
        Ok((page, more))
    }

    /// See `membership_updates.rs`.
    async fn replace_membership_metadata(
        &self,
        read: &Membership,
        updated: &Membership,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.replace_metadata(read, updated, audit).await
    }

    /// See `membership_updates.rs`.
    async fn update_membership_role(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
        now: Millis,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError> {
        self.change_role(organization_id, user_id, role, now, audit)
            .await
    }

    /// See `remove_membership`.
    async fn delete_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        audit: &AuditEntry,
    ) -> Result<Membership, StoreError> {
        self.remove_membership(organization_id, user_id, Some(audit))
            .await
    }
}

impl DynamoStore {
    /// Two round trips: the membership is read for its address claims, then membership, claims
    /// and the seat go in one transaction conditioned on the membership being unchanged.
    /// With its audit entry, or none when the organization's deletion removes it (whose own
    /// entry says so).
    pub(super) async fn remove_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        audit: Option<&AuditEntry>,
    ) -> Result<Membership, StoreError> {
        let m = self
            .get_membership(organization_id, user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut tx = Tx::new(&self.table);
        tx.delete(
            keys::membership(organization_id, user_id),
            "id = :id",
            Params::new().value(":id", s(&m.id)),
        )?;
        for addr in &m.email_keys {
            tx.delete(
                keys::member_address(organization_id, addr),
                EXISTING_ITEM,
                Params::new(),
            )?;
        }
        tx.update(
            keys::organization(organization_id),
            "ADD members_count :minus, seats_used :minus",
            EXISTING_ITEM,
            Params::new().value(":minus", n(-1)),
        )?;
        if let Some(audit) = audit {
            tx.audit(audit)?;
        }
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(m),
            Cancelled(r) if failed(&r, 0) => Err(StoreError::NotFound),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
