//! The instance's settings for links, and a link asked for, checked against them.

use crate::clock::Millis;
use crate::domain::org_domain::{DomainName, DomainRefusal};
use crate::domain::role::MANAGE_MEMBERSHIPS;
use crate::domain::{FieldError, RoleCatalog, RoleKey};

use super::LinkRefusal;

/// The longest a link may live, in days (and its default: a week).
pub const MAX_DAYS: u32 = 90;
const DEFAULT_DAYS: u32 = 7;
/// The most uses one link may allow (Slack's join links stop at 400; ours at 1,000).
pub const MAX_USES_CEILING: u32 = 1000;
/// At most this many domains may be named on one link.
const MAX_DOMAINS: usize = 10;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// `INVITATION_LINKS`, `INVITATION_LINK_URL`, `INVITATION_LINK_ADMIN_ROLES`,
/// `LIMIT_LINK_JOINS_PER_HOUR`: off, no address, no admin roles, 100 joins an hour per link
/// unless set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSettings {
    pub enabled: bool,
    /// The app's join page; a link's `url` is it with `organization_id` and `token` added.
    pub join_url: Option<String>,
    /// Whether a link may grant a role that manages memberships.
    pub admin_roles: bool,
    /// Redemptions one link admits in an hour (a leaked link's damage per hour).
    pub joins_per_hour: u32,
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            join_url: None,
            admin_roles: false,
            joins_per_hour: 100,
        }
    }
}

impl LinkSettings {
    /// The address a person opens: the join page with the organization and the token.
    pub fn url_for(&self, org_id: &str, token: &str) -> Option<String> {
        let base = self.join_url.as_deref()?;
        let sep = if base.contains('?') { '&' } else { '?' };
        Some(format!("{base}{sep}organization_id={org_id}&token={token}"))
    }
}

/// A link as asked for (`POST /v1/organizations/{org}/invitation_links`).
#[derive(Debug, Clone, Default)]
pub struct NewLink {
    pub role: Option<String>,
    /// Unset: one use (the narrowest).
    pub max_uses: Option<u32>,
    pub expires_in_days: Option<u32>,
    pub expires_at: Option<Millis>,
    pub allowed_email_domains: Vec<String>,
    pub requires_approval: bool,
}

/// A link's settings once checked: every field error at once, or the instance's refusal.
#[derive(Debug, Clone)]
pub struct CheckedLink {
    pub role: RoleKey,
    pub max_uses: u32,
    pub expires_at: Millis,
    pub allowed_email_domains: Vec<DomainName>,
    pub requires_approval: bool,
}

pub enum LinkInvalid {
    Fields(Vec<FieldError>),
    Refused(LinkRefusal),
}

impl NewLink {
    pub fn check(
        &self,
        roles: &RoleCatalog,
        default_role: &RoleKey,
        settings: &LinkSettings,
        now: Millis,
    ) -> Result<CheckedLink, LinkInvalid> {
        let mut errors = Vec::new();
        let role = match self.role.as_deref() {
            None => Some(default_role.clone()),
            Some(raw) => match roles.parse("role", raw) {
                Ok(role) => Some(role.key.clone()),
                Err(e) => {
                    errors.push(e);
                    None
                }
            },
        };
        let max_uses = self.max_uses.unwrap_or(1);
        if !(1..=MAX_USES_CEILING).contains(&max_uses) {
            errors.push(FieldError::value(
                "max_uses",
                format!("max_uses must be between 1 and {MAX_USES_CEILING}."),
            ));
        }
        let latest = now + i64::from(MAX_DAYS) * DAY_MS;
        let expires_at = match (self.expires_in_days, self.expires_at) {
            (Some(_), Some(_)) => {
                errors.push(FieldError::value(
                    "expires_at",
                    "Give expires_at or expires_in_days, not both.",
                ));
                now
            }
            (Some(days), None) if (1..=MAX_DAYS).contains(&days) => now + i64::from(days) * DAY_MS,
            (Some(_), None) => {
                errors.push(FieldError::value(
                    "expires_in_days",
                    format!("expires_in_days must be between 1 and {MAX_DAYS}."),
                ));
                now
            }
            (None, Some(at)) if at > now && at <= latest => at,
            (None, Some(_)) => {
                errors.push(FieldError::value(
                    "expires_at",
                    format!("expires_at must be in the future and at most {MAX_DAYS} days away."),
                ));
                now
            }
            (None, None) => now + i64::from(DEFAULT_DAYS) * DAY_MS,
        };
        if self.allowed_email_domains.len() > MAX_DOMAINS {
            errors.push(FieldError::value(
                "allowed_email_domains",
                format!("At most {MAX_DOMAINS} domains."),
            ));
        }
        let mut domains: Vec<DomainName> = Vec::new();
        for (i, raw) in self.allowed_email_domains.iter().enumerate() {
            // A provider's domain (anyone at gmail.com) is a useless restriction, not a harmful
            // one; a malformed, bare-suffix or disposable name is refused.
            match DomainName::parse(raw) {
                Ok(name) if !domains.contains(&name) => domains.push(name),
                Ok(_) => {}
                Err(DomainRefusal::CommonProvider) => {
                    let name = DomainName::stored(raw.trim().to_ascii_lowercase());
                    if !domains.contains(&name) {
                        domains.push(name);
                    }
                }
                Err(refusal) => errors.push(FieldError::value(
                    format!("allowed_email_domains[{i}]"),
                    format!("{refusal}."),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(LinkInvalid::Fields(errors));
        }
        let role = role.unwrap_or_else(|| default_role.clone());
        if !settings.admin_roles && roles.grants(&role, MANAGE_MEMBERSHIPS) {
            return Err(LinkInvalid::Refused(LinkRefusal::RoleNotAllowed));
        }
        Ok(CheckedLink {
            role,
            max_uses,
            expires_at,
            allowed_email_domains: domains,
            requires_approval: self.requires_approval,
        })
    }
}
