//! The functions' log: Lambda's level and format (`AWS_LAMBDA_LOG_LEVEL`, else `RUST_LOG`;
//! `AWS_LAMBDA_LOG_FORMAT`), with the libraries that log raw traffic at TRACE held at DEBUG
//! whatever level is asked: the Lambda runtime logs each event whole at TRACE (the
//! `Authorization` key, the `__session` cookie, tickets, bodies), the AWS SDK and the HTTP
//! client their requests (an email's accept link). A log travels further than a secret may.

use tracing_subscriber::filter::{Directive, LevelFilter};
use tracing_subscriber::EnvFilter;

/// The crates whose TRACE output carries requests and events whole.
pub const RAW_TRAFFIC: &[&str] = &[
    "lambda_runtime",
    "lambda_runtime_api_client",
    "lambda_http",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_sdk_dynamodb",
    "aws_sdk_sesv2",
    "aws_sdk_secretsmanager",
    "aws_sdk_eventbridge",
    "aws_sdk_sqs",
    "hyper",
    "hyper_util",
    "h2",
    "rustls",
    "reqwest",
];

/// The filter for `level` (a level name; INFO when unset or not one), with `RAW_TRAFFIC` held
/// at DEBUG at most.
pub fn filter(level: Option<&str>) -> EnvFilter {
    let level = level
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    let mut filter = EnvFilter::builder()
        .with_default_directive(level.into())
        .parse_lossy("");
    if level == LevelFilter::TRACE {
        for target in RAW_TRAFFIC {
            if let Ok(cap) = format!("{target}=debug").parse::<Directive>() {
                filter = filter.add_directive(cap);
            }
        }
    }
    filter
}

/// Installs the process's subscriber: JSON lines when Lambda asks for them.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok();
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let collector = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_env_filter(filter(level.as_deref()));
    if json {
        collector.json().init()
    } else {
        collector.init()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(level: &str) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(filter(Some(level)))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(
                target: "lambda_runtime::layers::api_response",
                body = "Authorization: Bearer sk_live_secret",
                "raw JSON event received from Lambda"
            );
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator", "request body");
            tracing::trace!(target: "invitations::service", "our own trace");
            tracing::debug!(target: "lambda_runtime", "runtime debug");
        });
        let out = captured.0.lock().unwrap().clone();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn at_trace_the_runtime_and_the_sdk_never_log_raw_traffic() {
        let log = logged("TRACE");
        assert!(log.contains("our own trace"), "{log}");
        assert!(log.contains("runtime debug"), "{log}");
        assert!(!log.contains("raw JSON event"), "{log}");
        assert!(!log.contains("sk_live_secret"), "{log}");
        assert!(!log.contains("request body"), "{log}");
        let info = logged("info");
        assert!(!info.contains("runtime debug") && !info.contains("our own trace"));
    }
}
