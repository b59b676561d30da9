//! What each concern reads from the environment, typed.

use url::Url;

use super::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    Memory,
    DynamoDb {
        table: String,
        /// An emulator's address (moto on loopback); AWS's own endpoint when absent.
        endpoint: Option<String>,
        /// Days an ended invitation stays before DynamoDB's TTL removes it.
        retention_days: u32,
        /// The request-path functions open the connection during init
        /// (`DYNAMODB_CONNECT_AT_INIT`; by default below 512 MB of memory).
        connect_at_init: bool,
    },
}

/// The ticket keys a function holds: to sign (create, resend), to verify (the link, accept,
/// decline), both (the local server), or none.
#[derive(Debug, Clone, Default)]
pub struct TicketKeys {
    /// `TICKET_SIGNING_KEY`: an HS256 secret, or a PKCS#8 private key in PEM.
    pub signing: Option<Secret>,
    /// `TICKET_VERIFYING_KEY`: the public half of a PEM signing key (plain configuration).
    pub verifying: Option<String>,
    /// Whether the function signs tickets.
    pub issues: bool,
    /// Whether the function verifies tickets.
    pub verifies: bool,
}

#[derive(Debug, Clone)]
pub enum SessionKeys {
    Secret(Secret),
    PublicKeyPem(String),
    JwksUrl(String),
}

#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub keys: SessionKeys,
    pub issuer: Option<String>,
    pub audience: Option<String>,
    pub max_age_seconds: u64,
}

#[derive(Debug, Clone)]
pub enum MailerConfig {
    /// A function that sends no email.
    Disabled,
    /// One mailbox (`outbox.mbox`) and a log of sends in a folder.
    Outbox { dir: String, from: String },
    Ses {
        from: String,
        configuration_set: Option<String>,
        /// An emulator's address (moto); AWS's own endpoint when absent.
        endpoint: Option<String>,
    },
}

/// Where links point and where they send the invitee.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    pub public_base_url: Url,
    pub default_redirect: Option<Url>,
}
