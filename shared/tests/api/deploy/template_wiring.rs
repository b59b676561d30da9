//! `template.yaml` against the route table, the routers and least privilege.
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::helpers::app::{TestApp, KEY};
use axum::body::Body;
use axum::http::Request;
use invitations::clock::ManualClock;
use invitations::http::{self, routes, Function};
use invitations::store::memory::MemoryStore;
use tower::ServiceExt;
use yaml_rust2::Yaml;

use super::template::{actions, function, http_functions as functions, template};

#[test]
fn every_function_in_the_template_declares_exactly_its_routes() {
    let t = template();
    let fns = functions(&t);
    let names: BTreeSet<&str> = fns.iter().map(|(n, _)| n.as_str()).collect();
    let expected: BTreeSet<&str> = routes::all().map(|r| r.function.name()).collect();
    assert_eq!(names, expected);
    for (name, resource) in &fns {
        let manifest = format!(
            "{}/../functions/{name}/Cargo.toml",
            env!("CARGO_MANIFEST_DIR")
        );
        let cargo =
            std::fs::read_to_string(&manifest).unwrap_or_else(|_| panic!("{manifest} is missing"));
        assert!(
            cargo.contains(&format!("name = \"{name}\"")),
            "{manifest} builds another binary"
        );
        assert_eq!(
            resource["Metadata"]["BuildMethod"].as_str(),
            Some("rust-cargolambda")
        );
        let declared: BTreeSet<(String, String)> = resource["Properties"]["Events"]
            .as_hash()
            .unwrap()
            .values()
            .map(|e| {
                assert_eq!(e["Type"].as_str(), Some("HttpApi"));
                let p = &e["Properties"];
                (
                    p["Method"].as_str().unwrap().to_string(),
                    p["Path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let routed: BTreeSet<(String, String)> = routes::all()
            .filter(|r| r.function.name() == name)
            .map(|r| (r.verb.as_str().to_string(), r.path.to_string()))
            .collect();
        assert_eq!(declared, routed, "{name}");
    }
}

#[test]
fn the_list_function_cannot_write_and_none_may_scan() {
    for (name, resource) in functions(&template()) {
        let actions = actions(&resource);
        assert!(
            !actions
                .iter()
                .any(|a| a == "dynamodb:Scan" || a == "dynamodb:*"),
            "{name}: {actions:?}"
        );
        if name == "list" {
            for a in &actions {
                assert!(
                    matches!(
                        a.as_str(),
                        "dynamodb:GetItem" | "dynamodb:Query" | "dynamodb:BatchGetItem"
                    ),
                    "list may {a}"
                );
            }
        }
    }
}

#[test]
fn only_the_invite_function_may_send_email() {
    for (name, resource) in functions(&template()) {
        let sends = actions(&resource).iter().any(|a| a.starts_with("ses:"));
        assert_eq!(sends, name == "invite", "{name}");
    }
}

#[test]
fn the_table_has_the_indexes_the_store_queries() {
    let t = template();
    let table = &t["Resources"]["InvitationsTable"]["Properties"];
    let indexes: Vec<&str> = table["GlobalSecondaryIndexes"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|i| i["IndexName"].as_str().unwrap())
        .collect();
    use invitations::store::dynamodb::keys::{
        GSI1, GSI10, GSI11, GSI2, GSI3, GSI4, GSI5, GSI6, GSI7, GSI8, GSI9,
    };
    assert_eq!(
        indexes,
        [GSI1, GSI2, GSI3, GSI4, GSI5, GSI6, GSI7, GSI8, GSI9, GSI10, GSI11]
    );
    let projection = |i: usize| {
        table["GlobalSecondaryIndexes"][i]["Projection"]["ProjectionType"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(projection(3), "ALL", "the pending list reads whole items");
    assert_eq!(
        projection(4),
        "INCLUDE",
        "lapsed invitations are counted and placed by their created key, never read whole"
    );
    for (i, what) in [(9, "status by address"), (10, "the instance by status")] {
        assert_eq!(
            projection(i),
            "INCLUDE",
            "{what}: keys and expires_at, the page's items read whole after merging"
        );
    }
    assert!(!table["PointInTimeRecoverySpecification"].is_badvalue());
    assert!(!table["DeletionProtectionEnabled"].is_badvalue());
}

/// The path with placeholders filled in.
fn concrete(path: &str) -> String {
    path.replace("{org}", "org_x")
        .replace("{inv}", "orginv_000000000000000000000000000")
        .replace("{user}", "user_x")
}

/// Whether a router has the route (as opposed to answering "no such route" or "method not allowed").
async fn serves(router: axum::Router, method: &str, path: &str) -> bool {
    // A `HEAD` is answered by the path's `GET` handler, bodiless: its "no such route" cannot be
    // read, its `GET` can.
    let method = if method == "HEAD" { "GET" } else { method };
    let request = Request::builder()
        .method(method)
        .uri(concrete(path))
        .header("authorization", format!("Bearer {KEY}"))
        .body(Body::from("{}"))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&body);
    !(status == 405 || (status == 404 && text.contains("There is no such route")))
}

#[tokio::test]
async fn each_route_is_served_by_its_function_and_by_no_other() {
    let store = Arc::new(MemoryStore::new());
    let clock = Arc::new(ManualClock::new(crate::helpers::T0));
    for route in routes::all() {
        for function in Function::ALL {
            let router = http::app(
                Some(function),
                TestApp::builder()
                    .store(store.clone())
                    .clock(clock.clone())
                    .state(),
            );
            let served = serves(router, route.verb.as_str(), route.path).await;
            assert_eq!(
                served,
                function == route.function,
                "{function:?} and {} {}",
                route.verb.as_str(),
                route.path
            );
        }
    }
}

#[test]
fn the_http_api_answers_preflights_from_the_origins_the_functions_allow() {
    let t = template();
    let cors = &t["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"];
    let text = format!("{cors:?}");
    assert!(
        text.contains("CorsAllowedOrigins") && text.contains("AllowedRedirectOrigins"),
        "{text}"
    );
    assert!(text.contains("AllowCredentials"), "{text}");
    let env = format!(
        "{:?}",
        t["Globals"]["Function"]["Environment"]["Variables"]["CORS_ALLOWED_ORIGINS"]
    );
    assert!(
        env.contains("CorsAllowedOrigins") && env.contains("AllowedRedirectOrigins"),
        "the functions read the same parameter: {env}"
    );
}

#[test]
fn the_sweeper_runs_on_a_schedule_with_least_privilege() {
    let t = template();
    let sweeper = function(&t, "sweeper");
    let events = sweeper["Properties"]["Events"].as_hash().unwrap();
    let schedule = events.values().next().unwrap();
    assert_eq!(schedule["Type"].as_str(), Some("ScheduleV2"));
    assert_eq!(
        schedule["Properties"]["ScheduleExpression"].as_str(),
        Some("rate(5 minutes)")
    );
    let actions = actions(&sweeper);
    assert!(
        actions
            .iter()
            .all(|a| a.starts_with("dynamodb:") || a == "ses:SendEmail"),
        "{actions:?}"
    );
    assert!(!actions.iter().any(|a| a == "dynamodb:Scan"));
    let queried = format!("{:?}", sweeper["Properties"]["Policies"]);
    // It puts two kinds of item: audit entries (an expiry's, a reminder's) in an organization's
    // log, and the email limit logs a reminder counts in.
    let puts: Vec<&Yaml> = sweeper["Properties"]["Policies"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|p| p["Statement"].as_vec())
        .flatten()
        .filter(|s| format!("{:?}", s["Action"]).contains("dynamodb:PutItem"))
        .collect();
    assert_eq!(puts.len(), 1);
    let leading: Vec<&str> = puts[0]["Condition"]["ForAllValues:StringLike"]
        ["dynamodb:LeadingKeys"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(leading, ["ORG#*#AUDIT", "LIMIT#*"]);
    // Every key a sweep puts matches one of them.
    let org = invitations::domain::OrganizationId::new("org_1");
    assert!(invitations::domain::audit::log_partition(&org).ends_with("#AUDIT"));
    assert!(invitations::store::dynamodb::keys::limit_log("x")
        .0
        .starts_with("LIMIT#"));
    assert!(
        queried.contains("index/GSI7")
            && queried.contains("index/GSI8")
            && queried.contains("index/GSI9")
    );
    assert!(!queried.contains("index/*"), "only the due and the queued");
}

#[test]
fn the_events_function_reads_the_stream_with_partial_failures_bisect_and_a_dead_letter_queue() {
    let t = template();
    assert_eq!(
        t["Resources"]["InvitationsTable"]["Properties"]["StreamSpecification"]["StreamViewType"]
            .as_str(),
        Some("NEW_AND_OLD_IMAGES")
    );
    let events = function(&t, "events");
    let source = events["Properties"]["Events"]["TableChanges"].clone();
    assert_eq!(source["Type"].as_str(), Some("DynamoDB"));
    let p = &source["Properties"];
    assert_eq!(
        p["FunctionResponseTypes"][0].as_str(),
        Some("ReportBatchItemFailures")
    );
    assert_eq!(p["BisectBatchOnFunctionError"].as_bool(), Some(true));
    let destination = format!("{:?}", p["DestinationConfig"]["OnFailure"]["Destination"]);
    assert!(
        destination.contains("EventsDeadLetterQueue.Arn"),
        "records that keep failing go to the dead-letter queue: {destination}"
    );
    let env = &events["Properties"]["Environment"]["Variables"];
    assert!(!env["EVENTS_DEAD_LETTER_QUEUE_URL"].is_badvalue());
    assert!(!env["WEBHOOK_ENDPOINTS_ARN"].is_badvalue());
    assert!(
        t["Globals"]["Function"]["Environment"]["Variables"]["WEBHOOK_ENDPOINTS"].is_badvalue(),
        "webhook secrets are not a plaintext variable"
    );
    assert_eq!(
        actions(&events),
        ["dynamodb:GetItem"],
        "it reads organizations, nothing else"
    );
}

#[test]
fn ses_events_reach_the_bounces_function_which_may_only_find_update_and_suppress() {
    let t = template();
    let destination =
        &t["Resources"]["MailConfigurationSetEvents"]["Properties"]["EventDestination"];
    let kinds: Vec<&str> = destination["MatchingEventTypes"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    assert_eq!(kinds, ["delivery", "bounce", "complaint"]);
    let bounces = function(&t, "bounces");
    assert_eq!(
        bounces["Properties"]["Events"]["MailEvents"]["Type"].as_str(),
        Some("SNS")
    );
    // It finds the invitation (GSI8), records on it and counts the day (UpdateItem),
    // suppresses and pauses (PutItem), reads the organization's last days (Query): it never
    // deletes, and reads no secret.
    assert_eq!(
        actions(&bounces),
        [
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:PutItem",
            "dynamodb:Query"
        ]
    );
    for var in [
        "MAIL_BREAKER_BOUNCE_RATE_PERCENT",
        "MAIL_BREAKER_COMPLAINT_RATE_PERCENT",
        "MAIL_BREAKER_MIN_SENT",
    ] {
        assert!(
            !bounces["Properties"]["Environment"]["Variables"][var].is_badvalue(),
            "{var}"
        );
    }
    let ses_env = format!(
        "{:?}",
        function(&t, "invite")["Properties"]["Environment"]["Variables"]["SES_CONFIGURATION_SET"]
    );
    assert!(
        ses_env.contains("MailConfigurationSet"),
        "emails go out through it: {ses_env}"
    );
}

/// A key in flight, or an email queued, longer than any route's function can run belongs to a
/// request that died: the routes' timeout stays below both thresholds.
#[test]
fn no_route_function_runs_as_long_as_a_key_or_a_queued_email_is_trusted() {
    let t = template();
    let global = t["Globals"]["Function"]["Timeout"].as_i64().unwrap();
    let trusted_ms = invitations::service::idempotency::IN_FLIGHT_STALE_MS
        .min(invitations::service::UNSENT_GRACE_MS);
    for (name, resource) in functions(&t) {
        let timeout_ms = resource["Properties"]["Timeout"].as_i64().unwrap_or(global) * 1000;
        assert!(timeout_ms < trusted_ms, "{name} may run {timeout_ms} ms");
    }
}

/// At TRACE the Lambda runtime logs each raw event whole (the backend key, the session
/// cookie, tickets): the template offers no such level.
#[test]
fn the_template_offers_no_log_level_that_logs_raw_events() {
    let t = template();
    let allowed: Vec<&str> = t["Parameters"]["LogLevel"]["AllowedValues"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        !allowed.iter().any(|l| l.eq_ignore_ascii_case("trace")),
        "{allowed:?}"
    );
    // yaml-rust reads `!Ref LogLevel` as the name it refers to.
    assert_eq!(
        t["Globals"]["Function"]["LoggingConfig"]["ApplicationLogLevel"].as_str(),
        Some("LogLevel")
    );
}
