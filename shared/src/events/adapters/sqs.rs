//! Dead letters to an SQS queue: one `SendMessage` per delivery that kept failing.

use async_trait::async_trait;
use aws_sdk_sqs::Client;

use crate::aws::LazyClient;
use crate::events::delivery::{DeadLetter, DeadLetters};

pub struct SqsDeadLetters {
    client: LazyClient<Client>,
    queue_url: String,
}

impl SqsDeadLetters {
    /// `client` is made on the first event, not at cold start.
    pub fn new(client: LazyClient<Client>, queue_url: impl Into<String>) -> Self {
        Self {
            client,
            queue_url: queue_url.into(),
        }
    }
}

#[async_trait]
impl DeadLetters for SqsDeadLetters {
    async fn put(&self, letter: &DeadLetter) -> Result<(), String> {
        let body = serde_json::to_string(letter).map_err(|e| e.to_string())?;
        self.client
            .get()
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_sdk_sqs::error::DisplayErrorContext(&e).to_string())
    }
}
