//! Every action an audit entry records.

use serde::{Deserialize, Serialize};

/// Every action an entry records: one per kind of write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    InvitationCreated,
    InvitationResent,
    InvitationRevoked,
    InvitationAccepted,
    InvitationDeclined,
    InvitationExpired,
    InvitationReminded,
    MembershipCreated,
    MembershipRoleUpdated,
    MembershipMetadataUpdated,
    MembershipDeleted,
    OrganizationCreated,
    OrganizationUpdated,
    OrganizationDeleted,
    EmailSendingPaused,
    EmailSendingResumed,
    LimitTripped,
    DomainCreated,
    DomainUpdated,
    DomainVerified,
    DomainVerificationSent,
    DomainDeleted,
    SuggestionCreated,
    MembershipRequestCreated,
    MembershipRequestAccepted,
    MembershipRequestRejected,
    InvitationLinkCreated,
    InvitationLinkRevoked,
    InvitationLinkRedeemed,
}

impl AuditAction {
    pub const ALL: [Self; 29] = [
        Self::InvitationCreated,
        Self::InvitationResent,
        Self::InvitationRevoked,
        Self::InvitationAccepted,
        Self::InvitationDeclined,
        Self::InvitationExpired,
        Self::InvitationReminded,
        Self::MembershipCreated,
        Self::MembershipRoleUpdated,
        Self::MembershipMetadataUpdated,
        Self::MembershipDeleted,
        Self::OrganizationCreated,
        Self::OrganizationUpdated,
        Self::OrganizationDeleted,
        Self::EmailSendingPaused,
        Self::EmailSendingResumed,
        Self::LimitTripped,
        Self::DomainCreated,
        Self::DomainUpdated,
        Self::DomainVerified,
        Self::DomainVerificationSent,
        Self::DomainDeleted,
        Self::SuggestionCreated,
        Self::MembershipRequestCreated,
        Self::MembershipRequestAccepted,
        Self::MembershipRequestRejected,
        Self::InvitationLinkCreated,
        Self::InvitationLinkRevoked,
        Self::InvitationLinkRedeemed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvitationCreated => "invitation.created",
            Self::InvitationResent => "invitation.resent",
            Self::InvitationRevoked => "invitation.revoked",
            Self::InvitationAccepted => "invitation.accepted",
            Self::InvitationDeclined => "invitation.declined",
            Self::InvitationExpired => "invitation.expired",
            Self::InvitationReminded => "invitation.reminded",
            Self::MembershipCreated => "membership.created",
            Self::MembershipRoleUpdated => "membership.role_updated",
            Self::MembershipMetadataUpdated => "membership.metadata_updated",
            Self::MembershipDeleted => "membership.deleted",
            Self::OrganizationCreated => "organization.created",
            Self::OrganizationUpdated => "organization.updated",
            Self::OrganizationDeleted => "organization.deleted",
            Self::EmailSendingPaused => "email_sending.paused",
            Self::EmailSendingResumed => "email_sending.resumed",
            Self::LimitTripped => "limit.tripped",
            Self::DomainCreated => "domain.created",
            Self::DomainUpdated => "domain.updated",
            Self::DomainVerified => "domain.verified",
            Self::DomainVerificationSent => "domain.verification_sent",
            Self::DomainDeleted => "domain.deleted",
            Self::SuggestionCreated => "suggestion.created",
            Self::MembershipRequestCreated => "membership_request.created",
            Self::MembershipRequestAccepted => "membership_request.accepted",
            Self::MembershipRequestRejected => "membership_request.rejected",
            Self::InvitationLinkCreated => "invitation_link.created",
            Self::InvitationLinkRevoked => "invitation_link.revoked",
            Self::InvitationLinkRedeemed => "invitation_link.redeemed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == raw)
    }
}

impl Serialize for AuditAction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditAction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).ok_or_else(|| serde::de::Error::custom(format!("unknown action {raw}")))
    }
}
