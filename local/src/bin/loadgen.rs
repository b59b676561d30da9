//! Closed-loop load against a running local server: each client repeats invite → list pending
//! (`status=pending&limit=10`) → revoke, the seed's admin journey, as fast as answers come.
//! Prints requests/s for every second of the run, then p50/p99 latency and the rate of the
//! first and last ten seconds. `scripts/bench-load` builds and starts everything.
//!
//! ```sh
//! loadgen URL SECRET_KEY [SECONDS=60] [CLIENTS=16]
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Per second of the run: (requests answered, their latencies in microseconds).
type Seconds = Arc<Mutex<Vec<(u64, Vec<u32>)>>>;

/// The journey's three requests, in order: their latencies are also kept apart, so that a
/// tail can be traced to the request that makes it.
const ROUTES: [&str; 3] = ["invite", "list pending", "revoke"];
type ByRoute = Arc<Mutex<[Vec<u32>; 3]>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, key, rest @ ..] = args.as_slice() else {
        return Err("usage: loadgen URL SECRET_KEY [SECONDS=60] [CLIENTS=16]".into());
    };
    let seconds: u64 = rest.first().map(|s| s.parse()).transpose()?.unwrap_or(60);
    let clients: usize = rest.get(1).map(|s| s.parse()).transpose()?.unwrap_or(16);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let api = format!("{}/v1", url.trim_end_matches('/'));
    let auth = format!("Bearer {key}");
    // Addresses of this run's own, so that a run against a server an earlier run loaded (its
    // store grown by that run) is refused nothing: an address names one user, a name one slug.
    let run = std::process::id();

    let admin = call(
        &http,
        &auth,
        reqwest::Method::POST,
        &format!("{api}/users"),
        Some(json!({"email_address": [format!("admin.{run}@bench.test")]})),
    )
    .await?;
    let org = call(
        &http,
        &auth,
        reqwest::Method::POST,
        &format!("{api}/organizations"),
        Some(json!({"name": format!("Bench {run}"), "created_by": admin["id"]})),
    )
    .await?;
    let org = org["id"].as_str().ok_or("no organization id")?.to_string();

    let stop = Arc::new(AtomicBool::new(false));
    // A refused or failed request is not counted as served, and not hidden either: a run whose
    // server failed fast would otherwise look fast.
    let failed = Arc::new(AtomicU64::new(0));
    let table: Seconds = Arc::new(Mutex::new(vec![(0, Vec::new()); seconds as usize + 1]));
    let by_route: ByRoute = Arc::default();
    let started = Instant::now();
    let mut workers = Vec::new();
    for client in 0..clients {
        let (http, auth, api, org) = (http.clone(), auth.clone(), api.clone(), org.clone());
        let (stop, table, by_route) = (stop.clone(), table.clone(), by_route.clone());
        let failed = failed.clone();
        workers.push(tokio::spawn(async move {
            let mut n = 0u64;
            let record = |route: usize, at: Instant, took: Duration| {
                let second = at.duration_since(started).as_secs() as usize;
                let micros = took.as_micros().min(u128::from(u32::MAX)) as u32;
                if let Ok(mut t) = table.lock() {
                    if let Some(slot) = t.get_mut(second) {
                        slot.0 += 1;
                        slot.1.push(micros);
                        if let Ok(mut routes) = by_route.lock() {
                            routes[route].push(micros);
                        }
                    }
                }
            };
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let email = format!("c{client}-{n}.{run}@bench.test");
                let t = Instant::now();
                let Ok(inv) = call(
                    &http,
                    &auth,
                    reqwest::Method::POST,
                    &format!("{api}/organizations/{org}/invitations"),
                    Some(json!({"email_address": email, "role": "org:member"})),
                )
                .await
                else {
                    failed.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                record(0, t, t.elapsed());
                let t = Instant::now();
                if call(
                    &http,
                    &auth,
                    reqwest::Method::GET,
                    &format!("{api}/organizations/{org}/invitations?status=pending&limit=10"),
                    None,
                )
                .await
                .is_ok()
                {
                    record(1, t, t.elapsed());
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                let id = inv["id"].as_str().unwrap_or_default().to_string();
                let t = Instant::now();
                if call(
                    &http,
                    &auth,
                    reqwest::Method::POST,
                    &format!("{api}/organizations/{org}/invitations/{id}/revoke"),
                    Some(json!({})),
                )
                .await
                .is_ok()
                {
                    record(2, t, t.elapsed());
                } else {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.await;
    }

    let table = table.lock().map_err(|_| "poisoned")?;
    let per_second: Vec<u64> = table[..seconds as usize].iter().map(|(n, _)| *n).collect();
    for (i, n) in per_second.iter().enumerate() {
        println!("second {:>3}: {n} requests/s", i + 1);
    }
    let mut all: Vec<u32> = table[..seconds as usize]
        .iter()
        .flat_map(|(_, l)| l.iter().copied())
        .collect();
    all.sort_unstable();
    let pct = |p: f64| percentile(&all, p);
    if let Ok(mut routes) = by_route.lock() {
        let line: Vec<String> = routes
            .iter_mut()
            .zip(ROUTES)
            .map(|(latencies, name)| {
                latencies.sort_unstable();
                format!(
                    "{name} p50 {:.2} ms, p99 {:.2} ms",
                    percentile(latencies, 0.50),
                    percentile(latencies, 0.99)
                )
            })
            .collect();
        println!("by request: {}", line.join("; "));
    }
    let window = 10.min(per_second.len());
    let first: u64 = per_second[..window].iter().sum();
    let last: u64 = per_second[per_second.len() - window..].iter().sum();
    let total: u64 = per_second.iter().sum();
    println!(
        "{clients} clients, {seconds} s: {total} requests, {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms; first {window} s {:.0}/s, last {window} s {:.0}/s ({:.0} %); {} failed",
        total as f64 / seconds as f64,
        pct(0.50),
        pct(0.99),
        first as f64 / window as f64,
        last as f64 / window as f64,
        100.0 * last as f64 / first.max(1) as f64,
        failed.load(Ordering::Relaxed),
    );
    Ok(())
}

/// The `p` quantile of sorted latencies in microseconds, in milliseconds.
fn percentile(sorted: &[u32], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0) as f64
        / 1000.0
}

async fn call(
    http: &reqwest::Client,
    auth: &str,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
    let mut request = http.request(method, url).header("authorization", auth);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status();
    let body: Value = response.json().await?;
    if !status.is_success() {
        return Err(format!("{status}: {body}").into());
    }
    Ok(body)
}
