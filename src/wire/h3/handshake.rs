//! What the QUIC handshake leaves for the record: the TLS facts quinn
//! exposes (ALPN, the peer's chain, client authentication), and a failed
//! handshake in the words the TLS errors use.

use super::super::error::{ErrorPhase, WireError};
use super::super::exchange::TlsInfo;
use super::super::spec::Verify;

pub(super) fn tls_info(
    conn: &quinn::Connection,
    recording: &super::super::tls::Recording,
    host: &str,
    verify: Verify,
) -> TlsInfo {
    let alpn = conn
        .handshake_data()
        .and_then(|d| d.downcast::<quinn::crypto::rustls::HandshakeData>().ok())
        .and_then(|d| d.protocol)
        .map(|p| String::from_utf8_lossy(&p).into_owned());
    let chain: Vec<rustls::pki_types::CertificateDer<'static>> = conn
        .peer_identity()
        .and_then(|i| {
            i.downcast::<Vec<rustls::pki_types::CertificateDer<'static>>>()
                .ok()
        })
        .map(|c| *c)
        .unwrap_or_else(|| recording.seen());
    TlsInfo {
        // QUIC carries TLS 1.3 only (RFC 9001).
        version: "TLSv1.3".into(),
        cipher: "(inside QUIC; quinn does not report it)".into(),
        alpn,
        server_name: host.to_string(),
        chain: chain
            .iter()
            .map(|c| super::super::tls::cert_info(c))
            .collect(),
        handshake_records: Vec::new(),
        insecure: verify == Verify::Off,
        client_auth: recording.client_auth(),
    }
}

/// A failed QUIC handshake, in the words the TLS errors use where it was
/// TLS that failed.
pub(super) fn handshake_error(
    e: quinn::ConnectionError,
    recording: &super::super::tls::Recording,
    host: &str,
) -> WireError {
    use quinn::ConnectionError as C;
    match &e {
        // rustls's refusal, carried as a QUIC CRYPTO_ERROR.
        C::TransportError(t) => {
            let leaf = recording
                .seen()
                .first()
                .map(|c| super::super::tls::cert_info(c));
            let names = leaf.map_or(String::new(), |l| {
                format!(" (the server's certificate names {})", l.san.join(", "))
            });
            let err = WireError::new(
                ErrorPhase::Tls,
                format!("the QUIC handshake with {host} failed: {}{names}", t.reason),
            );
            if t.reason.contains("UnknownIssuer") {
                err.with_remedy(super::super::error::Remedy::TrustCertificate)
            } else {
                err
            }
        }
        C::TimedOut => WireError::new(
            ErrorPhase::Connect,
            "no QUIC handshake: nothing answered over UDP (no HTTP/3 there, or UDP dropped)"
                .to_string(),
        ),
        C::ConnectionClosed(c) => WireError::new(
            ErrorPhase::Tls,
            format!("the server closed the QUIC handshake: {c}"),
        ),
        other => WireError::new(ErrorPhase::Connect, format!("QUIC handshake: {other}")),
    }
}
