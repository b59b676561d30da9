//! A mailer that keeps what it was given, for tests that need to read the email but not SES.

use std::sync::Mutex;

use async_trait::async_trait;

use super::{MailError, Mailer, OutgoingEmail};

#[derive(Default)]
pub struct CapturingMailer {
    sent: Mutex<Vec<OutgoingEmail>>,
    /// When set, every send fails with this error.
    failure: Mutex<Option<MailError>>,
}

impl CapturingMailer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn fail_with(&self, failure: Option<MailError>) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = failure;
    }
}

#[async_trait]
impl Mailer for CapturingMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        if let Some(failure) = self
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Err(failure);
        }
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        sent.push(email.clone());
        Ok(format!("captured-{}", sent.len()))
    }
}
