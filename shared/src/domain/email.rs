use std::fmt;

use super::FieldError;

/// An email address that parsed; kept as given for display, compared by [`EmailAddress::key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress {
    given: String,
    key: String,
}

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    /// Accepts what a mail system accepts (RFC 5322 addr-spec via the `email_address` crate),
    /// minus what an invitation must never carry: display names, IP-literal domains, single-label
    /// domains and anything with whitespace or control characters (header injection).
    pub fn parse(param: &str, raw: &str) -> Result<Self, FieldError> {
        let given = raw.trim();
        let invalid =
            || FieldError::format(param, format!("{param} must be a valid email address."));
        if given.is_empty() || given.len() > Self::MAX_LEN {
            return Err(invalid());
        }
        if given.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let options = email_address::Options::default()
            .without_display_text()
            .without_domain_literal();
        let parsed = email_address::EmailAddress::parse_with_options(given, options)
            .map_err(|_| invalid())?;
        if !parsed.domain().contains('.') || parsed.local_part().starts_with('"') {
            return Err(invalid());
        }
        Ok(Self {
            given: given.to_string(),
            key: given.to_lowercase(),
        })
    }

    /// Rebuilds an address that was validated before it was stored.
    pub fn from_stored(given: String) -> Self {
        let key = given.to_lowercase();
        Self { given, key }
    }

    pub fn as_str(&self) -> &str {
        &self.given
    }

    /// The case-folded form that uniqueness and lookups use.
    pub fn key(&self) -> &str {
        &self.key
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.given)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_addresses_and_folds_case_for_the_key() {
        let email =
            EmailAddress::parse("email_address", "  Ada.Lovelace+org@Example.COM ").unwrap();
        assert_eq!(email.as_str(), "Ada.Lovelace+org@Example.COM");
        assert_eq!(email.key(), "ada.lovelace+org@example.com");
    }

    #[test]
    fn rejects_what_an_invitation_must_never_carry() {
        for bad in [
            "",
            "plain",
            "@example.com",
            "a@",
            "a@localhost",
            "a@[127.0.0.1]",
            "Ada <ada@example.com>",
            "a b@example.com",
            "a@example.com\r\nBcc: x@evil.example",
            "\"quoted\"@example.com",
            &format!("{}@example.com", "a".repeat(250)),
        ] {
            assert!(
                EmailAddress::parse("email_address", bad).is_err(),
                "accepted {bad:?}"
            );
        }
    }
}
