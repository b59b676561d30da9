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
        // One file per email id: the same email sent again (a retry after a lost answer, the
        // sweeper after an interrupted request) replaces its copy instead of adding one.
        let stem = &email.delivery_id;
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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_log_names_the_file_and_never_the_link() {
        let dir =
            std::env::temp_dir().join(format!("outbox-test-{}", crate::ids::random_base62(8)));
        let mailer = OutboxMailer::new(&dir, "Invitations <i@localhost.localdomain>").unwrap();
        let secret_link = "https://api.example.com/v1/tickets/accept?ticket=eyJ.secret.ticket";
        let email = OutgoingEmail {
            invitation_id: "orginv_test".into(),
            delivery_id: "orginv_test-abc".into(),
            to: "grace@example.com".into(),
            subject: "Join Acme".into(),
            html: format!("<a href=\"{secret_link}\">Join</a>"),
            text: secret_link.into(),
            accept_url: secret_link.into(),
        };
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let sent = tracing::subscriber::with_default(subscriber, || {
            tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap()
                .block_on(mailer.send(&email))
        });
        assert!(sent.is_ok());
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("written to the outbox"), "{log}");
        assert!(log.contains(".html"), "{log}");
        assert!(!log.contains("ticket="), "{log}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
