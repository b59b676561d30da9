//! The HTTPS client the AWS SDK clients share, built on the first request instead of at cold
//! start, with the Mozilla root certificates compiled in (`webpki-root-certs`) instead of the
//! host's certificate directory. The SDK's default client reads every file of that directory
//! while `aws_config::load()` runs, which was most of a function's init time; this one costs a
//! parse of the compiled-in roots, once, on the first call.

use std::sync::OnceLock;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;

#[derive(Debug, Default)]
pub struct LazyHttpsClient {
    inner: OnceLock<SharedHttpClient>,
}

impl LazyHttpsClient {
    pub fn shared() -> SharedHttpClient {
        SharedHttpClient::new(Self::default())
    }
}

impl HttpClient for LazyHttpsClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.inner
            .get_or_init(build)
            .http_connector(settings, components)
    }
}

fn build() -> SharedHttpClient {
    let mut roots = TrustStore::empty().with_native_roots(false);
    for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        roots.add_pem_certificate(pem(cert));
    }
    let builder = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
    match TlsContext::builder().with_trust_store(roots).build() {
        Ok(context) => builder.tls_context(context).build_https(),
        Err(e) => {
            // Not expected with these roots; the host's own are still a working fallback.
            tracing::warn!(error = %e, "compiled-in root certificates refused; using the host's");
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
                .build_https()
        }
    }
}

fn pem(der: &[u8]) -> Vec<u8> {
    let body = STANDARD.encode(der);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 64);
    out.push_str("-----BEGIN CERTIFICATE-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_roots_make_a_tls_context() {
        let mut roots = TrustStore::empty().with_native_roots(false);
        for cert in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
            roots.add_pem_certificate(pem(cert));
        }
        assert!(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() > 100);
        assert!(TlsContext::builder()
            .with_trust_store(roots)
            .build()
            .is_ok());
    }
}
