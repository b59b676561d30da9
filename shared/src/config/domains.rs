//! The instance's organization-domain settings. In Lambda they are off unless turned on (the
//! narrowest behaviour); the local server turns them on with every mode, for the demo.

use super::{ConfigError, Vars};
use crate::domain::org_domain::{DomainSettings, EnrollmentMode, MAX_DOMAINS_PER_ORGANIZATION};
use crate::domain::{RoleCatalog, RoleKey};

/// `ORGANIZATION_DOMAINS` (`on`/`off`), `DOMAIN_ENROLLMENT_MODES` (comma-separated, from
/// `automatic_invitation`, `automatic_suggestion`; `manual_invitation` is always allowed),
/// `DOMAIN_DEFAULT_ROLE` (a role of the catalog, `org:member` unset),
/// `MAX_DOMAINS_PER_ORGANIZATION` (1 to 10, 10 unset).
pub(super) fn domain_settings(
    local: bool,
    vars: &Vars<'_>,
    roles: &RoleCatalog,
) -> Result<DomainSettings, ConfigError> {
    let defaults = DomainSettings::default();
    let enabled = match vars.get("ORGANIZATION_DOMAINS").as_deref() {
        None => local,
        Some("on") => true,
        Some("off") => false,
        Some(other) => {
            return Err(ConfigError::invalid(
                "ORGANIZATION_DOMAINS",
                format!("{other:?} is neither on nor off"),
            ))
        }
    };
    let modes = match vars.get("DOMAIN_ENROLLMENT_MODES") {
        None if local => EnrollmentMode::ALL.to_vec(),
        None => defaults.modes,
        Some(list) => {
            let mut modes = vec![EnrollmentMode::ManualInvitation];
            for raw in list.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                let mode = EnrollmentMode::parse(raw).ok_or_else(|| {
                    ConfigError::invalid(
                        "DOMAIN_ENROLLMENT_MODES",
                        format!("{raw:?} is not an enrollment mode"),
                    )
                })?;
                if !modes.contains(&mode) {
                    modes.push(mode);
                }
            }
            modes
        }
    };
    let default_role = match vars.get("DOMAIN_DEFAULT_ROLE") {
        None => defaults.default_role,
        Some(role) if roles.get(&role).is_some() => RoleKey::new(role),
        Some(role) => {
            return Err(ConfigError::invalid(
                "DOMAIN_DEFAULT_ROLE",
                format!("{role:?} is not a role (CUSTOM_ROLES adds roles)"),
            ))
        }
    };
    let max_per_organization = match vars.get("MAX_DOMAINS_PER_ORGANIZATION") {
        None => MAX_DOMAINS_PER_ORGANIZATION,
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=MAX_DOMAINS_PER_ORGANIZATION).contains(&n) => n,
            _ => {
                return Err(ConfigError::invalid(
                    "MAX_DOMAINS_PER_ORGANIZATION",
                    format!(
                        "{raw:?} is not a whole number from 1 to {MAX_DOMAINS_PER_ORGANIZATION}"
                    ),
                ))
            }
        },
    };
    Ok(DomainSettings {
        enabled,
        modes,
        default_role,
        max_per_organization,
    })
}
