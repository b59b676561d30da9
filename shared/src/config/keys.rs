//! The settings that hold keys: the backend secret keys, the ticket key, the session
//! verifier, and the rule that no two of them are the same.

use super::{url_var, Config, ConfigError, Mode, SessionConfig, SessionKeys, TicketKey, Vars};

impl Config {
    /// A ticket key that is also a session or backend key would let one kind of token pass as
    /// the other (a ticket verifying as a session), so such a configuration never starts.
    pub(super) fn check_keys_are_distinct(&self) -> Result<(), ConfigError> {
        let same = |a: &str, b: &str| a.trim() == b.trim();
        let session = self.sessions.as_ref().map(|s| &s.keys);
        let clash = match &self.ticket_key {
            TicketKey::Absent => None,
            TicketKey::Secret(ticket) => {
                if self.secret_keys.iter().any(|k| same(k, ticket)) {
                    Some("INVITATIONS_SECRET_KEY")
                } else if matches!(session, Some(SessionKeys::Secret(s)) if same(s, ticket)) {
                    Some("SESSION_JWT_SECRET")
                } else {
                    None
                }
            }
            TicketKey::Pair { public_pem, .. } => {
                matches!(session, Some(SessionKeys::PublicKeyPem(p)) if same(p, public_pem))
                    .then_some("SESSION_JWT_PUBLIC_KEY")
            }
        };
        match clash {
            Some(other) => Err(ConfigError::invalid(
                "TICKET_SIGNING_KEY",
                format!("it must differ from {other}: a ticket must never verify as another kind of token"),
            )),
            None => Ok(()),
        }
    }
}

pub(super) fn secret_keys(mode: Mode, vars: &Vars<'_>) -> Result<Vec<String>, ConfigError> {
    let raw = match vars.get("INVITATIONS_SECRET_KEY") {
        Some(raw) => raw,
        None if mode.is_local() => format!("sk_test_{}", crate::ids::random_base62(32)),
        None => return Err(ConfigError::Missing {
            var: "INVITATIONS_SECRET_KEY",
            purpose:
                "it holds the backend secret keys (comma-separated, each at least 16 characters)",
        }),
    };
    Ok(raw.split(',').map(str::to_string).collect())
}

pub(super) fn ticket_key(mode: Mode, vars: &Vars<'_>) -> Result<TicketKey, ConfigError> {
    if !mode.uses().tickets {
        return Ok(TicketKey::Absent);
    }
    match (
        vars.get("TICKET_SIGNING_KEY"),
        vars.get("TICKET_VERIFYING_KEY"),
    ) {
        (Some(private_pem), Some(public_pem)) => Ok(TicketKey::Pair {
            private_pem,
            public_pem,
        }),
        (Some(secret), None) if secret.starts_with("-----BEGIN") => Err(ConfigError::Missing {
            var: "TICKET_VERIFYING_KEY",
            purpose: "a PEM TICKET_SIGNING_KEY needs its public key beside it",
        }),
        (Some(secret), None) => Ok(TicketKey::Secret(secret)),
        (None, _) if mode.is_local() => Ok(TicketKey::Secret(crate::ids::random_base62(48))),
        (None, _) => Err(ConfigError::Missing {
            var: "TICKET_SIGNING_KEY",
            purpose:
                "it signs invitation tickets (an HS256 secret of 32+ bytes, or a PEM key pair)",
        }),
    }
}

pub(super) fn sessions(vars: &Vars<'_>) -> Result<Option<SessionConfig>, ConfigError> {
    let keys =
        match (
            vars.get("SESSION_JWT_SECRET"),
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
    Ok(Some(SessionConfig {
        keys,
        issuer: vars.get("SESSION_JWT_ISSUER"),
        audience: vars.get("SESSION_JWT_AUDIENCE"),
        max_age_seconds,
    }))
}
