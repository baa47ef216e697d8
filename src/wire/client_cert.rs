//! Client certificates (mutual TLS): `--cert FILE` — a PEM chain, which
//! may hold the private key too, as curl's does — and `--key FILE`; and a
//! resolver that remembers whether the server asked for a certificate and
//! which CAs it named. That request is the fact a user needs when an
//! internal API refuses the handshake: without it a missing certificate
//! looks like any other failure.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rustls::client::ResolvesClientCert;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use rustls::SignatureScheme;

use super::error::{ErrorPhase, WireError};

/// What happened to client authentication on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAuth {
    /// The server sent a CertificateRequest.
    pub asked: bool,
    /// The CAs it said it accepts (subject names), if it named any.
    pub acceptable_cas: Vec<String>,
    /// The subject of the certificate we sent, if we sent one.
    pub sent: Option<String>,
}

impl ClientAuth {
    /// In words, for the TLS block of a report.
    pub fn summary(&self) -> String {
        let cas = match self.acceptable_cas.as_slice() {
            [] => String::new(),
            list => format!(" (it accepts: {})", list.join("; ")),
        };
        match (self.asked, &self.sent) {
            (true, Some(s)) => format!("the server asked for a client certificate{cas}; sent {s}"),
            (true, None) => format!(
                "the server asked for a client certificate{cas}; none was given (--cert FILE, --key FILE)"
            ),
            (false, Some(s)) => format!(
                "a client certificate was given ({s}) but the server did not ask for one: it was not sent"
            ),
            (false, None) => "no client certificate asked for or sent".into(),
        }
    }
}

/// Loads `cert` (PEM certificates, leaf first) and the key from `key`, or
/// from `cert` itself when no key file is given.
pub fn load(cert: &Path, key: Option<&Path>) -> Result<Arc<CertifiedKey>, WireError> {
    let input = |m: String| WireError::new(ErrorPhase::Input, m);
    let data = std::fs::read(cert).map_err(|e| {
        input(format!(
            "cannot read client certificate {}: {e}",
            cert.display()
        ))
    })?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&data)
        .collect::<Result<_, _>>()
        .map_err(|e| {
            input(format!(
                "client certificate {}: bad PEM: {e}",
                cert.display()
            ))
        })?;
    if chain.is_empty() {
        return Err(input(format!(
            "client certificate {} holds no PEM certificate",
            cert.display()
        )));
    }
    let key_path = key.unwrap_or(cert);
    let key_data = match key {
        Some(k) => std::fs::read(k)
            .map_err(|e| input(format!("cannot read client key {}: {e}", k.display())))?,
        None => data,
    };
    if key_data
        .windows(b"ENCRYPTED".len())
        .any(|w| w == b"ENCRYPTED")
    {
        return Err(input(format!(
            "client key {}: encrypted keys are not supported; decrypt it first (openssl pkey -in KEY -out plain.pem)",
            key_path.display()
        )));
    }
    let der = PrivateKeyDer::from_pem_slice(&key_data).map_err(|e| {
        input(match key {
            Some(_) => format!(
                "client key {}: no usable private key ({e})",
                key_path.display()
            ),
            None => format!(
                "client certificate {} holds no private key ({e}): give it with --key FILE",
                cert.display()
            ),
        })
    })?;
    let signer = super::tls::provider()
        .key_provider
        .load_private_key(der)
        .map_err(|e| input(format!("client key {}: {e}", key_path.display())))?;
    let certified = CertifiedKey::new(chain, signer);
    certified.keys_match().map_err(|e| {
        input(format!(
            "client key {} does not belong to the certificate {}: {e}",
            key_path.display(),
            cert.display()
        ))
    })?;
    Ok(Arc::new(certified))
}

/// Gives our certificate, if any, when the server asks, and remembers that
/// it asked. One per connection, like the server-certificate recording.
#[derive(Debug, Default)]
pub struct Asked {
    key: Option<Arc<CertifiedKey>>,
    /// The acceptable CAs, once the server asked.
    asked: Mutex<Option<Vec<String>>>,
}

impl Asked {
    pub fn new(key: Option<Arc<CertifiedKey>>) -> Asked {
        Asked {
            key,
            asked: Mutex::new(None),
        }
    }

    /// What happened; `None` when nothing was asked nor given.
    pub fn outcome(&self) -> Option<ClientAuth> {
        let asked = self.asked.lock().ok().and_then(|a| a.clone());
        let sent_subject = || {
            self.key
                .as_ref()
                .and_then(|k| k.cert.first())
                .map(|c| super::tls::cert_info(c).subject)
        };
        match asked {
            None if self.key.is_none() => None,
            None => Some(ClientAuth {
                asked: false,
                acceptable_cas: Vec::new(),
                sent: sent_subject(),
            }),
            Some(cas) => Some(ClientAuth {
                asked: true,
                acceptable_cas: cas,
                sent: sent_subject(),
            }),
        }
    }
}

impl ResolvesClientCert for Asked {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        let names = root_hint_subjects.iter().map(|d| dn_text(d)).collect();
        if let Ok(mut a) = self.asked.lock() {
            *a = Some(names);
        }
        self.key.clone()
    }

    fn has_certs(&self) -> bool {
        self.key.is_some()
    }
}

/// A DER distinguished name as TLS carries it, as text: "CN=internal
/// CA, O=Example". (rustls passes the whole SEQUENCE; a name without its
/// outer tag, as some stacks send, is wrapped and tried again.)
fn dn_text(der: &[u8]) -> String {
    use x509_parser::prelude::FromDer;
    let parse = |d: &[u8]| {
        x509_parser::x509::X509Name::from_der(d)
            .ok()
            .filter(|(rest, _)| rest.is_empty())
            .map(|(_, n)| n.to_string())
            .filter(|t| !t.is_empty())
    };
    if let Some(t) = parse(der) {
        return t;
    }
    let mut seq = Vec::with_capacity(der.len() + 4);
    seq.push(0x30);
    match der.len() {
        n if n < 0x80 => seq.push(n as u8),
        n if n <= 0xff => seq.extend([0x81, n as u8]),
        n => seq.extend([0x82, (n >> 8) as u8, n as u8]),
    }
    seq.extend_from_slice(der);
    parse(&seq).unwrap_or_else(|| format!("({} bytes, not a readable name)", der.len()))
}
