//! The ceiling `scripts/bench-load` measures the service against: the same routes the load
//! generator calls, each a trivial axum handler (parse the JSON body, answer a small JSON
//! object), with nothing stored, signed, written or sent. What the machine, hyper, axum and
//! the load generator cost on their own; the service's rate is read as a fraction of it.
//!
//! `BUSY_MICROS` makes every answer spin the CPU that long first: a request as costly as the
//! service's, with nothing shared, locked, written or sent, so that what the machine's
//! scheduler does to a saturated server's latency is seen apart from what the service does.
//!
//! ```sh
//! PORT=3100 ceiling
//! PORT=3100 BUSY_MICROS=60 ceiling
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

static NEXT: AtomicU64 = AtomicU64::new(1);
static BUSY: std::sync::OnceLock<std::time::Duration> = std::sync::OnceLock::new();

/// Spins for `BUSY_MICROS` (nothing by default).
fn busy() {
    let Some(busy) = BUSY.get() else {
        return;
    };
    let started = std::time::Instant::now();
    while started.elapsed() < *busy {
        std::hint::spin_loop();
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")
        .map_err(|_| "PORT is not set")?
        .parse()?;
    let busy_micros: u64 = match std::env::var("BUSY_MICROS") {
        Ok(v) => v.parse()?,
        Err(_) => 0,
    };
    BUSY.get_or_init(|| std::time::Duration::from_micros(busy_micros));
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
    busy();
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    Json(json!({"id": format!("obj_{id}"), "object": "ceiling", "request": body}))
}

async fn page() -> Json<Value> {
    busy();
    Json(json!({"data": [], "total_count": 0}))
}

async fn revoked(Path((org, id)): Path<(String, String)>) -> Json<Value> {
    busy();
    Json(json!({"id": id, "organization_id": org, "status": "revoked"}))
}
