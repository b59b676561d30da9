//! The sweeper's schedule, in process: what EventBridge Scheduler does for the deployed
//! `sweeper` function (every 5 minutes), the local server does itself, so that a local run
//! expires invitations on time and sends the emails whose request stopped, as production does.

use std::time::Duration;

use invitations::service::Service;

/// The template's schedule (`rate(5 minutes)`).
const DEFAULT_EVERY_SECONDS: u64 = 300;

/// `SWEEP_EVERY_SECONDS`, or the template's schedule.
pub fn sweep_interval() -> Result<Duration, String> {
    interval_from(std::env::var("SWEEP_EVERY_SECONDS").ok().as_deref())
}

fn interval_from(raw: Option<&str>) -> Result<Duration, String> {
    match raw {
        None => Ok(Duration::from_secs(DEFAULT_EVERY_SECONDS)),
        Some(raw) => match raw.parse::<u64>() {
            Ok(n) if n > 0 => Ok(Duration::from_secs(n)),
            _ => Err(format!(
                "SWEEP_EVERY_SECONDS must be a whole number of seconds, at least 1, not {raw:?}"
            )),
        },
    }
}

/// One pass at start (a restart after a crash heals at once), then one per `every`; a pass
/// that fails is logged and the next one tries again, as the scheduled function would be.
pub async fn sweep_on_schedule(service: std::sync::Arc<Service>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        ticks.tick().await;
        match service.sweeper().sweep_expired().await {
            Ok(report) if report.expired > 0 => {
                tracing::info!(expired = report.expired, "sweep: invitations expired")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "sweep: expiry failed; the next pass retries"),
        }
        if let Err(e) = service.send_unsent().await {
            tracing::warn!(error = %e, "sweep: queued emails not sent; the next pass retries");
        }
        if let Err(e) = service.send_reminders().await {
            tracing::warn!(error = %e, "sweep: reminders not sent; the next pass retries");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_the_templates_unless_set_and_never_zero() {
        assert_eq!(interval_from(None), Ok(Duration::from_secs(300)));
        assert_eq!(interval_from(Some("3")), Ok(Duration::from_secs(3)));
        for bad in ["0", "-1", "five", ""] {
            let refused = interval_from(Some(bad)).unwrap_err();
            assert!(refused.contains("SWEEP_EVERY_SECONDS"), "{refused}");
        }
    }
}
