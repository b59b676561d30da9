use crate::clock::Millis;

use super::{Metadata, PublicUserData};

#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    /// `orgmem_…`
    pub id: String,
    pub organization_id: String,
    pub user_id: String,
    pub role: String,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub public_user_data: PublicUserData,
    /// The member's address keys at the time they joined; "already a member" is checked on these.
    pub email_keys: Vec<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}
