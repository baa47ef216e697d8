//! Hostile TLS: self-signed, expired and not-yet-valid certificates, the
//! wrong host, a TLS 1.0-only server (rustls cannot serve TLS 1.0, so a
//! raw server answers the ClientHello the way one would), resets and
//! stalls during the handshake, and replies that are not TLS at all.

use std::io::Write;
use std::sync::{Arc, Mutex};

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirescope::demo::{make_pki, server_tls_config, TestPki};
use wirescope::wire::ErrorPhase::{Send, StatusLine, Tls};
use wirescope::wire::{TlsOptions, Verify};

use super::server::*;

/// A CA and a leaf for `names` valid from January 1st of the first year
/// to January 1st of the second.
fn pki_valid(names: &[&str], years: (i32, i32)) -> TestPki {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "hostile test CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).expect("ca");
    let leaf_key = KeyPair::generate().expect("key");
    let mut leaf = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .expect("params");
    leaf.distinguished_name.push(DnType::CommonName, names[0]);
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = date_time_ymd(years.0, 1, 1);
    leaf.not_after = date_time_ymd(years.1, 1, 1);
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).expect("leaf");
    TestPki {
        ca_pem: ca_cert.pem(),
        cert_chain: vec![leaf_cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    }
}

/// A leaf that signs itself (no CA anywhere).
fn self_signed(names: &[&str]) -> TestPki {
    let key = KeyPair::generate().expect("key");
    let params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .expect("params");
    let cert = params.self_signed(&key).expect("cert");
    TestPki {
        ca_pem: cert.pem(),
        cert_chain: vec![cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// The CA as a file, trusted the way a user would (`--cacert`). Kept for
/// the life of the process: cases outlive no temp dir cleanup worth it.
fn trust(pki: &TestPki) -> TlsOptions {
    let mut f = tempfile::NamedTempFile::new().expect("temp");
    f.write_all(pki.ca_pem.as_bytes()).expect("write");
    let (_, path) = f.keep().expect("keep");
    TlsOptions {
        verify: Verify::On,
        ca_file: Some(path),
        ..TlsOptions::default()
    }
}

/// A TLS server presenting `pki`, answering each request with `reply`
/// (then holding the connection open).
fn https(pki: &TestPki, reply: &'static [u8]) -> Handler {
    let cfg = server_tls_config(pki, &[b"http/1.1"]).expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    handler(move |tcp| {
        let acceptor = acceptor.clone();
        async move {
            let Ok(mut s) = acceptor.accept(tcp).await else {
                return;
            };
            let mut buf = vec![0u8; 8192];
            let mut seen = Vec::new();
            loop {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
                if seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            if s.write_all(reply).await.is_err() {
                return;
            }
            let _ = s.flush().await;
            tokio::time::sleep(HOLD).await;
        }
    })
}

/// Heads received by `https_router`.
pub type Seen = Arc<Mutex<Vec<String>>>;

/// An https server (certificate for 127.0.0.1, trusted by nobody: use
/// `Verify::Off`) that records each request head and answers 200.
pub async fn https_router() -> (Hostile, Seen) {
    let pki = make_pki(&["127.0.0.1"]).expect("pki");
    let cfg = server_tls_config(&pki, &[b"http/1.1"]).expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let srv = Hostile::start(handler(move |tcp| {
        let (acceptor, log) = (acceptor.clone(), log.clone());
        async move {
            let Ok(mut s) = acceptor.accept(tcp).await else {
                return;
            };
            let mut buf = vec![0u8; 8192];
            let mut head = Vec::new();
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            log.lock()
                .expect("log")
                .push(String::from_utf8_lossy(&head).into_owned());
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .await;
            let _ = s.flush().await;
            tokio::time::sleep(HOLD).await;
        }
    }))
    .await;
    (srv, seen)
}

/// Reads the ClientHello (one record), then answers with `bytes` and
/// closes, holds or resets.
fn after_client_hello(bytes: &'static [u8], then: Then) -> Handler {
    handler(move |mut s| async move {
        let mut head = [0u8; 5];
        if s.read_exact(&mut head).await.is_err() {
            return;
        }
        let len = u16::from_be_bytes([head[3], head[4]]) as usize;
        let mut body = vec![0u8; len];
        if s.read_exact(&mut body).await.is_err() {
            return;
        }
        if s.write_all(bytes).await.is_err() {
            return;
        }
        finish(s, then).await;
    })
}

/// A TLS 1.0 ServerHello (record version 3.1, server_version 3.1,
/// TLS_RSA_WITH_AES_128_CBC_SHA, no extensions), as a TLS 1.0-only
/// server sends it.
const TLS10_SERVER_HELLO: &[u8] = &[
    0x16, 0x03, 0x01, 0x00, 0x2a, // record: handshake, TLS 1.0, 42 bytes
    0x02, 0x00, 0x00, 0x26, // server_hello, 38 bytes
    0x03, 0x01, // server_version TLS 1.0
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
    27, 28, 29, 30, 31, 32,   // random
    0x00, // session id
    0x00, 0x2f, // cipher suite
    0x00, // compression
];

/// A fatal protocol_version alert, as a TLS 1.0-only server refuses a
/// ClientHello that offers nothing it speaks.
const PROTOCOL_VERSION_ALERT: &[u8] = &[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];

/// A TLS server that requires a client certificate, and the options
/// that trust it.
fn client_auth_server() -> (tokio_rustls::TlsAcceptor, TlsOptions) {
    let pki = make_pki(&["127.0.0.1"]).expect("pki");
    let tls = trust(&pki);
    let roots = {
        let mut r = rustls::RootCertStore::empty();
        r.add(pki.cert_chain[0].clone()).expect("root");
        Arc::new(r)
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(roots, provider.clone())
            .build()
            .expect("verifier");
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(pki.cert_chain.clone(), pki.key.clone_key())
        .expect("config");
    (tokio_rustls::TlsAcceptor::from(Arc::new(cfg)), tls)
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

cases! {
    self_signed_certificate => {
        let pki = self_signed(&["127.0.0.1"]);
        Case::new(https(&pki, OK))
            .https()
            .want(fails(Tls, "self-signed: the certificate is its own issuer"))
            .run()
    };

    expired_certificate => {
        let pki = pki_valid(&["127.0.0.1"], (2019, 2020));
        let tls = trust(&pki);
        Case::new(https(&pki, OK))
            .https()
            .spec(move |s| s.options.tls = tls)
            .want(fails(Tls, "certificate has expired (not after 2020-01-01T00:00:00Z)"))
            .run()
    };

    not_yet_valid_certificate => {
        let pki = pki_valid(&["127.0.0.1"], (2090, 2091));
        let tls = trust(&pki);
        Case::new(https(&pki, OK))
            .https()
            .spec(move |s| s.options.tls = tls)
            .want(fails(Tls, "certificate is not valid yet (not before 2090-01-01T00:00:00Z)"))
            .run()
    };

    certificate_for_another_host => {
        let pki = make_pki(&["localhost"]).expect("pki");
        let tls = trust(&pki);
        Case::new(https(&pki, OK))
            .https()
            .spec(move |s| s.options.tls = tls)
            .want(fails(Tls, "certificate is not valid for 127.0.0.1 (it names localhost)"))
            .run()
    };

    certificate_name_with_controls => {
        let pki = self_signed(&["127.0.0.1", "evil\u{1b}[2J.example"]);
        Case::new(https(&pki, OK))
            .https()
            .spec(|s| s.options.tls.verify = Verify::Off)
            .want(answers(200, "verification was OFF"))
            .run()
    };

    tls10_only_server_hello => Case::new(after_client_hello(TLS10_SERVER_HELLO, Then::Hold))
        .https()
        .want(fails(Tls, "no TLS version or cipher in common with the server"))
        .run();

    tls10_only_protocol_version_alert => Case::new(after_client_hello(PROTOCOL_VERSION_ALERT, Then::Close))
        .https()
        .want(fails(Tls, "ProtocolVersion"))
        .run();

    reset_during_handshake => Case::new(after_client_hello(b"", Then::Reset))
        .https()
        .want(fails(Tls, "connection reset by the peer"))
        .run();

    close_during_handshake => Case::new(after_client_hello(b"", Then::Close))
        .https()
        .want(fails(Tls, "closed the connection during the TLS handshake"))
        .run();

    stall_during_handshake => Case::new(after_client_hello(b"", Then::Hold))
        .https()
        .want(fails(CONNECT_TIMEOUT, "the TLS handshake did not finish after 1 s"))
        .run();

    stall_mid_server_hello => Case::new(after_client_hello(&TLS10_SERVER_HELLO[..20], Then::Hold))
        .https()
        .want(fails(CONNECT_TIMEOUT, "the TLS handshake did not finish after 1 s"))
        .run();

    plaintext_reply => Case::new(after_client_hello(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
            Then::Hold,
        ))
        .https()
        .want(fails(Tls, "the server's reply is not TLS (is this a plain http port?)"))
        .run();

    escape_sequences_instead_of_tls => Case::new(after_client_hello(
            b"\x1b]0;owned\x07\x1b[2J\x1b[6n\x9b6n",
            Then::Hold,
        ))
        .https()
        .want(fails(Tls, "not TLS"))
        .run();

    oversized_tls_record => Case::new(after_client_hello(
            &[0x16, 0x03, 0x03, 0xff, 0xff, 0x02, 0x00],
            Then::Hold,
        ))
        .https()
        .want(fails(Tls, "not TLS"))
        .run();

    handshake_then_silence => {
        let pki = make_pki(&["127.0.0.1"]).expect("pki");
        let tls = trust(&pki);
        Case::new(https(&pki, b""))
            .https()
            .spec(move |s| s.options.tls = tls)
            .want(fails(READ_TIMEOUT, "no response from the server"))
            .run()
    };

    /// The server wants a client certificate we do not have. With TLS
    /// 1.3 the client finishes first, so the refusal arrives as an alert
    /// when the response is read.
    client_certificate_required => {
        let (acceptor, tls) = client_auth_server();
        Case::new(handler(move |tcp| {
                let acceptor = acceptor.clone();
                async move {
                    let _ = acceptor.accept(tcp).await;
                }
            }))
            .https()
            .spec(move |s| s.options.tls = tls)
            .want(Want::FailsIn(&[Tls, Send, StatusLine], &["Certificate"]))
            .run()
    };

    /// The same refusal is a TLS failure to the user (exit 12), not a
    /// missing status line (exit 14).
    client_certificate_required_is_a_tls_error => {
        let (acceptor, tls) = client_auth_server();
        Case::new(handler(move |tcp| {
                let acceptor = acceptor.clone();
                async move {
                    let _ = acceptor.accept(tcp).await;
                }
            }))
            .https()
            .spec(move |s| s.options.tls = tls)
            .want(fails(Tls, "CertificateRequired"))
            .run()
    };
}
