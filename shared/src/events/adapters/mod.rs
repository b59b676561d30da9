//! The pipeline's adapters: HTTP for webhooks, SQS for dead letters, EventBridge as a sink, and
//! a folder (the local server's events and dead letters).

pub mod eventbridge;
pub mod folder;
pub mod http;
pub mod sqs;
