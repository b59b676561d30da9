//! A domain name an organization may claim: lowercased, at least a registrable domain by the
//! public suffix list (so `acme.com` and `eng.acme.com`, never `com`, `co.uk` or `github.io`),
//! and neither a common mail provider's nor a disposable one.

use super::DomainRefusal;

/// Mail providers whose users are the public, not one organization's people: a claim on one
/// would offer the organization to everyone.
const COMMON_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "web.de",
    "mail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "126.com",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "tutanota.com",
    "tuta.io",
    "orange.fr",
    "free.fr",
    "t-online.de",
    "comcast.net",
    "att.net",
    "verizon.net",
    "naver.com",
    "rediffmail.com",
];

/// The longest name DNS allows.
const MAX_LEN: usize = 253;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

impl DomainName {
    pub fn parse(raw: &str) -> Result<Self, DomainRefusal> {
        let name = raw.trim().trim_end_matches('.').to_ascii_lowercase();
        if !well_formed(&name) {
            return Err(DomainRefusal::NameInvalid);
        }
        // A name with no registrable part is a suffix itself (`com`, `co.uk`, `github.io`, or
        // an unlisted top-level label, by the list's default rule).
        if psl::domain_str(&name).is_none() {
            return Err(DomainRefusal::PublicSuffix);
        }
        if COMMON_PROVIDERS.contains(&name.as_str())
            || psl::domain_str(&name).is_some_and(|d| COMMON_PROVIDERS.contains(&d))
        {
            return Err(DomainRefusal::CommonProvider);
        }
        if disposable(&name) {
            return Err(DomainRefusal::Disposable);
        }
        Ok(Self(name))
    }

    /// A name read back from the store, as it was written.
    pub fn stored(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `mailchecker`'s list of disposable mail domains, one per line (`build.rs`).
const DISPOSABLE: &str = include_str!(concat!(env!("OUT_DIR"), "/disposable_domains.txt"));

/// Whether the name, or a domain it is under (not a bare top-level label), is disposable, as
/// `mailchecker` decides. The set is built on the first domain claimed, never at start.
fn disposable(name: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    let set = SET.get_or_init(|| DISPOSABLE.lines().collect());
    let mut candidate = name;
    loop {
        if set.contains(candidate) {
            return true;
        }
        match candidate.split_once('.') {
            Some((_, parent)) if parent.contains('.') => candidate = parent,
            _ => return false,
        }
    }
}

/// Labels of letters, digits and inner hyphens, at least two of them, in ASCII (an IDN comes
/// as its punycode form).
fn well_formed(name: &str) -> bool {
    name.len() <= MAX_LEN
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The domain of an address key (`ada@acme.com` → `acme.com`).
pub fn address_domain(email_key: &str) -> Option<&str> {
    email_key.rsplit_once('@').map(|(_, domain)| domain)
}

/// Whether `address` is at `domain` itself (not a subdomain: `eng.acme.com` is claimed apart).
pub fn is_at(address_key: &str, domain: &DomainName) -> bool {
    address_domain(address_key) == Some(domain.as_str())
}
