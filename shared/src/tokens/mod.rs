//! Signed tokens: the service's own invitation tickets, and the session tokens of the app's
//! identity provider. Every verification pins its algorithm(s) before looking at the signature.

pub mod jwks;
pub mod session;
pub mod ticket;

pub use crate::pem::text as pem_text;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::Algorithm;

/// The `alg` a token's header names, read without trusting anything else in it; `None` when
/// the token is not three dot-separated parts with a JSON header.
pub fn header_algorithm(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (header, _, _, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next());
    if rest.is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(header).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    value.get("alg")?.as_str().map(str::to_string)
}

pub fn algorithm_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::EdDSA => "EdDSA",
    }
}
