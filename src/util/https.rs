//! The one outbound HTTP(S) connector: TCP with a connect timeout and no Nagle delay,
//! then rustls (ring, the webpki roots, TLS 1.2 and 1.3) for `https://`, HTTP/1.1 only.
//! Used by the proxy's upstream pool and the OTLP trace exporter.

use hyper_util::client::legacy::connect::HttpConnector;
use std::sync::Arc;
use std::time::Duration;

/// The connector type both clients build on.
pub type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The TLS client settings every outbound connection uses: ring, the webpki roots, TLS
/// 1.2 and 1.3, no client certificate.
pub fn tls_config() -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("rustls supports its default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// A connector whose TCP connect gives up after `connect_timeout`.
pub fn connector(connect_timeout: Duration) -> Connector {
    let mut http = HttpConnector::new();
    http.set_nodelay(true);
    http.set_connect_timeout(Some(connect_timeout));
    http.enforce_http(false);
    hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls_config())
        .https_or_http()
        .enable_http1()
        .wrap_connector(http)
}
