//! Configuration and the state built once per cold start, shared by every function and the
//! local server. Bad configuration stops the process at start, naming the variable.

use std::sync::Arc;

use axum::Router;

use crate::clock::SystemClock;
use crate::domain::RoleCatalog;
use crate::http::{self, AppState, SecretKeys};
use crate::service::{Policy, RedirectPolicy, Service};
use crate::store::dynamodb::{ensure_table, DynamoStore};
use crate::store::memory::MemoryStore;
use crate::store::{Store, StoreError};

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
pub struct Config {
    pub secret_keys: Vec<String>,
    pub store: StoreConfig,
    pub roles: RoleCatalog,
    pub policy: Policy,
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
    pub fn from_env(default_store: &str) -> Result<Self, ConfigError> {
        let secret_keys: Vec<String> = var("INVITATIONS_SECRET_KEY")
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
        Ok(Self {
            secret_keys,
            store,
            roles,
            policy: Policy {
                default_max_allowed_memberships,
                redirects,
            },
        })
    }
}

/// The shared AWS configuration: region and credentials from the environment as Lambda sets
/// them, loaded once.
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
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
            let client = dynamodb_client(&aws_config().await, endpoint.as_deref());
            if create_table {
                ensure_table(&client, table)
                    .await
                    .map_err(ConfigError::Table)?;
            }
            Arc::new(DynamoStore::new(client, table.clone()))
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
        ),
        secret_keys: Arc::new(secret_keys),
    })
}

/// The whole of a function's `main`: configuration and clients once, then requests.
pub async fn run_function(routes: fn() -> Router<AppState>) -> Result<(), lambda_http::Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = Config::from_env("dynamodb")?;
    let state = build_state(&config, false).await?;
    lambda_http::run(http::app(routes(), state)).await
}
