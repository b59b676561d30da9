//! Session tokens from the app's identity provider (Clerk, or any OIDC provider): `sub` is the
//! user id, and a verified `email` claim identifies the person's address.

use std::sync::Arc;

use jsonwebtoken::{errors::ErrorKind, Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::jwks::{JwksCache, JwksError};
use super::{algorithm_name, header_algorithm};

/// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
const LEEWAY_SECONDS: u64 = 5;
/// The longest `exp - iat` accepted unless configured (`SESSION_MAX_AGE_SECONDS`): a token
/// minted to last for years is refused, however valid its signature.
pub const DEFAULT_MAX_AGE_SECONDS: u64 = 24 * 60 * 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user_id: crate::domain::UserId,
    /// The case-folded address, only when the token says it is verified.
    pub verified_email: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("the session token is not a well-formed token")]
    Malformed,
    #[error("the session token uses an algorithm that is not accepted")]
    AlgorithmNotAllowed,
    #[error("the session token's signature does not verify")]
    SignatureInvalid,
    #[error("the session token has expired or is not valid yet")]
    Expired,
    #[error("the session token was made for another site (its azp is not an allowed origin)")]
    UnauthorizedParty,
    #[error("the session token lives longer than the configured maximum, or carries no iat")]
    LifetimeTooLong,
    #[error("the session token's issuer or audience is not the configured one")]
    WrongIssuerOrAudience,
    #[error("the session token names no signing key the provider publishes")]
    UnknownKey,
    #[error("the provider's keys could not be fetched")]
    KeysUnavailable(String),
}

enum Keys {
    /// One key, one algorithm: HS256 with a secret, or RS256/ES256/EdDSA with a PEM public key.
    Static(DecodingKey, Algorithm),
    Jwks(Arc<JwksCache>),
}

pub struct SessionVerifier {
    keys: Keys,
    issuer: Option<String>,
    audience: Option<String>,
    max_age_seconds: u64,
    authorized_parties: Vec<String>,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    iat: Option<i64>,
    exp: i64,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    email_verified: Option<bool>,
    /// The origin the token was made for (Clerk's `azp`).
    #[serde(default)]
    azp: Option<String>,
}

impl SessionVerifier {
    pub fn hs256(secret: &[u8]) -> Result<Self, String> {
        if secret.len() < 32 {
            return Err("an HS256 session secret must be at least 32 bytes".into());
        }
        Ok(Self::with(Keys::Static(
            DecodingKey::from_secret(secret),
            Algorithm::HS256,
        )))
    }

    /// A PEM public key: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA).
    pub fn public_key_pem(pem: &str) -> Result<Self, String> {
        let pem = super::pem_text(pem);
        let bytes = pem.as_bytes();
        let keys = if let Ok(k) = DecodingKey::from_rsa_pem(bytes) {
            Keys::Static(k, Algorithm::RS256)
        } else if let Ok(k) = DecodingKey::from_ec_pem(bytes) {
            Keys::Static(k, Algorithm::ES256)
        } else if let Ok(k) = DecodingKey::from_ed_pem(bytes) {
            Keys::Static(k, Algorithm::EdDSA)
        } else {
            return Err(
                "the session public key must be an RSA, P-256 or Ed25519 public key in PEM".into(),
            );
        };
        Ok(Self::with(keys))
    }

    pub fn jwks(url: &str) -> Result<Self, String> {
        Self::jwks_refetching_after(url, super::jwks::MIN_REFETCH)
    }

    /// A JWKS whose unknown `kid`s cause a refetch at most once per `min_refetch`.
    pub fn jwks_refetching_after(
        url: &str,
        min_refetch: std::time::Duration,
    ) -> Result<Self, String> {
        Ok(Self::with(Keys::Jwks(Arc::new(JwksCache::new(
            url,
            min_refetch,
        )?))))
    }

    fn with(keys: Keys) -> Self {
        Self {
            keys,
            issuer: None,
            audience: None,
            max_age_seconds: DEFAULT_MAX_AGE_SECONDS,
            authorized_parties: Vec::new(),
        }
    }

    pub fn max_age_seconds(mut self, seconds: u64) -> Self {
        self.max_age_seconds = seconds;
        self
    }

    pub fn issuer(mut self, issuer: Option<String>) -> Self {
        self.issuer = issuer;
        self
    }

    pub fn audience(mut self, audience: Option<String>) -> Self {
        self.audience = audience;
        self
    }

    /// The origins a token's `azp` may name (the app's, as `CORS_ALLOWED_ORIGINS` lists them):
    /// a token made for another site is no session here. A token without `azp` is judged by
    /// the rest.
    pub fn authorized_parties(mut self, origins: Vec<String>) -> Self {
        self.authorized_parties = origins
            .into_iter()
            .map(|o| o.trim_end_matches('/').to_string())
            .collect();
        self
    }

    /// `iat` present, not in the future, and no more than the maximum age before `exp`.
    fn check_lifetime(&self, iat: Option<i64>, exp: i64) -> Result<(), SessionError> {
        let iat = iat.ok_or(SessionError::LifetimeTooLong)?;
        let now = jsonwebtoken::get_current_timestamp() as i64;
        if iat > now + LEEWAY_SECONDS as i64 {
            return Err(SessionError::Expired);
        }
        let lifetime = exp.saturating_sub(iat);
        if lifetime < 0 || lifetime as u64 > self.max_age_seconds {
            return Err(SessionError::LifetimeTooLong);
        }
        Ok(())
    }

    pub async fn verify(&self, token: &str) -> Result<Session, SessionError> {
        let alg = header_algorithm(token).ok_or(SessionError::Malformed)?;
        let (key, algorithm) = match &self.keys {
            Keys::Static(key, algorithm) => (key.clone(), *algorithm),
            Keys::Jwks(cache) => {
                let header =
                    jsonwebtoken::decode_header(token).map_err(|_| SessionError::Malformed)?;
                cache
                    .key(header.kid.as_deref())
                    .await
                    .map_err(|e| match e {
                        JwksError::UnknownKey(_) => SessionError::UnknownKey,
                        JwksError::Unavailable(why) => SessionError::KeysUnavailable(why),
                    })?
            }
        };
        // Pinned: the header must name exactly the key's algorithm (no `none`, no HS/RS swap).
        if alg != algorithm_name(algorithm) {
            return Err(SessionError::AlgorithmNotAllowed);
        }
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        match &self.issuer {
            Some(iss) => validation.set_issuer(&[iss]),
            None => validation.iss = None,
        }
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e
            .kind()
        {
            ErrorKind::InvalidSignature => SessionError::SignatureInvalid,
            ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
                SessionError::AlgorithmNotAllowed
            }
            ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => SessionError::Expired,
            ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                SessionError::WrongIssuerOrAudience
            }
            _ => SessionError::Malformed,
        })?;
        let claims = data.claims;
        if claims.sub.is_empty() {
            return Err(SessionError::Malformed);
        }
        if let Some(azp) = &claims.azp {
            if !self
                .authorized_parties
                .iter()
                .any(|o| o == azp.trim_end_matches('/'))
            {
                return Err(SessionError::UnauthorizedParty);
            }
        }
        self.check_lifetime(claims.iat, claims.exp)?;
        Ok(Session {
            user_id: claims.sub.into(),
            verified_email: claims
                .email
                .filter(|_| claims.email_verified == Some(true))
                // The same rule and folding as every other address; one that fails it is no
                // verified address of ours.
                .and_then(|e| crate::domain::EmailAddress::parse("email", &e).ok())
                .map(|e| e.key().to_string()),
        })
    }
}
