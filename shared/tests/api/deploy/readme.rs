//! What the README shows a command answering is what the same input gets: each
//! `cargo lambda invoke … <function> --data-file <event>` line of its "Lambda locally" block,
//! with the `# → …` line after it, is run here through that function as `cargo lambda watch
//! --env-file .env.lambda-local` starts it (its own configuration from that file, a fresh
//! in-memory store), and each fragment of the shown answer (between `…`) must be in the answer.

use std::collections::HashMap;
use std::sync::Arc;

use http_body_util::BodyExt;
use invitations::clock::SystemClock;
use invitations::config::{EventsConfig, HttpConfig, Target};
use invitations::http::{self, Function};
use invitations::runtime::{self, Aws};
use tower::ServiceExt;

fn repo(path: &str) -> String {
    std::fs::read_to_string(format!("{}/../{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `.env.lambda-local`, as cargo lambda reads it.
fn env_file() -> HashMap<String, String> {
    repo(".env.lambda-local")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Each (function, event file, shown answer) of the README's "Lambda locally" block.
fn shown_invocations() -> Vec<(String, String, String)> {
    let readme = repo("README.md");
    let section = readme
        .split("## Lambda locally and deployed")
        .nth(1)
        .expect("the README has its Lambda section");
    let block = section.split("```").nth(1).expect("a code block");
    let lines: Vec<&str> = block.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(invoke) = line.split("cargo lambda invoke").nth(1) else {
            continue;
        };
        let words: Vec<&str> = invoke.split_whitespace().collect();
        let file = words.iter().skip_while(|w| **w != "--data-file").nth(1);
        let function = words
            .iter()
            .position(|w| *w == "--data-file")
            .map(|p| words[p - 1]);
        let shown = lines
            .get(i + 1)
            .and_then(|l| l.trim().strip_prefix("# → "))
            .unwrap_or_else(|| panic!("the README shows no answer after: {line}"));
        out.push((
            function.unwrap().to_string(),
            file.unwrap().to_string(),
            shown.to_string(),
        ));
    }
    out
}

/// What `cargo lambda invoke` prints for `event` through `function`, as far as the shown
/// fragments go: an HTTP function's `statusCode` and `body`, or a background function's JSON.
async fn invoke(function: &str, event: &str) -> String {
    let env = env_file();
    let lookup = |name: &str| env.get(name).cloned();
    let aws = Aws::default();
    match function {
        "events" => {
            let config = EventsConfig::from_lookup(false, &lookup).unwrap();
            let store = runtime::store(&config.store, false, &aws).await.unwrap();
            let pipeline =
                runtime::pipeline(&config, store.shared, Arc::new(SystemClock), &aws).unwrap();
            let answer = invitations::events::lambda::handle_stream(
                &pipeline,
                serde_json::from_str(event).unwrap(),
            )
            .await;
            serde_json::to_string(&answer).unwrap()
        }
        "bounces" => {
            let config = invitations::config::BouncesConfig::from_lookup(&lookup).unwrap();
            let store = runtime::store(&config.store, false, &aws).await.unwrap();
            let feedback = invitations::service::MailFeedback::new(
                store.shared.clone(),
                store.shared,
                Arc::new(SystemClock),
            );
            let answer = invitations::events::lambda::handle_sns(
                &feedback,
                serde_json::from_str(event).unwrap(),
            )
            .await
            .unwrap();
            serde_json::to_string(&answer).unwrap()
        }
        name => {
            let function = Function::from_name(name).expect("a function of the route table");
            let config = HttpConfig::from_lookup(Target::Function(function), &lookup).unwrap();
            let store = runtime::store(&config.store, false, &aws).await.unwrap();
            let state = runtime::http_state(&config, store.shared, &aws).unwrap();
            let request = lambda_http::request::from_str(event).unwrap();
            let response = http::app(Some(function), state)
                .oneshot(request)
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = response.into_body().collect().await.unwrap().to_bytes();
            let body = serde_json::to_string(&String::from_utf8_lossy(&body)).unwrap();
            format!("{{\"statusCode\":{status},\"body\":{body}}}")
        }
    }
}

#[tokio::test]
async fn each_answer_the_readme_shows_for_a_lambda_invocation_is_the_answer() {
    let shown = shown_invocations();
    assert!(shown.len() >= 3, "{shown:?}");
    for (function, file, expected) in shown {
        let answer = invoke(&function, &repo(&file)).await;
        for fragment in expected.split('…').map(str::trim).filter(|f| !f.is_empty()) {
            let fragment = fragment.trim_end_matches(',');
            assert!(
                answer.contains(fragment),
                "{function} {file}: the README shows {fragment:?}, the answer is {answer}"
            );
        }
    }
}
