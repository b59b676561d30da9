//! The local server's sink and dead letters: every event a line of `events.jsonl` (JSON lines,
//! in the order the pipeline published them: `tail -f` follows it, `jq` reads it), each dead
//! letter a file under `dead-letters/`.
//!
//! One log, not a file per event: a journey of the seed's admin loop made four events, and a
//! file each made the folder's writer create some 13,000 files a second under load (a fifth of
//! the machine's CPU in ext4's inode and directory code, and the flusher's besides), left a
//! folder of millions of entries after a day, and made every "newest events" a read of the
//! whole directory. A batch is now one append; the newest are read from the log's end.

use std::path::PathBuf;

use async_trait::async_trait;

use crate::events::delivery::{DeadLetter, DeadLetters, EventSink};
use crate::events::Event;
use crate::files::{FileWrite, FolderWriter};

/// Written by one thread (see `crate::files`).
#[derive(Clone)]
pub struct Folder {
    dir: PathBuf,
    log: PathBuf,
    writer: FolderWriter,
}

/// The events' log in the folder.
pub const EVENT_LOG: &str = "events.jsonl";

impl Folder {
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(dir.join("dead-letters"))?;
        Ok(Self {
            log: dir.join(EVENT_LOG),
            dir,
            writer: FolderWriter::start("events")?,
        })
    }

    pub fn path(&self) -> &std::path::Path {
        &self.dir
    }
}

/// An event's line: its body with its id, borrowed (not copied into a map a second time),
/// keys in the order a map sorts them, as the files of earlier versions had them.
#[derive(serde::Serialize)]
struct EventLine<'a> {
    data: &'a serde_json::Value,
    id: &'a str,
    instance_id: &'a str,
    object: &'a str,
    timestamp: crate::clock::Millis,
    #[serde(rename = "type")]
    kind: &'a str,
}

impl<'a> EventLine<'a> {
    fn of(e: &'a Event) -> Self {
        Self {
            data: &e.body.data,
            id: &e.id,
            instance_id: &e.body.instance_id,
            object: e.body.object,
            timestamp: e.body.timestamp,
            kind: e.body.kind,
        }
    }
}

#[async_trait]
impl EventSink for Folder {
    /// A batch's lines in one append by the folder's writer. A batch published again (the
    /// pipeline retries one that failed) adds its lines again: at least once, as a webhook
    /// receiver gets them, each with its `id` to tell.
    async fn publish(&self, events: &[Event]) -> Result<(), String> {
        let mut lines = Vec::with_capacity(events.len() * 768);
        for e in events {
            serde_json::to_writer(&mut lines, &EventLine::of(e)).map_err(|e| e.to_string())?;
            lines.push(b'\n');
        }
        self.writer
            .write(vec![FileWrite::Append(self.log.clone(), lines)])
            .await
    }
}

#[async_trait]
impl DeadLetters for Folder {
    async fn put(&self, letter: &DeadLetter) -> Result<(), String> {
        let pretty = serde_json::to_string_pretty(letter).map_err(|e| e.to_string())?;
        let endpoint: String = letter
            .endpoint
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .take(60)
            .collect();
        let name = format!("{}-{endpoint}.json", letter.event_id);
        let path = self.dir.join("dead-letters").join(name);
        self.writer
            .write(vec![FileWrite::Replace(path, pretty.into_bytes())])
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventBody, EventType};

    #[tokio::test]
    async fn an_event_is_a_line_of_its_body_and_id_with_sorted_keys_in_publishing_order() {
        let dir = std::env::temp_dir().join(format!("events-{}", crate::ids::random_base62(8)));
        let folder = Folder::new(&dir).unwrap();
        let event = Event {
            id: "evt_1".into(),
            kind: EventType::InvitationCreated,
            key: "orginv_1".into(),
            body: EventBody {
                object: "event",
                kind: "organizationInvitation.created",
                data: serde_json::json!({"status": "pending", "id": "orginv_1", "role": "org:member"}),
                timestamp: 1_700_000_000_000,
                instance_id: "ins_1".into(),
            },
        };
        let mut later = event.clone();
        later.id = "evt_0".into();
        folder.publish(std::slice::from_ref(&event)).await.unwrap();
        folder.publish(std::slice::from_ref(&later)).await.unwrap();
        let written = std::fs::read_to_string(dir.join(EVENT_LOG)).unwrap();
        // What a reader of an event file found before: the body as a JSON map, with its id.
        let line = |e: &Event| {
            let mut expected = serde_json::to_value(&e.body).unwrap();
            expected["id"] = serde_json::Value::String(e.id.clone());
            serde_json::to_string(&expected).unwrap()
        };
        assert_eq!(written, format!("{}\n{}\n", line(&event), line(&later)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
