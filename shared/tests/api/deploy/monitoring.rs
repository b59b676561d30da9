//! The template's alarms and dashboard against the code: every metric they name in the
//! `Invitations` namespace is one `telemetry::CATALOG` lists, with only the labels it carries
//! (and, for a route, a path of the route table); every other metric is AWS's own. And each
//! quiet failure the service can have has its alarm.

use std::collections::BTreeSet;

use invitations::telemetry::{CATALOG, NAMESPACE};
use serde_json::Value;
use yaml_rust2::Yaml;

use super::template::template;

/// (namespace, metric, [(dimension, value)]) of one reference.
type Reference = (String, String, Vec<(String, String)>);

fn dims_of(y: &Yaml) -> Vec<(String, String)> {
    y.as_vec()
        .map(|ds| {
            ds.iter()
                .map(|d| {
                    let value = match &d["Value"] {
                        Yaml::String(s) => s.clone(),
                        other => format!("{other:?}"),
                    };
                    (d["Name"].as_str().unwrap().to_string(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn alarm_references(t: &Yaml) -> Vec<(String, Reference)> {
    let mut out = Vec::new();
    for (name, r) in t["Resources"].as_hash().unwrap() {
        if r["Type"].as_str() != Some("AWS::CloudWatch::Alarm") {
            continue;
        }
        let alarm = name.as_str().unwrap().to_string();
        let p = &r["Properties"];
        if let Some(ns) = p["Namespace"].as_str() {
            let metric = p["MetricName"].as_str().unwrap().to_string();
            out.push((
                alarm.clone(),
                (ns.to_string(), metric, dims_of(&p["Dimensions"])),
            ));
        }
        for m in p["Metrics"].as_vec().into_iter().flatten() {
            let metric = &m["MetricStat"]["Metric"];
            if let Some(ns) = metric["Namespace"].as_str() {
                out.push((
                    alarm.clone(),
                    (
                        ns.to_string(),
                        metric["MetricName"].as_str().unwrap().to_string(),
                        dims_of(&metric["Dimensions"]),
                    ),
                ));
            }
        }
    }
    out
}

fn dashboard_references(t: &Yaml) -> Vec<Reference> {
    let body = &t["Resources"]["Dashboard"]["Properties"]["DashboardBody"];
    // `!Sub [text, {…}]` reads as a list; its `${…}` stand for names CloudFormation fills in.
    let text = body[0].as_str().or(body.as_str()).unwrap();
    let json: Value = serde_json::from_str(text).expect("the dashboard body is JSON");
    let mut out = Vec::new();
    for widget in json["widgets"].as_array().unwrap() {
        for row in widget["properties"]["metrics"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let parts: Vec<&Value> = row.as_array().unwrap().iter().collect();
            let strings: Vec<String> = parts
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect();
            let dims = strings[2..]
                .chunks(2)
                .map(|c| (c[0].clone(), c.get(1).cloned().unwrap_or_default()))
                .collect();
            out.push((strings[0].clone(), strings[1].clone(), dims));
        }
    }
    out
}

fn check(reference: &Reference, routes: &BTreeSet<&str>) -> Result<(), String> {
    let (ns, metric, dims) = reference;
    if ns.starts_with("AWS/") {
        return Ok(());
    }
    if ns != NAMESPACE {
        return Err(format!(
            "{ns}/{metric}: not the service's namespace nor AWS's"
        ));
    }
    let Some((_, _, labels, _)) = CATALOG.iter().find(|(name, ..)| name == metric) else {
        return Err(format!("{metric}: the code emits no such metric"));
    };
    let names: Vec<&str> = dims.iter().map(|(n, _)| n.as_str()).collect();
    if names != *labels {
        return Err(format!(
            "{metric}: dimensions {names:?}, the code emits {labels:?}"
        ));
    }
    for (name, value) in dims {
        if name == "route" && !routes.contains(value.as_str()) {
            return Err(format!("{metric}: route {value} is not in the route table"));
        }
    }
    Ok(())
}

#[test]
fn every_alarm_and_widget_names_a_metric_the_code_emits() {
    let t = template();
    let routes: BTreeSet<&str> = invitations::http::routes::all().map(|r| r.path).collect();
    let alarms = alarm_references(&t);
    let widgets = dashboard_references(&t);
    assert!(widgets.len() >= 20, "{widgets:?}");
    let mut problems = Vec::new();
    for (alarm, reference) in &alarms {
        if let Err(e) = check(reference, &routes) {
            problems.push(format!("alarm {alarm}: {e}"));
        }
    }
    for reference in &widgets {
        if let Err(e) = check(reference, &routes) {
            problems.push(format!("dashboard: {e}"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");

    // Each quiet failure has its alarm.
    let watched: BTreeSet<String> = alarms.iter().map(|(_, (_, m, _))| m.clone()).collect();
    for metric in [
        "Reputation.BounceRate",
        "Reputation.ComplaintRate",
        "ApproximateNumberOfMessagesVisible",
        "IteratorAge",
        "sweep_due_lag_seconds",
        "sweep_runs",
        "http_5xx",
        "ReadThrottleEvents",
        "WriteThrottleEvents",
        "webhook_deliveries",
        "Errors",
        "breaker_trips",
        "emails",
    ] {
        assert!(watched.contains(metric), "no alarm watches {metric}");
    }
    // The funnel is on the dashboard, stage by stage.
    let shown: BTreeSet<String> = widgets.iter().map(|(_, m, _)| m.clone()).collect();
    for metric in [
        "invitations_created",
        "emails",
        "link_lookups",
        "invitations_accepted",
    ] {
        assert!(shown.contains(metric), "the dashboard lacks {metric}");
    }
}

#[test]
fn every_alarm_notifies_the_alarm_topic_under_aws_review_levels() {
    let t = template();
    for (name, r) in t["Resources"].as_hash().unwrap() {
        if r["Type"].as_str() != Some("AWS::CloudWatch::Alarm") {
            continue;
        }
        let actions = r["Properties"]["AlarmActions"].as_vec().unwrap();
        assert_eq!(actions, &[Yaml::String("AlarmTopic".into())], "{name:?}");
    }
    let threshold = |alarm: &str| {
        t["Resources"][alarm]["Properties"]["Threshold"]
            .as_f64()
            .unwrap()
    };
    // SES reviews at 5 % bounces and 0.1 % complaints.
    assert!(threshold("SesBounceRateAlarm") < 0.05);
    assert!(threshold("SesComplaintRateAlarm") < 0.001);
}
