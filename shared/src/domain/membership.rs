use crate::clock::Millis;

use super::{Metadata, OrganizationId, PublicUserData, RoleKey, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    /// `orgmem_…`
    pub id: String,
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub role: RoleKey,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub public_user_data: PublicUserData,
    /// The member's address keys at the time they joined; "already a member" is checked on these.
    pub email_keys: Vec<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}
