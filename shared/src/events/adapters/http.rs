//! Webhooks over HTTPS with reqwest: a bounded wait per attempt and no redirects followed (a
//! receiver cannot bounce a signed delivery elsewhere).

use std::time::Duration;

use async_trait::async_trait;

use crate::events::delivery::WebhookTransport;

pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct HttpTransport(reqwest::Client);

impl HttpTransport {
    pub fn new() -> Result<Self, String> {
        reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("invitations-webhooks/1")
            .build()
            .map(Self)
            .map_err(|e| e.to_string())
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
            .0
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
