use std::fmt;

use crate::clock::Millis;
use crate::ids;

use super::{EmailAddress, Metadata, PublicOrganizationData, PublicUserData, RoleKey};

const PREFIX: &str = "orginv_";

/// `orginv_` + 27 random base62 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InvitationId(String);

impl InvitationId {
    pub fn generate() -> Self {
        Self(ids::new_id("orginv"))
    }

    /// `None` for anything that is not an invitation id; callers answer that with a 404.
    pub fn parse(raw: &str) -> Option<Self> {
        let body = raw.strip_prefix(PREFIX)?;
        (body.len() == ids::ID_BODY_LEN && ids::is_base62(body)).then(|| Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvitationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An invitation's status. Stored as written; as a caller sees it, a pending invitation past
/// its `expires_at` reads `Expired` (see [`Invitation::status`]). `Expired` is written only when
/// a newer invitation takes the address's slot from an expired one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Revoked,
    Expired,
    /// The invitee said no (beyond Clerk).
    Declined,
}

impl InvitationStatus {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Accepted,
        Self::Revoked,
        Self::Expired,
        Self::Declined,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// What a stored status reads as at `now`.
    pub fn of(stored: Self, expires_at: Millis, now: Millis) -> Self {
        match stored {
            Self::Pending if expires_at <= now => Self::Expired,
            other => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    pub id: InvitationId,
    pub organization: PublicOrganizationData,
    pub email_address: EmailAddress,
    pub role: RoleKey,
    pub inviter: Option<PublicUserData>,
    pub stored_status: InvitationStatus,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub redirect_url: Option<String>,
    pub notify: bool,
    /// SHA-256 of the current ticket's nonce: only the link issued last is accepted.
    pub ticket_hash: Option<String>,
    /// When the current ticket was issued: with the signing key, its link can be made again
    /// (a retried create's answer, an email whose send was interrupted).
    pub ticket_issued_at: Millis,
    /// The request that last wrote it (its `Idempotency-Key`, or one call's own token): a
    /// retry recognises its own write by it, as done rather than refused.
    pub written_by: Option<String>,
    /// The validity asked for at create (`expires_in_days`); a resend extends by as much.
    pub validity_days: u32,
    /// The language of its email (`en`, `fr`).
    pub locale: String,
    /// The last email's fate: `queued` from the write that asks for it until it is sent;
    /// `None` when `notify` is false.
    pub delivery: Option<super::Delivery>,
    /// Who accepted it, once accepted (Clerk's `organizationInvitation.accepted` names them).
    pub accepted_user_id: Option<super::UserId>,
    /// How it was declined, once declined.
    pub declined_via: Option<DeclineChannel>,
    /// Whether a reminder goes out before it lapses (`remind` on create; only with an email).
    pub remind: bool,
    /// When its reminder is due, while one is (`domain::reminder`); `None` when none is wanted
    /// or it lapses too soon for one.
    pub remind_at: Option<Millis>,
    /// Its reminder's fate: `queued` once a sweep took it, then sent, failed or not sent (a
    /// suppressed mailbox); `None` before. A resend starts over.
    pub reminder: Option<super::Delivery>,
    /// Made by a verified domain for a person (`automatic_invitation`), not by an admin.
    pub domain_offer: Option<DomainOffer>,
    /// Made by redeeming a shareable link (`source: link`): born accepted, by its redeemer.
    pub link_id: Option<super::invitation_link::InvitationLinkId>,
    pub expires_at: Millis,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// Who a domain's automatic invitation was made for, and by which domain: its end gives the
/// domain's count of pending invitations back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainOffer {
    pub domain_id: super::DomainId,
    pub user_id: super::UserId,
}

/// How an invitation was declined: by whoever held its link (no account needed), or by the
/// signed-in owner of its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineChannel {
    Link,
    SignedIn,
}

impl DeclineChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineChannel::Link => "link",
            DeclineChannel::SignedIn => "signed_in",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "link" => Some(DeclineChannel::Link),
            "signed_in" => Some(DeclineChannel::SignedIn),
            _ => None,
        }
    }
}

impl Invitation {
    /// How it came to be: an admin's (`admin`), a verified domain's (`domain`), a link's
    /// (`link`).
    pub fn source(&self) -> &'static str {
        if self.link_id.is_some() {
            "link"
        } else if self.domain_offer.is_some() {
            "domain"
        } else {
            "admin"
        }
    }

    pub fn status(&self, now: Millis) -> InvitationStatus {
        InvitationStatus::of(self.stored_status, self.expires_at, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_id_is_random_and_round_trips() {
        let id = InvitationId::generate();
        assert_eq!(id.as_str().len(), "orginv_".len() + 27);
        assert_eq!(InvitationId::parse(id.as_str()), Some(id.clone()));
        assert_ne!(InvitationId::generate(), id);
    }

    #[test]
    fn anything_else_is_not_an_invitation_id() {
        for bad in [
            "",
            "orginv_",
            "orginv_short",
            "user_123456789012345678901234567",
            "orginv_12345678901234567890123456!",
        ] {
            assert!(InvitationId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn a_pending_invitation_reads_expired_once_its_time_has_passed() {
        assert_eq!(
            InvitationStatus::of(InvitationStatus::Pending, 100, 99),
            InvitationStatus::Pending
        );
        assert_eq!(
            InvitationStatus::of(InvitationStatus::Pending, 100, 100),
            InvitationStatus::Expired
        );
        assert_eq!(
            InvitationStatus::of(InvitationStatus::Revoked, 100, 200),
            InvitationStatus::Revoked
        );
    }
}
