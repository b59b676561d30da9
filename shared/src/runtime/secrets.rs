//! Secrets from AWS Secrets Manager: a secret setting given as the ARN of a secret
//! (`{VAR}_ARN`) is read once, at start, with every other one the configuration holds, in
//! parallel, and kept in memory only. Each function is granted only the secrets its
//! configuration reads (`template.yaml`; a test holds the two together).

use std::time::Instant;

use super::{Aws, StartError};
use crate::config::{ConfigError, HoldsSecrets, SecretSource};

/// Replaces every secret of `config` given by ARN with its value: one `GetSecretValue` each,
/// concurrently; none (and no client) when there are none. `endpoint` names an emulator.
pub async fn resolve(
    aws: &Aws,
    endpoint: Option<&str>,
    config: &mut dyn HoldsSecrets,
) -> Result<(), StartError> {
    let mut wanted: Vec<_> = config
        .secrets_mut()
        .into_iter()
        .filter(|s| matches!(s.source, SecretSource::Arn(_)))
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    let started = Instant::now();
    let mut builder = aws_sdk_secretsmanager::config::Builder::from(aws.config()?);
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    let client = aws_sdk_secretsmanager::Client::from_conf(builder.build());
    let reads = wanted.iter().map(|secret| {
        let client = &client;
        async move {
            let SecretSource::Arn(arn) = &secret.source else {
                return Ok(String::new());
            };
            let arn_var = secret.arn_var();
            let out = client
                .get_secret_value()
                .secret_id(arn)
                .send()
                .await
                .map_err(|e| {
                    ConfigError::invalid(
                        arn_var,
                        format!(
                            "the secret {arn} could not be read ({})",
                            aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
                        ),
                    )
                })?;
            out.secret_string().map(str::to_string).ok_or_else(|| {
                ConfigError::invalid(arn_var, format!("the secret {arn} holds no text"))
            })
        }
    });
    let values = futures::future::try_join_all(reads).await?;
    for (secret, value) in wanted.iter_mut().zip(values) {
        secret.source = SecretSource::Value(value);
    }
    tracing::info!(
        secrets = wanted.len(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "secrets read from Secrets Manager"
    );
    Ok(())
}
