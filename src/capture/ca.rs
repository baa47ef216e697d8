//! The run's certificate authority: made fresh for each `capture` run
//! (rcgen), its key written only into a private temporary directory
//! (made mode 0700, the key file 0600) that is deleted when the run ends, and
//! never installed anywhere. It signs one leaf per host the program
//! connects to, made when first asked for (by SNI, or the CONNECT host
//! when the program sends no SNI, as curl does for IP addresses).
//!
//! The bundle handed to the program is this CA followed by the system
//! roots, so the program's TLS to hosts we do not intercept (there are
//! none yet, but its own pinned bundles may be consulted) keeps working.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Where the system's CA bundle usually lives (Debian/Ubuntu, Fedora/RHEL,
/// openSUSE, Alpine, macOS via Homebrew's OpenSSL).
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/etc/openssl/cert.pem",
];

/// The run's CA and the files made for it. Dropping it removes them.
pub struct RunCa {
    dir: tempfile::TempDir,
    bundle: PathBuf,
    ca_cert: rcgen::Certificate,
    ca_key: KeyPair,
    /// Leaves made so far, by host name.
    leaves: Mutex<HashMap<String, Arc<CertifiedKey>>>,
    /// Which system bundle was appended, if one was found.
    pub system_bundle: Option<PathBuf>,
}

impl RunCa {
    /// Makes the CA, writes its key (0600), certificate and the bundle.
    pub fn create() -> Result<RunCa, String> {
        let err =
            |what: &str, e: &dyn std::fmt::Display| format!("making the capture CA: {what}: {e}");
        let ca_key = KeyPair::generate().map_err(|e| err("key", &e))?;
        let mut params =
            CertificateParams::new(Vec::<String>::new()).map_err(|e| err("parameters", &e))?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "wirescope capture CA (this run only)");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "wirescope");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = params
            .self_signed(&ca_key)
            .map_err(|e| err("self-signing", &e))?;

        // tempfile makes the directory with the umask's mode (often 0755):
        // it is made ours alone before the key goes in.
        let dir = tempfile::Builder::new()
            .prefix("wirescope-capture-")
            .tempdir()
            .map_err(|e| err("temporary directory", &e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
                .map_err(|e| err("making the temporary directory private", &e))?;
        }
        write_private(
            &dir.path().join("ca-key.pem"),
            ca_key.serialize_pem().as_bytes(),
        )
        .map_err(|e| err("writing the key", &e))?;
        std::fs::write(dir.path().join("ca.pem"), ca_cert.pem())
            .map_err(|e| err("writing the certificate", &e))?;

        let mut bundle_text = ca_cert.pem();
        let system_bundle = SYSTEM_BUNDLES
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file());
        if let Some(p) = &system_bundle {
            let roots = std::fs::read_to_string(p)
                .map_err(|e| err(&format!("reading the system bundle {}", p.display()), &e))?;
            bundle_text.push('\n');
            bundle_text.push_str(&roots);
        }
        let bundle = dir.path().join("bundle.pem");
        std::fs::write(&bundle, bundle_text).map_err(|e| err("writing the bundle", &e))?;
        Ok(RunCa {
            dir,
            bundle,
            ca_cert,
            ca_key,
            leaves: Mutex::new(HashMap::new()),
            system_bundle,
        })
    }

    /// The private directory holding the key (tests check it is gone).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Deletes the directory (key, certificate, bundle) now, even while
    /// connection tasks still hold the CA; dropping it does the same.
    pub fn remove(&self) {
        let _ = std::fs::remove_dir_all(self.dir.path());
    }

    /// The CA plus the system roots, PEM: what the program is told to trust.
    pub fn bundle(&self) -> &Path {
        &self.bundle
    }

    /// A leaf for `host` signed by the run's CA (made once per host).
    pub fn leaf(&self, host: &str) -> Result<Arc<CertifiedKey>, String> {
        if let Some(k) = self.leaves.lock().ok().and_then(|m| m.get(host).cloned()) {
            return Ok(k);
        }
        let err = |e: &dyn std::fmt::Display| format!("making a certificate for '{host}': {e}");
        let key = KeyPair::generate().map_err(|e| err(&e))?;
        // rcgen makes names that parse as IP addresses IP SANs.
        let mut params = CertificateParams::new(vec![host.to_string()]).map_err(|e| err(&e))?;
        params.is_ca = IsCa::NoCa;
        params.distinguished_name.push(DnType::CommonName, host);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.use_authority_key_identifier_extension = true;
        let cert = params
            .signed_by(&key, &self.ca_cert, &self.ca_key)
            .map_err(|e| err(&e))?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let signing = crate::wire::tls::provider()
            .key_provider
            .load_private_key(der)
            .map_err(|e| err(&e))?;
        let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
        let certified = Arc::new(CertifiedKey::new(chain, signing));
        if let Ok(mut m) = self.leaves.lock() {
            m.insert(host.to_string(), certified.clone());
        }
        Ok(certified)
    }

    /// A server config for one tunnel: the leaf for the SNI the program
    /// sends, or for `fallback` (the CONNECT host) when it sends none.
    /// Only HTTP/1.1 is offered: HTTP/2 toward the program is not done yet.
    pub fn server_config(
        self: &Arc<Self>,
        fallback: &str,
    ) -> Result<Arc<rustls::ServerConfig>, String> {
        let resolver = Arc::new(Leaves {
            ca: self.clone(),
            fallback: fallback.to_string(),
        });
        let mut cfg = rustls::ServerConfig::builder_with_provider(crate::wire::tls::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS toward the program: {e}"))?
            .with_no_client_auth()
            .with_cert_resolver(resolver);
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(cfg))
    }
}

/// Writes a file only its owner can read (the CA key).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(bytes)
}

#[derive(Debug)]
struct Leaves {
    ca: Arc<RunCa>,
    fallback: String,
}

impl std::fmt::Debug for RunCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunCa")
            .field("dir", &self.dir.path())
            .finish()
    }
}

impl ResolvesServerCert for Leaves {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let host = hello.server_name().unwrap_or(&self.fallback);
        match self.ca.leaf(host) {
            Ok(k) => Some(k),
            Err(e) => {
                // rustls only sees "no certificate": say why here.
                eprintln!("wirescope capture: {e}");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_ca_key_is_private_and_removed_on_drop() {
        let ca = RunCa::create().unwrap();
        let dir = ca.dir().to_path_buf();
        let key = dir.join("ca-key.pem");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let dmode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(dmode & 0o077, 0);
        }
        let bundle = std::fs::read_to_string(ca.bundle()).unwrap();
        assert!(bundle.starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(ca.leaf("localhost").is_ok());
        assert!(ca.leaf("127.0.0.1").is_ok());
        drop(ca);
        assert!(!dir.exists());
    }
}
