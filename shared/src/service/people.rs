//! A person's own invitations across organizations, and users registered from a session.

use super::{Service, ServiceError};
use crate::domain::{
    EmailAddress, Invitation, InvitationStatus, Metadata, Page, User, UserEmail, UserId,
};
use crate::ids::new_id;
use crate::store::StoreError;
use crate::tokens::session::Session;

impl Service {
    /// A person's invitations across organizations: a backend naming the user.
    #[tracing::instrument(skip_all, fields(user = %user_id))]
    pub async fn user_invitations(
        &self,
        user_id: &UserId,
        statuses: &[InvitationStatus],
        limit: u32,
        offset: u32,
    ) -> Result<Page<Invitation>, ServiceError> {
        let addresses = self.get_user(user_id).await?.address_keys();
        self.invitations_page(&addresses, statuses, limit, offset)
            .await
    }

    /// The signed-in person's invitations. Read-only: an unknown user is not registered here,
    /// their verified address alone is enough to find their invitations.
    #[tracing::instrument(skip_all)]
    pub async fn my_invitations(
        &self,
        session: &Session,
        statuses: &[InvitationStatus],
        limit: u32,
        offset: u32,
    ) -> Result<Page<Invitation>, ServiceError> {
        let mut addresses: Vec<String> = match self.store.get_user(&session.user_id).await? {
            Some(user) => user.address_keys(),
            None if session.verified_email.is_some() => Vec::new(),
            None => return Err(ServiceError::SessionUserUnknown),
        };
        if let Some(email) = &session.verified_email {
            if !addresses.contains(email) {
                addresses.push(email.clone());
            }
        }
        self.invitations_page(&addresses, statuses, limit, offset)
            .await
    }

    async fn invitations_page(
        &self,
        addresses: &[String],
        statuses: &[InvitationStatus],
        limit: u32,
        offset: u32,
    ) -> Result<Page<Invitation>, ServiceError> {
        let now = self.clock.now();
        let matching: Vec<Invitation> = self
            .store
            .invitations_for_addresses(addresses)
            .await?
            .into_iter()
            .filter(|inv| statuses.is_empty() || statuses.contains(&inv.status(now)))
            .collect();
        Ok(Page {
            total_count: matching.len() as u64,
            data: matching
                .into_iter()
                .skip(offset as usize)
                .take(limit as usize)
                .collect(),
            next_cursor: None,
        })
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
