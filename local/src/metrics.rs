//! The local exporter: the same metrics the functions print as EMF lines
//! (`invitations::telemetry`), served for Prometheus at `/metrics`. A scrape presents the
//! backend secret key (`Authorization: Bearer …`, which Prometheus's `authorization` sends):
//! the counts are the service's business, not any page's.

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;
use invitations::http::auth::Backend;
use invitations::http::AppState;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// How often histograms are drained into their summaries.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Installs the Prometheus recorder for this process, and its upkeep: a histogram keeps every
/// sample recorded until upkeep drains it, which `install_recorder` leaves to the caller, so
/// a server nobody scraped kept every request's latency for as long as it ran.
pub fn install() -> Result<PrometheusHandle, String> {
    let handle = PrometheusBuilder::new()
        .install_recorder()
        .map_err(|e| format!("the metrics recorder could not be installed: {e}"))?;
    invitations::telemetry::describe();
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(UPKEEP_EVERY);
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// `GET /metrics`, in Prometheus's text format.
pub fn routes(handle: PrometheusHandle, state: AppState) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move |_: Backend| async move {
                handle.run_upkeep();
                (
                    [(CONTENT_TYPE, "text/plain; version=0.0.4")],
                    handle.render(),
                )
            }),
        )
        .with_state(state)
}
