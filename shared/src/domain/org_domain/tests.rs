use super::*;
use crate::clock::Millis;

#[test]
fn names_are_lowercased_and_must_be_registrable() {
    assert_eq!(
        DomainName::parse(" Acme.COM. ").unwrap().as_str(),
        "acme.com"
    );
    assert_eq!(
        DomainName::parse("eng.acme.co.uk").unwrap().as_str(),
        "eng.acme.co.uk"
    );
    assert_eq!(
        DomainName::parse("acme.test").unwrap().as_str(),
        "acme.test"
    );
    for suffix in ["com", "co.uk", "github.io", "acme"] {
        assert_eq!(
            DomainName::parse(suffix),
            Err(DomainRefusal::PublicSuffix),
            "{suffix}"
        );
    }
    for bad in ["", "-acme.com", "ac me.com", "acme..com", "ädme.com"] {
        assert_eq!(
            DomainName::parse(bad),
            Err(DomainRefusal::NameInvalid),
            "{bad}"
        );
    }
}

#[test]
fn common_providers_and_disposable_domains_are_refused_with_their_own_codes() {
    assert_eq!(
        DomainName::parse("gmail.com"),
        Err(DomainRefusal::CommonProvider)
    );
    assert_eq!(
        DomainName::parse("GMail.com"),
        Err(DomainRefusal::CommonProvider)
    );
    assert_eq!(
        DomainName::parse("mailinator.com"),
        Err(DomainRefusal::Disposable)
    );
    assert_ne!(
        DomainRefusal::CommonProvider.code(),
        DomainRefusal::Disposable.code()
    );
}

#[test]
fn a_code_verifies_once_fails_at_the_third_wrong_try_and_expires() {
    let sent = Verification::code_sent("right".into(), 1_000);
    let ok = sent.attempt("right", 2_000).unwrap();
    assert_eq!(ok.status, VerificationStatus::Verified);
    assert!(ok.code_hash.is_none());
    assert!(
        ok.attempt("right", 2_000).is_none(),
        "no code outstanding after use"
    );

    let mut v = sent.clone();
    for n in 1..=3 {
        v = v.attempt("wrong", 2_000).unwrap();
        assert_eq!(v.attempts, Some(n));
    }
    assert_eq!(v.status, VerificationStatus::Failed);
    assert!(v.attempt("right", 2_000).is_none());

    let late: Millis = 1_000 + verification_validity() + 1;
    assert_eq!(
        sent.attempt("right", late).unwrap().status,
        VerificationStatus::Expired
    );
}

fn verification_validity() -> Millis {
    super::verification::CODE_VALIDITY_MS
}

#[test]
fn only_a_verified_domain_with_an_automatic_mode_offers() {
    assert!(!EnrollmentMode::ManualInvitation.offers());
    assert!(EnrollmentMode::AutomaticSuggestion.offers());
    let settings = DomainSettings::default();
    assert!(!settings.enabled);
    assert!(settings.allows(EnrollmentMode::ManualInvitation));
    assert!(!settings.allows(EnrollmentMode::AutomaticInvitation));
}
