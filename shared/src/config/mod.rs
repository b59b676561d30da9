//! Configuration from the environment, read once at start, one function per concern.
//! A bad or missing value stops the process before it serves anything, with a sentence that
//! names the variable.
//!
//! | variable | what | unset in Lambda | unset locally |
//! |---|---|---|---|
//! | `INVITATIONS_SECRET_KEY` | backend secret keys, comma-separated (rotation), each ≥ 16 chars | refused | a random key, printed |
//! | `INVITATIONS_SECRET_KEY_ARN`, `TICKET_SIGNING_KEY_ARN`, `SESSION_JWT_SECRET_ARN` | a Secrets Manager secret holding that variable's value (`secrets.rs`) | — | same |
//! | `SECRETS_MANAGER_ENDPOINT` | an emulator's URL (moto) | AWS | AWS |
//! | `STORE` | `memory` or `dynamodb` | `dynamodb` | `memory` |
//! | `TABLE_NAME` | the DynamoDB table | required with `dynamodb` | required with `dynamodb` |
//! | `DYNAMODB_ENDPOINT` | an emulator's URL (moto) | AWS | AWS |
//! | `CUSTOM_ROLES` | extra roles as JSON | the two system roles | same |
//! | `DEFAULT_MAX_ALLOWED_MEMBERSHIPS` | seats of organizations created without a limit | 0 (unlimited) | same |
//! | `ALLOWED_REDIRECT_ORIGINS` | origins a `redirect_url` may name, comma-separated | only `PUBLIC_BASE_URL`'s and `DEFAULT_REDIRECT_URL`'s origins | same |
//! | `TICKET_SIGNING_KEY` | HS256 secret, or a PKCS#8 Ed25519/P-256 key in PEM | refused | a random secret |
//! | `TICKET_VERIFYING_KEY` | the public PEM of a key-pair signing key | required with a PEM | same |
//! | `PUBLIC_BASE_URL` | where links point (`{it}/v1/tickets/accept`) | refused | the server's address |
//! | `DEFAULT_REDIRECT_URL` | where a link goes when the invitation names no target | none (links refuse) | the server's `/` |
//! | `SESSION_JWT_SECRET` / `SESSION_JWT_PUBLIC_KEY` / `SESSION_JWKS_URL` | verifies signed-in callers (one of them) | no sessions | same |
//! | `SESSION_JWT_ISSUER`, `SESSION_JWT_AUDIENCE` | pinned `iss` / `aud` of sessions | not checked | same |
//! | `CORS_ALLOWED_ORIGINS` | origins that may call from a browser (CORS; cookie-signed writes), comma-separated | `ALLOWED_REDIRECT_ORIGINS`'s origins (or its default) | same |
//! | `SESSION_MAX_AGE_SECONDS` | the longest `exp - iat` a session token may have | 86400 | same |
//! | `LIMIT_*`, `EMAIL_COOLDOWN_SECONDS` | abuse limits (`limits.rs`) | on, at their defaults | same |
//! | `MAILER` | `ses` or `outbox` (read only by the invite function) | `ses` | `outbox` |
//! | `SES_FROM_ADDRESS` | the sender | required with `ses` | a localhost sender |
//! | `SES_CONFIGURATION_SET` | SES configuration set | none | same |
//! | `SES_ENDPOINT` | an emulator's URL (moto) | AWS | AWS |
//! | `OUTBOX_DIR` | where the outbox writes | `outbox` | same |
//! | `WEBHOOK_ENDPOINTS` (or `_ARN`) | webhook endpoints as JSON (`events::endpoints`) | none | same |
//! | `INSTANCE_ID`, `EVENT_BUS_NAME`, `EVENTS_DEAD_LETTER_QUEUE_URL`, `WEBHOOK_RETRY_DELAYS_MS` | the events pipeline (`events.rs`) | `ins_invitations`, no bus, no queue, 1 s / 5 s / 20 s | same |
//! | `RETENTION_DAYS` | days an ended invitation stays before TTL removes it | 90 | same |
//! | `LOCAL_EVENTS_DIR` | the local server writes each event here | — | `webhook-events` beside the outbox |
//! | `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | AWS clients' region and credentials (`crate::aws`) | set by Lambda | required with `dynamodb` or `ses` |

use url::Url;

use crate::domain::RoleCatalog;
use crate::service::{Policy, RedirectPolicy};
use crate::store::StoreError;

mod events;
pub use events::EventsConfig;
mod keys;
use keys::{secret_keys, sessions, ticket_key};
mod limits;
pub mod secrets;
mod settings;
pub use settings::{LinkConfig, MailerConfig, SessionConfig, SessionKeys, StoreConfig, TicketKey};

/// What a deployed function does beyond reading and writing the table: each reads only the
/// settings (and holds only the secrets) of what it uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uses {
    /// Sends invitation email: reads the mail settings and builds an SES client.
    pub mail: bool,
    /// Signs or verifies tickets: holds the ticket key.
    pub tickets: bool,
}

/// Where the process runs, which decides what an unset variable means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A deployed function: secrets and addresses are required, the table exists already.
    Lambda(Uses),
    /// The local server on `port`: unset secrets are made up, mail goes to the outbox, and a
    /// DynamoDB table is created if missing.
    Local { port: u16 },
}

impl Mode {
    pub fn is_local(self) -> bool {
        matches!(self, Mode::Local { .. })
    }

    fn uses(self) -> Uses {
        match self {
            Mode::Lambda(uses) => uses,
            Mode::Local { .. } => Uses {
                mail: true,
                tickets: true,
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is not set: {purpose}. Set it in the function's environment (README, \"Configuration\").")]
    Missing {
        var: &'static str,
        purpose: &'static str,
    },
    #[error("{var} is invalid: {reason}.")]
    Invalid { var: &'static str, reason: String },
    #[error("the DynamoDB table could not be prepared: {0}")]
    Table(#[source] StoreError),
}

impl ConfigError {
    pub fn invalid(var: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            var,
            reason: reason.into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub secret_keys: Vec<String>,
    pub store: StoreConfig,
    pub roles: RoleCatalog,
    pub policy: Policy,
    pub ticket_key: TicketKey,
    pub links: LinkConfig,
    pub sessions: Option<SessionConfig>,
    pub mailer: MailerConfig,
    /// Origins that may call from a browser: `CORS_ALLOWED_ORIGINS`, or else the redirect
    /// allow-list's.
    pub browser_origins: Vec<String>,
    pub events: EventsConfig,
}

/// The variables a configuration is read from: the process environment, or a map in tests.
pub struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl Vars<'_> {
    /// A set, non-blank variable, trimmed.
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
}

impl Config {
    pub fn from_env(mode: Mode) -> Result<Self, ConfigError> {
        Self::from_vars(mode, &Vars(&|name| std::env::var(name).ok()))
    }

    pub fn from_lookup(
        mode: Mode,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        Self::from_vars(mode, &Vars(lookup))
    }

    fn from_vars(mode: Mode, vars: &Vars<'_>) -> Result<Self, ConfigError> {
        // In this order, so that a bare environment is told of the secret key first.
        let secret_keys = secret_keys(mode, vars)?;
        let store = store(mode, vars)?;
        let roles = roles(vars)?;
        let default_max_allowed_memberships = default_max_allowed_memberships(vars)?;
        let ticket_key = ticket_key(mode, vars)?;
        let links = links(mode, vars)?;
        let redirects = redirects(vars, &links)?;
        let browser_origins = match vars.get("CORS_ALLOWED_ORIGINS") {
            Some(list) => RedirectPolicy::from_list(&list)
                .map_err(|reason| ConfigError::invalid("CORS_ALLOWED_ORIGINS", reason))?
                .origins(),
            None => redirects.origins(),
        };
        let config = Self {
            mode,
            secret_keys,
            store,
            roles,
            policy: Policy {
                default_max_allowed_memberships,
                redirects,
                limits: limits::limits(vars)?,
            },
            ticket_key,
            links,
            sessions: sessions(vars)?,
            mailer: mailer(mode, vars)?,
            browser_origins,
            events: events::events(vars)?,
        };
        config.check_keys_are_distinct()?;
        Ok(config)
    }
}

fn store(mode: Mode, vars: &Vars<'_>) -> Result<StoreConfig, ConfigError> {
    let default = if mode.is_local() {
        "memory"
    } else {
        "dynamodb"
    };
    match vars.get("STORE").as_deref().unwrap_or(default) {
        "memory" => Ok(StoreConfig::Memory),
        "dynamodb" => Ok(StoreConfig::DynamoDb {
            table: vars.get("TABLE_NAME").ok_or(ConfigError::Missing {
                var: "TABLE_NAME",
                purpose: "it names the DynamoDB table that holds invitations",
            })?,
            endpoint: vars.get("DYNAMODB_ENDPOINT"),
        }),
        other => Err(ConfigError::invalid(
            "STORE",
            format!("{other:?} is neither \"memory\" nor \"dynamodb\""),
        )),
    }
}

fn roles(vars: &Vars<'_>) -> Result<RoleCatalog, ConfigError> {
    match vars.get("CUSTOM_ROLES") {
        Some(json) => RoleCatalog::with_custom_roles_json(&json)
            .map_err(|reason| ConfigError::invalid("CUSTOM_ROLES", reason)),
        None => Ok(RoleCatalog::default()),
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

fn url_var(name: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw)
        .map_err(|e| ConfigError::invalid(name, format!("{raw:?} is not an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::invalid(name, "it must be an http(s) URL"));
    }
    Ok(url)
}

fn links(mode: Mode, vars: &Vars<'_>) -> Result<LinkConfig, ConfigError> {
    let public_base_url = match (vars.get("PUBLIC_BASE_URL"), mode) {
        (Some(raw), _) => url_var("PUBLIC_BASE_URL", &raw)?,
        (None, Mode::Local { port }) => {
            url_var("PUBLIC_BASE_URL", &format!("http://127.0.0.1:{port}/"))?
        }
        (None, Mode::Lambda(_)) => {
            return Err(ConfigError::Missing {
                var: "PUBLIC_BASE_URL",
                purpose: "invitation links start with it (the API's public URL)",
            })
        }
    };
    let default_redirect = match vars.get("DEFAULT_REDIRECT_URL") {
        Some(raw) => Some(url_var("DEFAULT_REDIRECT_URL", &raw)?),
        None if mode.is_local() => Some(public_base_url.clone()),
        None => None,
    };
    Ok(LinkConfig {
        public_base_url,
        default_redirect,
    })
}

fn mailer(mode: Mode, vars: &Vars<'_>) -> Result<MailerConfig, ConfigError> {
    if !mode.uses().mail {
        return Ok(MailerConfig::Disabled);
    }
    let default = if mode.is_local() { "outbox" } else { "ses" };
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

#[cfg(test)]
mod tests;
