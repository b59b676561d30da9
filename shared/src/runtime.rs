//! Configuration and the state built once per cold start, shared by every function and the
//! local server. Bad configuration stops the process at start, naming the variable.

use std::sync::Arc;

use axum::Router;

use crate::clock::SystemClock;
use crate::domain::RoleCatalog;
use crate::http::{self, AppState, SecretKeys};
use crate::mail::compose::EmailTemplates;
use crate::mail::outbox::OutboxMailer;
use crate::mail::ses::SesMailer;
use crate::mail::Mailer;
use crate::service::{Links, Mail, Policy, RedirectPolicy, Service};
use crate::store::dynamodb::{ensure_table, DynamoStore};
use crate::store::memory::MemoryStore;
use crate::store::{Store, StoreError};
use crate::tokens::session::SessionVerifier;
use crate::tokens::ticket::TicketSigner;
use url::Url;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} must be set")]
    Missing(&'static str),
    #[error("{var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
    #[error("the DynamoDB table could not be prepared")]
    Table(#[source] StoreError),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    Memory,
    DynamoDb {
        table: String,
        /// An emulator's address (moto on loopback); AWS's own endpoint when absent.
        endpoint: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum TicketKey {
    /// HS256 with this secret.
    Secret(String),
    /// EdDSA or ES256: a PKCS#8 private key and its public key, in PEM.
    Pair {
        private_pem: String,
        public_pem: String,
    },
}

#[derive(Debug, Clone)]
pub enum SessionKeys {
    Secret(String),
    PublicKeyPem(String),
    JwksUrl(String),
}

#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub keys: SessionKeys,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

#[derive(Debug, Clone)]
pub enum MailerConfig {
    /// `.eml` and `.html` files in a folder.
    Outbox { dir: String, from: String },
    Ses {
        from: String,
        configuration_set: Option<String>,
        /// An emulator's address (moto); AWS's own endpoint when absent.
        endpoint: Option<String>,
    },
}

/// What differs between a deployed function and the local server when a variable is unset.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub store: &'static str,
    pub public_base_url: Option<String>,
    /// Make up a ticket key (and redirect to the base URL) instead of refusing to start.
    pub local: bool,
}

impl Defaults {
    pub fn function() -> Self {
        Self {
            store: "dynamodb",
            public_base_url: None,
            local: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub secret_keys: Vec<String>,
    pub store: StoreConfig,
    pub roles: RoleCatalog,
    pub policy: Policy,
    pub ticket_key: TicketKey,
    pub public_base_url: Url,
    pub default_redirect: Option<Url>,
    pub sessions: Option<SessionConfig>,
    pub mailer: MailerConfig,
}

fn url_var(name: &'static str, raw: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(raw).map_err(|e| ConfigError::Invalid {
        var: name,
        reason: format!("{raw:?} is not an absolute URL: {e}"),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConfigError::Invalid {
            var: name,
            reason: "must be an http(s) URL".into(),
        });
    }
    Ok(url)
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Config {
    /// Reads `INVITATIONS_SECRET_KEY` (comma-separated for rotation), `STORE` (`memory` or
    /// `dynamodb`, else `default_store`), `TABLE_NAME`, `DYNAMODB_ENDPOINT`, `CUSTOM_ROLES`,
    /// `DEFAULT_MAX_ALLOWED_MEMBERSHIPS` and `ALLOWED_REDIRECT_ORIGINS`.
    /// Also `TICKET_SIGNING_KEY` (+ `TICKET_VERIFYING_KEY` for a key pair), `PUBLIC_BASE_URL`,
    /// `DEFAULT_REDIRECT_URL`, `SESSION_JWT_SECRET` | `SESSION_JWT_PUBLIC_KEY` |
    /// `SESSION_JWKS_URL`, `SESSION_JWT_ISSUER` and `SESSION_JWT_AUDIENCE`.
    pub fn from_env(defaults: &Defaults) -> Result<Self, ConfigError> {
        let default_store = defaults.store;
        let secret_keys: Vec<String> = var("INVITATIONS_SECRET_KEY")
            .or_else(|| {
                defaults
                    .local
                    .then(|| format!("sk_test_{}", crate::ids::random_base62(32)))
            })
            .ok_or(ConfigError::Missing("INVITATIONS_SECRET_KEY"))?
            .split(',')
            .map(str::to_string)
            .collect();
        let store = match var("STORE").as_deref().unwrap_or(default_store) {
            "memory" => StoreConfig::Memory,
            "dynamodb" => StoreConfig::DynamoDb {
                table: var("TABLE_NAME").ok_or(ConfigError::Missing("TABLE_NAME"))?,
                endpoint: var("DYNAMODB_ENDPOINT"),
            },
            other => {
                return Err(ConfigError::Invalid {
                    var: "STORE",
                    reason: format!("{other:?} is neither \"memory\" nor \"dynamodb\""),
                })
            }
        };
        let roles = match var("CUSTOM_ROLES") {
            Some(json) => RoleCatalog::with_custom_roles_json(&json).map_err(|reason| {
                ConfigError::Invalid {
                    var: "CUSTOM_ROLES",
                    reason,
                }
            })?,
            None => RoleCatalog::default(),
        };
        let default_max_allowed_memberships = match var("DEFAULT_MAX_ALLOWED_MEMBERSHIPS") {
            Some(raw) => raw.parse().map_err(|_| ConfigError::Invalid {
                var: "DEFAULT_MAX_ALLOWED_MEMBERSHIPS",
                reason: format!("{raw:?} is not a whole number"),
            })?,
            None => 0,
        };
        let redirects = match var("ALLOWED_REDIRECT_ORIGINS") {
            Some(list) => {
                RedirectPolicy::from_list(&list).map_err(|reason| ConfigError::Invalid {
                    var: "ALLOWED_REDIRECT_ORIGINS",
                    reason,
                })?
            }
            None => RedirectPolicy::default(),
        };
        let ticket_key = match (var("TICKET_SIGNING_KEY"), var("TICKET_VERIFYING_KEY")) {
            (Some(private_pem), Some(public_pem)) => TicketKey::Pair {
                private_pem,
                public_pem,
            },
            (Some(secret), None) if secret.starts_with("-----BEGIN") => {
                return Err(ConfigError::Missing("TICKET_VERIFYING_KEY"))
            }
            (Some(secret), None) => TicketKey::Secret(secret),
            (None, _) if defaults.local => TicketKey::Secret(crate::ids::random_base62(48)),
            (None, _) => return Err(ConfigError::Missing("TICKET_SIGNING_KEY")),
        };
        let public_base_url =
            match var("PUBLIC_BASE_URL").or_else(|| defaults.public_base_url.clone()) {
                Some(raw) => url_var("PUBLIC_BASE_URL", &raw)?,
                None => return Err(ConfigError::Missing("PUBLIC_BASE_URL")),
            };
        let default_redirect = match var("DEFAULT_REDIRECT_URL") {
            Some(raw) => Some(url_var("DEFAULT_REDIRECT_URL", &raw)?),
            None if defaults.local => Some(public_base_url.clone()),
            None => None,
        };
        let session_keys = match (var("SESSION_JWT_SECRET"), var("SESSION_JWT_PUBLIC_KEY"), var("SESSION_JWKS_URL")) {
            (Some(secret), None, None) => Some(SessionKeys::Secret(secret)),
            (None, Some(pem), None) => Some(SessionKeys::PublicKeyPem(pem)),
            (None, None, Some(url)) => Some(SessionKeys::JwksUrl(url_var("SESSION_JWKS_URL", &url)?.to_string())),
            (None, None, None) => None,
            _ => {
                return Err(ConfigError::Invalid {
                    var: "SESSION_JWT_SECRET",
                    reason: "set only one of SESSION_JWT_SECRET, SESSION_JWT_PUBLIC_KEY and SESSION_JWKS_URL".into(),
                })
            }
        };
        let mailer =
            match var("MAILER")
                .as_deref()
                .unwrap_or(if defaults.local { "outbox" } else { "ses" })
            {
                "ses" => MailerConfig::Ses {
                    from: var("SES_FROM_ADDRESS")
                        .ok_or(ConfigError::Missing("SES_FROM_ADDRESS"))?,
                    configuration_set: var("SES_CONFIGURATION_SET"),
                    endpoint: var("SES_ENDPOINT"),
                },
                "outbox" => MailerConfig::Outbox {
                    dir: var("OUTBOX_DIR").unwrap_or_else(|| "outbox".into()),
                    from: var("SES_FROM_ADDRESS").unwrap_or_else(|| {
                        "Invitations <invitations@localhost.localdomain>".into()
                    }),
                },
                other => {
                    return Err(ConfigError::Invalid {
                        var: "MAILER",
                        reason: format!("{other:?} is neither \"ses\" nor \"outbox\""),
                    })
                }
            };
        Ok(Self {
            mailer,
            secret_keys,
            store,
            roles,
            policy: Policy {
                default_max_allowed_memberships,
                redirects,
            },
            ticket_key,
            public_base_url,
            default_redirect,
            sessions: session_keys.map(|keys| SessionConfig {
                keys,
                issuer: var("SESSION_JWT_ISSUER"),
                audience: var("SESSION_JWT_AUDIENCE"),
            }),
        })
    }
}

/// The shared AWS configuration: region and credentials from the environment as Lambda sets
/// them, loaded once per process and only if a client needs it.
pub async fn shared_aws() -> &'static aws_config::SdkConfig {
    static SHARED: tokio::sync::OnceCell<aws_config::SdkConfig> =
        tokio::sync::OnceCell::const_new();
    SHARED
        .get_or_init(|| aws_config::load_defaults(aws_config::BehaviorVersion::latest()))
        .await
}

pub fn dynamodb_client(
    shared: &aws_config::SdkConfig,
    endpoint: Option<&str>,
) -> aws_sdk_dynamodb::Client {
    let mut builder = aws_sdk_dynamodb::config::Builder::from(shared);
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    aws_sdk_dynamodb::Client::from_conf(builder.build())
}

/// Builds the store and the service. `create_table` is for local runs; deployed functions
/// use the table `template.yaml` made.
pub async fn build_state(config: &Config, create_table: bool) -> Result<AppState, ConfigError> {
    let store: Arc<dyn Store> = match &config.store {
        StoreConfig::Memory => Arc::new(MemoryStore::new()),
        StoreConfig::DynamoDb { table, endpoint } => {
            let client = dynamodb_client(shared_aws().await, endpoint.as_deref());
            if create_table {
                ensure_table(&client, table)
                    .await
                    .map_err(ConfigError::Table)?;
            }
            Arc::new(DynamoStore::new(client, table.clone()))
        }
    };
    let mailer: Arc<dyn Mailer> = match &config.mailer {
        MailerConfig::Outbox { dir, from } => Arc::new(OutboxMailer::new(dir, from).map_err(
            |reason| ConfigError::Invalid {
                var: "SES_FROM_ADDRESS",
                reason,
            },
        )?),
        MailerConfig::Ses {
            from,
            configuration_set,
            endpoint,
        } => {
            let client = crate::mail::ses::client(
                shared_aws().await,
                endpoint.as_deref(),
                crate::mail::ses::INITIAL_BACKOFF,
            );
            Arc::new(SesMailer::new(
                client,
                from.clone(),
                configuration_set.clone(),
            ))
        }
    };
    let mail = Mail {
        mailer,
        templates: EmailTemplates::new().map_err(|reason| ConfigError::Invalid {
            var: "templates",
            reason,
        })?,
    };
    let signer = match &config.ticket_key {
        TicketKey::Secret(secret) => TicketSigner::hs256(secret.as_bytes()),
        TicketKey::Pair {
            private_pem,
            public_pem,
        } => TicketSigner::key_pair(private_pem, public_pem),
    }
    .map_err(|reason| ConfigError::Invalid {
        var: "TICKET_SIGNING_KEY",
        reason,
    })?;
    let links = Links::new(
        signer,
        &config.public_base_url,
        config.default_redirect.clone(),
    )
    .map_err(|reason| ConfigError::Invalid {
        var: "PUBLIC_BASE_URL",
        reason,
    })?;
    let sessions = match &config.sessions {
        None => None,
        Some(c) => {
            let (var, verifier) = match &c.keys {
                SessionKeys::Secret(s) => {
                    ("SESSION_JWT_SECRET", SessionVerifier::hs256(s.as_bytes()))
                }
                SessionKeys::PublicKeyPem(p) => {
                    ("SESSION_JWT_PUBLIC_KEY", SessionVerifier::public_key_pem(p))
                }
                SessionKeys::JwksUrl(u) => ("SESSION_JWKS_URL", SessionVerifier::jwks(u)),
            };
            let verifier = verifier.map_err(|reason| ConfigError::Invalid { var, reason })?;
            Some(Arc::new(
                verifier
                    .issuer(c.issuer.clone())
                    .audience(c.audience.clone()),
            ))
        }
    };
    let secret_keys =
        SecretKeys::new(config.secret_keys.clone()).map_err(|reason| ConfigError::Invalid {
            var: "INVITATIONS_SECRET_KEY",
            reason,
        })?;
    Ok(AppState {
        service: Service::new(
            store,
            Arc::new(SystemClock),
            config.roles.clone(),
            config.policy.clone(),
            links,
            mail,
        ),
        secret_keys: Arc::new(secret_keys),
        sessions,
    })
}

/// The whole of a function's `main`: configuration and clients once, then requests.
pub async fn run_function(routes: fn() -> Router<AppState>) -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = Config::from_env(&Defaults::function())?;
    let state = build_state(&config, false).await?;
    lambda_http::run(http::app(routes(), state)).await
}
