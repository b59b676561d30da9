//! What the AWS SDK clients share, built for a short cold start.
//!
//! - [`sdk_config`]: region and credentials straight from the environment Lambda sets
//!   (`AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), instead
//!   of `aws-config`'s provider chains, which probe profile files and build providers at start.
//! - [`LazyHttpsClient`]: the HTTPS client, built on the first request instead of at cold start,
//!   with the Mozilla root certificates compiled in (`webpki-root-certs`) instead of the host's
//!   certificate directory, which the SDK's default client reads file by file at start.

use std::sync::OnceLock;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_types::region::Region;
use aws_types::SdkConfig;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode, TlsContext, TrustStore};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

/// An SDK client made on its first use: `Client::from_conf` assembles the client's runtime
/// plugins, which is the larger part of what a client costs at cold start.
#[derive(Clone)]
pub struct LazyClient<C> {
    cell: std::sync::Arc<OnceLock<C>>,
    make: std::sync::Arc<dyn Fn() -> C + Send + Sync>,
}

impl<C> LazyClient<C> {
    pub fn new(make: impl Fn() -> C + Send + Sync + 'static) -> Self {
        Self {
            cell: Default::default(),
            make: std::sync::Arc::new(make),
        }
    }

    /// A client built already (tests, tools).
    pub fn ready(client: C) -> Self
    where
        C: Clone + Send + Sync + 'static,
    {
        let made = client.clone();
        Self {
            cell: std::sync::Arc::new(OnceLock::from(client)),
            make: std::sync::Arc::new(move || made.clone()),
        }
    }

    pub fn get(&self) -> &C {
        self.cell.get_or_init(|| (self.make)())
    }
}

/// Missing region or credentials, named.
#[derive(Debug, thiserror::Error)]
#[error("{0} is not set: AWS clients take their region and credentials from the environment (Lambda sets them; set them for local runs against AWS or an emulator)")]
pub struct MissingAwsVariable(pub &'static str);

/// The shared SDK configuration, from the environment. Built once per process.
pub fn sdk_config() -> Result<SdkConfig, MissingAwsVariable> {
    let var = |name: &'static str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .ok_or(MissingAwsVariable(name))
    };
    let region = var("AWS_REGION").or_else(|_| var("AWS_DEFAULT_REGION"))?;
    let credentials = Credentials::new(
        var("AWS_ACCESS_KEY_ID")?,
        var("AWS_SECRET_ACCESS_KEY")?,
        var("AWS_SESSION_TOKEN").ok(),
        None,
        "environment",
    );
    Ok(SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .http_client(LazyHttpsClient::shared())
        .build())
}

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
    // The variable the AWS CLI and SDKs read for an extra bundle (a company's TLS proxy, a
    // test CA in front of an emulator); added to the compiled-in roots, never instead of them.
    if let Some(path) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
        match std::fs::read(&path) {
            Ok(bundle) => {
                roots.add_pem_certificate(bundle);
            }
            Err(e) => {
                tracing::error!(path = %path.to_string_lossy(), error = %e, "AWS_CA_BUNDLE is not readable; only the compiled-in roots are trusted")
            }
        }
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
    crate::pem::block("CERTIFICATE", der).into_bytes()
}

/// The DynamoDB client's configuration: the shared one, at an emulator's `endpoint` if given.
pub fn dynamodb_config(shared: &SdkConfig, endpoint: Option<&str>) -> aws_sdk_dynamodb::Config {
    let mut builder = aws_sdk_dynamodb::config::Builder::from(shared);
    if let Some(url) = endpoint {
        builder = builder.endpoint_url(url);
    }
    builder.build()
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
