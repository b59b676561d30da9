//! A person's own invitations across organizations, and users registered from a session.

use super::{Service, ServiceError};
use crate::domain::listing::{Cursor, PageStart};
use crate::domain::{
    person_list, EmailAddress, Invitation, InvitationOrder, InvitationStatus, Metadata, Page,
    PageRequest, User, UserEmail, UserId,
};
use crate::ids::new_id;
use crate::store::StoreError;
use crate::tokens::session::Session;

/// The most addresses of one person read for a list: each costs one query.
const MAX_ADDRESSES: usize = 10;

impl Service {
    /// A person's invitations across organizations: a backend naming the user. One read of the
    /// user, then one query per address (concurrently).
    #[tracing::instrument(skip_all, fields(user = %user_id))]
    pub async fn user_invitations(
        &self,
        user_id: &UserId,
        statuses: &[InvitationStatus],
        page: &PageRequest,
    ) -> Result<Page<Invitation>, ServiceError> {
        let addresses = self.get_user(user_id).await?.address_keys();
        self.invitations_page(&addresses, statuses, page).await
    }

    /// The signed-in person's invitations. Read-only: an unknown user is not registered here,
    /// their verified address alone is enough to find their invitations.
    #[tracing::instrument(skip_all)]
    pub async fn my_invitations(
        &self,
        session: &Session,
        statuses: &[InvitationStatus],
        page: &PageRequest,
    ) -> Result<Page<Invitation>, ServiceError> {
        // What the domains at the person's addresses offer is made as they look (a person
        // unknown here is registered for it, as accepting would); the user is read once.
        let known = if self.policy.domains.enabled {
            match self.session_user(session).await {
                Ok(user) => {
                    self.refresh_offers(&user, &owned_addresses(&user, session))
                        .await?;
                    Some(user)
                }
                Err(ServiceError::SessionUserUnknown) => None,
                Err(e) => return Err(e),
            }
        } else {
            self.store.get_user(&session.user_id).await?
        };
        let mut addresses: Vec<String> = match known {
            Some(user) => user.address_keys(),
            None if session.verified_email.is_some() => Vec::new(),
            None => return Err(ServiceError::SessionUserUnknown),
        };
        if let Some(email) = &session.verified_email {
            if !addresses.contains(email) {
                addresses.push(email.clone());
            }
        }
        self.invitations_page(&addresses, statuses, page).await
    }

    /// Reads each address `offset + limit` items deep at most, below the cursor, and merges.
    /// Persons keep no counters, so `total_count` is what is known: the items up to the end of
    /// this page, plus one when more may follow (`next_cursor`).
    async fn invitations_page(
        &self,
        addresses: &[String],
        statuses: &[InvitationStatus],
        page: &PageRequest,
    ) -> Result<Page<Invitation>, ServiceError> {
        let (offset, before) = match &page.start {
            PageStart::Offset(n) => (*n, None),
            PageStart::After(cursor) => (0, Some(cursor.sort_key.as_str())),
        };
        let depth = offset.saturating_add(page.limit);
        let reads = futures::future::try_join_all(
            addresses
                .iter()
                .take(MAX_ADDRESSES)
                .map(|a| self.store.invitations_to_address(a, before, depth)),
        )
        .await?;
        Ok(self.merged_page(reads, offset, page.limit, statuses))
    }

    /// Every organization's invitations, newest first (Clerk's instance-wide list): one query
    /// per partition of the instance index (8, concurrently), each of at most `offset + limit`
    /// items below the cursor, merged; or, with an address, that address's invitations.
    #[tracing::instrument(skip_all)]
    pub async fn instance_invitations(
        &self,
        address: Option<&crate::domain::EmailAddress>,
        statuses: &[InvitationStatus],
        page: &PageRequest,
    ) -> Result<Page<Invitation>, ServiceError> {
        if let Some(address) = address {
            return self
                .invitations_page(&[address.key().to_string()], statuses, page)
                .await;
        }
        self.instance_page(statuses, page).await
    }

    /// Per partition (and, bound to statuses, per part of the list: a stored status, or the
    /// lapsed), one read of `offset + limit + 1` names below the cursor (concurrently), merged;
    /// then the page's invitations, whole, in one batch. A page is full whenever that many
    /// exist.
    async fn instance_page(
        &self,
        statuses: &[InvitationStatus],
        page: &PageRequest,
    ) -> Result<Page<Invitation>, ServiceError> {
        let (offset, before) = match &page.start {
            PageStart::Offset(n) => (*n, None),
            PageStart::After(cursor) => (0, Some(cursor.sort_key.as_str())),
        };
        let depth = offset.saturating_add(page.limit).saturating_add(1);
        let now = self.clock.now();
        let shards = 0..crate::domain::listing::INSTANCE_SHARDS;
        let reads = match (crate::domain::InvitationQuery {
            statuses: statuses.to_vec(),
            email_key: None,
            order: InvitationOrder::CreatedDesc,
            page: page.clone(),
        })
        .status_sources()
        {
            None => {
                futures::future::try_join_all(
                    shards.map(|shard| self.store.instance_entries(shard, before, depth)),
                )
                .await?
            }
            Some(sources) => {
                futures::future::try_join_all(sources.iter().flat_map(|source| {
                    shards.clone().map(move |shard| {
                        self.store
                            .instance_status_entries(*source, shard, before, depth, now)
                    })
                }))
                .await?
            }
        };
        let (names, next_before) =
            person_list::merge_keyed(reads, offset as usize, page.limit as usize, |_| true);
        let mut data = self.store.invitations_named(&names).await?;
        let position = |inv: &Invitation| names.iter().position(|n| n.id == inv.id);
        data.sort_by_key(position);
        let more = next_before.is_some();
        Ok(Page {
            total_count: u64::from(offset) + data.len() as u64 + u64::from(more),
            data,
            next_cursor: next_before.map(|sort_key| {
                Cursor {
                    order: InvitationOrder::CreatedDesc,
                    sort_key,
                }
                .encode()
            }),
        })
    }

    /// Merged reads as a page: `total_count` is what is known (up to this page's end, plus one
    /// when more may follow), since no counter spans these lists.
    fn merged_page(
        &self,
        reads: Vec<person_list::AddressRead>,
        offset: u32,
        limit: u32,
        statuses: &[InvitationStatus],
    ) -> Page<Invitation> {
        let now = self.clock.now();
        let merged = person_list::merge(reads, offset as usize, limit as usize, |inv| {
            statuses.is_empty() || statuses.contains(&inv.status(now))
        });
        let more = merged.next_before.is_some();
        Page {
            total_count: u64::from(offset) + merged.data.len() as u64 + u64::from(more),
            data: merged.data,
            next_cursor: merged.next_before.map(|sort_key| {
                Cursor {
                    order: InvitationOrder::CreatedDesc,
                    sort_key,
                }
                .encode()
            }),
        }
    }

    pub(super) async fn session_user(&self, session: &Session) -> Result<User, ServiceError> {
        match self.store.get_user(&session.user_id).await? {
            Some(user) => Ok(user),
            None => self.register_session_user(session).await,
        }
    }

    /// A session whose user is unknown but whose token carries a verified email becomes a user
    /// with the session's id (so memberships name the identity provider's user).
    pub(super) async fn register_session_user(
        &self,
        session: &Session,
    ) -> Result<User, ServiceError> {
        let email = session
            .verified_email
            .as_deref()
            .ok_or(ServiceError::SessionUserUnknown)?;
        let address =
            EmailAddress::parse("email", email).map_err(|_| ServiceError::SessionUserUnknown)?;
        let now = self.clock.now();
        let user = User {
            id: session.user_id.clone(),
            email_addresses: vec![UserEmail {
                id: new_id("idn"),
                address,
            }],
            first_name: None,
            last_name: None,
            image_url: None,
            public_metadata: Metadata::default(),
            private_metadata: Metadata::default(),
            created_at: now,
            updated_at: now,
        };
        match self.store.insert_user(&user).await {
            Ok(()) => Ok(user),
            // Registered by a concurrent request a moment ago.
            Err(StoreError::AlreadyExists) => self.get_user(&session.user_id).await,
            // The address is another user's: this session cannot claim it.
            Err(StoreError::EmailTaken) => Err(ServiceError::SessionUserUnknown),
            Err(e) => Err(e.into()),
        }
    }
}

/// The address keys a person is known to own: those on record and a verified session claim.
pub(super) fn owned_addresses(user: &User, session: &Session) -> Vec<String> {
    let mut keys = user.address_keys();
    if let Some(email) = &session.verified_email {
        if !keys.contains(email) {
            keys.push(email.clone());
        }
    }
    keys
}
