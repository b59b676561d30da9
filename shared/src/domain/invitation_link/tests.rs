use super::*;
use crate::domain::org_domain::DomainName;
use crate::domain::{EmailAddress, PublicOrganizationData, RoleCatalog, RoleKey};

const NOW: i64 = 1_800_000_000_000;
const DAY: i64 = 24 * 60 * 60 * 1000;

fn link(token: &LinkToken) -> InvitationLink {
    InvitationLink {
        id: token.link_id.clone(),
        organization: PublicOrganizationData {
            id: "org_1".into(),
            name: "Acme".into(),
            slug: "acme".into(),
        },
        role: RoleKey::new("org:member"),
        max_uses: 2,
        uses: 0,
        last_used_at: None,
        allowed_email_domains: vec![DomainName::stored("acme.com")],
        requires_approval: false,
        token_digest: token.digest(),
        created_by: None,
        revoked_at: None,
        expires_at: NOW + DAY,
        created_at: NOW,
        updated_at: NOW,
    }
}

#[test]
fn a_token_round_trips_and_opens_only_its_own_link() {
    let token = LinkToken::generate(InvitationLinkId::generate());
    let parsed = LinkToken::parse(&token.encode()).unwrap();
    assert_eq!(parsed, token);
    let l = link(&token);
    assert!(l.opens_with(&token.secret));
    let other = LinkToken::generate(InvitationLinkId::generate());
    assert!(!l.opens_with(&other.secret));
    // The same secret under another link's id is another digest.
    assert_ne!(token_digest(&other.link_id, &token.secret), token.digest());
    for bad in ["", "short", &format!("{}!", &token.encode()[1..])] {
        assert!(LinkToken::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn status_reads_revoked_then_exhausted_then_expired() {
    let token = LinkToken::generate(InvitationLinkId::generate());
    let mut l = link(&token);
    assert_eq!(l.status(NOW), LinkStatus::Active);
    assert_eq!(l.status(NOW + DAY), LinkStatus::Expired);
    l.uses = 2;
    assert_eq!(l.status(NOW + DAY), LinkStatus::Exhausted);
    l.revoked_at = Some(NOW);
    assert_eq!(l.status(NOW), LinkStatus::Revoked);
}

#[test]
fn only_an_address_at_an_allowed_domain_is_admitted() {
    let token = LinkToken::generate(InvitationLinkId::generate());
    let mut l = link(&token);
    let addresses = vec![
        EmailAddress::parse("e", "ada@gmail.com").unwrap(),
        EmailAddress::parse("e", "ada@acme.com").unwrap(),
    ];
    assert_eq!(
        l.admitted_address(&addresses).unwrap().as_str(),
        "ada@acme.com"
    );
    assert!(l.admitted_address(&addresses[..1]).is_none());
    l.allowed_email_domains.clear();
    assert_eq!(
        l.admitted_address(&addresses).unwrap().as_str(),
        "ada@gmail.com"
    );
}

fn check(new: NewLink, settings: &LinkSettings) -> Result<CheckedLink, LinkInvalid> {
    new.check(
        &RoleCatalog::default(),
        &RoleKey::new("org:member"),
        settings,
        NOW,
    )
}

#[test]
fn an_unset_link_is_one_use_for_a_week_with_the_default_role() {
    let Ok(c) = check(NewLink::default(), &LinkSettings::default()) else {
        panic!("refused")
    };
    assert_eq!(
        (c.max_uses, c.expires_at, c.role.as_str()),
        (1, NOW + 7 * DAY, "org:member")
    );
}

#[test]
fn out_of_range_settings_are_each_named() {
    let new = NewLink {
        role: Some("org:nobody".into()),
        max_uses: Some(0),
        expires_in_days: Some(91),
        allowed_email_domains: vec!["com".into(), "mailinator.com".into()],
        ..NewLink::default()
    };
    let Err(LinkInvalid::Fields(errors)) = check(new, &LinkSettings::default()) else {
        panic!("accepted")
    };
    let params: Vec<_> = errors.iter().map(|e| e.param.as_str()).collect();
    assert_eq!(
        params,
        [
            "role",
            "max_uses",
            "expires_in_days",
            "allowed_email_domains[0]",
            "allowed_email_domains[1]"
        ]
    );
    let late = NewLink {
        expires_at: Some(NOW + 91 * DAY),
        ..NewLink::default()
    };
    assert!(matches!(
        check(late, &LinkSettings::default()),
        Err(LinkInvalid::Fields(_))
    ));
}

#[test]
fn an_admin_role_needs_the_instance_to_allow_it() {
    let admin = || NewLink {
        role: Some("org:admin".into()),
        ..NewLink::default()
    };
    assert!(matches!(
        check(admin(), &LinkSettings::default()),
        Err(LinkInvalid::Refused(LinkRefusal::RoleNotAllowed))
    ));
    let open = LinkSettings {
        admin_roles: true,
        ..LinkSettings::default()
    };
    assert!(check(admin(), &open).is_ok());
}

#[test]
fn the_url_carries_the_organization_and_the_token() {
    let s = LinkSettings {
        join_url: Some("https://app.test/join?x=1".into()),
        ..LinkSettings::default()
    };
    assert_eq!(
        s.url_for("org_1", "tok").as_deref(),
        Some("https://app.test/join?x=1&organization_id=org_1&token=tok")
    );
    assert_eq!(LinkSettings::default().url_for("org_1", "tok"), None);
}
