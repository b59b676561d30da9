//! Following an invitation link, and accepting an invitation into a membership.

use url::Url;

use super::links::{redirect_with_ticket, TicketStatus};
use super::{back_off, Service, ServiceError, CONTENTION_ATTEMPTS};
use crate::clock::Millis;
use crate::domain::{
    EmailAddress, Invitation, InvitationStatus, Membership, Metadata, Organization, Page, User,
    UserEmail,
};
use crate::ids::new_id;
use crate::store::{StoreError, TicketContext};
use crate::tokens::session::Session;
use crate::tokens::ticket::{TicketError, VerifiedTicket};

/// Where a verified link sends the browser.
#[derive(Debug, Clone)]
pub struct TicketRedirect {
    pub location: Url,
    pub status: TicketStatus,
}

impl Service {
    /// `GET /v1/tickets/accept`: verify the ticket, read everything in one round trip, and
    /// decide `sign_in` / `sign_up` / `complete`; `complete` (the invitee's own session)
    /// accepts the invitation before answering.
    pub async fn follow_ticket(
        &self,
        token: &str,
        session: Option<&Session>,
    ) -> Result<TicketRedirect, ServiceError> {
        let ticket = self.links.signer.verify(token, self.clock.now())?;
        for attempt in 0..CONTENTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let now = self.clock.now();
            let ctx = self.ticket_context(&ticket, session).await?;
            let invitation = self.current_invitation(&ticket, ctx.invitation.clone(), now)?;
            let target = self.redirect_target(&invitation)?;
            let owner = match session {
                Some(s) => {
                    self.session_owner(s, ctx.session_user.clone(), &invitation)
                        .await?
                }
                None => None,
            };
            let status = match (&owner, &ctx) {
                (Some(user), _) => match self.accept(&invitation, user, session, now).await {
                    Ok(_) => TicketStatus::Complete,
                    Err(ServiceError::Busy) => continue,
                    Err(e) => return Err(e),
                },
                (
                    None,
                    TicketContext {
                        address_owner: Some(_),
                        ..
                    },
                ) => TicketStatus::SignIn,
                (None, _) => TicketStatus::SignUp,
            };
            return Ok(TicketRedirect {
                location: redirect_with_ticket(&target, token, status),
                status,
            });
        }
        Err(ServiceError::Busy)
    }

    /// `POST /v1/tickets/accept`: the signed-in invitee accepts with the ticket.
    pub async fn accept_ticket(
        &self,
        token: &str,
        session: &Session,
    ) -> Result<(Membership, Organization), ServiceError> {
        let ticket = self.links.signer.verify(token, self.clock.now())?;
        for attempt in 0..CONTENTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let now = self.clock.now();
            let ctx = self.ticket_context(&ticket, Some(session)).await?;
            let invitation = self.current_invitation(&ticket, ctx.invitation, now)?;
            let user = match ctx.session_user {
                Some(user) => user,
                None => self.register_session_user(session).await?,
            };
            if !owned_addresses(&user, session)
                .iter()
                .any(|k| k == invitation.email_address.key())
            {
                return Err(ServiceError::EmailMismatch);
            }
            match self.accept(&invitation, &user, Some(session), now).await {
                Ok(membership) => return self.with_organization(membership).await,
                Err(ServiceError::Busy) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Busy)
    }

    /// `POST /v1/me/organization_invitations/{inv}/accept`: the invitee accepts one of the
    /// invitations to their addresses, by id.
    pub async fn accept_my_invitation(
        &self,
        raw_id: &str,
        session: &Session,
    ) -> Result<(Membership, Organization), ServiceError> {
        for attempt in 0..CONTENTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let now = self.clock.now();
            let user = self.session_user(session).await?;
            let mine = self
                .store
                .invitations_for_addresses(&owned_addresses(&user, session))
                .await?;
            let invitation = mine
                .into_iter()
                .find(|inv| inv.id.as_str() == raw_id)
                .ok_or(ServiceError::NotFound("invitation"))?;
            match invitation.status(now) {
                InvitationStatus::Pending => {}
                InvitationStatus::Revoked => return Err(ServiceError::TicketRevoked),
                InvitationStatus::Accepted => return Err(ServiceError::TicketAlreadyAccepted),
                InvitationStatus::Expired => return Err(TicketError::Expired.into()),
            }
            match self.accept(&invitation, &user, Some(session), now).await {
                Ok(membership) => return self.with_organization(membership).await,
                Err(ServiceError::Busy) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Busy)
    }

    /// A person's invitations across organizations: a backend naming the user.
    pub async fn user_invitations(
        &self,
        user_id: &str,
        statuses: &[InvitationStatus],
        limit: u32,
        offset: u32,
    ) -> Result<Page<Invitation>, ServiceError> {
        let user = self.get_user(user_id).await?;
        let addresses: Vec<String> = user
            .email_addresses
            .iter()
            .map(|e| e.address.key().to_string())
            .collect();
        self.invitations_page(&addresses, statuses, limit, offset)
            .await
    }

    /// The signed-in person's invitations. Read-only: an unknown user is not registered here,
    /// their verified address alone is enough to find their invitations.
    pub async fn my_invitations(
        &self,
        session: &Session,
        statuses: &[InvitationStatus],
        limit: u32,
        offset: u32,
    ) -> Result<Page<Invitation>, ServiceError> {
        let mut addresses: Vec<String> = match self.store.get_user(&session.user_id).await? {
            Some(user) => user
                .email_addresses
                .iter()
                .map(|e| e.address.key().to_string())
                .collect(),
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

    async fn ticket_context(
        &self,
        ticket: &VerifiedTicket,
        session: Option<&Session>,
    ) -> Result<TicketContext, ServiceError> {
        Ok(self
            .store
            .ticket_context(
                &ticket.organization_id,
                &ticket.invitation_id,
                &ticket.email_key,
                session.map(|s| s.user_id.as_str()),
            )
            .await?)
    }

    /// The invitation a ticket names, if the ticket is still the way into it.
    fn current_invitation(
        &self,
        ticket: &VerifiedTicket,
        found: Option<Invitation>,
        now: Millis,
    ) -> Result<Invitation, ServiceError> {
        let invitation = found.ok_or(ServiceError::NotFound("invitation"))?;
        if invitation.email_address.key() != ticket.email_key {
            return Err(TicketError::Malformed.into());
        }
        match invitation.status(now) {
            InvitationStatus::Revoked => Err(ServiceError::TicketRevoked),
            InvitationStatus::Accepted => Err(ServiceError::TicketAlreadyAccepted),
            InvitationStatus::Expired => Err(TicketError::Expired.into()),
            InvitationStatus::Pending if !ticket.is_current(invitation.ticket_hash.as_deref()) => {
                Err(ServiceError::TicketSuperseded)
            }
            InvitationStatus::Pending => Ok(invitation),
        }
    }

    /// The invitation's `redirect_url` or the default, checked against the allow-list again:
    /// the list may have changed since the invitation was created.
    fn redirect_target(&self, invitation: &Invitation) -> Result<Url, ServiceError> {
        let raw = match (&invitation.redirect_url, &self.links.default_redirect) {
            (Some(url), _) => url.clone(),
            (None, Some(default)) => return Ok(default.clone()),
            (None, None) => return Err(ServiceError::NoRedirectTarget),
        };
        let checked = self
            .policy
            .redirects
            .check("redirect_url", &raw)
            .map_err(|_| ServiceError::RedirectNotAllowed)?;
        Url::parse(&checked).map_err(|_| ServiceError::RedirectNotAllowed)
    }

    /// The session's user if they own the invited address (a verified email claim, or an
    /// address of theirs on record), registering a new user on first use; `None` if the
    /// session belongs to someone else.
    async fn session_owner(
        &self,
        session: &Session,
        known: Option<User>,
        invitation: &Invitation,
    ) -> Result<Option<User>, ServiceError> {
        let user = match known {
            Some(user) => user,
            None => match self.register_session_user(session).await {
                Ok(user) => user,
                Err(ServiceError::SessionUserUnknown) => return Ok(None),
                Err(e) => return Err(e),
            },
        };
        let key = invitation.email_address.key().to_string();
        Ok(owned_addresses(&user, session)
            .contains(&key)
            .then_some(user))
    }

    async fn session_user(&self, session: &Session) -> Result<User, ServiceError> {
        match self.store.get_user(&session.user_id).await? {
            Some(user) => Ok(user),
            None => self.register_session_user(session).await,
        }
    }

    /// A session whose user is unknown but whose token carries a verified email becomes a user
    /// with the session's id (so memberships name the identity provider's user).
    async fn register_session_user(&self, session: &Session) -> Result<User, ServiceError> {
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

    async fn with_organization(
        &self,
        membership: Membership,
    ) -> Result<(Membership, Organization), ServiceError> {
        let org = self
            .store
            .get_organization(&membership.organization_id)
            .await?
            .ok_or(ServiceError::NotFound("organization"))?;
        Ok((membership, org))
    }

    /// One write: the invitation becomes `user`'s membership with its role and metadata.
    async fn accept(
        &self,
        invitation: &Invitation,
        user: &User,
        session: Option<&Session>,
        now: Millis,
    ) -> Result<Membership, ServiceError> {
        let membership = Membership {
            id: new_id("orgmem"),
            organization_id: invitation.organization.id.clone(),
            user_id: user.id.clone(),
            role: invitation.role.clone(),
            public_metadata: invitation.public_metadata.clone(),
            private_metadata: invitation.private_metadata.clone(),
            public_user_data: user.public_data(),
            email_keys: session.map_or_else(
                || {
                    user.email_addresses
                        .iter()
                        .map(|e| e.address.key().to_string())
                        .collect()
                },
                |s| owned_addresses(user, s),
            ),
            created_at: now,
            updated_at: now,
        };
        match self
            .store
            .accept_invitation(invitation, &membership, now)
            .await
        {
            Ok(()) => {}
            Err(StoreError::AlreadyMember) => return Err(ServiceError::AlreadyMember),
            Err(e) => return Err(e.into()),
        }
        Ok(membership)
    }
}

/// The address keys a person is known to own: those on record and a verified session claim.
fn owned_addresses(user: &User, session: &Session) -> Vec<String> {
    let mut keys: Vec<String> = user
        .email_addresses
        .iter()
        .map(|e| e.address.key().to_string())
        .collect();
    if let Some(email) = &session.verified_email {
        if !keys.contains(email) {
            keys.push(email.clone());
        }
    }
    keys
}
