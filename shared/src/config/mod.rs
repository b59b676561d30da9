//! Configuration from the environment, read once at start: one kind per kind of function, each
//! reading what it uses and nothing else ([`HttpConfig`] for the functions that serve routes and
//! the local server, [`SweeperConfig`], [`EventsConfig`], [`BouncesConfig`]). A bad or missing
//! value stops the process before it serves anything, with a sentence that names the variable.
//! Reading is pure: a secret given by ARN is a [`Secret`] still to fetch, which the runtime does
//! (`runtime::secrets`), so what a function reads is known from its configuration alone.
//!
//! | variable | what | read by | unset in Lambda | unset locally |
//! |---|---|---|---|---|
//! | `INVITATIONS_SECRET_KEY_SHA256` | SHA-256 (hex) of each accepted backend secret key, comma-separated (rotation); not a secret | functions with backend routes | refused, unless `INVITATIONS_SECRET_KEY` | — |
//! | `INVITATIONS_SECRET_KEY` | the backend secret keys themselves, comma-separated, each ≥ 16 chars (development) | same | — | a random key, printed |
//! | `TICKET_SIGNING_KEY` (or `_ARN`) | HS256 secret, or a PKCS#8 Ed25519/P-256 private key in PEM | invite (signs); ticket-verify when no verifying key | refused | a random secret |
//! | `TICKET_VERIFYING_KEY` | the public PEM of a key-pair signing key: ticket-verify needs no secret | invite (pair check), ticket-verify | HS256 from the signing key | same |
//! | `STORE` | `memory` or `dynamodb` | every function | `dynamodb` | `memory` |
//! | `TABLE_NAME`, `DYNAMODB_ENDPOINT` | the table; an emulator's URL (moto) | every function | required; AWS | same |
//! | `DYNAMODB_CONNECT_AT_INIT` | the request-path functions build their client and open its connection during init (`true`/`false`) | HTTP functions | `true` below 512 MB of memory, else `false` | — |
//! | `RETENTION_DAYS` | days an ended invitation stays before TTL removes it | every function that ends invitations | 90 | same |
//! | `CUSTOM_ROLES` | extra roles as JSON | HTTP functions, events | the two system roles | same |
//! | `DEFAULT_MAX_ALLOWED_MEMBERSHIPS` | seats of organizations created without a limit | HTTP functions | 0 (unlimited) | same |
//! | `PUBLIC_BASE_URL` | where links point (`{it}/v1/tickets/accept`); the default origin | HTTP functions | refused | the server's address |
//! | `DEFAULT_REDIRECT_URL` | where a link goes when the invitation names no target | HTTP functions | none (links refuse) | the server's `/` |
//! | `ALLOWED_REDIRECT_ORIGINS` | origins a `redirect_url` may name, comma-separated | HTTP functions | only `PUBLIC_BASE_URL`'s and `DEFAULT_REDIRECT_URL`'s origins | same |
//! | `CORS_ALLOWED_ORIGINS` | origins that may call from a browser, comma-separated | HTTP functions | the redirect allow-list's | same |
//! | `SESSION_JWT_SECRET` (or `_ARN`) / `SESSION_JWT_PUBLIC_KEY` / `SESSION_JWKS_URL` | verifies signed-in callers (one of them) | functions with signed-in routes | no sessions | same |
//! | `SESSION_JWT_ISSUER`, `SESSION_JWT_AUDIENCE`, `SESSION_MAX_AGE_SECONDS` | pinned `iss` / `aud`; the longest `exp - iat` | same | not checked; 86400 | same |
//! | `LIMIT_*`, `EMAIL_COOLDOWN_SECONDS` | abuse limits (`limits.rs`) | HTTP functions | on, at their defaults | same |
//! | `MAIL_BREAKER_BOUNCE_RATE_PERCENT`, `MAIL_BREAKER_COMPLAINT_RATE_PERCENT`, `MAIL_BREAKER_MIN_SENT` | an organization's email breaker (`limits.rs`) | bounces | on: 2.5, 0.05, 100 | same |
//! | `REMINDER_DAYS_BEFORE_EXPIRY` | a pending invitation's reminder goes out this many days before it lapses (0: none; per invitation, `remind: false` on create) | invite | 3 | same |
//! | `ORGANIZATION_DOMAINS` | organizations may claim email domains (`on`/`off`) | HTTP functions | `off` | `on` |
//! | `DOMAIN_ENROLLMENT_MODES` | the modes a domain may have beyond `manual_invitation`: `automatic_invitation`, `automatic_suggestion` | HTTP functions | none | both |
//! | `DOMAIN_DEFAULT_ROLE` | the role an automatic invitation or an accepted membership request gives | HTTP functions | `org:member` | same |
//! | `MAX_DOMAINS_PER_ORGANIZATION` | domains one organization may hold (1 to 10) | HTTP functions | 10 | same |
//! | `INVITATION_LINKS` | organizations may make shareable invitation links (`on`/`off`) | HTTP functions | `off` | `on` |
//! | `INVITATION_LINK_URL` | the app's join page a link's `url` points to (with `organization_id` and `token`); on the redirect allow-list | HTTP functions | none (`url: null`) | the server's `/` |
//! | `INVITATION_LINK_ADMIN_ROLES` | a link may grant a role that manages memberships (`on`/`off`) | HTTP functions | `off` | same |
//! | `AUDIT_RETENTION_DAYS` | days an audit entry is kept (1 to 3650) before TTL removes it | HTTP functions, sweeper, bounces | 365 | same |
//! | `MAILER`, `SES_FROM_ADDRESS`, `SES_CONFIGURATION_SET`, `SES_ENDPOINT`, `OUTBOX_DIR` | how invitation email goes out | invite | `ses`; sender required | `outbox` in `outbox/` |
//! | `WEBHOOK_ENDPOINTS` (or `_ARN`) | webhook endpoints as JSON (`events::endpoints`) | events | none | same |
//! | `INSTANCE_ID`, `EVENT_BUS_NAME`, `EVENTBRIDGE_ENDPOINT`, `EVENTS_DEAD_LETTER_QUEUE_URL`, `SQS_ENDPOINT`, `WEBHOOK_RETRY_DELAYS_MS` | the events pipeline (`events.rs`) | events | `ins_invitations`, no bus, no queue, 1 s / 5 s / 20 s | same |
//! | `LOCAL_EVENTS_DIR` | the local server's events log (`events.jsonl`) and dead letters | — | — | `webhook-events` beside the outbox |
//! | `SWEEP_EVERY_SECONDS` | the local server runs the sweeper's pass (expiry, queued emails) this often | — (the schedule in `template.yaml`) | — | 300 |
//! | `SECRETS_MANAGER_ENDPOINT` | an emulator's URL for `_ARN` secrets | any function given an `_ARN` | AWS | AWS |
//! | `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` | AWS clients' region and credentials (`crate::aws`) | whoever builds an AWS client | set by Lambda | required with `dynamodb`, `ses` or an `_ARN` |

use url::Url;

use crate::domain::RoleCatalog;

mod background;
mod domains;
mod events;
mod fixtures;
mod http;
mod invitation_links;
mod keys;
mod limits;
mod settings;

pub use background::{BouncesConfig, SweeperConfig};
pub use events::{EventsConfig, DEFAULT_RETENTION_DAYS, DEFAULT_RETRY_DELAYS_MS};
pub use http::{HttpConfig, Target};
pub use keys::{digest_hex, BackendKeys};
pub use settings::{LinkConfig, MailerConfig, SessionConfig, SessionKeys, StoreConfig, TicketKeys};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is not set: {purpose}. Set it in the function's environment (README, \"Configuration\").")]
    Missing {
        var: &'static str,
        purpose: &'static str,
    },
    #[error("{var} is invalid: {reason}.")]
    Invalid { var: &'static str, reason: String },
}

impl ConfigError {
    pub fn invalid(var: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            var,
            reason: reason.into(),
        }
    }
}

/// A secret setting: its value, or the ARN of the Secrets Manager secret that holds it (given
/// as `{var}_ARN`), which the runtime reads at start and replaces by the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    pub var: &'static str,
    pub source: SecretSource,
}

#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    Value(String),
    Arn(String),
}

impl Secret {
    /// The value; a secret not fetched yet is a bug of the start-up, told as such.
    pub fn value(&self) -> Result<&str, ConfigError> {
        match &self.source {
            SecretSource::Value(v) => Ok(v),
            SecretSource::Arn(_) => Err(ConfigError::invalid(
                self.var,
                "its secret was not read from Secrets Manager before use",
            )),
        }
    }

    /// The variable that names its ARN, for messages about reading it.
    pub fn arn_var(&self) -> &'static str {
        SECRET_VARS
            .iter()
            .find(|(var, _)| *var == self.var)
            .map_or(self.var, |(_, arn)| arn)
    }
}

/// The settings that may hold a secret, each with the variable that may name its ARN instead.
pub const SECRET_VARS: [(&str, &str); 3] = [
    ("TICKET_SIGNING_KEY", "TICKET_SIGNING_KEY_ARN"),
    ("SESSION_JWT_SECRET", "SESSION_JWT_SECRET_ARN"),
    ("WEBHOOK_ENDPOINTS", "WEBHOOK_ENDPOINTS_ARN"),
];

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            SecretSource::Value(_) => write!(f, "Secret({}: set)", self.var),
            SecretSource::Arn(arn) => write!(f, "Secret({} from {arn})", self.var),
        }
    }
}

/// A configuration that holds secrets, so the runtime can fetch those given by ARN.
pub trait HoldsSecrets {
    fn secrets_mut(&mut self) -> Vec<&mut Secret>;

    /// The secrets given by ARN: what the function reads from Secrets Manager at start.
    fn secrets_by_arn(&mut self) -> Vec<&'static str> {
        self.secrets_mut()
            .into_iter()
            .filter(|s| matches!(s.source, SecretSource::Arn(_)))
            .map(|s| s.var)
            .collect()
    }
}

/// The variables a configuration is read from: the process environment, or a map in tests.
pub struct Vars<'a>(&'a dyn Fn(&str) -> Option<String>);

impl<'a> Vars<'a> {
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self(lookup)
    }

    /// A set, non-blank variable, trimmed.
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// A secret variable: its value when set, else the ARN its `_ARN` variable names.
    fn secret(&self, var: &'static str) -> Option<Secret> {
        let source = match self.get(var) {
            Some(value) => SecretSource::Value(value),
            None => {
                let secret = Secret {
                    var,
                    source: SecretSource::Value(String::new()),
                };
                SecretSource::Arn(self.get(secret.arn_var())?)
            }
        };
        Some(Secret { var, source })
    }
}

/// The process environment.
pub fn environment() -> impl Fn(&str) -> Option<String> {
    |name| std::env::var(name).ok()
}

pub(crate) fn store(local: bool, vars: &Vars<'_>) -> Result<StoreConfig, ConfigError> {
    let default = if local { "memory" } else { "dynamodb" };
    match vars.get("STORE").as_deref().unwrap_or(default) {
        "memory" => Ok(StoreConfig::Memory),
        "dynamodb" => Ok(StoreConfig::DynamoDb {
            table: vars.get("TABLE_NAME").ok_or(ConfigError::Missing {
                var: "TABLE_NAME",
                purpose: "it names the DynamoDB table that holds invitations",
            })?,
            endpoint: vars.get("DYNAMODB_ENDPOINT"),
            retention_days: retention_days(vars)?,
            connect_at_init: connect_at_init(vars)?,
        }),
        other => Err(ConfigError::invalid(
            "STORE",
            format!("{other:?} is neither \"memory\" nor \"dynamodb\""),
        )),
    }
}

/// Below 512 MB a function's CPU share is small, and Lambda is reported to give init more: the
/// client and its TLS handshake cost least there. From 512 MB the CPU is plentiful and the
/// throwaway read is one more round trip than the first request needed
/// (`scripts/bench-cold-cpu`; the figures are in the README).
const CONNECT_AT_INIT_BELOW_MB: u32 = 512;

fn connect_at_init(vars: &Vars<'_>) -> Result<bool, ConfigError> {
    match vars.get("DYNAMODB_CONNECT_AT_INIT").as_deref() {
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(ConfigError::invalid(
            "DYNAMODB_CONNECT_AT_INIT",
            format!("{other:?} is neither \"true\" nor \"false\""),
        )),
        None => Ok(vars
            .get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
            .and_then(|mb| mb.parse::<u32>().ok())
            .is_none_or(|mb| mb < CONNECT_AT_INIT_BELOW_MB)),
    }
}

fn retention_days(vars: &Vars<'_>) -> Result<u32, ConfigError> {
    match vars.get("RETENTION_DAYS") {
        None => Ok(DEFAULT_RETENTION_DAYS),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .ok_or_else(|| {
                ConfigError::invalid("RETENTION_DAYS", "it is a whole number of days, 1 to 3650")
            }),
    }
}

pub(crate) fn roles(vars: &Vars<'_>) -> Result<RoleCatalog, ConfigError> {
    match vars.get("CUSTOM_ROLES") {
        Some(json) => RoleCatalog::with_custom_roles_json(&json)
            .map_err(|reason| ConfigError::invalid("CUSTOM_ROLES", reason)),
        None => Ok(RoleCatalog::default()),
    }
}

pub(crate) fn url_var(name: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw)
        .map_err(|e| ConfigError::invalid(name, format!("{raw:?} is not an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::invalid(name, "it must be an http(s) URL"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests;
