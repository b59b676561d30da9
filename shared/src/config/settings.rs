//! What each concern reads from the environment, typed.

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    Memory,
    DynamoDb {
        table: String,
        /// An emulator's address (moto on loopback); AWS's own endpoint when absent.
        endpoint: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub enum TicketKey {
    /// A function that neither signs nor verifies tickets holds no ticket key.
    Absent,
    /// HS256 with this secret.
    Secret(String),
    /// EdDSA or ES256: a PKCS#8 private key and its public key, in PEM.
    Pair {
        private_pem: String,
        public_pem: String,
    },
}

#[derive(Debug, Clone)]
pub enum SessionKeys {
    Secret(String),
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
    /// `.eml` and `.html` files in a folder.
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
