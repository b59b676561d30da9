use url::Url;

use super::FieldError;

/// Where an invitation may send the invitee after the ticket is checked.
///
/// Only absolute `http`/`https` URLs without credentials, whose origin (scheme, host and port)
/// is exactly one of the allowed origins. An empty list allows nothing: the configuration
/// always names at least the service's own origin (`ALLOWED_REDIRECT_ORIGINS`, or else
/// `PUBLIC_BASE_URL`'s and `DEFAULT_REDIRECT_URL`'s origins).
#[derive(Debug, Clone, Default)]
pub struct RedirectPolicy {
    allowed_origins: Vec<url::Origin>,
}

impl RedirectPolicy {
    pub fn from_origins(origins: impl IntoIterator<Item = url::Origin>) -> Self {
        let mut allowed_origins: Vec<url::Origin> = Vec::new();
        for origin in origins {
            if !allowed_origins.contains(&origin) {
                allowed_origins.push(origin);
            }
        }
        Self { allowed_origins }
    }

    /// The allowed origins as text, for the start-up log.
    pub fn describe(&self) -> String {
        self.origins().join(", ")
    }

    /// The allowed origins, each as `scheme://host[:port]`.
    pub fn origins(&self) -> Vec<String> {
        self.allowed_origins
            .iter()
            .map(|o| o.ascii_serialization())
            .collect()
    }

    /// From a comma-separated list of origins such as `https://app.example.com`.
    pub fn from_list(list: &str) -> Result<Self, String> {
        let mut allowed_origins = Vec::new();
        for raw in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let url = Url::parse(raw).map_err(|e| format!("{raw:?} is not an origin: {e}"))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(format!("{raw:?} is not an http(s) origin"));
            }
            allowed_origins.push(url.origin());
        }
        Ok(Self { allowed_origins })
    }

    pub fn check(&self, param: &str, raw: &str) -> Result<String, FieldError> {
        let refuse = |why: &str| FieldError::value(param, format!("{param} {why}."));
        let url = Url::parse(raw.trim()).map_err(|_| refuse("must be an absolute URL"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(refuse("must be an http or https URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("must not carry credentials"));
        }
        if !self.allowed_origins.contains(&url.origin()) {
            return Err(refuse("is not on the list of allowed redirect origins"));
        }
        Ok(url.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allow_list_matches_whole_origins_only() {
        let policy =
            RedirectPolicy::from_list("https://app.example.com, http://localhost:5173").unwrap();
        assert!(policy
            .check("redirect_url", "https://app.example.com/welcome?x=1#top")
            .is_ok());
        assert!(policy
            .check("redirect_url", "http://localhost:5173/")
            .is_ok());
        for bad in [
            "https://app.example.com.evil.example/",
            "https://evil.example/?https://app.example.com",
            "http://app.example.com/",
            "https://app.example.com:8443/",
            "//evil.example",
            "javascript:alert(1)",
            "https://user:pw@app.example.com/",
            "/relative",
        ] {
            assert!(policy.check("redirect_url", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_empty_list_allows_nothing() {
        let policy = RedirectPolicy::default();
        assert!(policy
            .check("redirect_url", "https://anywhere.example/x")
            .is_err());
    }
}
