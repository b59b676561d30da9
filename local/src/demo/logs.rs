//! The demo's reads of the local server's logs (`events.jsonl`, the outbox's mailbox).

use std::collections::HashSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use invitations::mail::outbox::MESSAGE_ID_DOMAIN;
use mail_parser::mailbox::mbox::MessageIterator;
use mail_parser::MessageParser;
use serde_json::{json, Value};

/// How much of the outbox's mailbox the demo reads, from its end: some fifty emails.
const MAILBOX_TAIL: u64 = 256 * 1024;

/// Up to `n` lines from the end of a log, newest first: read from its end a block at a time,
/// so a log of millions of lines costs what its last lines do. A line cut short (a write the
/// server was killed in) is the caller's to skip.
pub(super) fn last_lines(log: &Path, n: usize) -> Vec<String> {
    let Ok(file) = std::fs::File::open(log) else {
        return Vec::new();
    };
    rev_lines::RevLines::new(file)
        .take(n)
        .filter_map(Result::ok)
        .collect()
}

/// The newest `n` emails of the outbox's mailbox (mboxrd), newest first, an email sent again
/// listed once, where it was last sent: its id, recipient, subject and HTML part. Read from the
/// mailbox's last 256 KiB, so a mailbox of a million emails costs what its last fifty do.
pub(super) fn newest_emails(mailbox: &Path, n: usize) -> Vec<Value> {
    let Some((tail, whole)) = read_tail(mailbox, MAILBOX_TAIL) else {
        return Vec::new();
    };
    let Some(first) = first_message_at(&tail, whole) else {
        return Vec::new();
    };
    let entries: Vec<_> = MessageIterator::new(&tail[first..])
        .filter_map(Result::ok)
        .collect();
    let mut seen = HashSet::new();
    entries
        .iter()
        .rev()
        .filter_map(|entry| {
            let message = MessageParser::default().parse(entry.contents())?;
            let id = message.message_id()?;
            let id = id
                .strip_suffix(MESSAGE_ID_DOMAIN)
                .and_then(|id| id.strip_suffix('@'))
                .unwrap_or(id);
            seen.insert(id.to_string()).then(|| {
                json!({
                    "id": id,
                    "to": message.to().and_then(|to| to.first()?.address()).unwrap_or_default(),
                    "subject": message.subject().unwrap_or_default(),
                    "html": message.body_html(0).unwrap_or_default(),
                })
            })
        })
        .take(n)
        .collect()
}

/// The file's last `bytes`, and whether that is the whole file.
fn read_tail(file: &Path, bytes: u64) -> Option<(Vec<u8>, bool)> {
    let mut file = std::fs::File::open(file).ok()?;
    let start = file.metadata().ok()?.len().saturating_sub(bytes);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut tail = Vec::new();
    file.take(bytes).read_to_end(&mut tail).ok()?;
    Some((tail, start == 0))
}

/// Where the tail's first whole message begins: mboxrd quotes every line of a message that
/// would read as a `From ` line, so each line that does begins a message.
fn first_message_at(tail: &[u8], whole: bool) -> Option<usize> {
    if whole && tail.starts_with(b"From ") {
        return Some(0);
    }
    tail.windows(6)
        .position(|w| w == b"\nFrom ")
        .map(|at| at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_lines_come_newest_first_and_a_missing_log_reads_as_none() {
        let dir = std::env::temp_dir().join(format!("demo-logs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("events.jsonl");
        let lines: String = (0..5000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        std::fs::write(&log, lines).unwrap();
        assert_eq!(
            last_lines(&log, 3),
            ["{\"n\":4999}", "{\"n\":4998}", "{\"n\":4997}"]
        );
        assert_eq!(last_lines(&log, 10_000).len(), 5000);
        assert!(last_lines(&dir.join("absent.jsonl"), 3).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_newest_emails_come_from_the_mailboxs_end_each_once() {
        let dir = std::env::temp_dir().join(format!("demo-mailbox-{}", std::process::id()));
        let outbox = invitations::mail::outbox::OutboxMailer::new(&dir, "i@localhost").unwrap();
        let email = |n: usize| invitations::mail::OutgoingEmail {
            invitation_id: format!("orginv_{n}"),
            delivery_id: format!("orginv_{n}-a"),
            to: format!("p{n}@example.com"),
            subject: format!("Join {n}"),
            // Large enough that the mailbox is longer than the tail read from it.
            html: format!("<p>{n}</p>{}", "<br>".repeat(2000)),
            text: format!("{n}"),
            accept_url: String::new(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for n in (0..60).chain([57]) {
            runtime
                .block_on(invitations::mail::Mailer::send(&outbox, &email(n)))
                .unwrap();
        }
        let mailbox = dir.join(invitations::mail::outbox::MAILBOX);
        assert!(std::fs::metadata(&mailbox).unwrap().len() > MAILBOX_TAIL);
        let newest = newest_emails(&mailbox, 4);
        let ids: Vec<&str> = newest.iter().map(|e| e["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            ["orginv_57-a", "orginv_59-a", "orginv_58-a", "orginv_56-a"]
        );
        assert_eq!(newest[0]["to"], "p57@example.com");
        assert_eq!(newest[0]["subject"], "Join 57");
        assert_eq!(newest[0]["html"], email(57).html);
        // As many as the tail holds whole, and none cut where the tail begins.
        let all = newest_emails(&mailbox, 100);
        assert!((10..60).contains(&all.len()), "{}", all.len());
        for read in &all {
            let n: usize = read["id"].as_str().unwrap()[7..]
                .trim_end_matches("-a")
                .parse()
                .unwrap();
            assert_eq!(read["html"], email(n).html);
        }
        assert!(newest_emails(&dir.join("absent.mbox"), 4).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
