//! A request that may be sent again: its `Idempotency-Key`, scoped to its caller. Every write
//! it makes names it (`written_by`), so a retry of it (the SDK's, or the caller's after a lost
//! answer) recognises what it already did and answers it as done.

/// A request's key, as the edge derives it (a digest of the caller's scope and the key).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestKey(String);

impl RequestKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// One item of a request that writes several (a bulk create's `i`th invitation).
    pub fn item(&self, i: usize) -> Self {
        Self(format!("{}#{i}", self.0))
    }
}

/// What a write is marked with: the request's key, or a token of this call alone (a call
/// without a key still recognises its own write when the store retries it).
pub fn write_token(key: Option<&RequestKey>) -> String {
    match key {
        Some(k) => k.0.clone(),
        None => format!("call:{}", crate::ids::random_base62(20)),
    }
}

/// What the edge knows of one request: its key when it may be sent again, and where it came
/// from (for the audit log).
#[derive(Debug, Clone, Default)]
pub struct RequestScope {
    pub key: Option<RequestKey>,
    pub origin: super::audit::AuditContext,
}
