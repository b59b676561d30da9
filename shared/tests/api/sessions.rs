//! Session tokens: JWKS with rotation, pinned algorithms, issuer, audience and expiry.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::routing::get;
use axum::{Json, Router};
use invitations::tokens::session::{SessionError, SessionVerifier};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

struct Provider {
    url: String,
    keys: Arc<Mutex<Vec<Jwk>>>,
    fetches: Arc<AtomicUsize>,
    /// While a test holds it for writing, the provider answers no fetch (a slow provider).
    hold: Arc<tokio::sync::RwLock<()>>,
}

/// An identity provider's JWKS endpoint on a loopback port of its own.
async fn provider() -> Provider {
    let keys: Arc<Mutex<Vec<Jwk>>> = Arc::default();
    let fetches: Arc<AtomicUsize> = Arc::default();
    let hold: Arc<tokio::sync::RwLock<()>> = Arc::default();
    let (k, f, h) = (keys.clone(), fetches.clone(), hold.clone());
    let app = Router::new().route(
        "/.well-known/jwks.json",
        get(move || {
            let (k, f, h) = (k.clone(), f.clone(), h.clone());
            async move {
                f.fetch_add(1, Ordering::SeqCst);
                let _answering = h.read().await;
                Json(JwkSet {
                    keys: k.lock().unwrap().clone(),
                })
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/.well-known/jwks.json",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Provider {
        url,
        keys,
        fetches,
        hold,
    }
}

fn rsa(pem: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap()
}

fn jwk(key: &EncodingKey, alg: Algorithm, kid: &str) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(key, alg).unwrap();
    jwk.common.key_id = Some(kid.into());
    jwk
}

/// The site the provider's tokens are made for (`azp`): the app's origin.
const APP_SITE: &str = "https://app.example.com";

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn token(key: &EncodingKey, alg: Algorithm, kid: Option<&str>, claims: Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_string);
    jsonwebtoken::encode(&header, &claims, key).unwrap()
}

fn claims(extra: Value) -> Value {
    let mut c = json!({"sub": "user_2abc", "exp": now() + 300, "iat": now(), "nbf": now() - 1,
                       "iss": "https://clerk.example.com", "azp": "https://app.example.com"});
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

#[tokio::test]
async fn a_provider_jwks_verifies_sessions_and_rotation_is_followed_by_kid() {
    let p = provider().await;
    let (old, new) = (
        rsa(include_str!("keys/rsa-private.pem")),
        rsa(include_str!("keys/rsa2-private.pem")),
    );
    p.keys
        .lock()
        .unwrap()
        .push(jwk(&old, Algorithm::RS256, "key-2026-01"));
    // No minimum between refetches here, so the rotation below needs no waiting.
    let verifier = SessionVerifier::jwks_refetching_after(&p.url, std::time::Duration::ZERO)
        .unwrap()
        .authorized_parties(vec![APP_SITE.into()])
        .issuer(Some("https://clerk.example.com".into()));

    let session = verifier
        .verify(&token(
            &old,
            Algorithm::RS256,
            Some("key-2026-01"),
            claims(json!({"email": "Grace@Example.com", "email_verified": true})),
        ))
        .await
        .unwrap();
    assert_eq!(session.user_id, "user_2abc");
    assert_eq!(session.verified_email.as_deref(), Some("grace@example.com"));
    verifier
        .verify(&token(
            &old,
            Algorithm::RS256,
            Some("key-2026-01"),
            claims(json!({})),
        ))
        .await
        .unwrap();
    assert_eq!(p.fetches.load(Ordering::SeqCst), 1, "the key set is cached");

    // The provider rotates: a token with the new kid makes the verifier fetch the set again.
    p.keys
        .lock()
        .unwrap()
        .push(jwk(&new, Algorithm::RS256, "key-2026-07"));
    verifier
        .verify(&token(
            &new,
            Algorithm::RS256,
            Some("key-2026-07"),
            claims(json!({})),
        ))
        .await
        .unwrap();
    assert_eq!(p.fetches.load(Ordering::SeqCst), 2);

    let unknown = verifier
        .verify(&token(
            &new,
            Algorithm::RS256,
            Some("key-forged"),
            claims(json!({})),
        ))
        .await;
    assert!(
        matches!(unknown, Err(SessionError::UnknownKey)),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn made_up_kids_do_not_hammer_the_provider() {
    let p = provider().await;
    let key = rsa(include_str!("keys/rsa-private.pem"));
    p.keys
        .lock()
        .unwrap()
        .push(jwk(&key, Algorithm::RS256, "k1"));
    let verifier = SessionVerifier::jwks(&p.url)
        .unwrap()
        .authorized_parties(vec![APP_SITE.into()]);
    verifier
        .verify(&token(
            &key,
            Algorithm::RS256,
            Some("k1"),
            claims(json!({})),
        ))
        .await
        .unwrap();
    for i in 0..20 {
        let forged = verifier
            .verify(&token(
                &key,
                Algorithm::RS256,
                Some(&format!("forged-{i}")),
                claims(json!({})),
            ))
            .await;
        assert!(
            matches!(forged, Err(SessionError::UnknownKey)),
            "{forged:?}"
        );
    }
    assert_eq!(
        p.fetches.load(Ordering::SeqCst),
        1,
        "no refetch within the minimum interval"
    );
}

#[tokio::test]
async fn jwks_sessions_refuse_swapped_algorithms_wrong_issuers_and_expired_tokens() {
    let p = provider().await;
    let key = rsa(include_str!("keys/rsa-private.pem"));
    p.keys
        .lock()
        .unwrap()
        .push(jwk(&key, Algorithm::RS256, "k1"));
    let verifier = SessionVerifier::jwks(&p.url)
        .unwrap()
        .authorized_parties(vec![APP_SITE.into()])
        .issuer(Some("https://clerk.example.com".into()))
        .audience(Some("app".into()));
    let ok = claims(json!({"aud": "app"}));
    verifier
        .verify(&token(&key, Algorithm::RS256, Some("k1"), ok.clone()))
        .await
        .unwrap();

    let hs_with_public_key = token(
        &EncodingKey::from_secret(include_bytes!("keys/rsa-public.pem")),
        Algorithm::HS256,
        Some("k1"),
        ok.clone(),
    );
    let ps256 = token(&key, Algorithm::PS256, Some("k1"), ok.clone());
    for (what, bad, expect) in [
        (
            "HS256 keyed with the public key",
            hs_with_public_key,
            "AlgorithmNotAllowed",
        ),
        ("PS256 with the RSA key", ps256, "AlgorithmNotAllowed"),
        (
            "another issuer",
            token(
                &key,
                Algorithm::RS256,
                Some("k1"),
                claims(json!({"aud": "app", "iss": "https://evil.example"})),
            ),
            "WrongIssuerOrAudience",
        ),
        (
            "another audience",
            token(
                &key,
                Algorithm::RS256,
                Some("k1"),
                claims(json!({"aud": "other"})),
            ),
            "WrongIssuerOrAudience",
        ),
        (
            "expired",
            token(
                &key,
                Algorithm::RS256,
                Some("k1"),
                claims(json!({"aud": "app", "exp": now() - 60})),
            ),
            "Expired",
        ),
        (
            "not yet valid",
            token(
                &key,
                Algorithm::RS256,
                Some("k1"),
                claims(json!({"aud": "app", "nbf": now() + 60})),
            ),
            "Expired",
        ),
        (
            "tampered",
            {
                let t = token(&key, Algorithm::RS256, Some("k1"), ok.clone());
                let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
                parts[1] = base64_claims(&claims(json!({"aud": "app", "sub": "user_admin"})));
                parts.join(".")
            },
            "SignatureInvalid",
        ),
    ] {
        let result = verifier.verify(&bad).await;
        assert!(format!("{result:?}").contains(expect), "{what}: {result:?}");
    }
}

fn base64_claims(claims: &Value) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string())
}

#[tokio::test]
async fn an_unreachable_provider_is_reported_as_such() {
    let verifier = SessionVerifier::jwks("http://127.0.0.1:9/.well-known/jwks.json").unwrap();
    let key = rsa(include_str!("keys/rsa-private.pem"));
    let result = verifier
        .verify(&token(
            &key,
            Algorithm::RS256,
            Some("k1"),
            claims(json!({})),
        ))
        .await;
    assert!(
        matches!(result, Err(SessionError::KeysUnavailable(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn pem_keys_pin_their_algorithm() {
    for (private, public, alg) in [
        (
            include_str!("keys/ec-private.pem"),
            include_str!("keys/ec-public.pem"),
            Algorithm::ES256,
        ),
        (
            include_str!("keys/ed-private.pem"),
            include_str!("keys/ed-public.pem"),
            Algorithm::EdDSA,
        ),
    ] {
        let verifier = SessionVerifier::public_key_pem(public)
            .unwrap()
            .authorized_parties(vec![APP_SITE.into()]);
        let key = match alg {
            Algorithm::ES256 => EncodingKey::from_ec_pem(private.as_bytes()).unwrap(),
            _ => EncodingKey::from_ed_pem(private.as_bytes()).unwrap(),
        };
        verifier
            .verify(&token(&key, alg, None, claims(json!({}))))
            .await
            .unwrap();
        let forged = token(
            &EncodingKey::from_secret(public.as_bytes()),
            Algorithm::HS256,
            None,
            claims(json!({})),
        );
        assert!(
            matches!(
                verifier.verify(&forged).await,
                Err(SessionError::AlgorithmNotAllowed)
            ),
            "{alg:?}"
        );
    }
    assert!(SessionVerifier::public_key_pem("not a key").is_err());
    assert!(SessionVerifier::hs256(b"short").is_err());
}

#[tokio::test]
async fn a_slow_key_fetch_does_not_hold_up_tokens_whose_key_is_cached() {
    let p = provider().await;
    let key = rsa(include_str!("keys/rsa-private.pem"));
    p.keys
        .lock()
        .unwrap()
        .push(jwk(&key, Algorithm::RS256, "k1"));
    let verifier = Arc::new(
        SessionVerifier::jwks_refetching_after(&p.url, std::time::Duration::ZERO)
            .unwrap()
            .authorized_parties(vec![APP_SITE.into()]),
    );
    let cached = token(&key, Algorithm::RS256, Some("k1"), claims(json!({})));
    verifier.verify(&cached).await.unwrap();

    let stalled = p.hold.write().await;
    let unknown = token(&key, Algorithm::RS256, Some("k-new"), claims(json!({})));
    let refetch = {
        let verifier = verifier.clone();
        tokio::spawn(async move { verifier.verify(&unknown).await })
    };
    while p.fetches.load(Ordering::SeqCst) < 2 {
        tokio::task::yield_now().await;
    }
    // The refetch is in flight and the provider answers nothing; a cached key still verifies.
    // (The bound only keeps a regression from hanging the suite.)
    let during = tokio::time::timeout(std::time::Duration::from_secs(10), verifier.verify(&cached))
        .await
        .expect("verifying with a cached key waited for the provider");
    assert!(during.is_ok());
    drop(stalled);
    assert!(matches!(
        refetch.await.unwrap(),
        Err(SessionError::UnknownKey)
    ));
}
