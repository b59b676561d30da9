//! A person's invitation list, with domain matches, on a table holding 10,000 other verified
//! domains: one keyed read per address domain (one batch), never a scan, whatever else the
//! table holds.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use invitations::domain::listing::PageStart;
use invitations::domain::org_domain::EnrollmentMode;
use invitations::domain::PageRequest;
use invitations::service::{Actor, NewDomain};
use invitations::tokens::session::Session;
use serde_json::Value;

use crate::helpers::{
    batch_put, domain_policy, dynamodb_client, dynamodb_endpoint, dynamodb_store, org_with_admin,
    user, CallLog, Harness,
};

const OTHER_DOMAINS: usize = 10_000;

fn other_domain(i: usize) -> WriteRequest {
    let item: HashMap<String, AttributeValue> = [
        ("PK", format!("DOMAINNAME#other{i}.test")),
        ("SK", "VERIFIED".to_string()),
        ("entity", "verified_name".to_string()),
        ("name", format!("other{i}.test")),
        ("domain_id", format!("orgdmn_other{i}")),
        ("organization_id", format!("org_other{i}")),
        ("organization_name", format!("Other {i}")),
        ("organization_slug", format!("other-{i}")),
        ("enrollment_mode", "automatic_invitation".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), AttributeValue::S(v)))
    .collect();
    WriteRequest::builder()
        .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
        .build()
}

/// The keys a `BatchGetItem` asked for.
fn batch_keys(body: &Value) -> Vec<String> {
    body["RequestItems"]
        .as_object()
        .into_iter()
        .flat_map(|tables| tables.values())
        .flat_map(|t| t["Keys"].as_array().cloned().unwrap_or_default())
        .map(|k| k["PK"]["S"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
#[ignore = "needs moto: scripts/test runs it"]
async fn a_persons_list_reads_one_key_per_address_domain_among_10000_others() {
    let calls = CallLog::default();
    let store = dynamodb_store(&calls).await;
    let table = store.table().to_string();
    let h = Harness::with_policy(std::sync::Arc::new(store), calls.clone(), domain_policy());
    let filler = dynamodb_client(&dynamodb_endpoint(), &CallLog::default());
    batch_put(
        &filler,
        &table,
        (0..OTHER_DOMAINS).map(other_domain).collect(),
    )
    .await;

    let (org, _) = org_with_admin(&h, "admin@acme.test", 0).await;
    h.service
        .create_domain(
            &Actor::Backend,
            &org.id,
            NewDomain {
                name: "acme.test".into(),
                enrollment_mode: EnrollmentMode::AutomaticInvitation,
                verified: None,
            },
        )
        .await
        .unwrap();
    let input = invitations::http::parse::user(
        &serde_json::json!({ "email_address": ["ada@acme.test", "ada@labs.test", "ADA@acme.test.example"] }),
    );
    let ada = match input {
        Ok(input) => h.service.create_user(input).await.unwrap(),
        Err(_) => user(&h, "ada@acme.test").await,
    };
    let session = Session {
        user_id: ada.id.clone(),
        verified_email: Some("ada@acme.test".into()),
    };
    let page = PageRequest {
        limit: 10,
        start: PageStart::Offset(0),
    };
    let address_domains = {
        let mut d: Vec<String> = ada
            .address_keys()
            .iter()
            .map(|a| a.rsplit_once('@').unwrap().1.to_string())
            .collect();
        d.sort();
        d.dedup();
        d.len()
    };
    // The first look makes the offer (its context read and transaction); later ones read the
    // user, the names, the person's offers and each address's invitations, nothing more.
    for (look, most) in [("first look (makes the offer)", 9), ("steady state", 6)] {
        calls.take();
        let mine = h
            .service
            .my_invitations(&session, &[], &page)
            .await
            .unwrap();
        assert_eq!(mine.data.len(), 1, "{look}: the automatic invitation");
        let requests = calls.take_requests();
        let ops: Vec<&str> = requests.iter().map(|(op, _)| op.as_str()).collect();
        assert!(!ops.contains(&"Scan"), "{look}: {ops:?}");
        let domain_reads: Vec<&(String, Value)> = requests
            .iter()
            .filter(|(_, body)| body.to_string().contains("DOMAINNAME#"))
            .collect();
        assert_eq!(
            domain_reads.len(),
            1,
            "{look}: one read of the names: {ops:?}"
        );
        assert_eq!(domain_reads[0].0, "BatchGetItem");
        let keys = batch_keys(&domain_reads[0].1);
        assert_eq!(
            keys.len(),
            address_domains,
            "{look}: one key per address domain: {keys:?}"
        );
        assert!(keys.iter().all(|k| k.starts_with("DOMAINNAME#")));
        assert!(
            ops.len() <= most,
            "{look}: at most {most} round trips: {ops:?}"
        );
    }
}
