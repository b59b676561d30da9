//! The Lambda exporter: the metrics of one invocation printed to stdout as CloudWatch Embedded
//! Metric Format lines after it ends (`metrics_cloudwatch_embedded`'s layer flushes them), which
//! CloudWatch Logs turns into metrics with no API call and no agent.
//!
//! No default dimension: a metric's dimensions are its own few-valued labels, so a total (the
//! 5xx answers, the failed emails) is one metric across functions, which an alarm can watch.
//! The function and the invocation's request id are properties of each line (searchable in Logs
//! Insights, never a dimension).

use metrics_cloudwatch_embedded::{Builder, Collector};

/// Installs the EMF recorder for this process (once: its `main` calls it).
pub fn init(function: &'static str) -> Result<&'static Collector, super::StartError> {
    let collector = Builder::new()
        .cloudwatch_namespace(crate::telemetry::NAMESPACE)
        .with_lambda_request_id("request_id")
        .init()
        .map_err(|e| super::StartError::Metrics(e.to_string()))?;
    collector.set_property("function", function);
    crate::telemetry::describe();
    Ok(collector)
}
