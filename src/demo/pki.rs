//! Run-time certificates for the demo server and for TLS tests.
//!
//! Owns: making a throwaway CA plus one leaf certificate (rcgen), and the
//! rustls `ServerConfig` built from them. Nothing here is ever written to
//! disk except by the caller; keys live only as long as the process.
//! Must not import anything else from this crate.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA and one leaf certificate signed by it, made at run time.
///
/// Clients trust `ca_pem` (the same way a user would pass `--cacert`); the
/// server presents `cert_chain` with `key`.
pub struct TestPki {
    /// The CA certificate, PEM-encoded: what clients add as a trust root.
    pub ca_pem: String,
    /// The leaf certificate (DER). The root is not included, as on real servers.
    pub cert_chain: Vec<CertificateDer<'static>>,
    /// The leaf's private key (PKCS#8 DER).
    pub key: PrivateKeyDer<'static>,
}

/// Makes a CA and a leaf certificate for `names`.
///
/// Names that parse as IP addresses become IP SANs, the rest DNS SANs; the
/// leaf's common name is the first name. Tests use this with names other
/// than `localhost` to provoke host-name mismatches.
pub fn make_pki(names: &[&str]) -> Result<TestPki, rcgen::Error> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "wirescope demo CA");
    ca_params
        .distinguished_name
        .push(DnType::OrganizationName, "wirescope");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key)?;

    let leaf_key = KeyPair::generate()?;
    let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut leaf_params = CertificateParams::new(owned)?;
    leaf_params.is_ca = IsCa::NoCa;
    leaf_params.distinguished_name.push(
        DnType::CommonName,
        names.first().copied().unwrap_or("wirescope demo"),
    );
    leaf_params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_cert = leaf_params.signed_by(&leaf_key, &ca_cert, &ca_key)?;

    Ok(TestPki {
        ca_pem: ca_cert.pem(),
        cert_chain: vec![leaf_cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    })
}

/// A rustls server configuration (ring provider, chosen explicitly so that
/// a second provider in the build cannot make rustls panic) presenting the
/// PKI's leaf and offering `alpn` in preference order.
pub fn server_tls_config(
    pki: &TestPki,
    alpn: &[&[u8]],
) -> Result<Arc<rustls::ServerConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(pki.cert_chain.clone(), pki.key.clone_key())?;
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    // SSLKEYLOGFILE: the server's side of each session too, so a capture
    // of any client talking to the demo server can be decrypted.
    if let Some(log) = crate::wire::tls::key_log() {
        config.key_log = log;
    }
    Ok(Arc::new(config))
}
