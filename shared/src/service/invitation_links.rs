//! An organization's shareable links, for its admins (a backend, or a signed-in person who
//! manages memberships): made (the token shown once), listed, read, revoked. "Regenerate" is a
//! revoke and a create: a new secret under a new id, so the old address opens nothing.

use super::retry::retry_on_contention;
use super::{Actor, Service, ServiceError};
use crate::domain::audit::{AuditAction, AuditEntry};
use crate::domain::invitation_link::{
    InvitationLink, InvitationLinkId, LinkInvalid, LinkRefusal, LinkSettings, LinkToken, NewLink,
};
use crate::domain::limits::LimitKey;
use crate::domain::OrganizationId;
use crate::store::StoreError;
use crate::telemetry;

/// A link just made, with the token and address shown this once.
#[derive(Debug)]
pub struct CreatedLink {
    pub link: InvitationLink,
    pub token: String,
    pub url: Option<String>,
}

impl Service {
    pub(super) fn link_settings(&self) -> Result<&LinkSettings, ServiceError> {
        let settings = &self.policy.invitation_links;
        if !settings.enabled {
            return Err(LinkRefusal::Disabled.into());
        }
        Ok(settings)
    }

    fn link_audit(
        &self,
        l: &InvitationLink,
        action: AuditAction,
        actor: &Actor,
        now: crate::clock::Millis,
    ) -> AuditEntry {
        self.audit_by(l.organization_id(), action, actor, None, now)
            .target("organization_invitation_link", &l.id)
            .with("role", l.role.as_str())
            .with("max_uses", l.max_uses)
            .with("requires_approval", l.requires_approval)
    }

    /// `POST /v1/organizations/{org}/invitation_links`. Reads: the organization (a signed-in
    /// admin's membership and user first) and the organization's creation log, in parallel;
    /// one transaction.
    #[tracing::instrument(skip_all, fields(organization = %org_id))]
    pub async fn create_link(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        input: NewLink,
    ) -> Result<CreatedLink, ServiceError> {
        let settings = self.link_settings()?.clone();
        let now = self.clock.now();
        let checked = match input.check(
            &self.roles,
            &self.policy.domains.default_role,
            &settings,
            now,
        ) {
            Ok(checked) => checked,
            Err(LinkInvalid::Fields(errors)) => return Err(ServiceError::Invalid(errors)),
            Err(LinkInvalid::Refused(refusal)) => return Err(refusal.into()),
        };
        self.domain_admin(actor, org_id).await?;
        let created_by = match actor {
            Actor::Backend => None,
            Actor::Member(user) => Some(self.get_user(user).await?.public_data()),
        };
        let keys = [LimitKey::link_creations(org_id)];
        let (org, states) = tokio::try_join!(
            async {
                self.store
                    .get_organization(org_id)
                    .await?
                    .ok_or(ServiceError::NotFound("organization"))
            },
            async { Ok::<_, ServiceError>(self.store.read_limits(&keys).await?) }
        )?;
        let token = LinkToken::generate(InvitationLinkId::generate());
        let link = InvitationLink {
            id: token.link_id.clone(),
            organization: org.public_data(),
            role: checked.role,
            max_uses: checked.max_uses,
            uses: 0,
            last_used_at: None,
            allowed_email_domains: checked.allowed_email_domains,
            requires_approval: checked.requires_approval,
            token_digest: token.digest(),
            created_by,
            revoked_at: None,
            expires_at: checked.expires_at,
            created_at: now,
            updated_at: now,
        };
        let writes = self
            .admit_or_record(&states, now, org_id, super::audit::audit_actor(actor, None))
            .await?;
        let audit = self
            .link_audit(&link, AuditAction::InvitationLinkCreated, actor, now)
            .with("expires_at", link.expires_at)
            .with(
                "allowed_email_domains",
                link.allowed_email_domains
                    .iter()
                    .map(|d| d.as_str().to_string())
                    .collect::<Vec<_>>(),
            );
        match self.store.insert_link(&link, &writes, &audit).await {
            Ok(()) => {}
            Err(StoreError::NotFound) => return Err(ServiceError::NotFound("organization")),
            Err(e) => return Err(e.into()),
        }
        telemetry::count_by(telemetry::INVITATION_LINKS, "outcome", "created");
        let encoded = token.encode();
        let url = settings.url_for(org_id, &encoded);
        Ok(CreatedLink {
            link,
            token: encoded,
            url,
        })
    }

    /// One page of the organization's links, newest first, and their total.
    pub async fn invitation_links(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        limit: u32,
        offset: u32,
    ) -> Result<(Vec<InvitationLink>, u64), ServiceError> {
        self.link_settings()?;
        self.domain_admin(actor, org_id).await?;
        Ok(self.store.links(org_id, offset, limit).await?)
    }

    pub async fn invitation_link(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        id: &InvitationLinkId,
    ) -> Result<InvitationLink, ServiceError> {
        self.link_settings()?;
        self.domain_admin(actor, org_id).await?;
        self.store
            .get_link(org_id, id)
            .await?
            .ok_or(ServiceError::NotFound("invitation link"))
    }

    /// Reads the link, then one transaction. Revoking a revoked link answers it as it is.
    pub async fn revoke_link(
        &self,
        actor: &Actor,
        org_id: &OrganizationId,
        id: &InvitationLinkId,
    ) -> Result<InvitationLink, ServiceError> {
        self.link_settings()?;
        self.domain_admin(actor, org_id).await?;
        retry_on_contention(|| async {
            let read = self
                .store
                .get_link(org_id, id)
                .await?
                .ok_or(ServiceError::NotFound("invitation link"))?;
            if read.revoked_at.is_some() {
                return Ok(read);
            }
            let now = self.clock.now();
            let audit = self
                .link_audit(&read, AuditAction::InvitationLinkRevoked, actor, now)
                .with("uses", read.uses);
            match self.store.revoke_link(&read, now, &audit).await {
                Ok(revoked) => {
                    telemetry::count_by(telemetry::INVITATION_LINKS, "outcome", "revoked");
                    Ok(revoked)
                }
                Err(StoreError::NotFound) => Err(ServiceError::NotFound("invitation link")),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }
}
