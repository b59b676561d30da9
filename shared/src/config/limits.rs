//! The abuse limits. Every one is on by default; a variable may change its number, never turn
//! it off (0 is refused).
//!
//! | variable | default |
//! |---|---|
//! | `LIMIT_EMAILS_PER_ORGANIZATION_PER_HOUR` | 100 |
//! | `LIMIT_EMAILS_PER_INVITER_PER_HOUR` | 20 |
//! | `LIMIT_EMAILS_PER_ADDRESS_PER_DAY` | 5 (all organizations together) |
//! | `EMAIL_COOLDOWN_SECONDS` | 60 (one organization, one address) |
//! | `LIMIT_LINK_LOOKUPS_PER_LINK_PER_HOUR` | 20 (one invitation's links) |
//! | `LIMIT_SILENT_INVITATIONS_PER_ORGANIZATION_PER_HOUR` | 100 (invitations made without an email) |

use super::{ConfigError, Vars};
use crate::domain::limits::{Limit, Limits};

fn positive(vars: &Vars<'_>, var: &'static str, default: u32) -> Result<u32, ConfigError> {
    match vars.get(var) {
        None => Ok(default),
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError::invalid(
                var,
                format!(
                    "{raw:?} is not a whole number of at least 1 (limits cannot be turned off)"
                ),
            )),
        },
    }
}

pub(super) fn limits(vars: &Vars<'_>) -> Result<Limits, ConfigError> {
    let d = Limits::default();
    Ok(Limits {
        organization_emails: Limit::per_hour(positive(
            vars,
            "LIMIT_EMAILS_PER_ORGANIZATION_PER_HOUR",
            d.organization_emails.max,
        )?),
        inviter_emails: Limit::per_hour(positive(
            vars,
            "LIMIT_EMAILS_PER_INVITER_PER_HOUR",
            d.inviter_emails.max,
        )?),
        address_emails: Limit::per_day(positive(
            vars,
            "LIMIT_EMAILS_PER_ADDRESS_PER_DAY",
            d.address_emails.max,
        )?),
        address_cooldown: Limit::once_per_seconds(i64::from(positive(
            vars,
            "EMAIL_COOLDOWN_SECONDS",
            (d.address_cooldown.window_ms / 1000) as u32,
        )?)),
        link_lookups: Limit::per_hour(positive(
            vars,
            "LIMIT_LINK_LOOKUPS_PER_LINK_PER_HOUR",
            d.link_lookups.max,
        )?),
        silent_invitations: Limit::per_hour(positive(
            vars,
            "LIMIT_SILENT_INVITATIONS_PER_ORGANIZATION_PER_HOUR",
            d.silent_invitations.max,
        )?),
    })
}
