//! TLS with rustls (ring provider, chosen explicitly): trust roots, the
//! certificate verifier that also remembers what the server presented (so a
//! failure can say what the certificate names), certificate details for
//! people, and handshake errors in words.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::client_cert::{Asked, ClientAuth};
use super::error::{ErrorPhase, WireError};
use super::exchange::CertInfo;
use super::spec::{TlsOptions, Verify};

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The system's trust roots, read from disk at most once per process:
/// reading them (~160 files) takes milliseconds, and no exchange's clock
/// may include that (it would show as DNS or TLS time that no packet
/// took). `warm` loads them ahead; a session that finds them cold waits
/// for them before its exchange's clock starts and says so.
static SYSTEM_ROOTS: std::sync::OnceLock<Arc<RootCertStore>> = std::sync::OnceLock::new();

/// How many times this process read the system trust store (tests: 1).
static ROOT_LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The system roots, loading them now if nobody has yet.
pub fn system_roots() -> Arc<RootCertStore> {
    SYSTEM_ROOTS
        .get_or_init(|| {
            ROOT_LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let mut store = RootCertStore::empty();
            let native = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(native.certs);
            if added == 0 {
                store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            }
            Arc::new(store)
        })
        .clone()
}

/// Whether the system roots are loaded already.
pub fn roots_warm() -> bool {
    SYSTEM_ROOTS.get().is_some()
}

/// Times the system trust store was read in this process.
pub fn root_loads() -> u64 {
    ROOT_LOADS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Loads the system roots off the async threads; returns how long this
/// call waited for them (zero when they were warm).
pub async fn warm() -> std::time::Duration {
    if roots_warm() {
        return std::time::Duration::ZERO;
    }
    let t = std::time::Instant::now();
    let _ = tokio::task::spawn_blocking(system_roots).await;
    t.elapsed()
}

/// A store per CA file on top of the system roots, built once per session.
#[derive(Default)]
pub struct Trust {
    roots: Mutex<HashMap<Option<std::path::PathBuf>, Arc<RootCertStore>>>,
    /// Client certificates by (cert, key) file, read once per session.
    identities: Mutex<HashMap<ClientFiles, Arc<CertifiedKey>>>,
}

type ClientFiles = (std::path::PathBuf, Option<std::path::PathBuf>);

impl Trust {
    fn roots(&self, ca_file: Option<&std::path::Path>) -> Result<Arc<RootCertStore>, WireError> {
        let Some(path) = ca_file else {
            return Ok(system_roots());
        };
        let key = Some(path.to_path_buf());
        if let Some(r) = self.roots.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(r);
        }
        // The file alone: the system roots are consulted only if it does
        // not vouch for the server (`Recording::verify_server_cert`), so
        // `--cacert` costs no read of the system store in the common case.
        let mut store = RootCertStore::empty();
        add_pem_file(&mut store, path)?;
        let store = Arc::new(store);
        if let Ok(mut m) = self.roots.lock() {
            m.insert(key, store.clone());
        }
        Ok(store)
    }

    fn identity(&self, opts: &TlsOptions) -> Result<Option<Arc<CertifiedKey>>, WireError> {
        let Some(cert) = &opts.client_cert else {
            if let Some(key) = &opts.client_key {
                return Err(WireError::new(
                    ErrorPhase::Input,
                    format!(
                        "--key {} without --cert: a key needs its certificate",
                        key.display()
                    ),
                ));
            }
            return Ok(None);
        };
        let files = (cert.clone(), opts.client_key.clone());
        if let Some(k) = self
            .identities
            .lock()
            .ok()
            .and_then(|m| m.get(&files).cloned())
        {
            return Ok(Some(k));
        }
        let k = super::client_cert::load(cert, opts.client_key.as_deref())?;
        if let Ok(mut m) = self.identities.lock() {
            m.insert(files, k.clone());
        }
        Ok(Some(k))
    }

    /// A client config for one connection. Each gets its own verifier so
    /// the certificate it saw belongs to that connection alone.
    pub fn client_config(
        &self,
        opts: &TlsOptions,
        alpn: &[&[u8]],
    ) -> Result<(Arc<ClientConfig>, Arc<Recording>), WireError> {
        let provider = provider();
        let inner = match opts.verify {
            Verify::On => {
                let roots = self.roots(opts.ca_file.as_deref())?;
                let v = WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
                    .map_err(|e| {
                        WireError::new(ErrorPhase::Tls, format!("no usable trust roots: {e}"))
                    })?;
                Some(v)
            }
            Verify::Off => {
                if let Some(path) = &opts.ca_file {
                    // Still read it: a broken file is an error even when unused.
                    add_pem_file(&mut RootCertStore::empty(), path)?;
                }
                None
            }
        };
        let client = Arc::new(Asked::new(self.identity(opts)?));
        let verifier = Arc::new(Recording {
            inner,
            then_system: opts.verify == Verify::On && opts.ca_file.is_some(),
            provider: provider.clone(),
            seen: Mutex::new(Vec::new()),
            client: client.clone(),
        });
        let mut cfg = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| WireError::new(ErrorPhase::Tls, e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier.clone())
            .with_client_cert_resolver(client);
        cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        if let Some(log) = key_log() {
            cfg.key_log = log;
        }
        Ok((Arc::new(cfg), verifier))
    }
}

/// `SSLKEYLOGFILE`, as curl, browsers and mitmproxy honour it: each TLS
/// session's secrets are appended in the NSS key log format, so Wireshark
/// can decrypt a capture of what we sent. One writer per process (the
/// demo server's TLS logs through it too).
pub fn key_log() -> Option<Arc<dyn rustls::KeyLog>> {
    static LOG: std::sync::OnceLock<Option<Arc<rustls::KeyLogFile>>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        std::env::var_os("SSLKEYLOGFILE")
            .filter(|v| !v.is_empty())
            .map(|_| Arc::new(rustls::KeyLogFile::new()))
    })
    .clone()
    .map(|l| l as Arc<dyn rustls::KeyLog>)
}

/// Whether `SSLKEYLOGFILE` is set, and whether its file can be written,
/// in words (rustls would only log a failure): for the user to see.
pub fn key_log_status() -> Option<Result<String, String>> {
    let path = std::env::var_os("SSLKEYLOGFILE").filter(|v| !v.is_empty())?;
    let shown = path.to_string_lossy().into_owned();
    Some(
        std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .map(|_| format!("TLS secrets are appended to SSLKEYLOGFILE={shown} (whoever has the file can decrypt these sessions)"))
            .map_err(|e| format!("SSLKEYLOGFILE={shown} cannot be written ({e}): TLS secrets are not logged")),
    )
}

fn add_pem_file(store: &mut RootCertStore, path: &std::path::Path) -> Result<(), WireError> {
    let input = |m: String| WireError::new(ErrorPhase::Input, m);
    let data = std::fs::read(path)
        .map_err(|e| input(format!("cannot read CA file {}: {e}", path.display())))?;
    let mut found = 0;
    for cert in CertificateDer::pem_slice_iter(&data) {
        let cert = cert.map_err(|e| input(format!("CA file {}: bad PEM: {e}", path.display())))?;
        store.add(cert).map_err(|e| {
            input(format!(
                "CA file {}: unusable certificate: {e}",
                path.display()
            ))
        })?;
        found += 1;
    }
    if found == 0 {
        return Err(input(format!(
            "CA file {} holds no PEM certificates",
            path.display()
        )));
    }
    Ok(())
}

/// Verifies with webpki (or not at all, with `--insecure`) and remembers
/// the chain the server presented.
#[derive(Debug)]
pub struct Recording {
    inner: Option<Arc<WebPkiServerVerifier>>,
    /// `inner` trusts only a `--cacert` file: a certificate it does not
    /// know is tried against the system roots next (the file adds to
    /// them, as documented).
    then_system: bool,
    provider: Arc<CryptoProvider>,
    seen: Mutex<Vec<CertificateDer<'static>>>,
    /// Whether the server asked for a client certificate, and what we gave.
    client: Arc<Asked>,
}

impl Recording {
    pub fn seen(&self) -> Vec<CertificateDer<'static>> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn client_auth(&self) -> Option<ClientAuth> {
        self.client.outcome()
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
        }
        match &self.inner {
            Some(v) => {
                let first = v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
                let unknown = matches!(
                    first,
                    Err(rustls::Error::InvalidCertificate(
                        rustls::CertificateError::UnknownIssuer
                    ))
                );
                if !(unknown && self.then_system) {
                    return first;
                }
                match WebPkiServerVerifier::builder_with_provider(
                    system_roots(),
                    self.provider.clone(),
                )
                .build()
                {
                    Ok(sys) => {
                        sys.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
                    }
                    Err(_) => first,
                }
            }
            None => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        // Signatures are checked even with --insecure: the handshake itself
        // must be sound.
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Subject, issuer, validity and SANs of a DER certificate.
pub fn cert_info(der: &[u8]) -> CertInfo {
    use x509_parser::extensions::GeneralName;
    use x509_parser::prelude::FromDer;
    let Ok((_, cert)) = x509_parser::certificate::X509Certificate::from_der(der) else {
        return CertInfo {
            subject: "(unparsable certificate)".into(),
            issuer: String::new(),
            not_before: String::new(),
            not_after: String::new(),
            san: Vec::new(),
        };
    };
    let time = |t: x509_parser::time::ASN1Time| {
        let d = t.to_datetime();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        )
    };
    let mut san = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(n) => san.push(n.to_string()),
                GeneralName::IPAddress(b) => match b.len() {
                    4 => san.push(
                        IpAddr::from(<[u8; 4]>::try_from(*b).unwrap_or_default()).to_string(),
                    ),
                    16 => san.push(
                        IpAddr::from(<[u8; 16]>::try_from(*b).unwrap_or_default()).to_string(),
                    ),
                    _ => {}
                },
                _ => {}
            }
        }
    }
    CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
        san,
    }
}

/// "TLS 1.3" from rustls's protocol version.
pub fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_2 => "TLS 1.2".into(),
        rustls::ProtocolVersion::TLSv1_3 => "TLS 1.3".into(),
        other => format!("{other:?}"),
    }
}

/// A handshake failure in words. `host` is the name we asked for; `seen`
/// is what the server presented, if it got that far.
/// A certificate in one line: who it names and when it is valid.
/// A TLS alert from the server, in words. The certificate alerts a
/// server sends are about the client's certificate: it has no reason to
/// complain of its own.
fn alert_words(a: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    match a {
        A::CertificateRequired => "the server requires a client certificate and none was sent (alert: CertificateRequired): give one with --cert FILE (and --key FILE when the key is apart)".into(),
        A::BadCertificate
        | A::UnsupportedCertificate
        | A::CertificateRevoked
        | A::CertificateExpired
        | A::CertificateUnknown
        | A::UnknownCA
        | A::AccessDenied => format!(
            "the server rejected the client certificate (alert: {a:?}): check the --cert given, and that the server trusts its issuer"
        ),
        A::HandshakeFailure => "the server refused the handshake (alert: HandshakeFailure; a TLS 1.2 server that requires a client certificate says this when none is sent: --cert FILE)".into(),
        a => format!("the server refused the handshake (alert: {a:?})"),
    }
}

fn shown(c: &CertInfo) -> String {
    format!(
        "subject {}, names {}, valid {} to {}",
        c.subject,
        if c.san.is_empty() {
            "none".to_string()
        } else {
            c.san.join(", ")
        },
        c.not_before,
        c.not_after
    )
}

/// A failed handshake as an error of phase tls; when trusting the
/// certificate would let it through, with that remedy.
pub fn handshake_error(
    e: &std::io::Error,
    host: &str,
    seen: &[CertificateDer<'_>],
    alpn: &[&[u8]],
) -> super::error::WireError {
    use rustls::CertificateError as C;
    let err = super::error::WireError::new(
        super::error::ErrorPhase::Tls,
        describe_handshake_error(e, host, seen, alpn),
    );
    let untrusted = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::InvalidCertificate(C::UnknownIssuer)) => true,
        Some(rustls::Error::InvalidCertificate(C::Other(o))) => {
            format!("{o:?}").contains("CaUsedAsEndEntity")
        }
        _ => false,
    };
    if untrusted {
        err.with_remedy(super::error::Remedy::TrustCertificate)
    } else {
        err
    }
}

fn describe_handshake_error(
    e: &std::io::Error,
    host: &str,
    seen: &[CertificateDer<'_>],
    alpn: &[&[u8]],
) -> String {
    use rustls::CertificateError as C;
    let leaf = seen.first().map(|c| cert_info(c));
    let Some(tls) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) else {
        return match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                "the server closed the connection during the TLS handshake".into()
            }
            _ => format!("handshake failed: {}", super::error::describe_io(e)),
        };
    };
    match tls {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                let names = leaf.map(|l| l.san.join(", ")).unwrap_or_default();
                format!("certificate is not valid for {host} (it names {names})")
            }
            C::UnknownIssuer if leaf.as_ref().is_some_and(|l| l.subject == l.issuer) => {
                format!(
                    "self-signed: the certificate is its own issuer and no trusted CA signed it ({})",
                    leaf.as_ref().map(shown).unwrap_or_default()
                )
            }
            // webpki's reason travels as an opaque `Other`: its name is
            // all rustls exposes of it.
            C::Other(o) if format!("{o:?}").contains("CaUsedAsEndEntity") => format!(
                "self-signed: the server presented a CA certificate as its own, and no trusted CA signed it ({}); a server needs a leaf certificate issued by a CA",
                leaf.as_ref().map(shown).unwrap_or_default()
            ),
            C::UnknownIssuer => format!(
                "certificate is signed by an unknown authority{}",
                leaf.map(|l| format!(" (issuer: {})", l.issuer)).unwrap_or_default()
            ),
            C::Expired | C::ExpiredContext { .. } => format!(
                "certificate has expired{}",
                leaf.map(|l| format!(" (not after {})", l.not_after)).unwrap_or_default()
            ),
            C::NotValidYet | C::NotValidYetContext { .. } => format!(
                "certificate is not valid yet{}",
                leaf.map(|l| format!(" (not before {})", l.not_before)).unwrap_or_default()
            ),
            C::Revoked => "certificate has been revoked".into(),
            C::BadSignature => "certificate signature is invalid".into(),
            other => format!("certificate rejected: {other:?}"),
        },
        rustls::Error::AlertReceived(rustls::AlertDescription::NoApplicationProtocol) => {
            let offered: Vec<_> = alpn.iter().map(|p| String::from_utf8_lossy(p)).collect();
            if offered == ["h2"] {
                "the server refused HTTP/2: it accepts none of the protocols offered by ALPN (h2); try without --http2".into()
            } else {
                format!("the server accepts none of the protocols offered by ALPN ({})", offered.join(", "))
            }
        }
        rustls::Error::AlertReceived(a) => alert_words(*a),
        rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => {
            "the server's reply is not TLS (is this a plain http port?)".into()
        }
        rustls::Error::PeerIncompatible(p) => {
            format!("no TLS version or cipher in common with the server ({p:?})")
        }
        other => format!("handshake failed: {other}"),
    }
}
