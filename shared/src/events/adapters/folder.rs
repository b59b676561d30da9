//! The local server's sink and dead letters: each event a JSON file (`{timestamp}-{id}.json`,
//! so a listing is in order), each dead letter one under `dead-letters/`.

use std::path::PathBuf;

use async_trait::async_trait;

use crate::events::delivery::{DeadLetter, DeadLetters, EventSink};
use crate::events::Event;
use crate::files::{FileWrite, FolderWriter};

/// Written by one thread (see `crate::files`).
#[derive(Clone)]
pub struct Folder {
    dir: PathBuf,
    writer: FolderWriter,
}

impl Folder {
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(dir.join("dead-letters"))?;
        Ok(Self {
            dir,
            writer: FolderWriter::start("events")?,
        })
    }

    pub fn path(&self) -> &std::path::Path {
        &self.dir
    }
}

/// An event's file: its body with its id, borrowed (the body's data was copied into a map
/// a second time for each file), keys in the order a map sorts them, as before.
#[derive(serde::Serialize)]
struct EventFile<'a> {
    data: &'a serde_json::Value,
    id: &'a str,
    instance_id: &'a str,
    object: &'a str,
    timestamp: crate::clock::Millis,
    #[serde(rename = "type")]
    kind: &'a str,
}

impl<'a> EventFile<'a> {
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
    /// A batch's files in one job of the folder's writer.
    async fn publish(&self, events: &[Event]) -> Result<(), String> {
        let mut files = Vec::with_capacity(events.len());
        for e in events {
            let pretty = serde_json::to_vec_pretty(&EventFile::of(e)).map_err(|e| e.to_string())?;
            let name = format!("{:013}-{}.json", e.body.timestamp, e.id);
            files.push(FileWrite::Replace(self.dir.join(name), pretty));
        }
        self.writer.write(files).await
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
    async fn an_event_file_is_its_body_and_id_as_pretty_json_with_sorted_keys() {
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
        folder.publish(std::slice::from_ref(&event)).await.unwrap();
        let written = std::fs::read_to_string(dir.join("1700000000000-evt_1.json")).unwrap();
        // What a reader of the folder has always found: the body as a JSON map, with its id.
        let mut expected = serde_json::to_value(&event.body).unwrap();
        expected["id"] = serde_json::Value::String(event.id.clone());
        assert_eq!(written, serde_json::to_string_pretty(&expected).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
