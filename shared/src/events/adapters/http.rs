//! Webhooks over HTTPS with reqwest: a bounded wait per attempt and no redirects followed (a
//! receiver cannot bounce a signed delivery elsewhere).

use std::time::Duration;

use async_trait::async_trait;

use crate::events::delivery::WebhookTransport;

pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The client is built on the first delivery, not at cold start: its TLS set-up (the root
/// store) was most of the events function's init, and a batch with no webhook endpoint (the bus,
/// the folder) never needs it.
#[derive(Default)]
pub struct HttpTransport(std::sync::OnceLock<Result<reqwest::Client, String>>);

impl HttpTransport {
    pub fn new() -> Result<Self, String> {
        Ok(Self::default())
    }

    fn client(&self) -> Result<&reqwest::Client, String> {
        self.0
            .get_or_init(|| {
                reqwest::Client::builder()
                    .timeout(ATTEMPT_TIMEOUT)
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent("invitations-webhooks/1")
                    .build()
                    .map_err(|e| format!("the HTTPS client could not be built: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

#[async_trait]
impl WebhookTransport for HttpTransport {
    async fn post(
        &self,
        url: &url::Url,
        headers: &[(&'static str, String)],
        body: &str,
    ) -> Result<u16, String> {
        let mut request = self
            .client()?
            .post(url.clone())
            .header("content-type", "application/json")
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request
            .send()
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| format!("the request failed: {e}"))
    }
}
