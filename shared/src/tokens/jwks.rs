//! A JSON Web Key Set fetched from the identity provider and cached, with keys looked up by
//! `kid` so the provider can rotate them: an unknown `kid` triggers one refetch (at most once per
//! `MIN_REFETCH`), and the whole set is refreshed after `TTL`.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey};
use tokio::sync::{Mutex, RwLock};

const TTL: Duration = Duration::from_secs(600);
/// The least time between two fetches: a stream of tokens with made-up `kid`s must not turn
/// into a stream of requests to the provider.
pub const MIN_REFETCH: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("the key set could not be fetched: {0}")]
    Unavailable(String),
    #[error("no key in the set has kid {0:?}")]
    UnknownKey(Option<String>),
}

struct Cached {
    set: JwkSet,
    fetched_at: Instant,
}

pub struct JwksCache {
    url: String,
    min_refetch: Duration,
    client: reqwest::Client,
    /// Held only to read or swap the set, never across a fetch: requests whose key is cached
    /// are not held up by a slow provider.
    cached: RwLock<Option<Cached>>,
    /// One fetch at a time; those who wait for it then find the fresh set.
    fetching: Mutex<()>,
}

impl JwksCache {
    /// The URL must be `https`; plain `http` only to a loopback address (a local provider).
    pub fn new(url: impl Into<String>, min_refetch: Duration) -> Result<Self, String> {
        let url = url.into();
        check_url(&url)?;
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .https_only(!is_loopback_http(&url))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url,
            min_refetch,
            client,
            cached: RwLock::new(None),
            fetching: Mutex::new(()),
        })
    }

    async fn fetch(&self) -> Result<JwkSet, JwksError> {
        let response = self
            .client
            .get(&self.url)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| JwksError::Unavailable(e.to_string()))?;
        response
            .json::<JwkSet>()
            .await
            .map_err(|e| JwksError::Unavailable(e.to_string()))
    }

    /// The key for `kid` and the one algorithm it may verify.
    pub async fn key(&self, kid: Option<&str>) -> Result<(DecodingKey, Algorithm), JwksError> {
        {
            let cached = self.cached.read().await;
            if let Some(c) = cached.as_ref().filter(|c| c.fetched_at.elapsed() < TTL) {
                if let Some(found) = find(&c.set, kid) {
                    return Ok(found);
                }
                if c.fetched_at.elapsed() < self.min_refetch {
                    return Err(JwksError::UnknownKey(kid.map(str::to_string)));
                }
            }
        }
        let _fetching = self.fetching.lock().await;
        // Another request may have refreshed the set while this one waited its turn.
        let fresh = {
            let cached = self.cached.read().await;
            cached
                .as_ref()
                .filter(|c| c.fetched_at.elapsed() < self.min_refetch)
                .map(|c| find(&c.set, kid))
        };
        let found = match fresh {
            Some(found) => found,
            None => {
                let set = self.fetch().await?;
                let found = find(&set, kid);
                *self.cached.write().await = Some(Cached {
                    set,
                    fetched_at: Instant::now(),
                });
                found
            }
        };
        found.ok_or_else(|| JwksError::UnknownKey(kid.map(str::to_string)))
    }
}

fn is_loopback_http(raw: &str) -> bool {
    url::Url::parse(raw).is_ok_and(|u| {
        u.scheme() == "http"
            && match u.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            }
    })
}

fn check_url(raw: &str) -> Result<(), String> {
    let url = url::Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL ({e})"))?;
    if url.scheme() == "https" || is_loopback_http(raw) {
        Ok(())
    } else {
        Err(format!(
            "{raw:?} must be an https URL (plain http only to a loopback address)"
        ))
    }
}

/// The key with `kid` (or the only key, when the token names none), with its pinned algorithm:
/// RSA keys verify RS256, P-256 keys ES256, Ed25519 keys EdDSA, and nothing else.
fn find(set: &JwkSet, kid: Option<&str>) -> Option<(DecodingKey, Algorithm)> {
    let jwk = match kid {
        Some(kid) => set.find(kid)?,
        None if set.keys.len() == 1 => &set.keys[0],
        None => return None,
    };
    let algorithm = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        AlgorithmParameters::OctetKeyPair(okp) if okp.curve == EllipticCurve::Ed25519 => {
            Algorithm::EdDSA
        }
        _ => return None,
    };
    if let Some(declared) = jwk.common.key_algorithm {
        let matches = matches!(
            (declared, algorithm),
            (KeyAlgorithm::RS256, Algorithm::RS256)
                | (KeyAlgorithm::ES256, Algorithm::ES256)
                | (KeyAlgorithm::EdDSA, Algorithm::EdDSA)
        );
        if !matches {
            return None;
        }
    }
    DecodingKey::from_jwk(jwk).ok().map(|key| (key, algorithm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http_key_sets_are_fetched() {
        for ok in [
            "https://clerk.example.com/.well-known/jwks.json",
            "http://127.0.0.1:9999/jwks",
            "http://localhost:9999/jwks",
            "http://[::1]:9999/jwks",
        ] {
            assert!(JwksCache::new(ok, MIN_REFETCH).is_ok(), "{ok}");
        }
        for bad in [
            "http://clerk.example.com/jwks",
            "http://127.0.0.1.evil.example/jwks",
            "ftp://127.0.0.1/jwks",
            "not a url",
        ] {
            assert!(JwksCache::new(bad, MIN_REFETCH).is_err(), "{bad}");
        }
    }
}
