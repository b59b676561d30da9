//! Browsers: which origins may call the API from a page (CORS), and what a write carried by the
//! `__session` cookie must show to be one the app's own page made (a cookie travels with any
//! site's form post; a JSON body and an allowed `Origin` do not).

use axum::http::header::{CONTENT_TYPE, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
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
        if !is_json(&parts.headers) {
            return Err("a write signed in by cookie must send Content-Type: application/json");
        }
        if self.sent_by_the_app(&parts.headers) {
            Ok(())
        } else {
            Err("a write signed in by cookie must come from an allowed Origin")
        }
    }

    /// A write carried by a link's ticket alone (declining) holds the same rules for a
    /// browser: JSON, and when a page sent it (it has an `Origin`), an allowed origin or the
    /// same site. A caller that is no browser sends no `Origin`, and no page can forge one.
    pub fn check_link_write(&self, headers: &HeaderMap) -> Result<(), &'static str> {
        if !is_json(headers) {
            return Err("a link's write must send Content-Type: application/json");
        }
        if headers.contains_key(ORIGIN) && !self.sent_by_the_app(headers) {
            return Err("a link's write from a page must come from an allowed Origin");
        }
        Ok(())
    }

    fn sent_by_the_app(&self, headers: &HeaderMap) -> bool {
        let same_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v == "same-origin");
        let allowed_origin = headers
            .get(ORIGIN)
            .is_some_and(|o| self.origins.contains(o));
        same_site || allowed_origin
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}
