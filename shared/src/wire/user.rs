//! The user object, in full as Clerk's schema requires it.

use serde::Serialize;

use crate::clock::Millis;
use crate::domain::{Metadata, User, UserId};

/// Addresses are created by a backend holding the secret key, which vouches for them.
#[derive(Debug, Serialize)]
pub struct AdminVerification {
    pub object: &'static str,
    pub status: &'static str,
    pub strategy: &'static str,
    pub attempts: Option<u32>,
    pub expire_at: Option<Millis>,
}

#[derive(Debug, Serialize)]
pub struct EmailAddressBody<'a> {
    pub object: &'static str,
    pub id: &'a str,
    pub email_address: &'a str,
    pub verification: AdminVerification,
    pub linked_to: [(); 0],
    pub reserved: bool,
    /// Addresses are created with their user (or added with an update of it).
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// Users are a backend-only object. Every field Clerk's schema requires is here; where this
/// service has no such concept (usernames, phones, passkeys, sign-ins, MFA, bans, lockouts) the
/// value says so: `null`, `false` or empty.
#[derive(Debug, Serialize)]
pub struct UserBody<'a> {
    pub object: &'static str,
    pub id: &'a UserId,
    pub external_id: Option<&'a str>,
    pub username: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub profile_image_url: &'a str,
    pub image_url: &'a str,
    pub has_image: bool,
    pub primary_email_address_id: Option<&'a str>,
    pub primary_phone_number_id: Option<&'a str>,
    pub primary_web3_wallet_id: Option<&'a str>,
    pub email_addresses: Vec<EmailAddressBody<'a>>,
    pub phone_numbers: [(); 0],
    pub web3_wallets: [(); 0],
    pub passkeys: [(); 0],
    pub external_accounts: [(); 0],
    pub saml_accounts: [(); 0],
    pub enterprise_accounts: [(); 0],
    pub password_enabled: bool,
    pub two_factor_enabled: bool,
    pub totp_enabled: bool,
    pub backup_code_enabled: bool,
    pub mfa_enabled_at: Option<Millis>,
    pub mfa_disabled_at: Option<Millis>,
    pub banned: bool,
    pub locked: bool,
    pub lockout_expires_in_seconds: Option<u64>,
    pub verification_attempts_remaining: Option<u32>,
    pub last_sign_in_at: Option<Millis>,
    pub last_active_at: Option<Millis>,
    pub legal_accepted_at: Option<Millis>,
    pub delete_self_enabled: bool,
    pub create_organization_enabled: bool,
    pub public_metadata: &'a Metadata,
    pub private_metadata: &'a Metadata,
    pub unsafe_metadata: Metadata,
    pub created_at: Millis,
    pub updated_at: Millis,
}

pub fn user(u: &User) -> UserBody<'_> {
    UserBody {
        object: "user",
        id: &u.id,
        external_id: None,
        username: None,
        first_name: u.first_name.as_deref(),
        last_name: u.last_name.as_deref(),
        locale: None,
        profile_image_url: u.image_url.as_deref().unwrap_or_default(),
        image_url: u.image_url.as_deref().unwrap_or_default(),
        has_image: u.image_url.is_some(),
        primary_email_address_id: u.primary_email().map(|e| e.id.as_str()),
        primary_phone_number_id: None,
        primary_web3_wallet_id: None,
        email_addresses: u
            .email_addresses
            .iter()
            .map(|e| EmailAddressBody {
                object: "email_address",
                id: &e.id,
                email_address: e.address.as_str(),
                verification: AdminVerification {
                    object: "verification_admin",
                    status: "verified",
                    strategy: "admin",
                    attempts: None,
                    expire_at: None,
                },
                linked_to: [],
                reserved: false,
                created_at: u.created_at,
                updated_at: u.updated_at,
            })
            .collect(),
        phone_numbers: [],
        web3_wallets: [],
        passkeys: [],
        external_accounts: [],
        saml_accounts: [],
        enterprise_accounts: [],
        password_enabled: false,
        two_factor_enabled: false,
        totp_enabled: false,
        backup_code_enabled: false,
        mfa_enabled_at: None,
        mfa_disabled_at: None,
        banned: false,
        locked: false,
        lockout_expires_in_seconds: None,
        verification_attempts_remaining: None,
        last_sign_in_at: None,
        last_active_at: None,
        legal_accepted_at: None,
        // Sign-in, self-service deletion and organization creation belong to the identity
        // provider; this service offers none of them to a user.
        delete_self_enabled: false,
        create_organization_enabled: false,
        public_metadata: &u.public_metadata,
        private_metadata: &u.private_metadata,
        unsafe_metadata: Metadata::default(),
        created_at: u.created_at,
        updated_at: u.updated_at,
    }
}
