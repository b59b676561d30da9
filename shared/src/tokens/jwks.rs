//! A JSON Web Key Set fetched from the identity provider and cached, with keys looked up by
//! `kid` so the provider can rotate them: an unknown `kid` triggers one refetch (at most once per
//! `MIN_REFETCH`), and the whole set is refreshed after `TTL`.

use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey};
use tokio::sync::RwLock;

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
    cached: RwLock<Option<Cached>>,
}

impl JwksCache {
    pub fn new(url: impl Into<String>, min_refetch: Duration) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url: url.into(),
            min_refetch,
            client,
            cached: RwLock::new(None),
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
        let mut cached = self.cached.write().await;
        // Another request may have refreshed the set while this one waited for the lock.
        let fresh_enough = cached
            .as_ref()
            .is_some_and(|c| c.fetched_at.elapsed() < self.min_refetch);
        if !fresh_enough {
            let set = self.fetch().await?;
            *cached = Some(Cached {
                set,
                fetched_at: Instant::now(),
            });
        }
        cached
            .as_ref()
            .and_then(|c| find(&c.set, kid))
            .ok_or_else(|| JwksError::UnknownKey(kid.map(str::to_string)))
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
