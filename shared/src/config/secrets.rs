//! Secrets from AWS Secrets Manager. A secret variable may be given as the ARN of a secret
//! instead (`{VAR}_ARN`): a deployed function then reads it once, at start, with every other
//! secret it holds in parallel, and keeps it in memory only. Each function is granted only the
//! secrets it uses (`template.yaml`), so the list function cannot read the ticket key.

use std::collections::HashMap;
use std::time::Instant;

use super::ConfigError;

/// The variables that hold secrets.
pub const SECRET_VARS: [&str; 4] = [
    "INVITATIONS_SECRET_KEY",
    "TICKET_SIGNING_KEY",
    "SESSION_JWT_SECRET",
    "WEBHOOK_ENDPOINTS",
];

/// The secrets named by `{VAR}_ARN` (for variables not set directly), read concurrently: one
/// `GetSecretValue` each. `lookup` reads the environment; `endpoint` is an emulator's URL.
pub async fn resolve(
    lookup: &dyn Fn(&str) -> Option<String>,
    endpoint: Option<&str>,
) -> Result<HashMap<String, String>, ConfigError> {
    let wanted: Vec<(&'static str, String)> = SECRET_VARS
        .iter()
        .filter(|var| lookup(var).is_none_or(|v| v.trim().is_empty()))
        .filter_map(|var| {
            lookup(&format!("{var}_ARN"))
                .filter(|arn| !arn.trim().is_empty())
                .map(|arn| (*var, arn.trim().to_string()))
        })
        .collect();
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let started = Instant::now();
    let shared = crate::runtime::shared_aws()?;
    let mut builder = aws_sdk_secretsmanager::config::Builder::from(shared);
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    let client = aws_sdk_secretsmanager::Client::from_conf(builder.build());
    let reads = wanted.iter().map(|(var, arn)| {
        let client = &client;
        async move {
            let out = client
                .get_secret_value()
                .secret_id(arn)
                .send()
                .await
                .map_err(|e| {
                    ConfigError::invalid(
                        secret_arn_var(var),
                        format!(
                            "the secret {arn} could not be read ({})",
                            aws_sdk_secretsmanager::error::DisplayErrorContext(&e)
                        ),
                    )
                })?;
            let value = out.secret_string().ok_or_else(|| {
                ConfigError::invalid(
                    secret_arn_var(var),
                    format!("the secret {arn} holds no text"),
                )
            })?;
            Ok::<_, ConfigError>((var.to_string(), value.to_string()))
        }
    });
    let found: HashMap<String, String> = futures::future::try_join_all(reads)
        .await?
        .into_iter()
        .collect();
    tracing::info!(
        secrets = found.len(),
        elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
        "secrets read from Secrets Manager"
    );
    Ok(found)
}

fn secret_arn_var(var: &str) -> &'static str {
    match var {
        "INVITATIONS_SECRET_KEY" => "INVITATIONS_SECRET_KEY_ARN",
        "TICKET_SIGNING_KEY" => "TICKET_SIGNING_KEY_ARN",
        _ => "SESSION_JWT_SECRET_ARN",
    }
}
