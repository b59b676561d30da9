use super::{back_off, not_allowed_or, NewInvitation, Service, ServiceError, CONTENTION_ATTEMPTS};
use crate::domain::role::MANAGE_MEMBERSHIPS;
use crate::domain::{
    FieldError, Invitation, InvitationId, InvitationQuery, InvitationStatus, Page,
};
use crate::store::StoreError;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The least time between two tickets (and emails) of one invitation.
pub const RESEND_COOLDOWN_MS: i64 = 60_000;

/// An invitation with the accept link of its current ticket; the link is shown once, on
/// create (and resend), and never stored.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub invitation: Invitation,
    pub url: String,
}

impl Service {
    /// Stores the invitation, then (when `notify`) sends its email and records the outcome.
    pub async fn create_invitation(
        &self,
        org_id: &str,
        input: &NewInvitation,
    ) -> Result<IssuedInvitation, ServiceError> {
        let issued = self.write_invitation(org_id, input).await?;
        Ok(if input.notify {
            self.deliver(issued).await
        } else {
            issued
        })
    }

    /// One read round trip and one write round trip when uncontended. A lost race is tried
    /// again from the read, which then sees the winner (and answers `duplicate_record`, say).
    async fn write_invitation(
        &self,
        org_id: &str,
        input: &NewInvitation,
    ) -> Result<IssuedInvitation, ServiceError> {
        for attempt in 0..CONTENTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            match self.try_create_invitation(org_id, input).await {
                Err(ServiceError::Busy) => continue,
                other => return other,
            }
        }
        Err(ServiceError::Busy)
    }

    async fn try_create_invitation(
        &self,
        org_id: &str,
        input: &NewInvitation,
    ) -> Result<IssuedInvitation, ServiceError> {
        let now = self.clock.now();
        let email = &input.email_address;
        let ctx = self
            .store
            .invitation_context(org_id, email.key(), input.inviter_user_id.as_deref())
            .await?;
        let org = ctx
            .organization
            .ok_or(ServiceError::NotFound("organization"))?;
        let inviter = match &input.inviter_user_id {
            None => None,
            Some(_) => {
                let membership = ctx.actor_membership.ok_or(ServiceError::NotAllowed(
                    "the inviter is not a member of the organization",
                ))?;
                if !self.roles.grants(&membership.role, MANAGE_MEMBERSHIPS) {
                    return Err(ServiceError::NotAllowed(
                        "the inviter cannot manage memberships",
                    ));
                }
                Some(
                    ctx.actor_user
                        .map(|u| u.public_data())
                        .unwrap_or(membership.public_user_data),
                )
            }
        };
        let replacing = match ctx.slot_holder {
            Some(holder) if holder.expires_at > now => {
                return Err(ServiceError::DuplicateInvitation)
            }
            other => other,
        };
        if ctx.address_is_member {
            return Err(ServiceError::AlreadyMember);
        }
        if replacing.is_none() && !org.has_free_seat() {
            return Err(ServiceError::QuotaExceeded);
        }
        let id = InvitationId::generate();
        let expires_at = now + i64::from(input.expires_in_days) * DAY_MS;
        let ticket = self
            .links
            .signer
            .issue(&id, org_id, email.key(), now, expires_at)
            .map_err(ServiceError::TicketIssue)?;
        let invitation = Invitation {
            id,
            organization: org.public_data(),
            email_address: email.clone(),
            role: input.role.clone(),
            inviter,
            stored_status: InvitationStatus::Pending,
            public_metadata: input.public_metadata.clone(),
            private_metadata: input.private_metadata.clone(),
            redirect_url: input.redirect_url.clone(),
            notify: input.notify,
            ticket_hash: Some(ticket.nonce_hash),
            validity_days: input.expires_in_days,
            locale: input.locale.to_string(),
            delivery: None,
            expires_at,
            created_at: now,
            updated_at: now,
        };
        let actor = self.manager(input.inviter_user_id.as_deref());
        match self
            .store
            .insert_invitation(&invitation, replacing.as_ref(), actor.as_ref())
            .await
        {
            Ok(()) => Ok(IssuedInvitation {
                url: self.links.accept_link(&ticket.token),
                invitation,
            }),
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("organization")),
            Err(StoreError::AlreadyMember) => Err(ServiceError::AlreadyMember),
            Err(StoreError::QuotaExceeded) => Err(ServiceError::QuotaExceeded),
            Err(e) => Err(not_allowed_or(e)),
        }
    }

    /// Each item gets its own result, in request order. Items are written one after another:
    /// every one takes a seat on the same organization record, so concurrent writes would only
    /// conflict, and in order the last free seats go to the first items. An address given
    /// twice is refused for every occurrence after the first.
    pub async fn create_invitations(
        &self,
        org_id: &str,
        inputs: &[NewInvitation],
    ) -> Vec<Result<IssuedInvitation, ServiceError>> {
        let mut results = Vec::with_capacity(inputs.len());
        for (i, input) in inputs.iter().enumerate() {
            let repeated = inputs[..i]
                .iter()
                .any(|earlier| earlier.email_address.key() == input.email_address.key());
            results.push(if repeated {
                Err(ServiceError::DuplicateInvitation)
            } else {
                self.write_invitation(org_id, input).await
            });
        }
        self.deliver_each(results).await
    }

    /// One read round trip.
    pub async fn get_invitation(
        &self,
        org_id: &str,
        raw_id: &str,
    ) -> Result<Invitation, ServiceError> {
        let not_found = ServiceError::NotFound("invitation");
        let Some(id) = InvitationId::parse(raw_id) else {
            return Err(not_found);
        };
        self.store
            .get_invitation(org_id, &id)
            .await?
            .ok_or(not_found)
    }

    pub async fn list_invitations(
        &self,
        org_id: &str,
        query: &InvitationQuery,
    ) -> Result<Page<Invitation>, ServiceError> {
        if let crate::domain::listing::PageStart::After(cursor) = &query.page.start {
            if cursor.order != query.order {
                return Err(FieldError::value(
                    "cursor",
                    "cursor belongs to a list in another order.",
                )
                .into());
            }
        }
        Ok(self
            .store
            .list_invitations(org_id, query, self.clock.now())
            .await?)
    }

    /// Pending invitations only (including ones past their expiry, which frees their seat).
    pub async fn revoke_invitation(
        &self,
        org_id: &str,
        raw_id: &str,
        requesting_user_id: Option<&str>,
    ) -> Result<Invitation, ServiceError> {
        let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
        let actor = self.manager(requesting_user_id);
        for attempt in 0..CONTENTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let now = self.clock.now();
            match self
                .store
                .revoke_invitation(org_id, &id, now, actor.as_ref())
                .await
            {
                Ok(inv) => return Ok(inv),
                Err(StoreError::Contention) => continue,
                Err(StoreError::NotFound) => return Err(ServiceError::NotFound("invitation")),
                Err(StoreError::InvitationNotPending(inv)) => {
                    return Err(ServiceError::InvitationNotPending(inv.status(now)))
                }
                Err(e) => return Err(not_allowed_or(e)),
            }
        }
        Err(ServiceError::Busy)
    }

    /// A new ticket for a pending invitation: every older link stops working, and the expiry
    /// moves to now plus the validity it was created with. One read and one write round trip.
    pub async fn resend_invitation(
        &self,
        org_id: &str,
        raw_id: &str,
        requesting_user_id: Option<&str>,
        notify: bool,
    ) -> Result<IssuedInvitation, ServiceError> {
        let id = InvitationId::parse(raw_id).ok_or(ServiceError::NotFound("invitation"))?;
        let actor = self.manager(requesting_user_id);
        for attempt in 0..CONTENTION_ATTEMPTS {
            if attempt > 0 {
                back_off(attempt).await;
            }
            let now = self.clock.now();
            let mut invitation = self
                .store
                .get_invitation(org_id, &id)
                .await?
                .ok_or(ServiceError::NotFound("invitation"))?;
            match invitation.status(now) {
                InvitationStatus::Pending => {}
                other => return Err(ServiceError::InvitationNotPending(other)),
            }
            // Every ticket lives `validity_days` from its issue, so its issue time is derivable.
            let issued_at = invitation.expires_at - i64::from(invitation.validity_days) * DAY_MS;
            let wait = issued_at + RESEND_COOLDOWN_MS - now;
            if wait > 0 {
                return Err(ServiceError::ResendCooldown {
                    retry_after_seconds: (wait + 999).div_euclid(1000) as u64,
                });
            }
            let expires_at = now + i64::from(invitation.validity_days) * DAY_MS;
            let ticket = self
                .links
                .signer
                .issue(&id, org_id, invitation.email_address.key(), now, expires_at)
                .map_err(ServiceError::TicketIssue)?;
            match self
                .store
                .reissue_ticket(
                    &invitation,
                    &ticket.nonce_hash,
                    expires_at,
                    now,
                    actor.as_ref(),
                )
                .await
            {
                Ok(()) => {
                    invitation.ticket_hash = Some(ticket.nonce_hash);
                    invitation.expires_at = expires_at;
                    invitation.updated_at = now;
                    let issued = IssuedInvitation {
                        url: self.links.accept_link(&ticket.token),
                        invitation,
                    };
                    return Ok(if notify {
                        self.deliver(issued).await
                    } else {
                        issued
                    });
                }
                Err(StoreError::Contention) => continue,
                Err(e) => return Err(not_allowed_or(e)),
            }
        }
        Err(ServiceError::Busy)
    }

    /// A signed-in person may read an organization's invitations as a member whose role grants
    /// `org:sys_memberships:read`. To anyone else the organization does not exist. One read.
    pub async fn authorize_reader(&self, org_id: &str, user_id: &str) -> Result<(), ServiceError> {
        match self.store.get_membership(org_id, user_id).await? {
            None => Err(ServiceError::NotFound("organization")),
            Some(m)
                if self
                    .roles
                    .grants(&m.role, crate::domain::role::READ_MEMBERSHIPS) =>
            {
                Ok(())
            }
            Some(_) => Err(ServiceError::NotAllowed(
                "the signed-in user cannot read this organization's invitations",
            )),
        }
    }

    pub fn now(&self) -> crate::clock::Millis {
        self.clock.now()
    }
}
