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
//! | `LIMIT_LINK_REDEMPTIONS_PER_PERSON_PER_HOUR` | 10 (shareable links one person tries) |
//! | `LIMIT_LINKS_PER_ORGANIZATION_PER_HOUR` | 20 (shareable links one organization makes) |
//! | `LIMIT_LINK_JOINS_PER_HOUR` | 100 (redemptions one shareable link admits in an hour; `invitation_links.rs`) |

use super::{ConfigError, Vars};
use crate::domain::limits::{Limit, Limits};
use crate::domain::reputation::BreakerPolicy;

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

/// `AUDIT_RETENTION_DAYS`: how long audit entries are kept, 1 to 3650 days (365 unset).
pub(super) fn audit_retention_days(vars: &Vars<'_>) -> Result<u32, ConfigError> {
    use crate::domain::audit::{DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS};
    let days = positive(vars, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)?;
    if days > MAX_RETENTION_DAYS {
        return Err(ConfigError::invalid(
            "AUDIT_RETENTION_DAYS",
            format!("{days} is more than {MAX_RETENTION_DAYS} days"),
        ));
    }
    Ok(days)
}

/// `REMINDER_DAYS_BEFORE_EXPIRY`: 0 (no reminders) to 30 days (3 unset).
pub(super) fn reminder_days(vars: &Vars<'_>) -> Result<u32, ConfigError> {
    let var = "REMINDER_DAYS_BEFORE_EXPIRY";
    match vars.get(var) {
        None => Ok(crate::domain::reminder::DEFAULT_DAYS_BEFORE_EXPIRY),
        Some(raw) => match raw.parse::<u32>() {
            Ok(days) if days <= 30 => Ok(days),
            _ => Err(ConfigError::invalid(
                var,
                format!("{raw:?} is not a whole number of days from 0 (none) to 30"),
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
        link_redemptions: Limit::per_hour(positive(
            vars,
            "LIMIT_LINK_REDEMPTIONS_PER_PERSON_PER_HOUR",
            d.link_redemptions.max,
        )?),
        link_creations: Limit::per_hour(positive(
            vars,
            "LIMIT_LINKS_PER_ORGANIZATION_PER_HOUR",
            d.link_creations.max,
        )?),
    })
}

/// The email breaker (`domain::reputation`), read by the bounces function. Like the limits, it
/// may be tuned, never turned off.
///
/// | variable | default |
/// |---|---|
/// | `MAIL_BREAKER_BOUNCE_RATE_PERCENT` | 2.5 (hard bounces of what was sent, over 7 days) |
/// | `MAIL_BREAKER_COMPLAINT_RATE_PERCENT` | 0.05 (complaints of what was sent, over 7 days) |
/// | `MAIL_BREAKER_MIN_SENT` | 100 (emails in 7 days before the rates are judged) |
pub(super) fn breaker(vars: &Vars<'_>) -> Result<BreakerPolicy, ConfigError> {
    let d = BreakerPolicy::default();
    Ok(BreakerPolicy {
        min_sent: u64::from(positive(vars, "MAIL_BREAKER_MIN_SENT", d.min_sent as u32)?),
        max_bounce_bp: basis_points(vars, "MAIL_BREAKER_BOUNCE_RATE_PERCENT", d.max_bounce_bp)?,
        max_complaint_bp: basis_points(
            vars,
            "MAIL_BREAKER_COMPLAINT_RATE_PERCENT",
            d.max_complaint_bp,
        )?,
    })
}

/// A percentage with at most two decimals, above 0 and at most 100, as basis points.
fn basis_points(vars: &Vars<'_>, var: &'static str, default: u64) -> Result<u64, ConfigError> {
    let Some(raw) = vars.get(var) else {
        return Ok(default);
    };
    let refuse = || {
        ConfigError::invalid(
            var,
            format!(
                "{raw:?} is not a percentage above 0 and at most 100, with at most two decimals"
            ),
        )
    };
    let (whole, fraction) = raw.trim().split_once('.').unwrap_or((raw.trim(), ""));
    if fraction.len() > 2 || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return Err(refuse());
    }
    let whole: u64 = whole.parse().map_err(|_| refuse())?;
    let fraction: u64 = format!("{fraction:0<2}").parse().map_err(|_| refuse())?;
    let bp = whole * 100 + fraction;
    if bp == 0 || bp > 10_000 {
        return Err(refuse());
    }
    Ok(bp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaker_rates_read_as_basis_points_and_cannot_be_turned_off() {
        let vars = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let lookup = vars(&[
            ("MAIL_BREAKER_BOUNCE_RATE_PERCENT", "3"),
            ("MAIL_BREAKER_COMPLAINT_RATE_PERCENT", "0.08"),
            ("MAIL_BREAKER_MIN_SENT", "500"),
        ]);
        let b = breaker(&Vars::new(&lookup)).unwrap();
        assert_eq!(
            (b.max_bounce_bp, b.max_complaint_bp, b.min_sent),
            (300, 8, 500)
        );
        let none = |_: &str| None;
        assert_eq!(
            breaker(&Vars::new(&none)).unwrap(),
            BreakerPolicy::default()
        );
        for bad in ["0", "0.00", "101", "2.555", "-1", "x"] {
            let lookup = move |name: &str| {
                (name == "MAIL_BREAKER_BOUNCE_RATE_PERCENT").then(|| bad.to_string())
            };
            assert!(breaker(&Vars::new(&lookup)).is_err(), "{bad}");
        }
    }
}
