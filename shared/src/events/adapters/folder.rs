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

#[async_trait]
impl EventSink for Folder {
    /// A batch's files in one job of the folder's writer.
    async fn publish(&self, events: &[Event]) -> Result<(), String> {
        let mut files = Vec::with_capacity(events.len());
        for e in events {
            let mut body = serde_json::to_value(&e.body).map_err(|e| e.to_string())?;
            body["id"] = serde_json::Value::String(e.id.clone());
            let pretty = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
            let name = format!("{:013}-{}.json", e.body.timestamp, e.id);
            files.push(FileWrite::Replace(self.dir.join(name), pretty.into_bytes()));
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
