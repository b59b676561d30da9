//! What a configuration describes, built: the store, the mailer, the ticket keys, the session
//! verifier and the service, then the HTTP state around it.

use std::sync::Arc;

use super::{Aws, StartError};
use crate::clock::SystemClock;
use crate::config::{
    ConfigError, HttpConfig, LinkConfig, MailerConfig, SessionKeys, StoreConfig, TicketKeys,
};
use crate::http::{routes, AppState, SecretKeys};
use crate::mail::compose::EmailTemplates;
use crate::mail::outbox::OutboxMailer;
use crate::mail::ses::SesMailer;
use crate::mail::Mailer;
use crate::service::{Links, Mail, Service};
use crate::store::change::ChangeFeed;
use crate::store::dynamodb::{ensure_table, DynamoStore};
use crate::store::memory::MemoryStore;
use crate::tokens::session::SessionVerifier;
use crate::tokens::ticket::{TicketIssuer, TicketSigner, TicketVerifier};

/// A built store, and (in memory, when asked for) its change feed: what DynamoDB Streams is to
/// the table.
pub struct Store {
    pub shared: Arc<dyn crate::store::Store>,
    pub feed: Option<ChangeFeed>,
    /// The same store when it is DynamoDB and configured to open its connection during init
    /// (`DYNAMODB_CONNECT_AT_INIT`).
    pub connect_at_init: Option<DynamoStore>,
}

/// The store a configuration names. Locally a missing DynamoDB table is created, and an
/// in-memory store reports its changes; deployed functions use the table `template.yaml` made,
/// through a client made on its first use: the first request, or `open_connection` during a
/// request-path function's init.
pub async fn store(config: &StoreConfig, local: bool, aws: &Aws) -> Result<Store, StartError> {
    Ok(match config {
        StoreConfig::Memory if local => {
            let (store, changes) = MemoryStore::with_change_feed();
            Store {
                shared: Arc::new(store),
                feed: Some(changes),
                connect_at_init: None,
            }
        }
        StoreConfig::Memory => Store {
            shared: Arc::new(MemoryStore::new()),
            feed: None,
            connect_at_init: None,
        },
        StoreConfig::DynamoDb {
            table,
            endpoint,
            retention_days,
            connect_at_init,
        } => {
            let dynamodb = crate::aws::dynamodb_config(aws.config()?, endpoint.as_deref());
            if local {
                let client = aws_sdk_dynamodb::Client::from_conf(dynamodb.clone());
                ensure_table(&client, table)
                    .await
                    .map_err(StartError::Table)?;
            }
            let store =
                DynamoStore::lazy(dynamodb, table.clone()).with_retention_days(*retention_days);
            Store {
                shared: Arc::new(store.clone()),
                feed: None,
                connect_at_init: connect_at_init.then_some(store),
            }
        }
    })
}

/// The service and what the edge needs beside it, on `store`.
pub fn http_state(
    config: &HttpConfig,
    store: Arc<dyn crate::store::Store>,
    aws: &Aws,
) -> Result<AppState, StartError> {
    tracing::info!(
        allowed_redirect_origins = %config.policy.redirects.describe(),
        "invitation links may redirect to these origins only"
    );
    let service = service(
        store,
        Parts {
            roles: &config.roles,
            policy: &config.policy,
            tickets: &config.tickets,
            links: &config.links,
            mailer: &config.mailer,
        },
        aws,
    )?;
    let browser = crate::http::browser::BrowserPolicy::new(&config.browser_origins)
        .map_err(|reason| ConfigError::invalid("CORS_ALLOWED_ORIGINS", reason))?;
    Ok(AppState {
        service: Arc::new(service),
        secret_keys: Arc::new(SecretKeys::from_digests(
            config.backend_keys.digests.clone(),
        )),
        sessions: sessions(config)?,
        browser: Arc::new(browser),
    })
}

/// What a service is made of, beside its store.
pub struct Parts<'a> {
    pub roles: &'a crate::domain::RoleCatalog,
    pub policy: &'a crate::service::Policy,
    pub tickets: &'a TicketKeys,
    pub links: &'a LinkConfig,
    pub mailer: &'a MailerConfig,
}

/// The service on `store`: its links (with the ticket keys the function holds) and its mail.
pub fn service(
    store: Arc<dyn crate::store::Store>,
    parts: Parts<'_>,
    aws: &Aws,
) -> Result<Service, StartError> {
    let links = Links::new(
        Some(tickets(parts.tickets)?),
        &parts.links.public_base_url,
        routes::ACCEPT_LINK_PATH,
        parts.links.default_redirect.clone(),
    )
    .map_err(|reason| ConfigError::invalid("PUBLIC_BASE_URL", reason))?;
    Ok(Service::new(
        store,
        Arc::new(SystemClock),
        parts.roles.clone(),
        parts.policy.clone(),
        links,
        Mail {
            mailer: mailer(parts.mailer, aws)?,
            templates: EmailTemplates::new(),
        },
    ))
}

fn mailer(config: &MailerConfig, aws: &Aws) -> Result<Arc<dyn Mailer>, StartError> {
    Ok(match config {
        MailerConfig::Disabled => Arc::new(crate::mail::NoMailer),
        MailerConfig::Outbox { dir, from } => Arc::new(
            OutboxMailer::new(dir, from)
                .map_err(|reason| ConfigError::invalid("SES_FROM_ADDRESS", reason))?,
        ),
        MailerConfig::Ses {
            from,
            configuration_set,
            endpoint,
        } => {
            let ses = crate::mail::ses::config(
                aws.config()?,
                endpoint.as_deref(),
                crate::mail::ses::INITIAL_BACKOFF,
            );
            Arc::new(SesMailer::lazy(
                ses,
                from.clone(),
                configuration_set.clone(),
            ))
        }
    })
}

/// The halves of the ticket key the function uses: a PEM signing key signs, a public key
/// verifies, an HS256 secret does either.
fn tickets(keys: &TicketKeys) -> Result<TicketSigner, StartError> {
    let invalid = |var: &'static str| move |reason: String| ConfigError::invalid(var, reason);
    let signing = match &keys.signing {
        Some(secret) => Some(secret.value()?),
        None => None,
    };
    let pem = signing.is_some_and(|s| s.trim_start().starts_with("-----BEGIN"));
    let mut held = TicketSigner::default();
    if keys.issues {
        let secret = signing.ok_or(ConfigError::Missing {
            var: "TICKET_SIGNING_KEY",
            purpose: "it signs invitation tickets",
        })?;
        held = match (&keys.verifying, pem) {
            // The public half beside it: checked to be its pair at start, not at first use.
            (Some(public), true) => {
                TicketSigner::key_pair(secret, public).map_err(invalid("TICKET_SIGNING_KEY"))?
            }
            (_, true) => TicketSigner {
                issuer: Some(
                    TicketIssuer::from_private_pem(secret)
                        .map_err(invalid("TICKET_SIGNING_KEY"))?,
                ),
                verifier: None,
            },
            (_, false) => {
                TicketSigner::hs256(secret.as_bytes()).map_err(invalid("TICKET_SIGNING_KEY"))?
            }
        };
    }
    if keys.verifies && held.verifier.is_none() {
        held.verifier =
            Some(match (&keys.verifying, signing) {
                (Some(public), _) => TicketVerifier::from_public_pem(public)
                    .map_err(invalid("TICKET_VERIFYING_KEY"))?,
                (None, Some(secret)) if !pem => TicketVerifier::hs256(secret.as_bytes())
                    .map_err(invalid("TICKET_SIGNING_KEY"))?,
                _ => {
                    return Err(ConfigError::Missing {
                        var: "TICKET_VERIFYING_KEY",
                        purpose: "a PEM TICKET_SIGNING_KEY is verified by its public key",
                    }
                    .into())
                }
            });
    }
    if !keys.verifies {
        held.verifier = None;
    }
    Ok(held)
}

fn sessions(config: &HttpConfig) -> Result<Option<Arc<SessionVerifier>>, StartError> {
    let Some(c) = &config.sessions else {
        return Ok(None);
    };
    let (var, verifier) = match &c.keys {
        SessionKeys::Secret(s) => (
            "SESSION_JWT_SECRET",
            SessionVerifier::hs256(s.value()?.as_bytes()),
        ),
        SessionKeys::PublicKeyPem(p) => {
            ("SESSION_JWT_PUBLIC_KEY", SessionVerifier::public_key_pem(p))
        }
        SessionKeys::JwksUrl(u) => ("SESSION_JWKS_URL", SessionVerifier::jwks(u)),
    };
    let verifier = verifier.map_err(|reason| ConfigError::Invalid { var, reason })?;
    Ok(Some(Arc::new(
        verifier
            .issuer(c.issuer.clone())
            .audience(c.audience.clone())
            .authorized_parties(config.browser_origins.clone())
            .max_age_seconds(c.max_age_seconds),
    )))
}
