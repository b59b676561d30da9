//! Why a link operation was refused: each with its own stable code (mapped to HTTP in one
//! place).

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkRefusal {
    #[error("the instance has invitation links turned off")]
    Disabled,
    #[error("the invitation link was revoked")]
    Revoked,
    #[error("the invitation link has expired")]
    Expired,
    #[error("the invitation link has been used as many times as it may be")]
    Exhausted,
    #[error("none of your verified email addresses is at a domain this link admits")]
    EmailDomainNotAllowed,
    #[error("a verified email address is needed to join")]
    VerifiedEmailRequired,
    #[error("the instance does not allow links that grant this role")]
    RoleNotAllowed,
    #[error("a membership request to this organization is already pending")]
    RequestPending,
    #[error("you are already a member of this organization")]
    AlreadyMember,
    #[error("the invitation link has admitted as many people as it may this hour; try later")]
    HourlyCap,
}

impl LinkRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::Disabled => "invitation_links_not_enabled",
            Self::Revoked => "invitation_link_revoked",
            Self::Expired => "invitation_link_expired",
            Self::Exhausted => "invitation_link_exhausted",
            Self::EmailDomainNotAllowed => "invitation_link_email_domain_not_allowed",
            Self::VerifiedEmailRequired => "verified_email_address_required",
            Self::RoleNotAllowed => "invitation_link_role_not_allowed",
            Self::RequestPending => "organization_membership_request_already_pending",
            Self::AlreadyMember => "already_a_member_in_organization",
            Self::HourlyCap => "invitation_link_hourly_limit_reached",
        }
    }

    pub fn param(self) -> Option<&'static str> {
        match self {
            Self::RoleNotAllowed => Some("role"),
            _ => None,
        }
    }

    /// 410 for a link that can no longer admit anyone, 403 for who the redeemer is or what the
    /// instance allows, 409 for a membership or request already there, 429 for the link's
    /// hourly cap.
    pub fn status(self) -> u16 {
        match self {
            Self::Revoked | Self::Expired | Self::Exhausted => 410,
            Self::RequestPending | Self::AlreadyMember => 409,
            Self::HourlyCap => 429,
            Self::Disabled
            | Self::EmailDomainNotAllowed
            | Self::VerifiedEmailRequired
            | Self::RoleNotAllowed => 403,
        }
    }
}
