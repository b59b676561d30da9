//! The embedded default: every message appended to one mailbox, `outbox.mbox` (mboxrd: open it
//! with `mutt -f`, Thunderbird's ImportExportTools, Python's `mailbox`; the demo shows the newest),
//! each message's `Message-ID` its email id. One append per send, where a file per message was
//! two files created: under load the folder's writer spent a tenth of the machine creating them,
//! and ext4 stalled the service for seconds writing them back (README, "Performance").
//! The log names the mailbox, never the accept link: a link is a credential, and logs travel
//! further than the outbox.

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use time::macros::format_description;

use super::{MailError, Mailer, OutgoingEmail};
use crate::files::{FileWrite, FolderWriter};

/// The outbox's mailbox: every message sent, in sending order.
pub const MAILBOX: &str = "outbox.mbox";
/// The domain of the mailbox's Message-IDs: `<{email id}@outbox.localhost>`.
pub const MESSAGE_ID_DOMAIN: &str = "outbox.localhost";
/// The outbox's record of every send, one JSON line each (time, email id, invitation).
const SENT_LOG: &str = "sent.log";

pub struct OutboxMailer {
    /// The folder's two logs, joined once at start.
    mailbox: PathBuf,
    sent_log: PathBuf,
    from: Mailbox,
    writer: FolderWriter,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>, from: &str) -> Result<Self, String> {
        let dir = dir.into();
        Ok(Self {
            mailbox: dir.join(MAILBOX),
            sent_log: dir.join(SENT_LOG),
            from: from
                .parse()
                .map_err(|e| format!("{from:?} is not a sender address: {e}"))?,
            writer: FolderWriter::start("outbox")
                .map_err(|e| format!("the outbox's writer did not start: {e}"))?,
        })
    }

    /// One line per send in `sent.log`: one `write` of an `O_APPEND` file, so lines of
    /// concurrent sends never interleave.
    fn sent_line(email: &OutgoingEmail, at: crate::clock::Millis) -> String {
        let mut line = serde_json::json!({
            "at": at,
            "delivery_id": email.delivery_id,
            "invitation_id": email.invitation_id,
        })
        .to_string();
        line.push('\n');
        line
    }

    /// The message as an mboxrd entry: its `From ` line, its lines with Unix endings and every
    /// line that reads as a `From ` line (after any `>`) quoted with one more `>`, and the blank
    /// line that ends it. No crate writes mbox; lettre writes the message, `mail-parser` reads
    /// the mailbox back in the tests.
    fn mbox_entry(&self, message: &[u8], at: crate::clock::Millis) -> Vec<u8> {
        let when = time::OffsetDateTime::from_unix_timestamp(at / 1000)
            .ok()
            .and_then(|t| {
                t.format(format_description!(
                    "[weekday repr:short] [month repr:short] [day padding:space] [hour]:[minute]:[second] [year]"
                ))
                .ok()
            })
            .unwrap_or_else(|| "Thu Jan  1 00:00:00 1970".into());
        let mut entry = format!("From {} {when}\n", self.from.email).into_bytes();
        entry.reserve(message.len() + 16);
        for line in message.split_inclusive(|&b| b == b'\n') {
            let line = line
                .strip_suffix(b"\r\n")
                .or_else(|| line.strip_suffix(b"\n"))
                .unwrap_or(line);
            let quotes = line.iter().take_while(|&&b| b == b'>').count();
            if line[quotes..].starts_with(b"From ") {
                entry.push(b'>');
            }
            entry.extend_from_slice(line);
            entry.push(b'\n');
        }
        entry.push(b'\n');
        entry
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| MailError::Rejected(format!("recipient: {e}")))?;
        // lettre encodes every header (RFC 2047) and refuses line breaks in them. The email's id
        // is its Message-ID: an email sent again is the same message, as a mail client sees it.
        let message = Message::builder()
            .message_id(Some(format!("<{}@{MESSAGE_ID_DOMAIN}>", email.delivery_id)))
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| MailError::Rejected(e.to_string()))?;
        // Every send is a message of the mailbox and a line of `sent.log`, as SES would send it
        // again: a duplicate shows, never hidden. Both appended by the outbox's one writer (see
        // `crate::files`), the mailbox first: a line in `sent.log` is a message written.
        let at = crate::clock::Clock::now(&crate::clock::SystemClock);
        self.writer
            .write(vec![
                FileWrite::Append(
                    self.mailbox.clone(),
                    self.mbox_entry(&message.formatted(), at),
                ),
                FileWrite::Append(
                    self.sent_log.clone(),
                    Self::sent_line(email, at).into_bytes(),
                ),
            ])
            .await
            .map_err(MailError::Unavailable)?;
        tracing::info!(invitation = %email.invitation_id, email = %email.delivery_id, mailbox = %self.mailbox.display(), "invitation email written to the outbox");
        Ok(format!("outbox-{}", email.delivery_id))
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use mail_parser::mailbox::mbox::MessageIterator;
    use mail_parser::MessageParser;

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

    fn email(delivery: &str, text: &str) -> OutgoingEmail {
        OutgoingEmail {
            invitation_id: "orginv_test".into(),
            delivery_id: delivery.into(),
            to: "grace@example.com".into(),
            subject: "Join Acme".into(),
            html: "<p>Join</p>".into(),
            text: text.into(),
            accept_url: "https://api.example.com/v1/tickets/accept?ticket=t".into(),
        }
    }

    /// Sends under a subscriber of its own: tracing caches a log line's interest across
    /// threads, and a line first met with no subscriber anywhere would be off for other tests.
    fn send_all(mailer: &OutboxMailer, emails: &[OutgoingEmail], log: Captured) {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || log.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            for email in emails {
                runtime.block_on(mailer.send(email)).unwrap();
            }
        });
    }

    /// The mailbox's messages, read by a parser of its own: (Message-ID, text part).
    fn read_mailbox(dir: &std::path::Path) -> Vec<(String, String)> {
        let file = std::fs::File::open(dir.join(MAILBOX)).unwrap();
        MessageIterator::new(std::io::BufReader::new(file))
            .map(|entry| {
                let entry = entry.unwrap();
                let message = MessageParser::default().parse(entry.contents()).unwrap();
                (
                    message.message_id().unwrap().to_string(),
                    message.body_text(0).unwrap().to_string(),
                )
            })
            .collect()
    }

    fn scratch() -> PathBuf {
        std::env::temp_dir().join(format!("outbox-test-{}", crate::ids::random_base62(8)))
    }

    #[test]
    fn the_log_names_the_mailbox_and_never_the_link() {
        let dir = scratch();
        let mailer = OutboxMailer::new(&dir, "Invitations <i@localhost.localdomain>").unwrap();
        let secret_link = "https://api.example.com/v1/tickets/accept?ticket=eyJ.secret.ticket";
        let mut sent = email("orginv_test-abc", secret_link);
        sent.html = format!("<a href=\"{secret_link}\">Join</a>");
        sent.accept_url = secret_link.into();
        let captured = Captured::default();
        send_all(&mailer, &[sent], captured.clone());
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("written to the outbox"), "{log}");
        assert!(log.contains(MAILBOX), "{log}");
        assert!(!log.contains("ticket="), "{log}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn an_email_sent_twice_is_two_messages_of_one_id_and_two_lines_in_the_sent_log() {
        let dir = scratch();
        let mailer = OutboxMailer::new(&dir, "Invitations <i@localhost.localdomain>").unwrap();
        let emails =
            ["orginv_twice-a", "orginv_twice-a", "orginv_twice-b"].map(|d| email(d, "Join"));
        send_all(&mailer, &emails, Captured::default());
        let ids: Vec<String> = read_mailbox(&dir).into_iter().map(|(id, _)| id).collect();
        assert_eq!(
            ids,
            [
                "orginv_twice-a@outbox.localhost",
                "orginv_twice-a@outbox.localhost",
                "orginv_twice-b@outbox.localhost"
            ],
            "every send is a message, its id the email's"
        );
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

    #[test]
    fn a_line_that_reads_as_a_from_line_is_quoted_and_reads_back_as_written() {
        let dir = scratch();
        let mailer = OutboxMailer::new(&dir, "Invitations <i@localhost.localdomain>").unwrap();
        let text = "Hello\nFrom the team at Acme\n>From a quote";
        send_all(
            &mailer,
            &[email("orginv_from-a", text), email("orginv_from-b", "Bye")],
            Captured::default(),
        );
        let raw = std::fs::read_to_string(dir.join(MAILBOX)).unwrap();
        assert!(
            raw.contains("\n>From the team") && raw.contains("\n>>From a quote"),
            "{raw}"
        );
        assert!(!raw.contains('\r'), "Unix line endings");
        let messages = read_mailbox(&dir);
        assert_eq!(messages.len(), 2, "the quoted lines split no message");
        let body = messages[0].1.replace("\r\n", "\n");
        assert!(
            body.contains("\nFrom the team at Acme\n>From a quote"),
            "{body:?}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
