//! The ceiling `scripts/bench-load` measures the service against: the same routes the load
//! generator calls, each a trivial axum handler (parse the JSON body, answer a small JSON
//! object), with nothing stored, signed, written or sent. What the machine, hyper, axum and
//! the load generator cost on their own; the service's rate is read as a fraction of it.
//!
//! ```sh
//! PORT=3100 ceiling
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

static NEXT: AtomicU64 = AtomicU64::new(1);

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")
        .map_err(|_| "PORT is not set")?
        .parse()?;
    let app = Router::new()
        .route("/", get(|| async { "ceiling" }))
        .route("/v1/users", post(created))
        .route("/v1/organizations", post(created))
        .route(
            "/v1/organizations/{org}/invitations",
            post(created).get(page),
        )
        .route(
            "/v1/organizations/{org}/invitations/{id}/revoke",
            post(revoked),
        );
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn created(Json(body): Json<Value>) -> Json<Value> {
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    Json(json!({"id": format!("obj_{id}"), "object": "ceiling", "request": body}))
}

async fn page() -> Json<Value> {
    Json(json!({"data": [], "total_count": 0}))
}

async fn revoked(Path((org, id)): Path<(String, String)>) -> Json<Value> {
    Json(json!({"id": id, "organization_id": org, "status": "revoked"}))
}
