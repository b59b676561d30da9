//! Following an invitation link, and accepting an invitation into a membership.

use url::Url;

use super::links::{redirect_with_ticket, TicketStatus};
use super::people::owned_addresses;
use super::{retry_on_contention, Service, ServiceError};
use crate::clock::Millis;
use crate::domain::audit::{AuditAction, AuditActor};
use crate::domain::limits::LimitKey;
use crate::domain::{Invitation, InvitationId, InvitationStatus, Membership, Organization, User};
use crate::ids::new_id;
use crate::store::{StoreError, TicketContext};
use crate::telemetry;
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
    /// accepts the invitation before answering (one write), and `sign_in` / `sign_up` count
    /// against this link's own lookup budget (one write, to an item of its own).
    #[tracing::instrument(skip_all)]
    pub async fn follow_ticket(
        &self,
        token: &str,
        session: Option<&Session>,
    ) -> Result<TicketRedirect, ServiceError> {
        let followed = self.follow(token, session).await;
        let outcome = match &followed {
            Ok(redirect) => redirect.status.as_str(),
            Err(ServiceError::Ticket(TicketError::Expired)) => "expired",
            Err(ServiceError::Ticket(_)) => "invalid",
            Err(
                ServiceError::TicketRevoked
                | ServiceError::TicketAlreadyAccepted
                | ServiceError::TicketDeclined
                | ServiceError::TicketSuperseded,
            ) => "ended",
            Err(ServiceError::LimitReached(_)) => "limited",
            Err(_) => "failed",
        };
        telemetry::count_by(telemetry::LINK_LOOKUPS, "outcome", outcome);
        followed
    }

    async fn follow(
        &self,
        token: &str,
        session: Option<&Session>,
    ) -> Result<TicketRedirect, ServiceError> {
        let ticket = self.links.verifier()?.verify(token, self.clock.now())?;
        let mark = self.write_token();
        retry_on_contention(|| async {
            let now = self.clock.now();
            let lookups = [LimitKey::link_lookups(ticket.invitation_id.as_str())];
            let ctx = self.ticket_context(&ticket, session, &lookups).await?;
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
                (Some(user), _) => {
                    self.accept(&invitation, user, session, now, &mark).await?;
                    TicketStatus::Complete
                }
                // Whether the address has an account is worth knowing to anyone holding a link
                // (an admin can make one for any address), so these answers are counted.
                (None, ctx) => {
                    let holder = AuditActor::link_holder(invitation.id.as_str());
                    let writes = self
                        .admit_or_record(&ctx.limits, now, &invitation.organization.id, holder)
                        .await?;
                    self.store.write_limits(&writes).await?;
                    if ctx.address_owner.is_some() {
                        TicketStatus::SignIn
                    } else {
                        TicketStatus::SignUp
                    }
                }
            };
            Ok(TicketRedirect {
                location: redirect_with_ticket(&target, token, status),
                status,
            })
        })
        .await
    }

    /// `POST /v1/tickets/accept`: the signed-in invitee accepts with the ticket.
    #[tracing::instrument(skip_all)]
    pub async fn accept_ticket(
        &self,
        token: &str,
        session: &Session,
    ) -> Result<(Membership, Organization), ServiceError> {
        let ticket = self.links.verifier()?.verify(token, self.clock.now())?;
        let mark = self.write_token();
        let membership = retry_on_contention(|| async {
            let now = self.clock.now();
            let ctx = self.ticket_context(&ticket, Some(session), &[]).await?;
            if let Some(done) = self.accepted_already(ctx.invitation.as_ref()).await? {
                return Ok(done);
            }
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
            self.accept(&invitation, &user, Some(session), now, &mark)
                .await
        })
        .await?;
        self.with_organization(membership).await
    }

    /// `POST /v1/me/organization_invitations/{inv}/accept`: the invitee accepts one of the
    /// invitations to their addresses, by id: the user and the invitation (by its id pointer)
    /// are read at once, then one write.
    #[tracing::instrument(skip_all)]
    pub async fn accept_my_invitation(
        &self,
        raw_id: &str,
        session: &Session,
    ) -> Result<(Membership, Organization), ServiceError> {
        let mark = self.write_token();
        let membership = retry_on_contention(|| async {
            let now = self.clock.now();
            let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
            let (user, found) =
                tokio::join!(self.session_user(session), self.store.find_invitation(&id));
            let user = user?;
            // Someone else's invitation does not exist, as far as this caller can tell.
            let invitation = found?
                .filter(|inv| {
                    owned_addresses(&user, session).contains(&inv.email_address.key().to_string())
                })
                .ok_or(ServiceError::NotFound("invitation"))?;
            if let Some(done) = self.accepted_already(Some(&invitation)).await? {
                return Ok(done);
            }
            still_pending(&invitation, now)?;
            self.accept(&invitation, &user, Some(session), now, &mark)
                .await
        })
        .await?;
        self.with_organization(membership).await
    }

    pub(super) async fn ticket_context(
        &self,
        ticket: &VerifiedTicket,
        session: Option<&Session>,
        limit_keys: &[LimitKey],
    ) -> Result<TicketContext, ServiceError> {
        Ok(self
            .store
            .ticket_context(
                &ticket.organization_id,
                &ticket.invitation_id,
                &ticket.email_key,
                session.map(|s| &s.user_id),
                limit_keys,
            )
            .await?)
    }

    /// The invitation a ticket names, if the ticket is still the way into it.
    pub(super) fn current_invitation(
        &self,
        ticket: &VerifiedTicket,
        found: Option<Invitation>,
        now: Millis,
    ) -> Result<Invitation, ServiceError> {
        let invitation = found.ok_or(ServiceError::NotFound("invitation"))?;
        if invitation.email_address.key() != ticket.email_key {
            return Err(TicketError::Malformed.into());
        }
        still_pending(&invitation, now)?;
        if !ticket.is_current(invitation.ticket_hash.as_deref()) {
            return Err(ServiceError::TicketSuperseded);
        }
        Ok(invitation)
    }

    /// The membership this request made already, when it accepted the invitation before its
    /// answer was lost (one more read).
    async fn accepted_already(
        &self,
        inv: Option<&Invitation>,
    ) -> Result<Option<Membership>, ServiceError> {
        let Some(inv) = inv.filter(|inv| {
            inv.stored_status == InvitationStatus::Accepted
                && self.is_own(inv.written_by.as_deref())
        }) else {
            return Ok(None);
        };
        let Some(user) = &inv.accepted_user_id else {
            return Ok(None);
        };
        Ok(self
            .store
            .get_membership(&inv.organization.id, user)
            .await?)
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
        token: &str,
    ) -> Result<Membership, ServiceError> {
        let membership = Membership {
            id: new_id("orgmem"),
            organization_id: invitation.organization.id.clone(),
            user_id: user.id.clone(),
            role: invitation.role.clone(),
            public_metadata: invitation.public_metadata.clone(),
            private_metadata: invitation.private_metadata.clone(),
            public_user_data: user.public_data(),
            email_keys: session.map_or_else(|| user.address_keys(), |s| owned_addresses(user, s)),
            created_at: now,
            updated_at: now,
        };
        let audit = self
            .audit_entry(
                &invitation.organization.id,
                AuditAction::InvitationAccepted,
                AuditActor::user(&user.id),
                now,
            )
            .target("invitation", &invitation.id)
            .target("user", &user.id)
            .with("email_address", invitation.email_address.as_str())
            .with("role", invitation.role.as_str())
            .with("authenticated_by", "session");
        match self
            .store
            .accept_invitation(invitation, &membership, now, token, &audit)
            .await
        {
            Ok(()) => telemetry::accepted_after(now - invitation.created_at),
            Err(StoreError::AlreadyMember) => return Err(ServiceError::AlreadyMember),
            Err(e) => return Err(e.into()),
        }
        Ok(membership)
    }
}

/// An invitation's link and id work only while it is pending; each end state says why not.
pub(super) fn still_pending(invitation: &Invitation, now: Millis) -> Result<(), ServiceError> {
    match invitation.status(now) {
        InvitationStatus::Pending => Ok(()),
        InvitationStatus::Revoked => Err(ServiceError::TicketRevoked),
        InvitationStatus::Accepted => Err(ServiceError::TicketAlreadyAccepted),
        InvitationStatus::Declined => Err(ServiceError::TicketDeclined),
        InvitationStatus::Expired => Err(TicketError::Expired.into()),
    }
}
