//! The keys this repository publishes for development and tests (`.env.lambda-local`, the
//! Lambda events in `events/`, the test suites): anyone can read them, so a function that
//! keeps its data in DynamoDB (a deployment) does not start with one. The local server and a
//! function on the in-memory store (`cargo lambda watch`) keep nothing and may use them.

use super::keys::digest;
use super::{BackendKeys, ConfigError, SessionConfig, SessionKeys, StoreConfig, TicketKeys};

/// The published backend keys.
const BACKEND_KEYS: &[&str] = &[
    "sk_test_fixture_key_0123456789",
    "sk_test_0123456789abcdefghij",
];
/// The published ticket and session secrets.
const SECRETS: &[&str] = &[
    "local-development-ticket-key-0123456789abcdef",
    "test-ticket-secret-0123456789abcdef",
    "test-session-secret-0123456789abcdef",
];

/// Refuses a published key where data persists (`STORE=dynamodb`) outside the local server.
pub(super) fn refuse_published_keys(
    local: bool,
    store: &StoreConfig,
    backend: &BackendKeys,
    tickets: &TicketKeys,
    sessions: Option<&SessionConfig>,
) -> Result<(), ConfigError> {
    if local || matches!(store, StoreConfig::Memory) {
        return Ok(());
    }
    let published = |var: &'static str| {
        Err(ConfigError::invalid(
            var,
            "it is a key this repository publishes for development (.env.lambda-local, events/): \
             make one of your own (cargo run -p local --bin keys)"
                .to_string(),
        ))
    };
    let backend_published = backend
        .digests
        .iter()
        .any(|d| BACKEND_KEYS.iter().any(|k| &digest(k) == d));
    if backend_published {
        return published("INVITATIONS_SECRET_KEY_SHA256");
    }
    if let Some(secret) = &tickets.signing {
        if SECRETS.contains(&secret.value()?.trim()) {
            return published("TICKET_SIGNING_KEY");
        }
    }
    if let Some(SessionConfig {
        keys: SessionKeys::Secret(secret),
        ..
    }) = sessions
    {
        if SECRETS.contains(&secret.value()?.trim()) {
            return published("SESSION_JWT_SECRET");
        }
    }
    Ok(())
}
