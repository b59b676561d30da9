//! Tickets signed, verified, refused.

use super::*;
use jsonwebtoken::Algorithm;

const EC_PRIVATE: &str = include_str!("../../../tests/api/keys/ec-private.pem");
const EC_PUBLIC: &str = include_str!("../../../tests/api/keys/ec-public.pem");
const ED_PRIVATE: &str = include_str!("../../../tests/api/keys/ed-private.pem");
const ED_PUBLIC: &str = include_str!("../../../tests/api/keys/ed-public.pem");

fn round_trip(signer: &TicketSigner) -> (String, VerifiedTicket, IssuedTicket) {
    let id = InvitationId::generate();
    let issued = signer
        .issue(&id, "org_1", "grace@example.com", 1_000, 90_000)
        .unwrap();
    let verified = signer.verify(&issued.token, 2_000).unwrap();
    assert_eq!(verified.invitation_id, id);
    assert_eq!(verified.organization_id, "org_1");
    assert!(verified.is_current(Some(&issued.nonce_hash)));
    (issued.token.clone(), verified, issued)
}

#[test]
fn each_supported_key_signs_tickets_it_alone_verifies() {
    let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
    let es = TicketSigner::key_pair(EC_PRIVATE, EC_PUBLIC).unwrap();
    let ed = TicketSigner::key_pair(ED_PRIVATE, ED_PUBLIC).unwrap();
    assert_eq!(
        (es.algorithm(), ed.algorithm()),
        (Some(Algorithm::ES256), Some(Algorithm::EdDSA))
    );
    let (hs_token, ..) = round_trip(&hs);
    let (es_token, ..) = round_trip(&es);
    let (ed_token, ..) = round_trip(&ed);
    assert_eq!(
        es.verify(&hs_token, 0),
        Err(TicketError::AlgorithmNotAllowed)
    );
    assert_eq!(
        hs.verify(&ed_token, 0),
        Err(TicketError::AlgorithmNotAllowed)
    );
    assert_eq!(
        ed.verify(&es_token, 0),
        Err(TicketError::AlgorithmNotAllowed)
    );
    let other = TicketSigner::hs256(b"another-secret-0123456789abcdef!").unwrap();
    assert_eq!(
        other.verify(&hs_token, 0),
        Err(TicketError::SignatureInvalid)
    );
}

#[test]
fn a_ticket_lives_exactly_as_long_as_its_invitation() {
    let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
    let issued = hs
        .issue(
            &InvitationId::generate(),
            "org_1",
            "a@example.com",
            0,
            90_000,
        )
        .unwrap();
    assert!(hs.verify(&issued.token, 89_999).is_ok());
    assert_eq!(hs.verify(&issued.token, 90_000), Err(TicketError::Expired));
}

#[test]
fn a_ticket_issued_at_a_new_moment_makes_the_old_one_stale() {
    let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
    let id = InvitationId::generate();
    let first = hs.issue(&id, "org_1", "a@example.com", 0, 90_000).unwrap();
    let second = hs.issue(&id, "org_1", "a@example.com", 1, 90_000).unwrap();
    let old = hs.verify(&first.token, 1).unwrap();
    assert!(!old.is_current(Some(&second.nonce_hash)));
    assert!(!old.is_current(None));
}

#[test]
fn the_same_invitation_and_moment_make_the_same_ticket_and_only_the_key_can() {
    let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
    let id = InvitationId::generate();
    let first = hs
        .issue(&id, "org_1", "a@example.com", 5_000, 90_000)
        .unwrap();
    let again = hs
        .issue(&id, "org_1", "a@example.com", 5_000, 90_000)
        .unwrap();
    assert_eq!(first.nonce_hash, again.nonce_hash);
    assert_eq!(
        first.token, again.token,
        "HS256 signatures are deterministic"
    );
    let other_key = TicketSigner::hs256(b"another-secret-0123456789abcdef!").unwrap();
    let forged = other_key
        .issue(&id, "org_1", "a@example.com", 5_000, 90_000)
        .unwrap();
    assert_ne!(forged.nonce_hash, first.nonce_hash);
    let other = hs.issue(
        &InvitationId::generate(),
        "org_1",
        "a@example.com",
        5_000,
        90_000,
    );
    assert_ne!(other.unwrap().nonce_hash, first.nonce_hash);
}

#[test]
fn the_verifying_half_alone_verifies_what_the_signing_half_issued() {
    let issuer = TicketIssuer::from_private_pem(ED_PRIVATE).unwrap();
    let verifier = TicketVerifier::from_public_pem(ED_PUBLIC).unwrap();
    let issued = issuer
        .issue(
            &InvitationId::generate(),
            "org_1",
            "a@example.com",
            0,
            90_000,
        )
        .unwrap();
    assert!(verifier.verify(&issued.token, 1).is_ok());
    assert!(TicketVerifier::from_public_pem(ED_PRIVATE).is_err());
}

#[test]
fn a_generated_pair_signs_and_verifies_and_reads_from_one_line() {
    let (private, public) = new_ed25519_pair().unwrap();
    let one_line = |pem: &str| pem.trim_end().replace('\n', "\\n");
    let pair = TicketSigner::key_pair(&one_line(&private), &one_line(&public)).unwrap();
    assert_eq!(pair.algorithm(), Some(Algorithm::EdDSA));
}

#[test]
fn weak_or_mismatched_keys_are_refused_at_start() {
    assert!(TicketSigner::hs256(b"too short").is_err());
    assert!(TicketSigner::key_pair(EC_PRIVATE, ED_PUBLIC).is_err());
    assert!(TicketSigner::key_pair(ED_PRIVATE, EC_PUBLIC).is_err());
    assert!(TicketSigner::key_pair("nonsense", "nonsense").is_err());
}

#[test]
fn an_hs256_ticket_is_small_enough_for_any_url() {
    let hs = TicketSigner::hs256(b"0123456789abcdef0123456789abcdef").unwrap();
    let token = hs
        .issue(
            &InvitationId::generate(),
            "org_2vFixtureAcmeInc00000000000",
            "grace.hopper@example.com",
            1_790_000_000_000,
            1_792_592_000_000,
        )
        .unwrap()
        .token;
    assert!(token.len() < 512, "{} bytes", token.len());
}
