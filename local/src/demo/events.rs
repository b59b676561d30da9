//! The demo's view of the events the in-process pipeline wrote (`webhook-events/`): the last
//! ten, newest first, with what each is about. Not their data: the files are there for that.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::Shared;

pub async fn recent(State((demo, _)): State<Shared>) -> Response {
    let Some(dir) = &demo.events else {
        return Json(json!({"events": []})).into_response();
    };
    // Names are `{timestamp}-{id}.json`: newest first by name.
    let events: Vec<Value> = super::newest_files(dir, "json", 10)
        .iter()
        .filter_map(|file| {
            let event: Value = serde_json::from_str(&std::fs::read_to_string(file).ok()?).ok()?;
            let data = &event["data"];
            // An audit entry says what was done, and to whom when an address is its subject.
            let audit = data["action"].as_str().map(|action| {
                match data["metadata"]["email_address"].as_str() {
                    Some(address) => format!("{action}: {address}"),
                    None => action.to_string(),
                }
            });
            let about = audit.unwrap_or_else(|| {
                data["email_address"]
                    .as_str()
                    .or(data["public_user_data"]["identifier"].as_str())
                    .unwrap_or_default()
                    .to_string()
            });
            Some(json!({
                "id": event["id"], "type": event["type"], "timestamp": event["timestamp"],
                "about": about,
            }))
        })
        .collect();
    (
        [(CACHE_CONTROL, "no-store")],
        Json(json!({ "events": events })),
    )
        .into_response()
}
