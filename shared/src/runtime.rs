//! The state built once per cold start from a [`Config`], and the whole of a function's `main`.

use std::sync::Arc;

use axum::Router;

use crate::clock::SystemClock;
use crate::config::{
    Config, ConfigError, MailerConfig, Mode, SessionKeys, StoreConfig, TicketKey, Uses,
};
use crate::http::{self, AppState, SecretKeys};
use crate::mail::compose::EmailTemplates;
use crate::mail::outbox::OutboxMailer;
use crate::mail::ses::SesMailer;
use crate::mail::Mailer;
use crate::service::{Links, Mail, Service};
use crate::store::dynamodb::{ensure_table, DynamoStore};
use crate::store::memory::MemoryStore;
use crate::store::Store;
use crate::tokens::session::SessionVerifier;
use crate::tokens::ticket::TicketSigner;

/// The shared AWS configuration ([`crate::aws::sdk_config`]), built once per process and only
/// if a client needs it.
pub fn shared_aws() -> Result<&'static aws_types::SdkConfig, ConfigError> {
    static SHARED: std::sync::OnceLock<aws_types::SdkConfig> = std::sync::OnceLock::new();
    if let Some(config) = SHARED.get() {
        return Ok(config);
    }
    let config = crate::aws::sdk_config().map_err(|e| ConfigError::Missing {
        var: e.0,
        purpose: "AWS clients take their region and credentials from the environment, as Lambda sets them",
    })?;
    Ok(SHARED.get_or_init(|| config))
}

pub fn dynamodb_config(
    shared: &aws_types::SdkConfig,
    endpoint: Option<&str>,
) -> aws_sdk_dynamodb::Config {
    let mut builder = aws_sdk_dynamodb::config::Builder::from(shared);
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    builder.build()
}

pub fn dynamodb_client(
    shared: &aws_types::SdkConfig,
    endpoint: Option<&str>,
) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(dynamodb_config(shared, endpoint))
}

/// The change feed of an in-memory store: what DynamoDB Streams is to the table.
pub type ChangeFeed = tokio::sync::mpsc::UnboundedReceiver<crate::events::Change>;

/// The store the configuration names. Locally a missing DynamoDB table is created; deployed
/// functions use the table `template.yaml` made. With `feed`, an in-memory store also hands
/// back its change feed.
pub async fn build_store(
    config: &Config,
    feed: bool,
) -> Result<(Arc<dyn Store>, Option<ChangeFeed>), ConfigError> {
    Ok(match &config.store {
        StoreConfig::Memory if feed => {
            let (store, changes) = MemoryStore::with_change_feed();
            (Arc::new(store), Some(changes))
        }
        StoreConfig::Memory => (Arc::new(MemoryStore::new()), None),
        StoreConfig::DynamoDb { table, endpoint } => {
            let dynamodb = dynamodb_config(shared_aws()?, endpoint.as_deref());
            if matches!(config.mode, Mode::Local { .. }) {
                let client = aws_sdk_dynamodb::Client::from_conf(dynamodb.clone());
                ensure_table(&client, table)
                    .await
                    .map_err(ConfigError::Table)?;
            }
            // Deployed, the client is made on the first request: a shorter cold start.
            let store = DynamoStore::lazy(dynamodb, table.clone())
                .with_retention_days(config.events.retention_days);
            (Arc::new(store), None)
        }
    })
}

/// Builds the store and the service.
pub async fn build_state(config: &Config) -> Result<AppState, ConfigError> {
    let (store, _) = build_store(config, false).await?;
    build_state_on(config, store)
}

/// Builds the service on `store`.
pub fn build_state_on(config: &Config, store: Arc<dyn Store>) -> Result<AppState, ConfigError> {
    tracing::info!(
        allowed_redirect_origins = %config.policy.redirects.describe(),
        "invitation links may redirect to these origins only"
    );
    let mailer: Arc<dyn Mailer> = match &config.mailer {
        MailerConfig::Disabled => Arc::new(crate::mail::NoMailer),
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
            let ses = crate::mail::ses::config(
                shared_aws()?,
                endpoint.as_deref(),
                crate::mail::ses::INITIAL_BACKOFF,
            );
            Arc::new(SesMailer::lazy(
                ses,
                from.clone(),
                configuration_set.clone(),
            ))
        }
    };
    let mail = Mail {
        mailer,
        templates: EmailTemplates::new(),
    };
    let signer = match &config.ticket_key {
        TicketKey::Absent => None,
        TicketKey::Secret(secret) => Some(TicketSigner::hs256(secret.as_bytes())),
        TicketKey::Pair {
            private_pem,
            public_pem,
        } => Some(TicketSigner::key_pair(private_pem, public_pem)),
    }
    .transpose()
    .map_err(|reason| ConfigError::Invalid {
        var: "TICKET_SIGNING_KEY",
        reason,
    })?;
    let links = Links::new(
        signer,
        &config.links.public_base_url,
        config.links.default_redirect.clone(),
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
                    .audience(c.audience.clone())
                    .max_age_seconds(c.max_age_seconds),
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
        browser: Arc::new(
            crate::http::browser::BrowserPolicy::new(&config.browser_origins).map_err(
                |reason| ConfigError::Invalid {
                    var: "CORS_ALLOWED_ORIGINS",
                    reason,
                },
            )?,
        ),
    })
}

/// The configuration from the environment, with the secrets it names by ARN read first.
pub async fn config_with_secrets(mode: Mode) -> Result<Config, ConfigError> {
    let env = |name: &str| std::env::var(name).ok();
    let endpoint = env("SECRETS_MANAGER_ENDPOINT");
    let secrets = crate::config::secrets::resolve(&env, endpoint.as_deref()).await?;
    Config::from_lookup(mode, &|name| {
        secrets.get(name).cloned().or_else(|| env(name))
    })
}

/// The whole of a function's `main`: configuration and clients once, then requests. A
/// configuration error is printed as a sentence and ends the process.
pub async fn run_function(
    routes: fn() -> Router<AppState>,
    uses: Uses,
) -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = config_or_exit(uses).await;
    let state = build_state(&config).await.unwrap_or_else(|e| exit_on(e));
    lambda_http::run(http::app(routes(), state)).await
}

/// Configuration once (a configuration error is printed as a sentence and ends the process).
async fn config_or_exit(uses: Uses) -> Config {
    match config_with_secrets(Mode::Lambda(uses)).await {
        Ok(config) => config,
        Err(e) => exit_on(e),
    }
}

fn exit_on(e: ConfigError) -> ! {
    tracing::error!(error = %e, "configuration error");
    eprintln!("configuration error: {e}");
    std::process::exit(1);
}

/// No ticket key and no email: what the background functions hold.
const BACKGROUND: Uses = Uses {
    mail: false,
    tickets: false,
};

/// The whole of the sweeper's `main`: configuration once, then one sweep per scheduled event.
/// It serves no HTTP; it holds no ticket key and sends no email.
pub async fn run_sweeper() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = config_or_exit(BACKGROUND).await;
    let state = build_state(&config).await.unwrap_or_else(|e| exit_on(e));
    let service = state.service.clone();
    lambda_http::lambda_runtime::run(lambda_http::service_fn(
        move |_: lambda_http::LambdaEvent<serde_json::Value>| {
            let service = service.clone();
            async move {
                let report = service.sweep_expired().await?;
                Ok::<_, lambda_http::Error>(serde_json::json!({
                    "read": report.read, "expired": report.expired, "skipped": report.skipped,
                }))
            }
        },
    ))
    .await
}

/// The whole of the events function's `main`: the pipeline once, then one stream batch per
/// invocation, answered with its batch item failures.
pub async fn run_events() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = config_or_exit(BACKGROUND).await;
    let (store, _) = build_store(&config, false)
        .await
        .unwrap_or_else(|e| exit_on(e));
    let pipeline = crate::events::setup::pipeline(&config, store, Arc::new(SystemClock))
        .unwrap_or_else(|e| exit_on(e));
    let pipeline = Arc::new(pipeline);
    lambda_http::lambda_runtime::run(lambda_http::service_fn(
        move |event: lambda_http::LambdaEvent<aws_lambda_events::event::dynamodb::Event>| {
            let pipeline = pipeline.clone();
            async move {
                Ok::<_, lambda_http::Error>(
                    crate::events::lambda::handle_stream(&pipeline, event.payload).await,
                )
            }
        },
    ))
    .await
}

/// The whole of the bounces function's `main`: SES's delivery, bounce and complaint events
/// (through SNS) recorded on their invitations.
pub async fn run_bounces() -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = config_or_exit(BACKGROUND).await;
    let state = build_state(&config).await.unwrap_or_else(|e| exit_on(e));
    let service = state.service.clone();
    lambda_http::lambda_runtime::run(lambda_http::service_fn(
        move |event: lambda_http::LambdaEvent<aws_lambda_events::event::sns::SnsEvent>| {
            let service = service.clone();
            async move {
                let report = crate::events::lambda::handle_sns(&service, event.payload).await?;
                Ok::<_, lambda_http::Error>(report)
            }
        },
    ))
    .await
}
