use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;

use super::keys;
use super::{build_error, sdk_error};
use crate::store::StoreError;

/// Creates the table with its indexes unless it exists. For local runs and tests; deployments
/// get the same definition from `template.yaml`.
pub async fn ensure_table(client: &Client, table: &str) -> Result<(), StoreError> {
    create_table(client, table, false).await
}

/// The same, with the change stream the events function reads (new and old images), as
/// `template.yaml` makes it. Only where something reads the stream: an emulator keeps every
/// record of it in memory.
pub async fn ensure_streamed_table(client: &Client, table: &str) -> Result<(), StoreError> {
    create_table(client, table, true).await
}

async fn create_table(client: &Client, table: &str, stream: bool) -> Result<(), StoreError> {
    match client.describe_table().table_name(table).send().await {
        Ok(_) => return Ok(()),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) => {}
        Err(err) => return Err(sdk_error(err)),
    }
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
    };
    let projected = |name: &str, pk: &str, sk: &str, projection: Projection| {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(pk, KeyType::Hash).map_err(build_error)?)
            .key_schema(key(sk, KeyType::Range).map_err(build_error)?)
            .projection(projection)
            .build()
            .map_err(build_error)
    };
    let all = || {
        Projection::builder()
            .projection_type(ProjectionType::All)
            .build()
    };
    let index = |name: &str, pk: &str, sk: &str| projected(name, pk, sk, all());
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(keys::PK, KeyType::Hash).map_err(build_error)?)
        .key_schema(key(keys::SK, KeyType::Range).map_err(build_error)?)
        .global_secondary_indexes(index(keys::GSI1, keys::GSI1PK, keys::GSI1SK)?)
        .global_secondary_indexes(index(keys::GSI2, keys::GSI2PK, keys::GSI2SK)?)
        .global_secondary_indexes(index(keys::GSI3, keys::GSI3PK, keys::GSI3SK)?)
        .global_secondary_indexes(index(keys::GSI4, keys::GSI4PK, keys::GSI4SK)?)
        // Lapsed invitations are counted, and placed in a page by their created key: never
        // read whole from here.
        .global_secondary_indexes(projected(
            keys::GSI5,
            keys::GSI5PK,
            keys::GSI5SK,
            Projection::builder()
                .projection_type(ProjectionType::Include)
                .non_key_attributes(keys::GSI4SK)
                .non_key_attributes(keys::GSI10SK)
                .build(),
        )?)
        // A status-bound page in address order merges these and reads only its own items.
        .global_secondary_indexes(projected(
            keys::GSI10,
            keys::GSI4PK,
            keys::GSI10SK,
            Projection::builder()
                .projection_type(ProjectionType::Include)
                .non_key_attributes("expires_at")
                .build(),
        )?)
        // Keys only: its rows are written with every invitation and read only by the instance's
        // list, which reads its page by key.
        .global_secondary_indexes(projected(
            keys::GSI6,
            keys::GSI6PK,
            keys::GSI6SK,
            Projection::builder()
                .projection_type(ProjectionType::KeysOnly)
                .build(),
        )?)
        .global_secondary_indexes(projected(
            keys::GSI11,
            keys::GSI11PK,
            keys::GSI11SK,
            Projection::builder()
                .projection_type(ProjectionType::Include)
                .non_key_attributes("expires_at")
                .build(),
        )?)
        .global_secondary_indexes(index(keys::GSI7, keys::GSI7PK, keys::GSI7SK)?)
        .global_secondary_indexes(index(keys::GSI9, keys::GSI9PK, keys::GSI9SK)?)
        .global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(keys::GSI8)
                .key_schema(key(keys::GSI8PK, KeyType::Hash).map_err(build_error)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::KeysOnly)
                        .build(),
                )
                .build()
                .map_err(build_error)?,
        );
    if stream {
        request = request.stream_specification(
            aws_sdk_dynamodb::types::StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(aws_sdk_dynamodb::types::StreamViewType::NewAndOldImages)
                .build()
                .map_err(build_error)?,
        );
    }
    for name in [
        keys::PK,
        keys::SK,
        keys::GSI1PK,
        keys::GSI1SK,
        keys::GSI2PK,
        keys::GSI2SK,
        keys::GSI3PK,
        keys::GSI3SK,
        keys::GSI4PK,
        keys::GSI4SK,
        keys::GSI5PK,
        keys::GSI5SK,
        keys::GSI6PK,
        keys::GSI6SK,
        keys::GSI7PK,
        keys::GSI7SK,
        keys::GSI8PK,
        keys::GSI9PK,
        keys::GSI9SK,
        keys::GSI10SK,
        keys::GSI11PK,
        keys::GSI11SK,
    ] {
        request = request.attribute_definitions(attr(name).map_err(build_error)?);
    }
    match request.send().await {
        Ok(_) => enable_ttl(client, table).await,
        // Another process created it between our describe and create.
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            Ok(())
        }
        Err(err) => Err(sdk_error(err)),
    }
}

/// Abuse-limit logs and ended invitations leave by TTL (`keys::TTL`), as `template.yaml` sets it.
async fn enable_ttl(client: &Client, table: &str) -> Result<(), StoreError> {
    let spec = aws_sdk_dynamodb::types::TimeToLiveSpecification::builder()
        .attribute_name(keys::TTL)
        .enabled(true)
        .build()
        .map_err(build_error)?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(spec)
        .send()
        .await
        .map_err(sdk_error)?;
    Ok(())
}
