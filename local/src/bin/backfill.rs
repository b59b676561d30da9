//! One-off migration of an existing table to the pending indexes and settled counters
//! (`docs/dynamodb.md`, "Migrating a table"). Resumable: after each page the position is
//! written to a checkpoint file, and a run starts from it; every write is conditional, so a
//! rerun from the start is harmless too.
//!
//! ```sh
//! TABLE_NAME=invitations cargo run -p local --bin backfill            # AWS credentials as usual
//! TABLE_NAME=t DYNAMODB_ENDPOINT=http://127.0.0.1:5000 cargo run -p local --bin backfill
//! ```

use std::collections::HashMap;
use std::process::ExitCode;

use aws_sdk_dynamodb::types::AttributeValue;
use invitations::runtime::{dynamodb_client, shared_aws};
use invitations::store::dynamodb::{BackfillProgress, DynamoStore, Item};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let mut message = e.to_string();
            let mut source = e.source();
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let table = std::env::var("TABLE_NAME")
        .map_err(|_| "TABLE_NAME is not set: name the table to migrate")?;
    let endpoint = std::env::var("DYNAMODB_ENDPOINT").ok();
    let checkpoint = std::env::var("BACKFILL_CHECKPOINT")
        .unwrap_or_else(|_| format!("backfill-{table}.checkpoint"));
    let store = DynamoStore::new(
        dynamodb_client(shared_aws()?, endpoint.as_deref()),
        table.clone(),
    );
    let mut start = read_checkpoint(&checkpoint)?;
    if start.is_some() {
        println!("resuming from {checkpoint}");
    }
    let mut total = BackfillProgress::default();
    let mut pages = 0u64;
    loop {
        let (progress, next) = store.backfill_page(start).await?;
        total.add(progress);
        pages += 1;
        match &next {
            Some(key) => std::fs::write(&checkpoint, encode(key))?,
            None => {
                let _ = std::fs::remove_file(&checkpoint);
            }
        }
        println!(
            "page {pages}: {} to migrate, {} indexed, {} counted, {} pointed, {} counted on addresses",
            progress.found,
            progress.indexed,
            progress.counted,
            progress.pointed,
            progress.address_counted
        );
        start = next;
        if start.is_none() {
            break;
        }
    }
    println!(
        "done: {} invitations found, {} pending indexed, {} settled counted, {} pointed, \
         {} counted on their address (a second run finds 0 when nothing changed meanwhile)",
        total.found, total.indexed, total.counted, total.pointed, total.address_counted,
    );
    Ok(())
}

/// The scan position: the base table's key, string attributes only.
fn encode(key: &Item) -> String {
    let strings: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|s| (k.as_str(), s.as_str())))
        .collect();
    serde_json::to_string(&strings).unwrap_or_default()
}

fn read_checkpoint(path: &str) -> Result<Option<Item>, Box<dyn std::error::Error>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    let strings: HashMap<String, String> = serde_json::from_str(&text)
        .map_err(|e| format!("{path} is not a checkpoint of this command: {e}"))?;
    Ok(Some(
        strings
            .into_iter()
            .map(|(k, v)| (k, AttributeValue::S(v)))
            .collect(),
    ))
}
