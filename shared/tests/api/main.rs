//! Every integration test, in one binary, sorted by behaviour. Tests that need moto (DynamoDB
//! and SES v2 on loopback) are `#[ignore]`d with a reason: plain `cargo test` passes without it,
//! and `scripts/test` starts moto and runs them with `--include-ignored`.

// A failed unwrap is a failed test, with its message: what tests want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Runs each named case (an `async fn(Harness)` of the enclosing module) on the in-memory store
/// and on DynamoDB; the DynamoDB runs need moto.
macro_rules! both_stores {
    ($($case:ident),* $(,)?) => {
        mod memory_store {
            $(
                #[tokio::test]
                async fn $case() {
                    super::$case($crate::helpers::memory().await).await;
                }
            )*
        }
        mod dynamodb_store {
            $(
                #[tokio::test]
                #[ignore = "needs moto: scripts/test runs it"]
                async fn $case() {
                    super::$case($crate::helpers::dynamodb().await).await;
                }
            )*
        }
    };
}

mod accept;
mod attacks;
mod audit;
mod browser;
mod deploy;
mod directory;
mod domains;
mod email;
mod email_reputation;
mod events;
mod helpers;
mod idempotency;
mod invite;
mod link;
mod links;
mod list;
mod properties;
mod reminders;
mod resend;
mod retries;
mod revoke;
mod routing;
mod sessions;
mod signed_in;
mod spec;
mod stores;
mod structure;
