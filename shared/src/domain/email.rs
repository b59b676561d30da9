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
    const MAX_LOCAL_LEN: usize = 64;
    const MAX_LABEL_LEN: usize = 63;

    /// One strict rule, used for every address this service accepts:
    /// - the local part is RFC 5321's dot-atom in ASCII, without `#`, `/`, `%` and quotes
    ///   (characters that mean something to URLs, keys or mail relays), at most 64 characters;
    /// - the domain is two or more LDH labels (letters, digits, inner hyphens; at most 63
    ///   characters each), not all-numeric at the top; an internationalized domain is accepted
    ///   as its punycode (`xn--`) form, to which a Unicode domain is converted;
    /// - nothing else: no display names, comments, IP literals, whitespace or control
    ///   characters.
    ///
    /// The key folds case for ASCII only, so no two distinct addresses share a key (the Kelvin
    /// sign is not a `k`: it is refused).
    pub fn parse(param: &str, raw: &str) -> Result<Self, FieldError> {
        let invalid =
            || FieldError::format(param, format!("{param} must be a valid email address."));
        let given = raw.trim();
        let (local, domain) = given.split_once('@').ok_or_else(invalid)?;
        if !is_dot_atom(local) || local.len() > Self::MAX_LOCAL_LEN {
            return Err(invalid());
        }
        let domain = ascii_domain(domain).ok_or_else(invalid)?;
        let address = format!("{local}@{domain}");
        if address.len() > Self::MAX_LEN {
            return Err(invalid());
        }
        Ok(Self::from_stored(address))
    }

    /// Rebuilds an address that was validated before it was stored.
    pub fn from_stored(given: String) -> Self {
        let key = given.to_ascii_lowercase();
        Self { given, key }
    }

    pub fn as_str(&self) -> &str {
        &self.given
    }

    /// The case-folded form that uniqueness and lookups use.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The mailbox the address delivers to, as far as it can be told from the address: what
    /// the limits per recipient and the suppression list count by, so that spelling one inbox
    /// many ways does not multiply what it may be sent. Case folded; a `+tag` dropped on every
    /// domain (the common subaddress separator: at worst two people who use `+` in their
    /// names share a limit, never a message); for Gmail, dots dropped and `googlemail.com`
    /// read as `gmail.com`, as Gmail delivers them. The address stored and shown stays as given.
    pub fn mailbox(&self) -> String {
        let (local, domain) = self.key.rsplit_once('@').unwrap_or(("", &self.key));
        let local = local.split_once('+').map_or(local, |(base, _)| base);
        let domain = match domain {
            "googlemail.com" => "gmail.com",
            other => other,
        };
        let local = match domain {
            "gmail.com" => local.replace('.', ""),
            _ => local.to_string(),
        };
        // A local part that was all tag (`+x@…`), or whose tag followed a dot, keeps what it
        // had: a mailbox is always an address.
        if !is_dot_atom(&local) {
            return self.key.clone();
        }
        format!("{local}@{domain}")
    }
}

/// `atext` of RFC 5322 minus `#`, `/`, `%` and quotes (`"`, `` ` ``).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!$&'*+-=?^_{|}~".contains(c)
}

fn is_dot_atom(local: &str) -> bool {
    !local.is_empty()
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// The domain in ASCII (punycode for an internationalized one), if every label is LDH.
fn ascii_domain(domain: &str) -> Option<String> {
    let ascii = if domain.is_ascii() {
        domain.to_string()
    } else {
        idna::domain_to_ascii_strict(domain).ok()?
    };
    let labels: Vec<&str> = ascii.split('.').collect();
    let ldh = |label: &&str| {
        !label.is_empty()
            && label.len() <= EmailAddress::MAX_LABEL_LEN
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top = labels.last()?;
    let fits = labels.len() >= 2
        && labels.iter().all(ldh)
        && !top.chars().all(|c| c.is_ascii_digit())
        && ascii.len() <= 253;
    fits.then_some(ascii)
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
    fn the_mailbox_drops_tags_everywhere_and_gmails_dots_and_alias() {
        let mailbox = |raw: &str| EmailAddress::parse("email_address", raw).unwrap().mailbox();
        for same in [
            "victim@gmail.com",
            "Victim@Gmail.com",
            "v.ictim@gmail.com",
            "vi.ct.im@gmail.com",
            "victim@googlemail.com",
            "victim+1@gmail.com",
            "v.i.c.t.i.m+news+x@googlemail.com",
        ] {
            assert_eq!(mailbox(same), "victim@gmail.com", "{same}");
        }
        assert_eq!(mailbox("ada+org@example.com"), "ada@example.com");
        // Dots mean something elsewhere.
        assert_eq!(mailbox("a.da@example.com"), "a.da@example.com");
        assert_eq!(mailbox("+only@example.com"), "+only@example.com");
        // Displayed as given.
        let given = EmailAddress::parse("email_address", "V.ictim+1@GoogleMail.com").unwrap();
        assert_eq!(given.as_str(), "V.ictim+1@GoogleMail.com");
    }

    #[test]
    fn an_internationalized_domain_is_kept_in_punycode() {
        let email = EmailAddress::parse("email_address", "ada@b\u{fc}cher.example").unwrap();
        assert_eq!(email.as_str(), "ada@xn--bcher-kva.example");
        let same = EmailAddress::parse("email_address", "ADA@xn--bcher-kva.example").unwrap();
        assert_eq!(email.key(), same.key());
    }

    #[test]
    fn dot_atom_specials_other_than_the_refused_ones_pass() {
        for ok in [
            "o'brien@example.com",
            "a.b-c_d+e=f@sub.example.co.uk",
            "x@a1.io",
        ] {
            assert!(EmailAddress::parse("email_address", ok).is_ok(), "{ok}");
        }
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
            &format!("{}@example.com", "a".repeat(65)),
            "x@corp.test#evil.io",
            "x#y@corp.test",
            "x@a/b.io",
            "x/y@corp.test",
            "x@corp.test%0d%0a.io",
            "x%y@corp.test",
            "x`y@corp.test",
            "\u{212A}ate@example.com",
            "k\u{e4}te@example.com",
            "a..b@example.com",
            ".a@example.com",
            "a.@example.com",
            "a@-corp.test",
            "a@corp-.test",
            "a@corp..test",
            "a@corp.123",
            "a@b@example.com",
            "a@exa_mple.com",
            "a@example.com.",
        ] {
            assert!(
                EmailAddress::parse("email_address", bad).is_err(),
                "accepted {bad:?}"
            );
        }
    }
}
