//! The demo's view of the events the in-process pipeline wrote (`webhook-events/events.jsonl`):
//! the last ten, newest first, with what each is about. Not their data: the log has that.

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use invitations::events::adapters::folder::EVENT_LOG;

use super::Shared;

pub async fn recent(State((demo, _)): State<Shared>) -> Response {
    let Some(dir) = &demo.events else {
        return Json(json!({"events": []})).into_response();
    };
    let mut events: Vec<Value> = super::logs::last_lines(&dir.join(EVENT_LOG), 10)
        .iter()
        .filter_map(|line| {
            let event: Value = serde_json::from_str(line).ok()?;
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
    // The log is in publishing order; an event can be published after a newer one (an audit
    // entry dated when its limit's window began), and the list says newest first.
    events.sort_by_key(|e| std::cmp::Reverse(e["timestamp"].as_i64()));
    (
        [(CACHE_CONTROL, "no-store")],
        Json(json!({ "events": events })),
    )
        .into_response()
}
