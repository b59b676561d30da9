//! The operations. Each is written against the [`Store`] traits and a [`Clock`], and knows
//! nothing of HTTP or AWS. Every operation says how many store round trips it makes.

mod acceptance;
mod actor;
mod audit;
pub mod commands;
mod decline;
mod directory;
mod domain_changes;
mod domain_verification;
mod domains;
mod email;
mod error;
mod feedback;
pub mod idempotency;
mod instance_domains;
mod invitation_links;
mod invitations;
mod limits;
mod link_redemption;
pub mod links;
mod membership_requests;
mod offers;
mod organizations;
mod people;
mod reminders;
mod reputation;
mod resend;
mod retry;
mod revoke;
mod sweeper;

use std::sync::Arc;

pub use acceptance::TicketRedirect;
pub use actor::Actor;
pub use commands::{
    InvitationAction, NewInvitation, NewMembership, NewOrganization, NewUser,
    OrganizationListQuery, OrganizationPatch,
};
pub use domains::{DomainFilter, DomainPatch, NewDomain};
pub use email::{UnsentReport, UNSENT_GRACE_MS};
pub use error::ServiceError;
pub use feedback::{FeedbackOutcome, MailFeedback};
pub use instance_domains::{InstanceDomainQuery, MAX_NAMES as MAX_DOMAIN_NAMES};
pub use invitation_links::CreatedLink;
pub use invitations::IssuedInvitation;
pub use link_redemption::Redeemed;
pub use links::{Links, TicketStatus};
pub use reminders::ReminderReport;
pub use reputation::MailSending;
pub use retry::{retry_on_contention, CONTENTION_ATTEMPTS};
pub use sweeper::{SweepReport, Sweeper};

use crate::clock::{Clock, Millis};
use crate::domain::audit::AuditContext;
use crate::domain::{RequestKey, RequestScope, RoleCatalog};
use crate::store::{Store, StoreError};

/// Deployment-wide settings the operations need.
#[derive(Debug, Clone)]
pub struct Policy {
    /// For organizations created without `max_allowed_memberships`; 0 is unlimited.
    pub default_max_allowed_memberships: u32,
    pub redirects: crate::domain::RedirectPolicy,
    pub limits: crate::domain::limits::Limits,
    /// How long audit entries are kept (`AUDIT_RETENTION_DAYS`).
    pub audit_retention_days: u32,
    /// Days before expiry a pending invitation's reminder goes out (0: none).
    pub reminder_days: u32,
    /// Organization domains: on or off, the modes allowed, the default role, the maximum.
    pub domains: crate::domain::org_domain::DomainSettings,
    /// Shareable invitation links: on or off, the join page, admin roles, the hourly cap.
    pub invitation_links: crate::domain::invitation_link::LinkSettings,
}

#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    roles: Arc<RoleCatalog>,
    policy: Arc<Policy>,
    links: Arc<Links>,
    mail: Arc<Mail>,
    /// The request being served, when it may be sent again (`for_request`).
    request: Option<RequestKey>,
    /// Where the request being served came from, for its audit entries.
    origin: AuditContext,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            default_max_allowed_memberships: 0,
            redirects: Default::default(),
            limits: Default::default(),
            audit_retention_days: crate::domain::audit::DEFAULT_RETENTION_DAYS,
            reminder_days: crate::domain::reminder::DEFAULT_DAYS_BEFORE_EXPIRY,
            domains: Default::default(),
            invitation_links: Default::default(),
        }
    }
}

/// How invitation emails are written and sent.
pub struct Mail {
    pub mailer: Arc<dyn crate::mail::Mailer>,
    pub templates: crate::mail::compose::EmailTemplates,
}

impl Service {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        roles: RoleCatalog,
        policy: Policy,
        links: Links,
        mail: Mail,
    ) -> Self {
        Self {
            store,
            clock,
            roles: Arc::new(roles),
            policy: Arc::new(policy),
            links: Arc::new(links),
            mail: Arc::new(mail),
            request: None,
            origin: AuditContext::default(),
        }
    }

    /// The service as one request uses it: its writes are marked with `key`, so that a retry
    /// of the request (after a lost answer) recognises what it already did.
    pub fn for_request(&self, scope: RequestScope) -> Self {
        Self {
            request: scope.key,
            origin: scope.origin,
            ..self.clone()
        }
    }

    /// What this call's writes are marked with (`Invitation::written_by`).
    fn write_token(&self) -> String {
        crate::domain::request::write_token(self.request.as_ref())
    }

    /// Whether `written_by` names this request (never true for a call without a key).
    fn is_own(&self, written_by: Option<&str>) -> bool {
        self.request
            .as_ref()
            .is_some_and(|k| written_by == Some(k.as_str()))
    }

    pub fn links(&self) -> &Links {
        &self.links
    }

    pub fn roles(&self) -> &RoleCatalog {
        &self.roles
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// The sweeper over this service's store and clock (what the sweeper function builds alone).
    pub fn sweeper(&self) -> Sweeper {
        Sweeper::new(self.store.clone(), self.clock.clone())
            .with_audit_retention(self.policy.audit_retention_days)
    }

    /// SES's reports over this service's store and clock (the bounces function's service).
    pub fn mail_feedback(&self) -> MailFeedback {
        MailFeedback::new(self.store.clone(), self.store.clone(), self.clock.clone())
            .with_audit_retention(self.policy.audit_retention_days)
    }
}

fn not_allowed_or(e: StoreError) -> ServiceError {
    match e {
        StoreError::ActorNotAllowed => {
            ServiceError::NotAllowed("the acting user cannot manage memberships")
        }
        other => other.into(),
    }
}
