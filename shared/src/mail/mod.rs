//! The invitation email: composed from templates compiled into the binary, sent through a
//! [`Mailer`]: SES v2 when deployed, a local outbox (one mailbox file) by default, and an
//! in-memory capture for tests.

pub mod compose;
pub mod feedback;
pub mod memory;
pub mod outbox;
pub mod ses;

use async_trait::async_trait;

/// One message, ready to send: every part already escaped or made single-line as it must be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// For logs; not part of the message.
    pub invitation_id: String,
    /// The same for the same invitation and ticket: an email sent again (a retry) has it too.
    pub delivery_id: String,
    pub accept_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The service kept throttling after the bounded retries.
    #[error("throttled: {0}")]
    Throttled(String),
    /// The service refused the message (unverified sender, suppressed address, bad request).
    #[error("rejected: {0}")]
    Rejected(String),
    /// The service could not be reached or failed.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one message; the message id on success.
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}

/// The mailer of a function that sends no email: every send is refused (and none is attempted,
/// since only the invite function's routes send).
pub struct NoMailer;

#[async_trait]
impl Mailer for NoMailer {
    async fn send(&self, _email: &OutgoingEmail) -> Result<String, MailError> {
        Err(MailError::Rejected("this function sends no email".into()))
    }
}
