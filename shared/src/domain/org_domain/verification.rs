//! Proof of a domain's affiliation: granted by a backend, by a signed-in admin's own verified
//! address at it, or by a code emailed to an address at it (three tries before it expires).

use crate::clock::Millis;

/// Tries a code allows.
pub const CODE_ATTEMPTS: u32 = 3;
/// How long an emailed code stays good.
pub const CODE_VALIDITY_MS: Millis = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationStatus {
    Unverified,
    Verified,
    Failed,
    Expired,
}

impl VerificationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unverified => "unverified",
            Self::Verified => "verified",
            Self::Failed => "failed",
            Self::Expired => "expired",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Unverified,
            Self::Verified,
            Self::Failed,
            Self::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationStrategy {
    /// A backend created or marked it verified (trusted).
    Admin,
    /// The admin's own verified address is at the domain.
    AffiliationEmail,
    /// A code emailed to an address at the domain.
    EmailCode,
    /// A backend's `verify_ownership` (Clerk's name for it).
    ManualOverride,
}

impl VerificationStrategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::AffiliationEmail => "affiliation_email",
            Self::EmailCode => "email_code",
            Self::ManualOverride => "manual_override",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Admin,
            Self::AffiliationEmail,
            Self::EmailCode,
            Self::ManualOverride,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub status: VerificationStatus,
    pub strategy: VerificationStrategy,
    /// Failed tries of the current code (`None` where no code is involved).
    pub attempts: Option<u32>,
    pub expire_at: Option<Millis>,
    pub verified_at: Option<Millis>,
    /// SHA-256 of the emailed code (with the domain id): never answered.
    pub code_hash: Option<String>,
}

impl Verification {
    pub fn granted(strategy: VerificationStrategy, now: Millis) -> Self {
        Self {
            status: VerificationStatus::Verified,
            strategy,
            attempts: None,
            expire_at: None,
            verified_at: Some(now),
            code_hash: None,
        }
    }

    pub fn unverified() -> Self {
        Self {
            status: VerificationStatus::Unverified,
            strategy: VerificationStrategy::Admin,
            attempts: None,
            expire_at: None,
            verified_at: None,
            code_hash: None,
        }
    }

    /// A code sent at `now`.
    pub fn code_sent(code_hash: String, now: Millis) -> Self {
        Self {
            status: VerificationStatus::Unverified,
            strategy: VerificationStrategy::EmailCode,
            attempts: Some(0),
            expire_at: Some(now + CODE_VALIDITY_MS),
            verified_at: None,
            code_hash: Some(code_hash),
        }
    }

    /// The outcome of trying a code whose digest is `tried` at `now`: verified, one more failed
    /// attempt (failed at the third), or expired. `None` when no code is outstanding.
    pub fn attempt(&self, tried: &str, now: Millis) -> Option<Self> {
        let expected = self.code_hash.as_deref()?;
        if self.status != VerificationStatus::Unverified {
            return None;
        }
        let mut next = self.clone();
        if self.expire_at.is_some_and(|at| at <= now) {
            next.status = VerificationStatus::Expired;
            next.code_hash = None;
        } else if crate::domain::org_domain::verification::same(expected, tried) {
            next.status = VerificationStatus::Verified;
            next.verified_at = Some(now);
            next.code_hash = None;
        } else {
            let attempts = self.attempts.unwrap_or(0) + 1;
            next.attempts = Some(attempts);
            if attempts >= CODE_ATTEMPTS {
                next.status = VerificationStatus::Failed;
                next.code_hash = None;
            }
        }
        Some(next)
    }
}

/// The digest a code is kept and compared as: SHA-256 of the domain's id and the code, so a
/// code is worth nothing for another domain.
pub fn code_digest(domain_id: &str, code: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("{domain_id}:{}", code.trim()))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Digests compared in constant time.
fn same(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}
