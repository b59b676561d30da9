//! An organization's email domain (Clerk's `organization_domain`): the name it claims, how
//! people at it find their way in (`EnrollmentMode`), and the proof that the organization is
//! affiliated with it (`Verification`). A name is verified by one organization of the instance
//! at most; other organizations may hold unverified claims on it until one verifies.

mod name;
mod refusal;
mod verification;

#[cfg(test)]
mod tests;

pub use name::{address_domain, is_at, DomainName};
pub use refusal::DomainRefusal;
pub use verification::{code_digest, Verification, VerificationStatus, VerificationStrategy};

use crate::clock::Millis;

use super::id::DomainId;
use super::PublicOrganizationData;

/// Clerk's bound on an organization's domains; an instance may set a lower one.
pub const MAX_DOMAINS_PER_ORGANIZATION: u32 = 10;

/// How people with a verified address at the domain come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EnrollmentMode {
    /// Only by a personal invitation: the domain is claimed, nothing is offered.
    ManualInvitation,
    /// They see a pending invitation (no email is sent) and may accept it.
    AutomaticInvitation,
    /// They see a suggestion; accepting it files a membership request for an admin.
    AutomaticSuggestion,
}

impl EnrollmentMode {
    pub const ALL: [Self; 3] = [
        Self::ManualInvitation,
        Self::AutomaticInvitation,
        Self::AutomaticSuggestion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ManualInvitation => "manual_invitation",
            Self::AutomaticInvitation => "automatic_invitation",
            Self::AutomaticSuggestion => "automatic_suggestion",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == raw)
    }

    /// Whether people at the domain are offered something (an invitation or a suggestion).
    pub fn offers(self) -> bool {
        self != Self::ManualInvitation
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrgDomain {
    pub id: DomainId,
    pub organization: PublicOrganizationData,
    pub name: DomainName,
    pub enrollment_mode: EnrollmentMode,
    /// The address a signed-in admin proved the affiliation through, if one did.
    pub affiliation_email_address: Option<String>,
    /// Clerk's `affiliation_verification`; `None` until one is started or granted.
    pub affiliation: Option<Verification>,
    /// Clerk's `ownership_verification`: only set by a backend's `verify_ownership`.
    pub ownership: Option<Verification>,
    /// Automatic invitations and suggestions made for it and still pending (its own counter item).
    pub pending_invitations: u32,
    pub pending_suggestions: u32,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl OrgDomain {
    /// Whether the organization's affiliation with the name is proven (either way): only a
    /// verified domain offers anything, and only one organization may hold it so.
    pub fn is_verified(&self) -> bool {
        [&self.affiliation, &self.ownership]
            .into_iter()
            .flatten()
            .any(|v| v.status == VerificationStatus::Verified)
    }

    /// Whether people at it are offered a way in now.
    pub fn offers(&self) -> bool {
        self.is_verified() && self.enrollment_mode.offers()
    }
}

/// What a verified name says about the organization that holds it: one keyed read per address
/// domain answers "who verified it, and what do they offer" (its marker item).
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedName {
    pub name: String,
    pub domain_id: DomainId,
    pub organization: PublicOrganizationData,
    pub enrollment_mode: EnrollmentMode,
}

impl VerifiedName {
    pub fn of(domain: &OrgDomain) -> Self {
        Self {
            name: domain.name.as_str().to_string(),
            domain_id: domain.id.clone(),
            organization: domain.organization.clone(),
            enrollment_mode: domain.enrollment_mode,
        }
    }
}

/// The instance's domain settings (`ORGANIZATION_DOMAINS`, `DOMAIN_ENROLLMENT_MODES`,
/// `DOMAIN_DEFAULT_ROLE`, `MAX_DOMAINS_PER_ORGANIZATION`). Off unless turned on.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainSettings {
    pub enabled: bool,
    /// The modes an organization may choose; `manual_invitation` is always allowed.
    pub modes: Vec<EnrollmentMode>,
    /// The role an automatic invitation or an approved request gives.
    pub default_role: super::RoleKey,
    pub max_per_organization: u32,
}

impl Default for DomainSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            modes: vec![EnrollmentMode::ManualInvitation],
            default_role: super::RoleKey::new("org:member"),
            max_per_organization: MAX_DOMAINS_PER_ORGANIZATION,
        }
    }
}

impl DomainSettings {
    pub fn allows(&self, mode: EnrollmentMode) -> bool {
        mode == EnrollmentMode::ManualInvitation || self.modes.contains(&mode)
    }
}
