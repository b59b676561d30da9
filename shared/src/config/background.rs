//! The background functions that serve no route: the sweeper (expiry on time, and the emails
//! whose request stopped before sending them) and the bounces function (SES's reports). The
//! bounces function reads its store and nothing else. The sweeper sends email with links in
//! it, so it reads what sending needs: the ticket signing key (it signs the link again), where
//! links point, the mail settings and the roles' names.

use super::http::{links_at, mailer};
use super::keys::ticket_keys;
use super::{
    roles, store, ConfigError, HoldsSecrets, LinkConfig, MailerConfig, Secret, StoreConfig,
    TicketKeys, Vars,
};
use crate::domain::RoleCatalog;

#[derive(Debug, Clone)]
pub struct SweeperConfig {
    pub store: StoreConfig,
    pub tickets: TicketKeys,
    pub links: LinkConfig,
    pub mailer: MailerConfig,
    pub roles: RoleCatalog,
    /// `AUDIT_RETENTION_DAYS`, for the expiries it records.
    pub audit_retention_days: u32,
    /// The email limits (`LIMIT_*`), which its reminders count against.
    pub limits: crate::domain::limits::Limits,
}

impl SweeperConfig {
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(lookup);
        Ok(Self {
            store: store(false, &vars)?,
            tickets: ticket_keys(false, true, false, &vars)?,
            links: links_at(None, &vars)?,
            mailer: mailer(false, true, &vars)?,
            roles: roles(&vars)?,
            audit_retention_days: super::limits::audit_retention_days(&vars)?,
            limits: super::limits::limits(&vars)?,
        })
    }

    /// Once the secrets are read: no published key where data persists.
    pub fn check_keys(&self) -> Result<(), ConfigError> {
        super::fixtures::refuse_published_keys(
            false,
            &self.store,
            &super::BackendKeys::default(),
            &self.tickets,
            None,
        )
    }
}

#[derive(Debug, Clone)]
pub struct BouncesConfig {
    pub store: StoreConfig,
    pub breaker: crate::domain::reputation::BreakerPolicy,
    /// `AUDIT_RETENTION_DAYS`, for the breaker's pauses it records.
    pub audit_retention_days: u32,
}

impl BouncesConfig {
    pub fn from_lookup(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let vars = Vars::new(lookup);
        Ok(Self {
            store: store(false, &vars)?,
            breaker: super::limits::breaker(&vars)?,
            audit_retention_days: super::limits::audit_retention_days(&vars)?,
        })
    }
}

impl HoldsSecrets for SweeperConfig {
    fn secrets_mut(&mut self) -> Vec<&mut Secret> {
        self.tickets.signing.iter_mut().collect()
    }
}

impl HoldsSecrets for BouncesConfig {
    fn secrets_mut(&mut self) -> Vec<&mut Secret> {
        Vec::new()
    }
}
