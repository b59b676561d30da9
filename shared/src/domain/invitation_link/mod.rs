//! Shareable invitation links: an organization's link that anyone holding it may redeem, up to
//! a hard cap of uses, until it expires or is revoked, optionally only from addresses at given
//! domains, optionally only as a request an admin answers. Ours: no auth platform has one.
//!
//! The secret is shown once, when the link is made; only its digest is kept, bound to the
//! link's id, and a lookup names the organization, the link and the secret (`token`), so a
//! token found anywhere opens one link of one organization and says nothing of any other.

mod refusal;
mod settings;
#[cfg(test)]
mod tests;
mod token;

pub use refusal::LinkRefusal;
pub use settings::{CheckedLink, LinkInvalid, LinkSettings, NewLink, MAX_DAYS, MAX_USES_CEILING};
pub use token::{token_digest, LinkToken};

use crate::clock::Millis;
use crate::ids;

use super::{OrganizationId, PublicUserData, RoleKey};

const PREFIX: &str = "orginvlnk_";

/// `orginvlnk_` + 27 random base62 characters: what admins, events and the audit log name a
/// link by. It opens nothing without the secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct InvitationLinkId(String);

impl InvitationLinkId {
    pub fn generate() -> Self {
        Self(ids::new_id("orginvlnk"))
    }

    /// `None` for anything that is not a link id (answered as not found).
    pub fn parse(raw: &str) -> Option<Self> {
        let body = raw.strip_prefix(PREFIX)?;
        (body.len() == ids::ID_BODY_LEN && ids::is_base62(body)).then(|| Self(raw.to_string()))
    }

    pub fn body(&self) -> &str {
        &self.0[PREFIX.len()..]
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for InvitationLinkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for InvitationLinkId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Ok(Self::parse(&raw).unwrap_or(Self(String::new())))
    }
}

/// What a link reads as at a moment: only an active one admits anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkStatus {
    Active,
    Revoked,
    Expired,
    Exhausted,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::Exhausted => "exhausted",
        }
    }

    /// Why a link in this status turns someone away.
    pub fn refusal(self) -> Option<LinkRefusal> {
        match self {
            Self::Active => None,
            Self::Revoked => Some(LinkRefusal::Revoked),
            Self::Expired => Some(LinkRefusal::Expired),
            Self::Exhausted => Some(LinkRefusal::Exhausted),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InvitationLink {
    pub id: InvitationLinkId,
    pub organization: super::PublicOrganizationData,
    pub role: RoleKey,
    /// The hard cap: a redemption counts only while `uses < max_uses`.
    pub max_uses: u32,
    pub uses: u32,
    pub last_used_at: Option<Millis>,
    /// Redeemers must have a verified address at one of these (empty: any).
    pub allowed_email_domains: Vec<super::org_domain::DomainName>,
    /// Redeeming files a membership request instead of joining.
    pub requires_approval: bool,
    /// SHA-256 of the id and the secret ([`token_digest`]).
    pub token_digest: String,
    /// The admin who made it (none for a backend).
    pub created_by: Option<PublicUserData>,
    pub revoked_at: Option<Millis>,
    pub expires_at: Millis,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl InvitationLink {
    pub fn organization_id(&self) -> &OrganizationId {
        &self.organization.id
    }

    /// Revoked wins over everything; a spent link reads exhausted before it reads expired.
    pub fn status(&self, now: Millis) -> LinkStatus {
        if self.revoked_at.is_some() {
            LinkStatus::Revoked
        } else if self.uses >= self.max_uses {
            LinkStatus::Exhausted
        } else if self.expires_at <= now {
            LinkStatus::Expired
        } else {
            LinkStatus::Active
        }
    }

    /// Whether `secret` is this link's, compared in constant time.
    pub fn opens_with(&self, secret: &str) -> bool {
        use subtle::ConstantTimeEq;
        token_digest(&self.id, secret)
            .as_bytes()
            .ct_eq(self.token_digest.as_bytes())
            .into()
    }

    /// The first of `addresses` (verified, in the person's order) the link admits: any, when it
    /// names no domains.
    pub fn admitted_address<'a>(
        &self,
        addresses: &'a [super::EmailAddress],
    ) -> Option<&'a super::EmailAddress> {
        addresses.iter().find(|a| {
            self.allowed_email_domains.is_empty()
                || self
                    .allowed_email_domains
                    .iter()
                    .any(|d| super::org_domain::is_at(a.key(), d))
        })
    }
}

/// The hour a redemption counts in, for a link's per-hour cap (a fixed window: at most twice
/// the cap can pass across one boundary, never more).
pub fn join_window(now: Millis) -> i64 {
    now.div_euclid(60 * 60 * 1000)
}

/// When the current window ends (a refused redeemer's `Retry-After`).
pub fn window_retry_after_seconds(now: Millis) -> u64 {
    let next = (join_window(now) + 1) * 60 * 60 * 1000;
    u64::try_from((next - now + 999) / 1000).unwrap_or(1).max(1)
}
