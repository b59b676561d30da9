//! The local server's sink and dead letters: each event a JSON file (`{timestamp}-{id}.json`,
//! so a listing is in order), each dead letter one under `dead-letters/`.

use std::path::PathBuf;

use async_trait::async_trait;

use crate::events::delivery::{DeadLetter, DeadLetters, EventSink};
use crate::events::Event;

#[derive(Clone)]
pub struct Folder(PathBuf);

impl Folder {
    pub fn new(dir: impl Into<PathBuf>) -> std::io::Result<Self> {
        let dir = dir.into();
        std::fs::create_dir_all(dir.join("dead-letters"))?;
        Ok(Self(dir))
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

async fn write(path: PathBuf, json: String) -> Result<(), String> {
    tokio::fs::write(&path, json)
        .await
        .map_err(|e| format!("writing {}: {e}", path.display()))
}

#[async_trait]
impl EventSink for Folder {
    /// A batch's files in one trip to the blocking pool (a `tokio::fs` call per file was a
    /// hand-off to another thread and back each).
    async fn publish(&self, events: &[Event]) -> Result<(), String> {
        let mut files = Vec::with_capacity(events.len());
        for e in events {
            let mut body = serde_json::to_value(&e.body).map_err(|e| e.to_string())?;
            body["id"] = serde_json::Value::String(e.id.clone());
            let pretty = serde_json::to_string_pretty(&body).map_err(|e| e.to_string())?;
            let name = format!("{:013}-{}.json", e.body.timestamp, e.id);
            files.push((self.0.join(name), pretty));
        }
        tokio::task::spawn_blocking(move || {
            files.into_iter().try_for_each(|(path, json)| {
                std::fs::write(&path, json).map_err(|e| format!("writing {}: {e}", path.display()))
            })
        })
        .await
        .map_err(|e| format!("the event files' write stopped: {e}"))?
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
        write(self.0.join("dead-letters").join(name), pretty).await
    }
}
