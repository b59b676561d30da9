use crate::clock::Millis;

use super::{EmailAddress, Metadata, UserId};

#[derive(Debug, Clone, PartialEq)]
pub struct UserEmail {
    /// `idn_…`, the id Clerk gives an email address object.
    pub id: String,
    pub address: EmailAddress,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub email_addresses: Vec<UserEmail>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: Option<String>,
    pub public_metadata: Metadata,
    pub private_metadata: Metadata,
    pub created_at: Millis,
    pub updated_at: Millis,
}

impl User {
    pub fn primary_email(&self) -> Option<&UserEmail> {
        self.email_addresses.first()
    }

    /// The case-folded keys of every address on record.
    pub fn address_keys(&self) -> Vec<String> {
        self.email_addresses
            .iter()
            .map(|e| e.address.key().to_string())
            .collect()
    }

    pub fn public_data(&self) -> PublicUserData {
        PublicUserData {
            user_id: self.id.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            image_url: self.image_url.clone(),
            identifier: self
                .primary_email()
                .map(|e| e.address.as_str().to_string())
                .unwrap_or_default(),
        }
    }
}

/// What other members may see of a user (Clerk's `public_user_data` / `public_inviter_data`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublicUserData {
    pub user_id: UserId,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub image_url: Option<String>,
    pub identifier: String,
}
