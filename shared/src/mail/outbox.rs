//! The embedded default: each message written as a standard `.eml` file (open it in any mail
//! client) and its HTML part as an `.html` file (open it in a browser). The log names the file,
//! never the accept link: a link is a credential, and logs travel further than the outbox.

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::{MailError, Mailer, OutgoingEmail};
use crate::files::{FileWrite, FolderWriter};

pub struct OutboxMailer {
    dir: PathBuf,
    from: Mailbox,
    writer: FolderWriter,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>, from: &str) -> Result<Self, String> {
        Ok(Self {
            dir: dir.into(),
            from: from
                .parse()
                .map_err(|e| format!("{from:?} is not a sender address: {e}"))?,
            writer: FolderWriter::start("outbox")
                .map_err(|e| format!("the outbox's writer did not start: {e}"))?,
        })
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// One line per send in `sent.log`: one `write` of an `O_APPEND` file, so lines of
    /// concurrent sends never interleave.
    fn sent_line(email: &OutgoingEmail) -> String {
        let mut line = serde_json::json!({
            "at": crate::clock::Clock::now(&crate::clock::SystemClock),
            "delivery_id": email.delivery_id,
            "invitation_id": email.invitation_id,
        })
        .to_string();
        line.push('\n');
        line
    }
}

/// The outbox's record of every send, one JSON line each (time, email id, invitation).
pub const SENT_LOG: &str = "sent.log";

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
        // One file per email id, the latest copy; every send is also a line of `sent.log`, as
        // SES would send it again: a duplicate shows there, never hidden by the files.
        // Its files and its log line, written by the outbox's one writer (see `crate::files`).
        let stem = &email.delivery_id;
        let html = self.dir.join(format!("{stem}.html"));
        self.writer
            .write(vec![
                FileWrite::Replace(self.dir.join(format!("{stem}.eml")), message.formatted()),
                FileWrite::Replace(html.clone(), email.html.clone().into_bytes()),
                FileWrite::Append(self.dir.join(SENT_LOG), Self::sent_line(email).into_bytes()),
            ])
            .await
            .map_err(MailError::Unavailable)?;
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
        assert!(sent.is_ok(), "{sent:?}");
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("written to the outbox"), "{log}");
        assert!(log.contains(".html"), "{log}");
        assert!(!log.contains("ticket="), "{log}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_email_sent_twice_keeps_one_copy_and_two_lines_in_the_sent_log() {
        let dir =
            std::env::temp_dir().join(format!("outbox-test-{}", crate::ids::random_base62(8)));
        let mailer = OutboxMailer::new(&dir, "Invitations <i@localhost.localdomain>").unwrap();
        let email = |delivery: &str| OutgoingEmail {
            invitation_id: "orginv_twice".into(),
            delivery_id: delivery.into(),
            to: "grace@example.com".into(),
            subject: "Join Acme".into(),
            html: "<p>Join</p>".into(),
            text: "Join".into(),
            accept_url: "https://api.example.com/v1/tickets/accept?ticket=t".into(),
        };
        // Under a subscriber of its own, as the test above: tracing caches a log line's
        // interest across threads, and a line first met with no subscriber anywhere would be
        // off for that test too.
        let subscriber = tracing_subscriber::fmt()
            .with_writer(std::io::sink)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            for delivery in ["orginv_twice-a", "orginv_twice-a", "orginv_twice-b"] {
                runtime.block_on(mailer.send(&email(delivery))).unwrap();
            }
        });
        let emls = std::fs::read_dir(&dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "eml")
            })
            .count();
        assert_eq!(emls, 2, "one copy per email");
        let log = std::fs::read_to_string(dir.join(SENT_LOG)).unwrap();
        let deliveries: Vec<String> = log
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["delivery_id"].to_string()
            })
            .collect();
        assert_eq!(
            deliveries,
            [
                "\"orginv_twice-a\"",
                "\"orginv_twice-a\"",
                "\"orginv_twice-b\""
            ],
            "every send is a line"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
