use crate::clock::Millis;

use super::{Metadata, OrganizationId, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub slug: String,
    /// 0 means unlimited, as in Clerk.
    pub max_allowed_memberships: u32,
    pub members_count: u32,
    /// Invitations created and not yet accepted or revoked. An invitation that passes its
    /// expiry keeps its seat until it is revoked or its address is invited again.
    pub pending_invitations_count: u32,
    /// Invitations that reached each end state, kept in the same writes that move them there.
    pub settled_invitations: SettledInvitations,
    pub created_by: Option<UserId>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl Organization {
    /// Whether one more member or pending invitation fits under `max_allowed_memberships`.
    pub fn has_free_seat(&self) -> bool {
        self.max_allowed_memberships == 0
            || self.members_count + self.pending_invitations_count < self.max_allowed_memberships
    }

    pub fn public_data(&self) -> PublicOrganizationData {
        PublicOrganizationData {
            id: self.id.clone(),
            name: self.name.clone(),
            slug: self.slug.clone(),
        }
    }
}

/// How many of an organization's invitations are stored as accepted, revoked or expired (an
/// expired one was replaced by a newer invitation to its address). With
/// `pending_invitations_count` they answer every list's `total_count` without counting items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettledInvitations {
    pub accepted: u64,
    pub revoked: u64,
    pub expired: u64,
    pub declined: u64,
}

/// What an invitee may see of the organization that invited them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicOrganizationData {
    pub id: OrganizationId,
    pub name: String,
    pub slug: String,
}

/// A URL-safe slug derived from a name: lowercase ASCII letters, digits and single dashes.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 64
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_keeps_letters_and_digits_and_collapses_the_rest() {
        assert_eq!(slugify("  Acme, Inc. 2026!"), "acme-inc-2026");
        assert_eq!(slugify("Ünïcode"), "n-code");
        assert!(is_valid_slug("acme-inc"));
        assert!(!is_valid_slug("Acme Inc"));
    }
}
