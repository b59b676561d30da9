//! A mailer that keeps what it was given, for tests that need to read the email but not SES.

use std::sync::Mutex;

use async_trait::async_trait;

use super::{MailError, Mailer, OutgoingEmail};

#[derive(Default)]
pub struct CapturingMailer {
    sent: Mutex<Vec<OutgoingEmail>>,
}

impl CapturingMailer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait]
impl Mailer for CapturingMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let mut sent = self.sent.lock().unwrap_or_else(|p| p.into_inner());
        sent.push(email.clone());
        Ok(format!("captured-{}", sent.len()))
    }
}
