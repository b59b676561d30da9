//! Users, organizations and memberships on DynamoDB.

use async_trait::async_trait;

use super::codec::{self, key, n, s};
use super::tx::{failed, old_item, Params, Tx, TxOutcome, EXISTING_ITEM, HAS_FREE_SEAT};
use super::{keys, sdk_error, unexplained, DynamoStore};
use crate::clock::Millis;
use crate::domain::{Membership, Organization, OrganizationId, RoleKey, User, UserId};
use crate::store::{MembershipStore, OrganizationStore, StoreError, UserStore};

impl DynamoStore {
    fn member_items(&self, tx: &mut Tx<'_>, m: &Membership) -> Result<usize, StoreError> {
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

/// No condition: a counter item is created by its first `ADD`.
const ANY_ITEM: &str = "attribute_not_exists(PK) OR attribute_exists(PK)";

/// Pages in a row that change nothing before a deletion gives up (`delete_organization`).
const STALLED_PAGES: u32 = 5;

#[async_trait]
impl OrganizationStore for DynamoStore {
    /// One round trip: organization, slug claim and the creator's membership in one transaction.
    async fn insert_organization(
        &self,
        org: &Organization,
        creator: Option<&Membership>,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let org_index = tx.put_new(codec::organization_item(org))?;
        let slug_index = tx.put_new(codec::slug_item(&org.slug, &org.id))?;
        if let Some(m) = creator {
            self.member_items(&mut tx, m)?;
        }
        tx.update(
            keys::organizations_count(),
            "ADD organizations_count :one",
            ANY_ITEM,
            Params::new().value(":one", n(1)),
        )?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, slug_index) => Err(StoreError::SlugTaken),
            Cancelled(r) if failed(&r, org_index) => Err(StoreError::Contention),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// One round trip.
    async fn get_organization(
        &self,
        organization_id: &OrganizationId,
    ) -> Result<Option<Organization>, StoreError> {
        self.get(keys::organization(organization_id))
            .await?
            .as_ref()
            .map(codec::organization_from)
            .transpose()
    }

    /// Two round trips: the slug claim names the organization, which is then read.
    async fn find_organization_by_slug(
        &self,
        slug: &str,
    ) -> Result<Option<Organization>, StoreError> {
        let Some(claim) = self.get(keys::slug(slug)).await? else {
            return Ok(None);
        };
        let org_id = codec::Reader::new(&claim, "slug").s("organization_id")?;
        self.get_organization(&org_id).await
    }

    /// One `Query` on GSI1 (`limit` organizations by creation) and, concurrently, one `GetItem`
    /// of the count.
    async fn list_organizations(
        &self,
        ascending: bool,
        limit: u32,
    ) -> Result<(Vec<Organization>, u64), StoreError> {
        let page = self
            .client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("GSI1PK = :pk")
            .expression_attribute_values(":pk", s(keys::ALL_ORGANIZATIONS))
            .scan_index_forward(ascending)
            .limit(limit.clamp(1, 1000) as i32)
            .send();
        let (page, count) = tokio::join!(page, self.get(keys::organizations_count()));
        let orgs = page
            .map_err(sdk_error)?
            .items
            .unwrap_or_default()
            .iter()
            .map(codec::organization_from)
            .collect::<Result<Vec<_>, _>>()?;
        let total = match count? {
            Some(item) => {
                codec::Reader::new(&item, "organizations count").counter("organizations_count")?
            }
            None => 0,
        };
        Ok((orgs, total))
    }

    /// One `Query` on GSI2: slugs from `prefix` on, at most `limit`.
    async fn organizations_by_slug_prefix(
        &self,
        prefix: &str,
        limit: u32,
    ) -> Result<Vec<Organization>, StoreError> {
        self.client()
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI2)
            .key_condition_expression("GSI2PK = :pk AND begins_with(GSI2SK, :prefix)")
            .expression_attribute_values(":pk", s(keys::ALL_ORGANIZATIONS))
            .expression_attribute_values(":prefix", s(prefix))
            .limit(limit.clamp(1, 1000) as i32)
            .send()
            .await
            .map_err(sdk_error)?
            .items
            .unwrap_or_default()
            .iter()
            .map(codec::organization_from)
            .collect()
    }

    /// One round trip: a transaction of the organization (conditioned on the fields read) and,
    /// for a new slug, its claim (only if free) and the old claim's release.
    async fn update_organization(
        &self,
        read: &Organization,
        updated: &Organization,
    ) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let org_index = tx.update(
            keys::organization(&read.id),
            "SET #name = :name, slug = :slug, GSI2SK = :slug, max_allowed_memberships = :max, \
             public_metadata = :public, private_metadata = :private, updated_at = :now",
            "attribute_exists(PK) AND #name = :old_name AND slug = :old_slug \
             AND max_allowed_memberships = :old_max AND public_metadata = :old_public \
             AND private_metadata = :old_private",
            Params::new()
                .name("#name", "name")
                .value(":name", s(&updated.name))
                .value(":slug", s(&updated.slug))
                .value(":max", n(updated.max_allowed_memberships))
                .value(":public", codec::metadata(&updated.public_metadata))
                .value(":private", codec::metadata(&updated.private_metadata))
                .value(":now", n(updated.updated_at))
                .value(":old_name", s(&read.name))
                .value(":old_slug", s(&read.slug))
                .value(":old_max", n(read.max_allowed_memberships))
                .value(":old_public", codec::metadata(&read.public_metadata))
                .value(":old_private", codec::metadata(&read.private_metadata)),
        )?;
        let slug_index = if updated.slug != read.slug {
            let claimed = tx.put_new(codec::slug_item(&updated.slug, &read.id))?;
            tx.delete(
                keys::slug(&read.slug),
                "organization_id = :id",
                Params::new().value(":id", s(&read.id)),
            )?;
            Some(claimed)
        } else {
            None
        };
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, org_index) && old_item(&r, org_index).is_none() => {
                Err(StoreError::NotFound)
            }
            Cancelled(r) if failed(&r, org_index) => Err(StoreError::Contention),
            Cancelled(r) if slug_index.is_some_and(|i| failed(&r, i)) => Err(StoreError::SlugTaken),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }

    /// Pages of 25 pending invitations (GSI4), each page one transaction that revokes them and
    /// frees their slots; pages of memberships (GSI1), each deleted with its address claims;
    /// then one transaction removing the organization and its slug claim. 1 + ⌈pending/25⌉ × 2
    /// + members' pages + 1 round trips: the organization's history is not read.
    async fn delete_organization(&self, org: &Organization, now: Millis) -> Result<(), StoreError> {
        // Indexes are eventually consistent: a page may still show what was just changed. A few
        // pages in a row without progress end in `Contention` (the caller may retry).
        let mut stalled = 0;
        loop {
            if stalled >= STALLED_PAGES {
                return Err(StoreError::Contention);
            }
            let pending = self
                .client()
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI4)
                .key_condition_expression("GSI4PK = :pk")
                .expression_attribute_values(":pk", s(keys::pending_partition(&org.id)))
                .limit(25)
                .send()
                .await
                .map_err(sdk_error)?
                .items
                .unwrap_or_default();
            if pending.is_empty() {
                break;
            }
            let mut tx = Tx::new(&self.table);
            for item in &pending {
                let inv = codec::invitation_from(item)?;
                tx.settle_pending(
                    &inv,
                    crate::domain::InvitationStatus::Revoked,
                    super::settle::Guard {
                        same_ticket: false,
                        expiry: None,
                    },
                    now,
                )?;
            }
            match tx.send(self.client()).await? {
                TxOutcome::Committed => stalled = 0,
                // Accepted or revoked meanwhile: the next page read no longer holds it.
                TxOutcome::Cancelled(_) => stalled += 1,
            }
        }
        stalled = 0;
        loop {
            if stalled >= STALLED_PAGES {
                return Err(StoreError::Contention);
            }
            let (_, members) = self.list_memberships(&org.id, 25, 0).await?;
            if members.is_empty() {
                break;
            }
            let mut deleted = false;
            for m in members {
                match self.delete_membership(&org.id, &m.user_id).await {
                    Ok(_) => deleted = true,
                    Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e),
                }
            }
            stalled = if deleted { 0 } else { stalled + 1 };
        }
        let mut tx = Tx::new(&self.table);
        tx.delete(keys::organization(&org.id), EXISTING_ITEM, Params::new())?;
        tx.delete(
            keys::slug(&org.slug),
            "organization_id = :id",
            Params::new().value(":id", s(&org.id)),
        )?;
        tx.update(
            keys::organizations_count(),
            "ADD organizations_count :minus",
            ANY_ITEM,
            Params::new().value(":minus", n(-1)),
        )?;
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(()),
            Cancelled(r) if failed(&r, 0) => Err(StoreError::NotFound),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }
}

#[async_trait]
impl MembershipStore for DynamoStore {
    /// One round trip: seat taken on the organization (conditioned on a free one), membership
    /// and address claims put only if new.
    async fn insert_membership(&self, m: &Membership) -> Result<(), StoreError> {
        let mut tx = Tx::new(&self.table);
        let org_index = tx.update(
            keys::organization(&m.organization_id),
            "ADD members_count :one, seats_used :one SET updated_at = :now",
            HAS_FREE_SEAT,
            Params::new()
                .value(":one", n(1))
                .value(":zero", n(0))
                .value(":now", n(m.created_at)),
        )?;
        let member_index = self.member_items(&mut tx, m)?;
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
        let mut orgs = std::collections::HashMap::new();
        let mut ids: Vec<&OrganizationId> =
            memberships.iter().map(|m| &m.organization_id).collect();
        ids.dedup();
        for chunk in ids.chunks(100) {
            let wanted = chunk.iter().map(|id| key(keys::organization(id))).collect();
            for item in self.batch_get(wanted).await? {
                let org = codec::organization_from(&item)?;
                orgs.insert(org.id.clone(), org);
            }
        }
        let page = memberships
            .into_iter()
            .filter_map(|m| {
                let org = orgs.get(&m.organization_id)?.clone();
                Some((m, org))
            })
            .collect();
        Ok((page, more))
    }

    /// One round trip: an `UpdateItem` conditioned on the metadata read (compared whole, as
    /// the stored JSON).
    async fn replace_membership_metadata(
        &self,
        read: &Membership,
        updated: &Membership,
    ) -> Result<(), StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::membership(&read.organization_id, &read.user_id))))
            .update_expression(
                "SET public_metadata = :public, private_metadata = :private, updated_at = :now",
            )
            .condition_expression(
                "attribute_exists(PK) AND public_metadata = :old_public AND private_metadata = :old_private",
            )
            .expression_attribute_values(":public", codec::metadata(&updated.public_metadata))
            .expression_attribute_values(":private", codec::metadata(&updated.private_metadata))
            .expression_attribute_values(":old_public", codec::metadata(&read.public_metadata))
            .expression_attribute_values(":old_private", codec::metadata(&read.private_metadata))
            .expression_attribute_values(":now", n(updated.updated_at))
            .return_values_on_condition_check_failure(
                aws_sdk_dynamodb::types::ReturnValuesOnConditionCheckFailure::AllOld,
            )
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match err.as_service_error() {
                Some(aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(e)) => {
                    if e.item().is_some() {
                        Err(StoreError::Contention)
                    } else {
                        Err(StoreError::NotFound)
                    }
                }
                _ => Err(sdk_error(err)),
            },
        }
    }

    /// One round trip: `UpdateItem` returning the new item.
    async fn update_membership_role(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
        role: &RoleKey,
        now: Millis,
    ) -> Result<Membership, StoreError> {
        let result = self
            .client()
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(keys::membership(organization_id, user_id))))
            .update_expression("SET #role = :role, updated_at = :now")
            .condition_expression(EXISTING_ITEM)
            .expression_attribute_names("#role", "role")
            .expression_attribute_values(":role", s(role))
            .expression_attribute_values(":now", n(now))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => codec::membership_from(&out.attributes.unwrap_or_default()),
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

    /// Two round trips: the membership is read for its address claims, then membership, claims
    /// and the seat go in one transaction conditioned on the membership being unchanged.
    async fn delete_membership(
        &self,
        organization_id: &OrganizationId,
        user_id: &UserId,
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
        match tx.send(self.client()).await? {
            TxOutcome::Committed => Ok(m),
            Cancelled(r) if failed(&r, 0) => Err(StoreError::NotFound),
            Cancelled(r) => Err(unexplained(&r)),
        }
    }
}
