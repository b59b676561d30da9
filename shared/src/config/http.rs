//! The configuration of a function that serves routes, or of the local server (every route).
//! What it reads follows from its routes: backend keys for backend routes, a session verifier
//! for signed-in ones, the ticket key for the functions that sign or verify tickets, mail
//! settings for the one that sends email.

use url::Url;

use super::keys::{backend_keys, check_distinct, sessions, ticket_keys, BackendKeys};
use super::{
    limits, roles, store, url_var, ConfigError, HoldsSecrets, LinkConfig, MailerConfig, Secret,
    SessionConfig, SessionKeys, StoreConfig, TicketKeys, Vars,
};
use crate::domain::RedirectPolicy;
use crate::domain::RoleCatalog;
use crate::http::{routes, Function};
use crate::service::Policy;

/// What is being configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A deployed function: secrets and addresses are required, the table exists already.
    Function(Function),
    /// The local server on `port`, every route: unset secrets are made up, mail goes to the
    /// outbox, a DynamoDB table is created if missing.
    Local { port: u16 },
}

impl Target {
    pub fn is_local(self) -> bool {
        matches!(self, Target::Local { .. })
    }

    fn local_port(self) -> Option<u16> {
        match self {
            Target::Local { port } => Some(port),
            Target::Function(_) => None,
        }
    }

    /// The function, `None` for the local server (every function's routes).
    pub fn function(self) -> Option<Function> {
        match self {
            Target::Function(f) => Some(f),
            Target::Local { .. } => None,
        }
    }

    fn serves(self, wants: impl Fn(&crate::http::Route) -> bool) -> bool {
        routes::all().any(|r| self.function().is_none_or(|f| r.function == f) && wants(r))
    }

    fn issues_tickets(self) -> bool {
        self.function().is_none_or(Function::issues_tickets)
    }

    fn verifies_tickets(self) -> bool {
        self.function().is_none_or(Function::verifies_tickets)
    }

    fn sends_mail(self) -> bool {
        self.function().is_none_or(Function::sends_mail)
    }
}

#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub target: Target,
    /// Empty when no route of the function takes a backend key.
    pub backend_keys: BackendKeys,
    pub store: StoreConfig,
    pub roles: RoleCatalog,
    pub policy: Policy,
    pub tickets: TicketKeys,
    pub links: LinkConfig,
    /// `None` when no route reads a session, or none is configured.
    pub sessions: Option<SessionConfig>,
    pub mailer: MailerConfig,
    /// Origins that may call from a browser: `CORS_ALLOWED_ORIGINS`, or else the redirect
    /// allow-list's.
    pub browser_origins: Vec<String>,
}

impl HttpConfig {
    pub fn from_lookup(
        target: Target,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let vars = Vars::new(lookup);
        let local = target.is_local();
        // In this order, so that a bare environment is told of the backend keys first.
        let backend_keys = if target.serves(|r| r.audience.backend()) {
            backend_keys(local, &vars)?
        } else {
            BackendKeys::default()
        };
        let store = store(local, &vars)?;
        let tickets = ticket_keys(
            local,
            target.issues_tickets(),
            target.verifies_tickets(),
            &vars,
        )?;
        let links = links_at(target.local_port(), &vars)?;
        let redirects = redirects(&vars, &links)?;
        let browser_origins = match vars.get("CORS_ALLOWED_ORIGINS") {
            Some(list) => RedirectPolicy::from_list(&list)
                .map_err(|reason| ConfigError::invalid("CORS_ALLOWED_ORIGINS", reason))?
                .origins(),
            None => redirects.origins(),
        };
        let roles = roles(&vars)?;
        Ok(Self {
            target,
            backend_keys,
            store,
            policy: Policy {
                domains: super::domains::domain_settings(local, &vars, &roles)?,
                invitation_links: super::invitation_links::link_settings(
                    local.then_some(&links.public_base_url),
                    &vars,
                    &redirects,
                )?,
                default_max_allowed_memberships: default_max_allowed_memberships(&vars)?,
                redirects,
                limits: limits::limits(&vars)?,
                audit_retention_days: limits::audit_retention_days(&vars)?,
                reminder_days: limits::reminder_days(&vars)?,
            },
            roles,
            tickets,
            links,
            sessions: match target.serves(|r| r.audience.sessions()) {
                true => sessions(&vars)?,
                false => None,
            },
            mailer: mailer(target.is_local(), target.sends_mail(), &vars)?,
            browser_origins,
        })
    }

    /// Once the secrets are read: no two kinds of key may be the same, and a deployment holds
    /// none of the keys this repository publishes.
    pub fn check_keys_are_distinct(&self) -> Result<(), ConfigError> {
        check_distinct(&self.tickets, &self.backend_keys, self.sessions.as_ref())?;
        super::fixtures::refuse_published_keys(
            self.target.is_local(),
            &self.store,
            &self.backend_keys,
            &self.tickets,
            self.sessions.as_ref(),
        )
    }
}

impl HoldsSecrets for HttpConfig {
    fn secrets_mut(&mut self) -> Vec<&mut Secret> {
        let mut out: Vec<&mut Secret> = self.tickets.signing.iter_mut().collect();
        if let Some(SessionConfig {
            keys: SessionKeys::Secret(secret),
            ..
        }) = &mut self.sessions
        {
            out.push(secret);
        }
        out
    }
}

fn default_max_allowed_memberships(vars: &Vars<'_>) -> Result<u32, ConfigError> {
    match vars.get("DEFAULT_MAX_ALLOWED_MEMBERSHIPS") {
        Some(raw) => raw.parse().map_err(|_| {
            ConfigError::invalid(
                "DEFAULT_MAX_ALLOWED_MEMBERSHIPS",
                format!("{raw:?} is not a whole number"),
            )
        }),
        None => Ok(0),
    }
}

/// Fails closed: with no list, only the service's own origin and the default target's.
fn redirects(vars: &Vars<'_>, links: &LinkConfig) -> Result<RedirectPolicy, ConfigError> {
    match vars.get("ALLOWED_REDIRECT_ORIGINS") {
        Some(list) => RedirectPolicy::from_list(&list)
            .map_err(|reason| ConfigError::invalid("ALLOWED_REDIRECT_ORIGINS", reason)),
        None => Ok(RedirectPolicy::from_origins(
            std::iter::once(&links.public_base_url)
                .chain(links.default_redirect.as_ref())
                .map(Url::origin),
        )),
    }
}

/// Where links point; locally (`local_port`) the server's own address.
pub(super) fn links_at(
    local_port: Option<u16>,
    vars: &Vars<'_>,
) -> Result<LinkConfig, ConfigError> {
    let public_base_url = match (vars.get("PUBLIC_BASE_URL"), local_port) {
        (Some(raw), _) => url_var("PUBLIC_BASE_URL", &raw)?,
        (None, Some(port)) => url_var("PUBLIC_BASE_URL", &format!("http://127.0.0.1:{port}/"))?,
        (None, None) => {
            return Err(ConfigError::Missing {
                var: "PUBLIC_BASE_URL",
                purpose: "invitation links start with it (the API's public URL)",
            })
        }
    };
    let default_redirect = match vars.get("DEFAULT_REDIRECT_URL") {
        Some(raw) => Some(url_var("DEFAULT_REDIRECT_URL", &raw)?),
        None if local_port.is_some() => Some(public_base_url.clone()),
        None => None,
    };
    Ok(LinkConfig {
        public_base_url,
        default_redirect,
    })
}

pub(super) fn mailer(
    local: bool,
    sends_mail: bool,
    vars: &Vars<'_>,
) -> Result<MailerConfig, ConfigError> {
    if !sends_mail {
        return Ok(MailerConfig::Disabled);
    }
    let default = if local { "outbox" } else { "ses" };
    match vars.get("MAILER").as_deref().unwrap_or(default) {
        "ses" => Ok(MailerConfig::Ses {
            from: vars.get("SES_FROM_ADDRESS").ok_or(ConfigError::Missing {
                var: "SES_FROM_ADDRESS",
                purpose:
                    "it is the sender of invitation emails, an address of a verified SES identity",
            })?,
            configuration_set: vars.get("SES_CONFIGURATION_SET"),
            endpoint: vars.get("SES_ENDPOINT"),
        }),
        "outbox" => Ok(MailerConfig::Outbox {
            dir: vars.get("OUTBOX_DIR").unwrap_or_else(|| "outbox".into()),
            from: vars
                .get("SES_FROM_ADDRESS")
                .unwrap_or_else(|| "Invitations <invitations@localhost.localdomain>".into()),
        }),
        other => Err(ConfigError::invalid(
            "MAILER",
            format!("{other:?} is neither \"ses\" nor \"outbox\""),
        )),
    }
}
