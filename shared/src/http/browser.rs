//! Browsers: which origins may call the API from a page (CORS), and what a write carried by the
//! `__session` cookie must show to be one the app's own page made (a cookie travels with any
//! site's form post; a JSON body and an allowed `Origin` do not).

use axum::http::header::{CONTENT_TYPE, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The origins (`scheme://host[:port]`) allowed to call from a browser.
#[derive(Debug, Clone, Default)]
pub struct BrowserPolicy {
    origins: Vec<HeaderValue>,
}

impl BrowserPolicy {
    /// From origins such as `https://app.example.com`; none allows no cross-origin caller.
    pub fn new(origins: &[String]) -> Result<Self, String> {
        let origins = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim_end_matches('/'))
                    .map_err(|_| format!("{o:?} is not an origin"))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { origins })
    }

    pub fn origins(&self) -> &[HeaderValue] {
        &self.origins
    }

    /// Preflights answered, and `Access-Control-Allow-Origin` (with credentials) only for a
    /// listed origin, never `*`; `Vary: Origin` on every answer.
    pub fn cors_layer(&self) -> CorsLayer {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(self.origins.clone()))
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
            .allow_headers([
                axum::http::header::AUTHORIZATION,
                CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
            ])
            .expose_headers([axum::http::header::RETRY_AFTER])
            .max_age(std::time::Duration::from_secs(600))
    }

    /// A write authenticated by the cookie must be JSON (no form can send that cross-site
    /// without a preflight) and come from an allowed origin or the same site.
    pub fn check_cookie_write(&self, parts: &Parts) -> Result<(), &'static str> {
        if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        let json = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err("a write signed in by cookie must send Content-Type: application/json");
        }
        let same_site = parts
            .headers
            .get("sec-fetch-site")
            .is_some_and(|v| v == "same-origin");
        let allowed_origin = parts
            .headers
            .get(ORIGIN)
            .is_some_and(|o| self.origins.contains(o));
        if same_site || allowed_origin {
            Ok(())
        } else {
            Err("a write signed in by cookie must come from an allowed Origin")
        }
    }
}
