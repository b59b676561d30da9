//! Why a domain, a suggestion or a membership request operation was refused: each with its
//! own stable code (the HTTP layer maps them in one place) and whether the caller or the
//! state of things is at fault.

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DomainRefusal {
    #[error("the instance has organization domains turned off")]
    Disabled,
    #[error("the instance does not allow this enrollment mode")]
    ModeNotAllowed,
    #[error("not a domain name")]
    NameInvalid,
    #[error("a public suffix cannot be claimed; claim a registrable domain under it")]
    PublicSuffix,
    #[error("a common email provider's domain cannot be claimed")]
    CommonProvider,
    #[error("a disposable email domain cannot be claimed")]
    Disposable,
    #[error("the organization already has this domain")]
    AlreadyAdded,
    #[error("another organization has verified this domain")]
    VerifiedElsewhere,
    #[error("the organization has as many domains as it may have")]
    QuotaExceeded,
    #[error("the address is not at the domain")]
    AddressNotAtDomain,
    #[error("no code was sent for this domain, or it is no longer outstanding")]
    NoCodeOutstanding,
    #[error("the code is incorrect")]
    CodeIncorrect,
    #[error("the code has expired; ask for a new one")]
    CodeExpired,
    #[error("too many incorrect codes; ask for a new one")]
    TooManyAttempts,
    #[error("the suggestion was already accepted")]
    SuggestionAccepted,
    #[error("the membership request was already answered")]
    RequestAnswered,
    #[error("a membership request to this organization is already pending")]
    RequestPending,
}

impl DomainRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Disabled => "organization_domains_not_enabled",
            Self::ModeNotAllowed => "organization_domain_enrollment_mode_not_enabled",
            Self::NameInvalid => "organization_domain_invalid",
            Self::PublicSuffix => "organization_domain_public_suffix",
            Self::CommonProvider => "organization_domain_common",
            Self::Disposable => "organization_domain_blocked",
            Self::AlreadyAdded => "duplicate_record",
            Self::VerifiedElsewhere => "organization_domain_verified_by_another_organization",
            Self::QuotaExceeded => "organization_domain_quota_exceeded",
            Self::AddressNotAtDomain => "organization_domain_mismatch",
            Self::NoCodeOutstanding => "verification_missing",
            Self::CodeIncorrect => "form_code_incorrect",
            Self::CodeExpired => "verification_expired",
            Self::TooManyAttempts => "verification_failed",
            Self::SuggestionAccepted => "organization_suggestion_already_accepted",
            Self::RequestAnswered => "organization_membership_request_not_pending",
            Self::RequestPending => "organization_membership_request_already_pending",
        }
    }

    /// The request parameter at fault, when one is.
    pub fn param(self) -> Option<&'static str> {
        match self {
            Self::NameInvalid
            | Self::PublicSuffix
            | Self::CommonProvider
            | Self::Disposable
            | Self::AlreadyAdded
            | Self::VerifiedElsewhere => Some("name"),
            Self::ModeNotAllowed => Some("enrollment_mode"),
            Self::AddressNotAtDomain => Some("affiliation_email_address"),
            Self::CodeIncorrect | Self::CodeExpired | Self::TooManyAttempts => Some("code"),
            _ => None,
        }
    }

    /// Whether it is the caller's input (422) rather than the state of things (400/403).
    pub fn is_input(self) -> bool {
        matches!(
            self,
            Self::NameInvalid
                | Self::PublicSuffix
                | Self::CommonProvider
                | Self::Disposable
                | Self::AddressNotAtDomain
                | Self::CodeIncorrect
        )
    }

    /// Whether the instance's settings forbid it (403).
    pub fn is_forbidden(self) -> bool {
        matches!(
            self,
            Self::Disabled | Self::ModeNotAllowed | Self::QuotaExceeded
        )
    }
}
