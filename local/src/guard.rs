//! What the local server refuses before any route runs. A page on another site can reach a
//! server on loopback through DNS rebinding (its own name, resolved to 127.0.0.1): it would
//! mint the demo's admin session and read the outbox's links. Its requests carry that name as
//! `Host`, so only the server's own names are served. And a body sent a byte at a time must
//! not hold a connection: it is read whole within `BODY_READ_TIMEOUT`, or refused.

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// Long enough for any honest client on loopback to send 256 KiB.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The `Host` values this server answers to: its own port on the loopback names, and the
/// host of `PUBLIC_BASE_URL` when one is set (a tunnel in front of it); and how long a body
/// may take.
#[derive(Debug, Clone)]
pub struct AllowedHosts(Vec<String>, Duration);

impl AllowedHosts {
    pub fn new(port: u16, public_base_url: &url::Url) -> Self {
        Self::with_body_timeout(port, public_base_url, BODY_READ_TIMEOUT)
    }

    pub fn with_body_timeout(port: u16, public_base_url: &url::Url, body: Duration) -> Self {
        let mut hosts: Vec<String> = ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .map(|name| format!("{name}:{port}"))
            .collect();
        if let Some(host) = public_base_url.host_str() {
            hosts.push(match public_base_url.port() {
                Some(p) => format!("{host}:{p}"),
                None => host.to_string(),
            });
        }
        Self(hosts, body)
    }

    fn allows(&self, host: &str) -> bool {
        self.0.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

fn refusal(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({
        "errors": [{ "code": code, "message": message, "long_message": message, "meta": {} }],
        "clerk_trace_id": invitations::ids::random_base62(24),
    });
    (status, Json(body)).into_response()
}

pub async fn guard(State(hosts): State<AllowedHosts>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !hosts.allows(host) {
        return refusal(
            StatusCode::MISDIRECTED_REQUEST,
            "host_not_allowed",
            "This server answers only to its own address (127.0.0.1, localhost or [::1] with its port).",
        );
    }
    let (parts, body) = request.into_parts();
    let limit = invitations::http::extract::MAX_BODY_BYTES + 1;
    match tokio::time::timeout(hosts.1, to_bytes(body, limit)).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        // Too large: the route's own extractor answers 413 with its limit.
        Ok(Err(_)) => refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_body_too_large",
            "The request body is larger than the service accepts.",
        ),
        Err(_) => refusal(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "The request body did not arrive in time.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_servers_own_names_are_hosts() {
        let base = url::Url::parse("http://127.0.0.1:3000/").unwrap();
        let hosts = AllowedHosts::new(3000, &base);
        for ok in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example:3000",
            "127.0.0.1:3001",
            "localhost",
            "",
            "127.0.0.1.nip.io:3000",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        let tunnel = url::Url::parse("https://dev.example.com/").unwrap();
        assert!(AllowedHosts::new(3000, &tunnel).allows("dev.example.com"));
    }
}
