//! Amazon SES v2 `SendEmail`, with `Simple` content: SES builds the headers from the parts, so
//! nothing in a subject or body can become a header of its own.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_sdk_sesv2::Client;

use super::{MailError, Mailer, OutgoingEmail};

/// Attempts per message when SES throttles or fails transiently (the SDK's standard retry with
/// exponential backoff and jitter), starting from this backoff.
pub const MAX_ATTEMPTS: u32 = 4;
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(200);

pub struct SesMailer {
    client: crate::aws::LazyClient<Client>,
    from: String,
    configuration_set: Option<String>,
}

/// The SES client's configuration: bounded retries.
pub fn config(
    shared: &aws_types::SdkConfig,
    endpoint: Option<&str>,
    initial_backoff: Duration,
) -> aws_sdk_sesv2::Config {
    let retry = aws_sdk_sesv2::config::retry::RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(initial_backoff);
    let mut builder = aws_sdk_sesv2::config::Builder::from(shared).retry_config(retry);
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    builder.build()
}

/// The SES client, built once per cold start, with bounded retries.
pub fn client(
    shared: &aws_types::SdkConfig,
    endpoint: Option<&str>,
    initial_backoff: Duration,
) -> Client {
    Client::from_conf(config(shared, endpoint, initial_backoff))
}

impl SesMailer {
    pub fn new(client: Client, from: impl Into<String>, configuration_set: Option<String>) -> Self {
        Self::with(
            crate::aws::LazyClient::ready(client),
            from,
            configuration_set,
        )
    }

    /// The client is made from `config` on the first message, not at cold start.
    pub fn lazy(
        config: aws_sdk_sesv2::Config,
        from: impl Into<String>,
        configuration_set: Option<String>,
    ) -> Self {
        let client = crate::aws::LazyClient::new(move || Client::from_conf(config.clone()));
        Self::with(client, from, configuration_set)
    }

    fn with(
        client: crate::aws::LazyClient<Client>,
        from: impl Into<String>,
        configuration_set: Option<String>,
    ) -> Self {
        Self {
            client,
            from: from.into(),
            configuration_set,
        }
    }
}

fn content(data: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError::Rejected(e.to_string()))
}

fn mail_error(err: SdkError<SendEmailError, impl std::fmt::Debug>) -> MailError {
    let message = err.message().unwrap_or_default().to_string();
    match err.as_service_error() {
        Some(SendEmailError::TooManyRequestsException(_))
        | Some(SendEmailError::LimitExceededException(_)) => MailError::Throttled(message),
        Some(e) => MailError::Rejected(format!("{}: {message}", e.code().unwrap_or("Error"))),
        None => MailError::Unavailable(format!("{err}")),
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let message = Message::builder()
            .subject(content(&email.subject)?)
            .body(
                Body::builder()
                    .html(content(&email.html)?)
                    .text(content(&email.text)?)
                    .build(),
            )
            .build();
        let out = self
            .client
            .get()
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().simple(message).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(mail_error)?;
        out.message_id
            .ok_or_else(|| MailError::Unavailable("SES answered without a message id".into()))
    }
}
