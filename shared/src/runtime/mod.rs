//! Start-up: what a function does once per cold start, I/O included (the secrets it is given by
//! ARN, its store, its clients, the events pipeline), and the whole of each function's `main`.
//! The AWS configuration is made here, once and only if a client needs it, and lent to what is
//! built from it.

mod build;
pub mod logging;
pub mod metrics;
mod pipeline;
mod secrets;

use std::sync::{Arc, OnceLock};

pub use build::{http_state, service, store, Parts, Store};
pub use pipeline::pipeline;

use crate::aws::MissingAwsVariable;
use crate::config::{
    environment, BouncesConfig, ConfigError, EventsConfig, HttpConfig, SweeperConfig, Target,
};
use crate::http::{self, AppState, Function};
use crate::store::StoreError;

/// Why a process could not start; printed as a sentence, and the process ends.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Aws(#[from] MissingAwsVariable),
    #[error("the DynamoDB table could not be prepared: {0}")]
    Table(#[source] StoreError),
    #[error("the metrics recorder could not be installed: {0}")]
    Metrics(String),
}

/// The AWS SDK's shared configuration, made from the environment on first need (a process
/// with no AWS client never makes it) and lent to every client built from it.
#[derive(Default)]
pub struct Aws {
    config: OnceLock<aws_types::SdkConfig>,
}

impl Aws {
    pub fn config(&self) -> Result<&aws_types::SdkConfig, StartError> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let made = crate::aws::sdk_config()?;
        Ok(self.config.get_or_init(|| made))
    }
}

/// Reads the secrets `config` is given by ARN (`SECRETS_MANAGER_ENDPOINT` names an emulator).
pub async fn resolve_secrets(
    aws: &Aws,
    config: &mut dyn crate::config::HoldsSecrets,
) -> Result<(), StartError> {
    let endpoint = std::env::var("SECRETS_MANAGER_ENDPOINT").ok();
    secrets::resolve(aws, endpoint.as_deref(), config).await
}

pub use secrets::resolve as resolve_secrets_at;

/// A function's (or the local server's) HTTP state from the environment: configuration, its
/// secrets, its store, its clients.
pub async fn http_from_env(
    target: Target,
    aws: &Aws,
) -> Result<(HttpConfig, AppState), StartError> {
    let env = environment();
    let mut config = HttpConfig::from_lookup(target, &env)?;
    resolve_secrets(aws, &mut config).await?;
    config.check_keys_are_distinct()?;
    let store = store(&config.store, target.is_local(), aws).await?;
    if let (Some(dynamodb), Some(function)) = (&store.connect_at_init, target.function()) {
        dynamodb
            .open_connections(connections_at_init(function))
            .await;
    }
    let state = http_state(&config, store.shared, aws)?;
    Ok((config, state))
}

/// Connections opened at init. The pending list reads its page, the lapsed entries and the
/// counters concurrently, and each connection the pool lacks is a handshake of its own on the
/// first request; at 128 MB, two at init measured best (three cost a throttled init more than
/// they saved: `scripts/bench-cold-cpu`, README).
fn connections_at_init(function: Function) -> usize {
    match function {
        Function::List => 2,
        _ => 1,
    }
}

/// The whole of an HTTP function's `main`: configuration and clients once, then requests.
pub async fn run_http(function: Function) -> Result<(), lambda_http::Error> {
    logging::init();
    let collector = metrics::init(function.name()).unwrap_or_else(|e| exit_on(e));
    let aws = Aws::default();
    let (_, state) = http_from_env(Target::Function(function), &aws)
        .await
        .unwrap_or_else(|e| exit_on(e));
    metrics_cloudwatch_embedded::lambda::service::run_http(
        collector,
        http::app(Some(function), state),
    )
    .await
}

/// The whole of the sweeper's `main`: its service once, then per scheduled event one sweep of
/// the due invitations and one pass over the emails whose request stopped before sending
/// them. It serves no HTTP; it signs links (for those emails) and sends email.
pub async fn run_sweeper() -> Result<(), lambda_http::Error> {
    logging::init();
    let collector = metrics::init("sweeper").unwrap_or_else(|e| exit_on(e));
    let aws = Aws::default();
    let service = async {
        let mut config = SweeperConfig::from_lookup(&environment())?;
        resolve_secrets(&aws, &mut config).await?;
        config.check_keys()?;
        let store = store(&config.store, false, &aws).await?;
        let policy = crate::service::Policy {
            audit_retention_days: config.audit_retention_days,
            limits: config.limits,
            ..Default::default()
        };
        let parts = Parts {
            roles: &config.roles,
            policy: &policy,
            tickets: &config.tickets,
            links: &config.links,
            mailer: &config.mailer,
        };
        service(store.shared, parts, &aws)
    }
    .await
    .unwrap_or_else(|e| exit_on(e));
    metrics_cloudwatch_embedded::lambda::service::run(
        collector,
        lambda_http::service_fn(move |_: lambda_http::LambdaEvent<serde_json::Value>| {
            let service = service.clone();
            async move {
                let swept = service.sweeper().sweep_expired().await?;
                let unsent = service.send_unsent().await?;
                let reminders = service.send_reminders().await?;
                Ok::<_, lambda_http::Error>(serde_json::json!({
                    "read": swept.read, "expired": swept.expired, "skipped": swept.skipped,
                    "unsent_found": unsent.found, "unsent_sent": unsent.sent,
                    "reminders": reminders,
                }))
            }
        }),
    )
    .await
}

/// The whole of the events function's `main`: the pipeline once, then one stream batch per
/// invocation, answered with its batch item failures.
pub async fn run_events() -> Result<(), lambda_http::Error> {
    logging::init();
    let collector = metrics::init("events").unwrap_or_else(|e| exit_on(e));
    let aws = Aws::default();
    let pipeline = async {
        let mut config = EventsConfig::from_lookup(false, &environment())?;
        resolve_secrets(&aws, &mut config).await?;
        let store = store(&config.store, false, &aws).await?;
        let clock = Arc::new(crate::clock::SystemClock);
        pipeline(&config, store.shared, clock, &aws)
    }
    .await
    .unwrap_or_else(|e| exit_on(e));
    let pipeline = Arc::new(pipeline);
    metrics_cloudwatch_embedded::lambda::service::run(
        collector,
        lambda_http::service_fn(
            move |event: lambda_http::LambdaEvent<aws_lambda_events::event::dynamodb::Event>| {
                let pipeline = pipeline.clone();
                async move {
                    Ok::<_, lambda_http::Error>(
                        crate::events::lambda::handle_stream(&pipeline, event.payload).await,
                    )
                }
            },
        ),
    )
    .await
}

/// The whole of the bounces function's `main`: SES's delivery, bounce and complaint events
/// (through SNS) recorded on their invitations.
pub async fn run_bounces() -> Result<(), lambda_http::Error> {
    logging::init();
    let collector = metrics::init("bounces").unwrap_or_else(|e| exit_on(e));
    let aws = Aws::default();
    let config = BouncesConfig::from_lookup(&environment()).unwrap_or_else(|e| exit_on(e.into()));
    let store = store(&config.store, false, &aws)
        .await
        .unwrap_or_else(|e| exit_on(e));
    let feedback = crate::service::MailFeedback::new(
        store.shared.clone(),
        store.shared,
        Arc::new(crate::clock::SystemClock),
    )
    .with_breaker(config.breaker)
    .with_audit_retention(config.audit_retention_days);
    metrics_cloudwatch_embedded::lambda::service::run(
        collector,
        lambda_http::service_fn(
            move |event: lambda_http::LambdaEvent<aws_lambda_events::event::sns::SnsEvent>| {
                let feedback = feedback.clone();
                async move {
                    let report =
                        crate::events::lambda::handle_sns(&feedback, event.payload).await?;
                    Ok::<_, lambda_http::Error>(report)
                }
            },
        ),
    )
    .await
}

fn exit_on(e: StartError) -> ! {
    tracing::error!(error = %e, "configuration error");
    eprintln!("configuration error: {e}");
    std::process::exit(1);
}
