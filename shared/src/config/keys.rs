//! The settings that hold keys: the backend keys' digests, the ticket keys, the session
//! verifier, and the rule that no two of them are the same.

use sha2::{Digest, Sha256};

use super::{url_var, ConfigError, SecretSource, SessionConfig, SessionKeys, TicketKeys, Vars};

/// The accepted backend secret keys, as SHA-256 digests: what a function needs to check a
/// presented key, and nothing that would let it (or its configuration) present one.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BackendKeys {
    pub digests: Vec<[u8; 32]>,
    /// The keys themselves when given as such (development; the local server prints the first).
    pub plain: Vec<String>,
}

impl std::fmt::Debug for BackendKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BackendKeys({} digests)", self.digests.len())
    }
}

pub fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.trim().as_bytes()).into()
}

/// A backend key's digest as `INVITATIONS_SECRET_KEY_SHA256` takes it (what `sha256sum` prints).
pub fn digest_hex(key: &str) -> String {
    digest(key).iter().map(|b| format!("{b:02x}")).collect()
}

const MIN_KEY_LEN: usize = 16;

pub(super) fn backend_keys(local: bool, vars: &Vars<'_>) -> Result<BackendKeys, ConfigError> {
    let mut keys = BackendKeys::default();
    if let Some(raw) = vars.get("INVITATIONS_SECRET_KEY_SHA256") {
        for hex in raw.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            keys.digests.push(parse_digest(hex).ok_or_else(|| {
                ConfigError::invalid(
                    "INVITATIONS_SECRET_KEY_SHA256",
                    "each digest is 64 hexadecimal characters (sha256sum of a key)",
                )
            })?);
        }
    }
    let plain = match vars.get("INVITATIONS_SECRET_KEY") {
        Some(raw) => raw.split(',').map(|k| k.trim().to_string()).collect(),
        None if local && keys.digests.is_empty() => {
            vec![format!("sk_test_{}", crate::ids::random_base62(32))]
        }
        None => Vec::new(),
    };
    if let Some(short) = plain.iter().find(|k| k.len() < MIN_KEY_LEN) {
        return Err(ConfigError::invalid(
            "INVITATIONS_SECRET_KEY",
            format!(
                "a secret key must be at least {MIN_KEY_LEN} characters (one has {})",
                short.len()
            ),
        ));
    }
    keys.digests.extend(plain.iter().map(|k| digest(k)));
    keys.plain = plain;
    if keys.digests.is_empty() {
        return Err(ConfigError::Missing {
            var: "INVITATIONS_SECRET_KEY_SHA256",
            purpose: "it holds the SHA-256 digests of the backend secret keys (comma-separated), \
                      or set INVITATIONS_SECRET_KEY to the keys themselves",
        });
    }
    Ok(keys)
}

fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

pub(super) fn ticket_keys(
    local: bool,
    issues: bool,
    verifies: bool,
    vars: &Vars<'_>,
) -> Result<TicketKeys, ConfigError> {
    let mut keys = TicketKeys {
        issues,
        verifies,
        ..TicketKeys::default()
    };
    if !issues && !verifies {
        return Ok(keys);
    }
    keys.verifying = vars.get("TICKET_VERIFYING_KEY");
    // A function that only verifies needs the signing key only when there is no public half
    // (HS256: the same secret signs and verifies).
    let wants_signing = issues || keys.verifying.is_none();
    if wants_signing {
        keys.signing = match vars.secret("TICKET_SIGNING_KEY") {
            Some(secret) => Some(secret),
            None if local => Some(super::Secret {
                var: "TICKET_SIGNING_KEY",
                source: SecretSource::Value(crate::ids::random_base62(48)),
            }),
            None if issues => {
                return Err(ConfigError::Missing {
                    var: "TICKET_SIGNING_KEY",
                    purpose: "it signs invitation tickets (an HS256 secret of 32+ bytes, or a PEM private key with TICKET_VERIFYING_KEY)",
                })
            }
            None => {
                return Err(ConfigError::Missing {
                    var: "TICKET_VERIFYING_KEY",
                    purpose: "it verifies invitation tickets (the public PEM of TICKET_SIGNING_KEY)",
                })
            }
        };
    }
    Ok(keys)
}

pub(super) fn sessions(vars: &Vars<'_>) -> Result<Option<SessionConfig>, ConfigError> {
    let secret = vars.secret("SESSION_JWT_SECRET");
    let keys =
        match (
            secret,
            vars.get("SESSION_JWT_PUBLIC_KEY"),
            vars.get("SESSION_JWKS_URL"),
        ) {
            (Some(secret), None, None) => SessionKeys::Secret(secret),
            (None, Some(pem), None) => SessionKeys::PublicKeyPem(pem),
            (None, None, Some(url)) => {
                SessionKeys::JwksUrl(url_var("SESSION_JWKS_URL", &url)?.to_string())
            }
            (None, None, None) => return Ok(None),
            _ => return Err(ConfigError::invalid(
                "SESSION_JWT_SECRET",
                "set only one of SESSION_JWT_SECRET, SESSION_JWT_PUBLIC_KEY and SESSION_JWKS_URL",
            )),
        };
    let max_age_seconds = match vars.get("SESSION_MAX_AGE_SECONDS") {
        None => crate::tokens::session::DEFAULT_MAX_AGE_SECONDS,
        Some(raw) => match raw.parse::<u64>() {
            Ok(seconds) if seconds > 0 => seconds,
            _ => {
                return Err(ConfigError::invalid(
                    "SESSION_MAX_AGE_SECONDS",
                    format!("{raw:?} is not a positive whole number of seconds"),
                ))
            }
        },
    };
    let issuer = vars.get("SESSION_JWT_ISSUER");
    // A JWKS is the provider's, and may sign for others than this app: only tokens it issued
    // for this app's issuer are sessions here.
    if matches!(keys, SessionKeys::JwksUrl(_)) && issuer.is_none() {
        return Err(ConfigError::Missing {
            var: "SESSION_JWT_ISSUER",
            purpose: "with SESSION_JWKS_URL, sessions must name the issuer they come from (a JWKS may sign for other apps)",
        });
    }
    Ok(Some(SessionConfig {
        keys,
        issuer,
        audience: vars.get("SESSION_JWT_AUDIENCE"),
        max_age_seconds,
    }))
}

/// A ticket key that is also a session or backend key would let one kind of token pass as
/// the other (a ticket verifying as a session), so such a configuration never starts. Checked
/// once the secrets are read.
pub(super) fn check_distinct(
    tickets: &TicketKeys,
    backend: &BackendKeys,
    sessions: Option<&SessionConfig>,
) -> Result<(), ConfigError> {
    let same = |a: &str, b: &str| a.trim() == b.trim();
    let session = sessions.map(|s| &s.keys);
    let ticket_secret = match &tickets.signing {
        Some(secret) => Some(secret.value()?),
        None => None,
    };
    let clash = if let Some(ticket) = ticket_secret.filter(|t| !t.starts_with("-----BEGIN")) {
        if backend.digests.contains(&digest(ticket)) {
            Some("INVITATIONS_SECRET_KEY")
        } else {
            match session {
                Some(SessionKeys::Secret(s)) if same(s.value()?, ticket) => {
                    Some("SESSION_JWT_SECRET")
                }
                _ => None,
            }
        }
    } else {
        match (&tickets.verifying, session) {
            (Some(public), Some(SessionKeys::PublicKeyPem(p))) if same(p, public) => {
                Some("SESSION_JWT_PUBLIC_KEY")
            }
            _ => None,
        }
    };
    match clash {
        Some(other) => Err(ConfigError::invalid(
            "TICKET_SIGNING_KEY",
            format!(
                "it must differ from {other}: a ticket must never verify as another kind of token"
            ),
        )),
        None => Ok(()),
    }
}
