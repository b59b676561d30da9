//! The instance's shareable-link settings. In Lambda, links are off and grant no admin role
//! unless turned on (the narrowest behaviour); the local server turns them on, for the demo,
//! with its own page as the join page.

use super::{url_var, ConfigError, Vars};
use crate::domain::invitation_link::LinkSettings;
use crate::domain::RedirectPolicy;

/// `INVITATION_LINKS` (`on`/`off`), `INVITATION_LINK_URL` (the app's join page: on the
/// redirect allow-list), `INVITATION_LINK_ADMIN_ROLES` (`on`/`off`),
/// `LIMIT_LINK_JOINS_PER_HOUR` (1 to 100,000; 100).
pub(super) fn link_settings(
    local_base: Option<&url::Url>,
    vars: &Vars<'_>,
    redirects: &RedirectPolicy,
) -> Result<LinkSettings, ConfigError> {
    let defaults = LinkSettings::default();
    let enabled = on_off(vars, "INVITATION_LINKS", local_base.is_some())?;
    let join_url = match vars.get("INVITATION_LINK_URL") {
        Some(raw) => {
            let url = url_var("INVITATION_LINK_URL", &raw)?;
            if redirects
                .check("INVITATION_LINK_URL", url.as_str())
                .is_err()
            {
                return Err(ConfigError::invalid(
                    "INVITATION_LINK_URL",
                    "its origin must be on the redirect allow-list (ALLOWED_REDIRECT_ORIGINS)",
                ));
            }
            Some(url.to_string())
        }
        None => local_base.map(|base| base.to_string()),
    };
    let joins_per_hour = match vars.get("LIMIT_LINK_JOINS_PER_HOUR") {
        None => defaults.joins_per_hour,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                return Err(ConfigError::invalid(
                    "LIMIT_LINK_JOINS_PER_HOUR",
                    format!("{raw:?} is not a whole number from 1 to 100000"),
                ))
            }
        },
    };
    Ok(LinkSettings {
        enabled,
        join_url,
        admin_roles: on_off(vars, "INVITATION_LINK_ADMIN_ROLES", false)?,
        joins_per_hour,
    })
}

fn on_off(vars: &Vars<'_>, name: &'static str, unset: bool) -> Result<bool, ConfigError> {
    match vars.get(name).as_deref() {
        None => Ok(unset),
        Some("on") => Ok(true),
        Some("off") => Ok(false),
        Some(other) => Err(ConfigError::invalid(
            name,
            format!("{other:?} is neither on nor off"),
        )),
    }
}
