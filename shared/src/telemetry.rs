//! The service's metrics, each named once here: one facade (`metrics`), two exporters
//! (CloudWatch Embedded Metric Format in Lambda, `runtime::metrics`; Prometheus at the local
//! server's `/metrics`). Labels stay few-valued (route, outcome, kind, function): an
//! organization's id goes in a log line's properties, never in a label. `CATALOG` lists every
//! metric, so the template's alarms and dashboard can be checked against what the code emits.

use std::time::Duration;

/// The CloudWatch namespace of every metric.
pub const NAMESPACE: &str = "Invitations";

/// What a metric is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

/// Every metric: name, kind, its labels (each few-valued), and what it counts.
pub const CATALOG: &[(&str, Kind, &[&str], &str)] = &[
    (INVITATIONS_CREATED, Kind::Counter, &[], "invitations stored (create, bulk)"),
    (INVITATIONS_ACCEPTED, Kind::Counter, &[], "invitations accepted"),
    (INVITATIONS_DECLINED, Kind::Counter, &["via"], "invitations declined (link, signed_in)"),
    (INVITATIONS_REVOKED, Kind::Counter, &[], "invitations revoked"),
    (INVITATIONS_EXPIRED, Kind::Counter, &[], "invitations expired by the sweeper"),
    (EMAILS, Kind::Counter, &["outcome"], "invitation emails: sent, failed, delivered, bounced_permanent, bounced_transient, complained, suppressed (refused), paused (refused)"),
    (REMINDERS_SENT, Kind::Counter, &[], "reminder emails sent before an invitation lapses"),
    (LINK_LOOKUPS, Kind::Counter, &["outcome"], "links followed: sign_in, sign_up, complete, invalid, expired, ended, limited"),
    (LIMIT_REFUSALS, Kind::Counter, &["limit"], "requests refused by an abuse limit"),
    (IDEMPOTENT_REPLAYS, Kind::Counter, &[], "answers given again for an Idempotency-Key"),
    (WEBHOOK_DELIVERIES, Kind::Counter, &["result"], "webhook deliveries: delivered, failed (an attempt), dead_lettered"),
    (BREAKER_TRIPS, Kind::Counter, &[], "organizations whose email the breaker paused"),
    (SUPPRESSIONS, Kind::Counter, &["reason"], "mailboxes suppressed: hard_bounce, complaint"),
    (HTTP_REQUESTS, Kind::Counter, &["route", "status_class"], "answers by route and status class (2xx, 4xx, 5xx)"),
    (HTTP_ANSWERS, Kind::Counter, &[], "answers, all routes (the 5xx rate's denominator)"),
    (HTTP_5XX, Kind::Counter, &[], "answers with a 5xx status, all routes (for the alarm)"),
    (HTTP_DURATION_MS, Kind::Histogram, &["route"], "time to answer, by route"),
    (ACCEPTED_AFTER_SECONDS, Kind::Histogram, &[], "from an invitation's creation to its acceptance"),
    (SWEEP_DUE_LAG_SECONDS, Kind::Gauge, &[], "how long the oldest due invitation a sweep found had been due"),
    (SWEEP_RUNS, Kind::Counter, &[], "sweeper passes (a pass that stops shows as their absence)"),
    (AUDIT_ENTRIES, Kind::Counter, &["action"], "audit entries written"),
    (DOMAINS, Kind::Counter, &["outcome"], "organization domains: created, verified (by code), code_sent, code_failed (a wrong or late code), deleted"),
    (DOMAIN_OFFERS, Kind::Counter, &["kind"], "what verified domains offered people: invitation, suggestion"),
    (MEMBERSHIP_REQUESTS, Kind::Counter, &["outcome"], "membership requests: created, accepted, rejected"),
    (INVITATION_LINKS, Kind::Counter, &["outcome"], "shareable links: created, revoked, joined, requested, refused_{revoked,expired,exhausted,domain,member,full,hourly_cap}, failed"),
    (LINK_PREVIEWS, Kind::Counter, &["outcome"], "shareable links opened: shown, not_found, ended"),
];

pub const INVITATIONS_CREATED: &str = "invitations_created";
pub const INVITATIONS_ACCEPTED: &str = "invitations_accepted";
pub const INVITATIONS_DECLINED: &str = "invitations_declined";
pub const INVITATIONS_REVOKED: &str = "invitations_revoked";
pub const INVITATIONS_EXPIRED: &str = "invitations_expired";
pub const EMAILS: &str = "emails";
pub const REMINDERS_SENT: &str = "reminders_sent";
pub const LINK_LOOKUPS: &str = "link_lookups";
pub const LIMIT_REFUSALS: &str = "limit_refusals";
pub const IDEMPOTENT_REPLAYS: &str = "idempotent_replays";
pub const WEBHOOK_DELIVERIES: &str = "webhook_deliveries";
pub const BREAKER_TRIPS: &str = "breaker_trips";
pub const SUPPRESSIONS: &str = "suppressions";
pub const HTTP_REQUESTS: &str = "http_requests";
pub const HTTP_ANSWERS: &str = "http_answers";
pub const HTTP_5XX: &str = "http_5xx";
pub const HTTP_DURATION_MS: &str = "http_duration_ms";
pub const ACCEPTED_AFTER_SECONDS: &str = "accepted_after_seconds";
pub const SWEEP_DUE_LAG_SECONDS: &str = "sweep_due_lag_seconds";
pub const SWEEP_RUNS: &str = "sweep_runs";
pub const AUDIT_ENTRIES: &str = "audit_entries";
pub const DOMAINS: &str = "domains";
pub const DOMAIN_OFFERS: &str = "domain_offers";
pub const MEMBERSHIP_REQUESTS: &str = "membership_requests";
pub const INVITATION_LINKS: &str = "invitation_links";
pub const LINK_PREVIEWS: &str = "link_previews";

/// Gives each metric its unit and description (EMF lines carry the unit; `/metrics` the help).
pub fn describe() {
    for &(name, kind, _, help) in CATALOG {
        match kind {
            Kind::Counter => metrics::describe_counter!(name, metrics::Unit::Count, help),
            Kind::Gauge => metrics::describe_gauge!(name, metrics::Unit::Seconds, help),
            Kind::Histogram if name.ends_with("_ms") => {
                metrics::describe_histogram!(name, metrics::Unit::Milliseconds, help)
            }
            Kind::Histogram => metrics::describe_histogram!(name, metrics::Unit::Seconds, help),
        }
    }
}

/// Counts one event of a metric without labels.
pub fn count(name: &'static str) {
    metrics::counter!(name).increment(1);
}

/// Counts `n` events of a metric without labels.
pub fn count_n(name: &'static str, n: u64) {
    if n > 0 {
        metrics::counter!(name).increment(n);
    }
}

/// Counts one event of a metric with one label (its value one of a few).
pub fn count_by(name: &'static str, label: &'static str, value: &'static str) {
    metrics::counter!(name, label => value).increment(1);
}

/// One answer: by route and status class, its time, and the 5xx total.
pub fn http_answer(route: &str, status: u16, took: Duration) {
    let class = match status {
        500.. => "5xx",
        400..=499 => "4xx",
        300..=399 => "3xx",
        _ => "2xx",
    };
    metrics::counter!(HTTP_REQUESTS, "route" => route.to_string(), "status_class" => class)
        .increment(1);
    metrics::histogram!(HTTP_DURATION_MS, "route" => route.to_string())
        .record(took.as_secs_f64() * 1000.0);
    count(HTTP_ANSWERS);
    if status >= 500 {
        count(HTTP_5XX);
    }
}

/// An invitation accepted `ms` after it was created.
pub fn accepted_after(ms: i64) {
    count(INVITATIONS_ACCEPTED);
    metrics::histogram!(ACCEPTED_AFTER_SECONDS).record(ms.max(0) as f64 / 1000.0);
}

/// A sweep ran; the oldest due invitation it found had been due `lag_ms`.
pub fn sweep(lag_ms: i64) {
    count(SWEEP_RUNS);
    metrics::gauge!(SWEEP_DUE_LAG_SECONDS).set(lag_ms.max(0) as f64 / 1000.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_is_listed_once_with_few_valued_labels() {
        let mut names: Vec<&str> = CATALOG.iter().map(|(n, ..)| *n).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CATALOG.len());
        for (name, _, labels, _) in CATALOG {
            assert!(
                labels
                    .iter()
                    .all(|l| !l.contains("organization") && !l.contains("user")),
                "{name}: no id in a label"
            );
        }
    }
}
