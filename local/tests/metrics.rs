//! The local server itself (`cargo run -p local`), driven through a journey over HTTP, then
//! scraped at `/metrics`: every counter the journey should move has moved, in Prometheus's
//! text format, and a scrape without the secret key learns nothing.

// A failed unwrap is a failed test, with its message: what tests want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const KEY: &str = "sk_test_metrics_journey_0123456789";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start() -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir =
        std::env::temp_dir().join(format!("invitations-metrics-{}-{port}", std::process::id()));
    let child = Command::new(env!("CARGO_BIN_EXE_local"))
        .env("PORT", port.to_string())
        .env("INVITATIONS_SECRET_KEY", KEY)
        .env("OUTBOX_DIR", dir.join("outbox"))
        .env("SWEEP_EVERY_SECONDS", "1")
        .env_remove("STORE")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the local server starts");
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("{}/", server.base))
        .send()
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "the local server did not answer");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server
}

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Value,
    key: Option<&str>,
) -> (u16, Value) {
    let mut request = client.request(method, url).bearer_auth(KEY).json(&body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The value of one series (`name{labels}`), summed over the lines that match.
fn series(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter(|line| {
            let (series, _) = line.rsplit_once(' ').unwrap_or_default();
            let metric = series.split('{').next().unwrap_or_default();
            metric == name
                && labels
                    .iter()
                    .all(|(k, v)| series.contains(&format!("{k}=\"{v}\"")))
        })
        .filter_map(|line| {
            line.rsplit_once(' ')
                .and_then(|(_, v)| v.parse::<f64>().ok())
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_journey_moves_each_counter_and_the_scrape_needs_the_key() {
    let server = start().await;
    let api = format!("{}/v1", server.base);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    use reqwest::Method;

    let (_, admin) = call(
        &client,
        Method::POST,
        format!("{api}/users"),
        json!({"email_address": ["lin@initech.test"], "first_name": "Lin"}),
        None,
    )
    .await;
    let admin = admin["id"].as_str().unwrap().to_string();
    let (_, org) = call(
        &client,
        Method::POST,
        format!("{api}/organizations"),
        json!({"name": "Initech", "created_by": admin}),
        None,
    )
    .await;
    let org = org["id"].as_str().unwrap().to_string();
    let invitations = format!("{api}/organizations/{org}/invitations");

    // Created and emailed, then the same request again: its answer is replayed.
    let grace = json!({"email_address": "grace@example.com", "role": "org:member"});
    let (status, first) = call(
        &client,
        Method::POST,
        invitations.clone(),
        grace.clone(),
        Some("journey-1"),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = call(
        &client,
        Method::POST,
        invitations.clone(),
        grace,
        Some("journey-1"),
    )
    .await;
    assert_eq!((status, &again["id"]), (200, &first["id"]));
    let grace_id = first["id"].as_str().unwrap();

    // A new link (no second email), followed: a person with no account is sent to sign up.
    let (_, resent) = call(
        &client,
        Method::POST,
        format!("{invitations}/{grace_id}/resend"),
        json!({"notify": false}),
        None,
    )
    .await;
    let link = url::Url::parse(resent["url"].as_str().unwrap()).unwrap();
    let followed = client.get(link.as_str()).send().await.unwrap();
    assert_eq!(followed.status().as_u16(), 302);
    let ticket = link
        .query_pairs()
        .find(|(k, _)| k == "ticket")
        .unwrap()
        .1
        .to_string();
    let (status, _) = call(
        &client,
        Method::POST,
        format!("{api}/tickets/decline"),
        json!({"ticket": ticket}),
        None,
    )
    .await;
    assert_eq!(status, 200);
    // The declined link again: ended.
    assert_eq!(
        client
            .get(link.as_str())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        400
    );

    // Invited, revoked, invited again at once: the address's cooldown refuses the second email.
    let alan = json!({"email_address": "alan@example.com", "role": "org:member"});
    let (_, made) = call(
        &client,
        Method::POST,
        invitations.clone(),
        alan.clone(),
        None,
    )
    .await;
    let alan_id = made["id"].as_str().unwrap();
    let (status, _) = call(
        &client,
        Method::POST,
        format!("{invitations}/{alan_id}/revoke"),
        json!({}),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, refused) = call(&client, Method::POST, invitations.clone(), alan, None).await;
    assert_eq!(status, 429, "{refused}");

    // The sweeper runs every second here.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let unauthenticated = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status().as_u16(), 401);
    let text = client
        .get(format!("{}/metrics", server.base))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let moved = [
        ("invitations_created", vec![], 2.0),
        ("emails", vec![("outcome", "sent")], 2.0),
        ("idempotent_replays", vec![], 1.0),
        ("link_lookups", vec![("outcome", "sign_up")], 1.0),
        ("link_lookups", vec![("outcome", "ended")], 1.0),
        ("invitations_declined", vec![("via", "link")], 1.0),
        ("invitations_revoked", vec![], 1.0),
        ("limit_refusals", vec![("limit", "address_cooldown")], 1.0),
        (
            "http_requests",
            vec![
                ("route", "/v1/organizations/{org}/invitations"),
                ("status_class", "2xx"),
            ],
            3.0,
        ),
        (
            "http_requests",
            vec![
                ("route", "/v1/organizations/{org}/invitations"),
                ("status_class", "4xx"),
            ],
            1.0,
        ),
        (
            "http_requests",
            vec![("route", "/v1/tickets/accept"), ("status_class", "3xx")],
            1.0,
        ),
        (
            "http_duration_ms_count",
            vec![("route", "/v1/tickets/decline")],
            1.0,
        ),
        ("sweep_runs", vec![], 1.0),
    ];
    for (name, labels, at_least) in moved {
        let value = series(&text, name, &labels);
        assert!(
            value >= at_least,
            "{name}{labels:?} is {value}, expected at least {at_least}:\n{text}"
        );
    }
    // Ids never reach a label.
    assert!(!text.contains(&org), "an organization id is in a label");
}
