//! The `ticket-verify` binary itself, started the way Lambda starts it (an emulated Runtime
//! API on loopback), given one API Gateway event: the Embedded Metric Format lines it prints
//! are held to the EMF specification (the document's shape as a JSON Schema, then the rules a
//! schema cannot say: every metric and dimension named in a directive is a member of the root
//! with a value of its kind).

// A failed unwrap is a failed test, with its message: what tests want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// The EMF document structure (CloudWatch's "Specification: Embedded metric format").
fn emf_schema() -> Value {
    serde_json::from_str(include_str!("emf-schema.json")).unwrap()
}

/// The rules beyond the schema: a metric's member is a number or up to 100 numbers; a
/// dimension's member is a string.
fn check_targets(line: &Value) -> Result<(), String> {
    for directive in line["_aws"]["CloudWatchMetrics"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for metric in directive["Metrics"].as_array().into_iter().flatten() {
            let name = metric["Name"].as_str().unwrap_or_default();
            match &line[name] {
                Value::Number(_) => {}
                Value::Array(values)
                    if values.len() <= 100 && values.iter().all(Value::is_number) => {}
                other => return Err(format!("metric {name}: value {other}")),
            }
        }
        for set in directive["Dimensions"].as_array().into_iter().flatten() {
            for key in set.as_array().into_iter().flatten() {
                let key = key.as_str().unwrap_or_default();
                if !line[key].is_string() {
                    return Err(format!("dimension {key}: value {}", line[key]));
                }
            }
        }
    }
    Ok(())
}

/// What the emulated Runtime API hands out and what it was answered.
#[derive(Default)]
struct Invocations {
    event: Option<Value>,
    answer: Option<Value>,
}

async fn next(State(shared): State<Arc<Mutex<Invocations>>>) -> (HeaderMap, String) {
    let event = loop {
        if let Some(event) = shared.lock().unwrap().event.take() {
            break event;
        }
        // One invocation only: the next poll waits until the process is stopped.
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut headers = HeaderMap::new();
    let deadline = (std::time::SystemTime::now() + Duration::from_secs(30))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    headers.insert(
        "lambda-runtime-aws-request-id",
        "req-emf-1".parse().unwrap(),
    );
    headers.insert(
        "lambda-runtime-deadline-ms",
        deadline.to_string().parse().unwrap(),
    );
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:ticket-verify"
            .parse()
            .unwrap(),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        "Root=1-00000000-000000000000000000000000".parse().unwrap(),
    );
    (headers, event.to_string())
}

async fn respond(
    State(shared): State<Arc<Mutex<Invocations>>>,
    Path(_id): Path<String>,
    body: String,
) -> StatusCode {
    shared.lock().unwrap().answer =
        Some(serde_json::from_str(&body).unwrap_or(Value::String(body)));
    StatusCode::ACCEPTED
}

#[tokio::test(flavor = "multi_thread")]
async fn one_invocation_prints_emf_lines_that_meet_the_specification() {
    let mut event: Value = serde_json::from_str(include_str!(
        "../../../events/ticket-verify-accept-link.json"
    ))
    .unwrap();
    // A link that does not verify (signed with another key): answered, and counted as invalid.
    event["rawQueryString"] = json!("ticket=not.a.ticket");
    event["queryStringParameters"] = json!({ "ticket": "not.a.ticket" });
    let shared = Arc::new(Mutex::new(Invocations {
        event: Some(event),
        answer: None,
    }));
    let api = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(respond),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(respond))
        .route(
            "/2018-06-01/runtime/init/error",
            post(|| async { StatusCode::ACCEPTED }),
        )
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, api).await });

    // A key made for this run: a function refuses the ones the repository publishes.
    let ticket_key = format!(
        "emf-test-ticket-key-{:010}-{:05}-0123456789",
        std::process::id(),
        addr.port()
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_ticket-verify"))
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "ticket-verify")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "emf-test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/ticket-verify")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("STORE", "dynamodb")
        .env("TABLE_NAME", "emf-test")
        .env("PUBLIC_BASE_URL", "https://api.example.com/")
        .env("TICKET_SIGNING_KEY", &ticket_key)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the ticket-verify binary starts");
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        // Lines until the EMF documents of the three metrics this invocation moves, within a
        // minute (the function flushes right after its answer, one line per label set).
        let started = Instant::now();
        let mut emf = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Ok(value) = serde_json::from_str::<Value>(&line) {
                if value.get("_aws").is_some() {
                    emf.push(value);
                    let found = |name: &str| emf.iter().any(|v: &Value| v.get(name).is_some());
                    if ["link_lookups", "http_requests", "http_duration_ms"]
                        .iter()
                        .all(|name| found(name))
                    {
                        break;
                    }
                }
            }
            if started.elapsed() > Duration::from_secs(60) {
                break;
            }
        }
        emf
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while shared.lock().unwrap().answer.is_none() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let emf = tokio::task::spawn_blocking(move || lines.join().unwrap())
        .await
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();

    let answer = shared
        .lock()
        .unwrap()
        .answer
        .clone()
        .expect("the invocation was answered");
    assert!(
        answer["statusCode"].as_u64().is_some_and(|s| s >= 300),
        "{answer}"
    );
    assert!(!emf.is_empty(), "no EMF line was printed");
    let validator = jsonschema::validator_for(&emf_schema()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for line in &emf {
        let errors: Vec<String> = validator.iter_errors(line).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{line}: {errors:?}");
        check_targets(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "Invitations"
        );
        // The function and the invocation are properties, never dimensions.
        assert_eq!(line["function"], "ticket-verify", "{line}");
        assert_eq!(line["request_id"], "req-emf-1", "{line}");
        for metric in line["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
        {
            let name = metric["Name"].as_str().unwrap().to_string();
            let dims: Vec<String> = line["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    format!(
                        "{}={}",
                        d.as_str().unwrap(),
                        line[d.as_str().unwrap()].as_str().unwrap()
                    )
                })
                .collect();
            seen.insert(name, (dims, line[metric["Name"].as_str().unwrap()].clone()));
        }
    }
    let (dims, value) = &seen["link_lookups"];
    assert_eq!(dims, &["outcome=invalid".to_string()]);
    assert_eq!(value, &json!(1));
    let (dims, _) = &seen["http_requests"];
    assert!(
        dims.contains(&"route=/v1/tickets/accept".to_string()),
        "{dims:?}"
    );
    let (dims, value) = &seen["http_duration_ms"];
    assert_eq!(dims, &["route=/v1/tickets/accept".to_string()]);
    assert!(value.as_array().is_some_and(|v| v.len() == 1), "{value}");
}
