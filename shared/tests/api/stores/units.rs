//! What one invitation's life costs in DynamoDB's units, index propagation included: the
//! table's items before and after each step (moto), priced by DynamoDB's rules: a write is
//! 1 unit per KB of the larger of its before and after images, twice in a transaction; each
//! index it is in takes a write of its projection when the projection changes (two when its
//! key moves: the old entry deleted, the new put); a transaction's condition check reads 2
//! units per 4 KB; reads as `helpers::reads` counts them. Printed for the schema as it is and
//! as it was before GSI10 and GSI11, so `docs/dynamodb.md`'s table can be made again.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, ProjectionType};
use invitations::service::Actor;
use invitations::store::dynamodb::{ensure_table, DynamoStore};
use invitations::tokens::session::Session;
use serde_json::{json, Value};

use crate::helpers::links::ticket_of;
use crate::helpers::reads::{item_size, Read, ReadLog};
use crate::helpers::*;

type Item = HashMap<String, AttributeValue>;
type Key = (String, String);
type Snapshot = HashMap<Key, Item>;

/// An index as the table describes it: its key attributes and what it projects.
struct Index {
    name: String,
    keys: Vec<String>,
    projection: ProjectionType,
    attributes: Vec<String>,
}

/// A schema to price by: its indexes, attributes its items would not carry, and whether the
/// organization item itself carried its list keys (before this stop: its slug claim does now).
struct Schema {
    indexes: Vec<Index>,
    absent: Vec<&'static str>,
    listed_organization: bool,
}

fn kb(bytes: usize) -> f64 {
    bytes.div_ceil(1024).max(1) as f64
}

fn key_of(item: &Item) -> (String, String) {
    let s = |k: &str| item[k].as_s().unwrap().clone();
    (s("PK"), s("SK"))
}

impl Schema {
    fn strip(&self, item: &Item) -> Item {
        let mut out: Item = item
            .iter()
            .filter(|(k, _)| !self.absent.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if self.listed_organization {
            let entity = item
                .get("entity")
                .and_then(|e| e.as_s().ok())
                .map(String::as_str);
            let list_keys = ["GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK"];
            match entity {
                Some("slug") => out.retain(|k, _| !list_keys.contains(&k.as_str())),
                Some("organization") => {
                    let s = |k: &str| item[k].as_s().unwrap().clone();
                    let n = |k: &str| item[k].as_n().unwrap().clone();
                    let created = format!("{:0>13}#{}", n("created_at"), s("id"));
                    for (k, v) in [
                        ("GSI1PK", "ORGS".to_string()),
                        ("GSI1SK", created),
                        ("GSI2PK", "ORGS".into()),
                        ("GSI2SK", s("slug")),
                    ] {
                        out.insert(k.into(), AttributeValue::S(v));
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The index's entry for an item: its key, and its projected attributes.
    fn entry(&self, index: &Index, item: &Item) -> Option<(Vec<String>, Item)> {
        let key: Option<Vec<String>> = index
            .keys
            .iter()
            .map(|k| item.get(k).and_then(|v| v.as_s().ok()).cloned())
            .collect();
        let key = key?;
        let projected = item
            .iter()
            .filter(|(name, _)| {
                ["PK", "SK"].contains(&name.as_str())
                    || index.keys.contains(name)
                    || match index.projection {
                        ProjectionType::All => true,
                        ProjectionType::Include => index.attributes.contains(name),
                        _ => false,
                    }
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Some((key, projected))
    }

    /// Write units of one item's change, on the table and per index.
    fn write(
        &self,
        before: Option<&Item>,
        after: Option<&Item>,
        transactional: bool,
        out: &mut BTreeMap<String, f64>,
    ) {
        let (before, after) = (before.map(|i| self.strip(i)), after.map(|i| self.strip(i)));
        if before == after {
            return;
        }
        let size = |i: &Option<Item>| i.as_ref().map_or(0, item_size);
        let table = kb(size(&before).max(size(&after))) * if transactional { 2.0 } else { 1.0 };
        *out.entry("table".into()).or_default() += table;
        for index in &self.indexes {
            let b = before.as_ref().and_then(|i| self.entry(index, i));
            let a = after.as_ref().and_then(|i| self.entry(index, i));
            let units = match (&b, &a) {
                (None, None) => 0.0,
                (None, Some((_, p))) | (Some((_, p)), None) => kb(item_size(p)),
                (Some((kb_, pb)), Some((ka, pa))) if kb_ != ka => {
                    kb(item_size(pb)) + kb(item_size(pa))
                }
                (Some((_, pb)), Some((_, pa))) if pb != pa => kb(item_size(pb).max(item_size(pa))),
                _ => 0.0,
            };
            if units > 0.0 {
                *out.entry(index.name.clone()).or_default() += units;
            }
        }
    }
}

async fn snapshot(client: &aws_sdk_dynamodb::Client, table: &str) -> Snapshot {
    let mut all = HashMap::new();
    let mut start = None;
    loop {
        let out = client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .unwrap();
        for item in out.items.unwrap_or_default() {
            all.insert(key_of(&item), item);
        }
        start = out.last_evaluated_key;
        if start.is_none() {
            return all;
        }
    }
}

/// The keys a step's transactions named: written ones, and the ones only checked.
fn transacted(requests: &[(String, Value)]) -> (Vec<Key>, Vec<Key>) {
    let key = |v: &Value| {
        (
            v["PK"]["S"].as_str().unwrap_or_default().to_string(),
            v["SK"]["S"].as_str().unwrap_or_default().to_string(),
        )
    };
    let (mut written, mut checked) = (Vec::new(), Vec::new());
    for (op, body) in requests.iter().filter(|(op, _)| op == "TransactWriteItems") {
        let _ = op;
        for item in body["TransactItems"].as_array().into_iter().flatten() {
            if let Some(put) = item.get("Put") {
                written.push(key(&put["Item"]));
            } else if let Some(u) = item.get("Update").or(item.get("Delete")) {
                written.push(key(&u["Key"]));
            } else if let Some(c) = item.get("ConditionCheck") {
                checked.push(key(&c["Key"]));
            }
        }
    }
    (written, checked)
}

/// One step's units per schema: writes by table and index, condition-check reads, reads.
fn priced(
    schema: &Schema,
    before: &Snapshot,
    after: &Snapshot,
    requests: &[(String, Value)],
    reads: &[Read],
) -> BTreeMap<String, f64> {
    let (written, checked) = transacted(requests);
    let mut out = BTreeMap::new();
    let mut keys: Vec<_> = before.keys().chain(after.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        schema.write(
            before.get(&k),
            after.get(&k),
            written.contains(&k),
            &mut out,
        );
    }
    let checks: f64 = checked
        .iter()
        .map(|k| {
            2.0 * (before
                .get(k)
                .map_or(0, |i| item_size(&schema.strip(i)))
                .div_ceil(4096)
                .max(1) as f64)
        })
        .sum();
    *out.entry("reads".into()).or_default() += checks + reads.iter().map(|r| r.units).sum::<f64>();
    out
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn an_invitations_life_in_units() {
    let reads = ReadLog::default();
    let calls = CallLog::default();
    let config = moto_config(&dynamodb_endpoint())
        .interceptor(reads.clone())
        .interceptor(calls.clone())
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let table = format!("t-{}", invitations::ids::random_base62(12));
    ensure_table(&client, &table).await.unwrap();
    let raw = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    let described = raw
        .describe_table()
        .table_name(&table)
        .send()
        .await
        .unwrap();
    let indexes: Vec<Index> = described
        .table()
        .unwrap()
        .global_secondary_indexes()
        .iter()
        .map(|g| Index {
            name: g.index_name().unwrap().to_string(),
            keys: g
                .key_schema()
                .iter()
                .map(|k| k.attribute_name().to_string())
                .collect(),
            projection: g
                .projection()
                .and_then(|p| p.projection_type())
                .cloned()
                .unwrap_or(ProjectionType::All),
            attributes: g
                .projection()
                .map(|p| p.non_key_attributes().to_vec())
                .unwrap_or_default(),
        })
        .collect();
    let before_schema = Schema {
        indexes: indexes
            .iter()
            .filter(|i| !["GSI10", "GSI11"].contains(&i.name.as_str()))
            .map(|i| Index {
                name: i.name.clone(),
                keys: i.keys.clone(),
                // GSI6 held whole invitations before this stop.
                projection: match i.name.as_str() {
                    "GSI6" => ProjectionType::All,
                    _ => i.projection.clone(),
                },
                attributes: i
                    .attributes
                    .iter()
                    .filter(|a| *a != "GSI10SK")
                    .cloned()
                    .collect(),
            })
            .collect(),
        absent: vec!["GSI10SK", "GSI11PK", "GSI11SK"],
        listed_organization: true,
    };
    let now_schema = Schema {
        indexes,
        absent: vec![],
        listed_organization: false,
    };
    let h = Harness::with_policy(
        Arc::new(DynamoStore::new(client, table.clone())),
        calls.clone(),
        policy(),
    );
    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    for i in 0..9 {
        invite(&h, &org, &format!("other{i}@example.com")).await;
    }
    let grace = user(&h, "grace@example.com").await;
    let mut steps: Vec<(&str, [BTreeMap<String, f64>; 2])> = Vec::new();
    macro_rules! step {
        ($name:expr, $body:expr) => {{
            let before = snapshot(&raw, &table).await;
            calls.take_requests();
            reads.take();
            let out = $body;
            let (requests, r) = (calls.take_requests(), reads.take());
            let after = snapshot(&raw, &table).await;
            steps.push((
                $name,
                [
                    priced(&now_schema, &before, &after, &requests, &r),
                    priced(&before_schema, &before, &after, &requests, &r),
                ],
            ));
            out
        }};
    }
    let created = step!(
        "create, with its email (sent and recorded)",
        h.service
            .create_invitation(
                &Actor::Backend,
                &org.id,
                &invite_input(json!({"email_address": "grace@example.com", "role": "org:member"}))
            )
            .await
            .unwrap()
    );
    step!(
        "list pending, a page of 10 (a tenth is this one's)",
        h.service
            .list_invitations(
                &Actor::Backend,
                &org.id,
                &invitations::http::parse::invitation_query(
                    &invitations::http::parse::query_pairs(Some("status=pending&limit=10"))
                )
                .unwrap()
            )
            .await
            .unwrap()
    );
    let ticket = ticket_of(created.url.as_deref().unwrap());
    let session = Session {
        user_id: grace.id.clone(),
        verified_email: Some("grace@example.com".into()),
    };
    step!(
        "accept (the ticket, signed in)",
        h.service.accept_ticket(&ticket, &session).await.unwrap()
    );
    let other = invite(&h, &org, "ken@example.com").await;
    step!(
        "revoke (instead of accept)",
        h.service
            .revoke_invitation(&Actor::Backend, &org.id, other.id.as_str(), None)
            .await
            .unwrap()
    );

    let names: Vec<String> = {
        let mut n: Vec<String> = steps
            .iter()
            .flat_map(|(_, [a, b])| a.keys().chain(b.keys()).cloned())
            .collect();
        n.sort();
        n.dedup();
        n.retain(|k| k != "reads");
        n
    };
    let mut lines = vec![
        format!(
            "| step | schema | {} | write units | read units |",
            names.join(" | ")
        ),
        format!("|---|---|{}---|---|", "---|".repeat(names.len())),
    ];
    let mut totals = [[0.0f64; 2]; 2];
    for (name, priced) in &steps {
        for (s, units) in priced.iter().enumerate() {
            let writes: f64 = units
                .iter()
                .filter(|(k, _)| *k != "reads")
                .map(|(_, v)| v)
                .sum::<f64>()
                + 0.0;
            let reads = units.get("reads").copied().unwrap_or(0.0);
            let share = if name.starts_with("list") { 0.1 } else { 1.0 };
            if !name.starts_with("revoke") {
                totals[s][0] += share * writes;
                totals[s][1] += share * reads;
            }
            let cells: Vec<String> = names
                .iter()
                .map(|n| format!("{}", units.get(n).copied().unwrap_or(0.0)))
                .collect();
            lines.push(format!(
                "| {name} | {} | {} | {writes} | {reads} |",
                ["now", "before this stop"][s],
                cells.join(" | ")
            ));
        }
    }
    println!(
        "\nUnits of one invitation's life (moto, item sizes as stored):\n\n{}\n",
        lines.join("\n")
    );
    for (s, [w, r]) in totals.iter().enumerate() {
        println!(
            "{}: create + a tenth of a pending page + accept = {w} write units, {r} read units: ${:.2} per million invitations at on-demand prices ($0.625 per million write units, $0.125 per million read units)",
            ["now", "before this stop"][s],
            w * 0.625 + r * 0.125
        );
    }
    assert!(totals[0][0] > 0.0);
    // No operation dearer than before this stop's indexes.
    for (name, [now, before]) in &steps {
        let sum = |u: &BTreeMap<String, f64>, reads: bool| -> f64 {
            u.iter()
                .filter(|(k, _)| (*k == "reads") == reads)
                .map(|(_, v)| v)
                .sum()
        };
        assert!(
            sum(now, false) <= sum(before, false),
            "{name}: more write units than before"
        );
        assert!(
            sum(now, true) <= sum(before, true),
            "{name}: more read units than before"
        );
    }
}
