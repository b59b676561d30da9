//! The baseline for a first request that reaches DynamoDB: a `lambda_http` function that builds
//! its client at init from `aws_config::load_defaults` (the SDK's own guide; endpoint, region,
//! credentials and trusted roots from the environment, `AWS_ENDPOINT_URL_DYNAMODB` and
//! `SSL_CERT_FILE` included) and makes one `GetItem` per request.
use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::{run, service_fn, tracing, Body, Error, Request, Response};

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing::init_default_subscriber();
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = std::env::var("TABLE_NAME")?;
    run(service_fn(move |_request: Request| {
        let (client, table) = (client.clone(), table.clone());
        async move {
            let read = client
                .get_item()
                .table_name(table)
                .key("PK", AttributeValue::S("HELLO".into()))
                .key("SK", AttributeValue::S("HELLO".into()))
                .send()
                .await?;
            let found = read.item.is_some();
            Ok::<_, Error>(
                Response::builder()
                    .status(200)
                    .header("content-type", "application/json")
                    .body(Body::from(format!(r#"{{"found":{found}}}"#)))?,
            )
        }
    }))
    .await
}
