//! Deliveries signed as Svix signs them, so Clerk's `verifyWebhook`, the `svix` libraries and
//! Standard Webhooks verifiers accept them: `svix-signature: v1,<base64 HMAC-SHA256 of
//! "{svix-id}.{svix-timestamp}.{body}">` under the key a `whsec_` secret encodes.

use aws_lc_rs::hmac;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

const PREFIX: &str = "whsec_";
/// How far a delivery's timestamp may be from the verifier's clock, as Svix allows.
pub const TOLERANCE_SECS: i64 = 5 * 60;

/// A signing key, read from a `whsec_` secret. Its bytes never leave it.
#[derive(Clone)]
pub struct SigningSecret(hmac::Key);

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

impl SigningSecret {
    pub fn parse(secret: &str) -> Result<Self, String> {
        let encoded = secret
            .strip_prefix(PREFIX)
            .ok_or_else(|| "a webhook secret starts with whsec_".to_string())?;
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| "a webhook secret is whsec_ and base64".to_string())?;
        if key.len() < 24 {
            return Err("a webhook secret's key is at least 24 bytes".into());
        }
        Ok(Self(hmac::Key::new(hmac::HMAC_SHA256, &key)))
    }

    fn content(id: &str, timestamp_secs: i64, body: &str) -> String {
        format!("{id}.{timestamp_secs}.{body}")
    }

    /// The `svix-signature` header's value.
    pub fn sign(&self, id: &str, timestamp_secs: i64, body: &str) -> String {
        let tag = hmac::sign(&self.0, Self::content(id, timestamp_secs, body).as_bytes());
        format!("v1,{}", STANDARD.encode(tag.as_ref()))
    }

    /// Whether a delivery is authentic and fresh: one of the space-separated `v1` signatures
    /// matches (compared in constant time) and its timestamp is within the tolerance.
    pub fn verify(
        &self,
        id: &str,
        timestamp: &str,
        signatures: &str,
        body: &str,
        now_secs: i64,
    ) -> Result<(), &'static str> {
        let ts: i64 = timestamp.parse().map_err(|_| "bad timestamp")?;
        if (now_secs - ts).abs() > TOLERANCE_SECS {
            return Err("timestamp outside the tolerance");
        }
        let content = Self::content(id, ts, body);
        let matches = signatures.split(' ').any(|sig| {
            sig.strip_prefix("v1,")
                .and_then(|b64| STANDARD.decode(b64).ok())
                .is_some_and(|tag| hmac::verify(&self.0, content.as_bytes(), &tag).is_ok())
        });
        if matches {
            Ok(())
        } else {
            Err("no matching signature")
        }
    }
}

/// The headers of one signed delivery.
pub fn headers(
    secret: &SigningSecret,
    id: &str,
    timestamp_secs: i64,
    body: &str,
) -> [(&'static str, String); 3] {
    [
        ("svix-id", id.to_string()),
        ("svix-timestamp", timestamp_secs.to_string()),
        ("svix-signature", secret.sign(id, timestamp_secs, body)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    // Svix's published example (docs.svix.com, "Verifying payloads manually").
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &str = r#"{"test": 2432232314}"#;
    const EXPECTED: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    #[test]
    fn signs_as_svix_documents() {
        let secret = SigningSecret::parse(SECRET).unwrap();
        assert_eq!(secret.sign(ID, TS, BODY), EXPECTED);
    }

    #[test]
    fn verifies_only_authentic_fresh_deliveries() {
        let secret = SigningSecret::parse(SECRET).unwrap();
        let ts = TS.to_string();
        assert!(secret.verify(ID, &ts, EXPECTED, BODY, TS + 10).is_ok());
        assert!(secret
            .verify(ID, &ts, &format!("v1,bogus {EXPECTED}"), BODY, TS)
            .is_ok());
        assert!(secret.verify(ID, &ts, EXPECTED, "{}", TS).is_err());
        assert!(secret.verify("msg_other", &ts, EXPECTED, BODY, TS).is_err());
        assert!(secret
            .verify(ID, &ts, EXPECTED, BODY, TS + TOLERANCE_SECS + 1)
            .is_err());
    }

    #[test]
    fn refuses_secrets_that_are_not_whsec_base64_keys() {
        for bad in [
            "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "whsec_!!!",
            "whsec_c2hvcnQ=",
        ] {
            assert!(SigningSecret::parse(bad).is_err(), "{bad}");
        }
    }
}
