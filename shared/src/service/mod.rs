//! The operations. Each is written against the [`Store`] traits and a [`Clock`], and knows
//! nothing of HTTP or AWS.

mod acceptance;
mod delivery;
mod directory;
mod error;
pub mod input;
mod invitations;
pub mod links;
pub mod redirect;

use std::sync::Arc;
use std::time::Duration;

pub use acceptance::TicketRedirect;
pub use error::ServiceError;
pub use input::{NewInvitation, NewMembership, NewOrganization, NewUser};
pub use invitations::IssuedInvitation;
pub use links::{Links, TicketStatus};
pub use redirect::RedirectPolicy;

use crate::clock::Clock;
use crate::domain::role::MANAGE_MEMBERSHIPS;
use crate::domain::RoleCatalog;
use crate::store::{ActorRequirement, Store, StoreError};

/// How many times an operation that lost a race is tried again before answering `Busy`.
const CONTENTION_ATTEMPTS: u32 = 6;

/// Deployment-wide settings the operations need.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// For organizations created without `max_allowed_memberships`; 0 is unlimited.
    pub default_max_allowed_memberships: u32,
    pub redirects: RedirectPolicy,
}

#[derive(Clone)]
pub struct Service {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    roles: Arc<RoleCatalog>,
    policy: Arc<Policy>,
    links: Arc<Links>,
    mail: Arc<Mail>,
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
        }
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

    /// The acting user must hold a role that manages memberships; checked again in the write.
    fn manager(&self, user_id: Option<&str>) -> Option<ActorRequirement> {
        user_id.map(|user_id| ActorRequirement {
            user_id: user_id.to_string(),
            roles: self.roles.roles_granting(MANAGE_MEMBERSHIPS),
        })
    }
}

/// A short, jittered pause before trying a lost race again, so racers spread out.
async fn back_off(attempt: u32) {
    let jitter: u64 = rand::random_range(0..10);
    tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt) + jitter)).await;
}

fn not_allowed_or(e: StoreError) -> ServiceError {
    match e {
        StoreError::ActorNotAllowed => {
            ServiceError::NotAllowed("the acting user cannot manage memberships")
        }
        other => other.into(),
    }
}
