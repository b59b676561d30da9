//! The embedded default: each message written as a standard `.eml` file (open it in any mail
//! client) and its HTML part as an `.html` file (open it in a browser). The log names the file,
//! never the accept link: a link is a credential, and logs travel further than the outbox.

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::{MailError, Mailer, OutgoingEmail};

pub struct OutboxMailer {
    dir: PathBuf,
    from: Mailbox,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>, from: &str) -> Result<Self, String> {
        Ok(Self {
            dir: dir.into(),
            from: from
                .parse()
                .map_err(|e| format!("{from:?} is not a sender address: {e}"))?,
        })
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError::Rejected(format!("recipient: {e}")))?;
        // lettre encodes every header (RFC 2047) and refuses line breaks in them.
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| MailError::Rejected(e.to_string()))?;
        let stem = format!(
            "{}-{}",
            crate::clock::Clock::now(&crate::clock::SystemClock),
            email.invitation_id
        );
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| MailError::Unavailable(format!("{}: {e}", self.dir.display())))?;
        let eml = self.dir.join(format!("{stem}.eml"));
        tokio::fs::write(&eml, message.formatted())
            .await
            .map_err(|e| MailError::Unavailable(format!("{}: {e}", eml.display())))?;
        let html = self.dir.join(format!("{stem}.html"));
        tokio::fs::write(&html, &email.html)
            .await
            .map_err(|e| MailError::Unavailable(format!("{}: {e}", html.display())))?;
        tracing::info!(invitation = %email.invitation_id, file = %html.display(), "invitation email written to the outbox");
        Ok(format!("outbox-{stem}"))
    }
}
