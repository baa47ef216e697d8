//! Client certificates (mutual TLS) against a server that requires one
//! (rustls's WebPki client verifier over a client CA made at run time):
//! the certificate the server received is the one given, byte for byte;
//! the exchange says the server asked and what was sent; without one, the
//! failure says a client certificate was required; a certificate the
//! server never asked for is said, not silently dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::server::WebPkiClientVerifier;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wirescope::demo::{make_pki, server_tls_config};

use crate::common;

/// A client CA and one client certificate it signed, as PEM files.
struct ClientPki {
    _dir: tempfile::TempDir,
    ca_pem: String,
    cert: PathBuf,
    key: PathBuf,
    /// Certificate and key in one file, as curl's `-E` accepts.
    both: PathBuf,
    cert_der: Vec<u8>,
}

fn client_pki() -> ClientPki {
    client_pki_from("internal clients CA")
}

fn client_pki_from(ca_name: &str) -> ClientPki {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    let ca_cert = ca.self_signed(&ca_key).expect("ca");
    let key = KeyPair::generate().expect("key");
    let mut leaf = CertificateParams::new(Vec::<String>::new()).expect("params");
    leaf.distinguished_name
        .push(DnType::CommonName, "build-bot 7");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key).expect("leaf");
    let dir = tempfile::tempdir().expect("tmp");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("write");
        p
    };
    ClientPki {
        cert: write("client.pem", &cert.pem()),
        key: write("client.key", &key.serialize_pem()),
        both: write(
            "both.pem",
            &format!("{}{}", cert.pem(), key.serialize_pem()),
        ),
        ca_pem: ca_cert.pem(),
        cert_der: cert.der().to_vec(),
        _dir: dir,
    }
}

/// An https server that requires (or, with `require` false, never asks
/// for) a client certificate from `clients`' CA; what each connection
/// presented is kept.
async fn server(
    clients: &ClientPki,
    require: bool,
) -> (
    SocketAddr,
    PathBuf,
    Arc<Mutex<Vec<Vec<u8>>>>,
    tempfile::TempDir,
) {
    let pki = make_pki(&["127.0.0.1"]).expect("pki");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = if require {
        let mut roots = rustls::RootCertStore::empty();
        for c in CertificateDer::pem_slice_iter(clients.ca_pem.as_bytes()) {
            roots.add(c.expect("pem")).expect("root");
        }
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .expect("verifier");
        let mut c = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_client_cert_verifier(verifier)
            .with_single_cert(pki.cert_chain.clone(), pki.key.clone_key())
            .expect("cert");
        c.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(c)
    } else {
        server_tls_config(&pki, &[b"http/1.1"]).expect("config")
    };
    let dir = tempfile::tempdir().expect("tmp");
    let ca = dir.path().join("server-ca.pem");
    std::fs::write(&ca, &pki.ca_pem).expect("write");
    let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let keep = seen.clone();
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, keep) = (acceptor.clone(), keep.clone());
            tokio::spawn(async move {
                let Ok(mut s) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Some(certs) = s.get_ref().1.peer_certificates() {
                    keep.lock().expect("lock").push(certs[0].to_vec());
                }
                let mut buf = vec![0u8; 4096];
                let mut head = Vec::new();
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = s
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                    )
                    .await;
                let _ = s.shutdown().await;
            });
        }
    });
    (addr, ca, seen, dir)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[tokio::test]
async fn the_server_receives_the_certificate_given_and_the_exchange_says_so() {
    let clients = client_pki();
    let (addr, ca, seen, _d) = server(&clients, true).await;
    let url = format!("https://{addr}/");
    for args in [
        vec!["--cert", s(&clients.cert), "--key", s(&clients.key)],
        vec!["-E", s(&clients.both)],
    ] {
        let mut all = vec!["--cacert", s(&ca), "--format", "json"];
        all.extend(args);
        all.push(&url);
        let out = common::send_cmd(&all).await;
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = &common::json_lines(&out)[0];
        assert_eq!(doc["status"], 200);
        let auth = &doc["tls"]["client_auth"];
        assert_eq!(auth["asked"], true, "{auth}");
        assert!(
            auth["sent"]
                .as_str()
                .is_some_and(|s| s.contains("build-bot 7")),
            "{auth}"
        );
        // The server named the CA it accepts.
        assert!(
            auth["acceptable_cas"]
                .to_string()
                .contains("internal clients CA"),
            "{auth}"
        );
    }
    let got = seen.lock().expect("lock").clone();
    assert_eq!(got.len(), 2);
    assert!(
        got.iter().all(|d| *d == clients.cert_der),
        "the server got our certificate"
    );

    let text = common::send_cmd(&[
        "--cacert",
        s(&ca),
        "-E",
        s(&clients.both),
        "--print",
        "all",
        &url,
    ])
    .await;
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("client certificate: the server asked for a client certificate"),
        "{text}"
    );
}

#[tokio::test]
async fn without_a_certificate_the_failure_says_one_was_required() {
    let clients = client_pki();
    let (addr, ca, seen, _d) = server(&clients, true).await;
    let out = common::send_cmd(&["--cacert", s(&ca), &format!("https://{addr}/")]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(12), "phase tls: {err}");
    assert!(err.contains("client certificate"), "{err}");
    assert!(err.contains("--cert"), "{err}");
    assert!(seen.lock().expect("lock").is_empty());

    // A certificate from a CA the server does not trust: rejected, said.
    let stranger = client_pki_from("some other CA");
    let out = common::send_cmd(&[
        "--cacert",
        s(&ca),
        "-E",
        s(&stranger.both),
        &format!("https://{addr}/"),
    ])
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(12), "{err}");
    assert!(err.contains("rejected the client certificate"), "{err}");
}

/// `--curl 'curl -E … --key …'` takes the certificate as curl would, and
/// the exported curl command gives it back.
#[tokio::test]
async fn curl_commands_carry_the_certificate_both_ways() {
    let clients = client_pki();
    let (addr, ca, seen, _d) = server(&clients, true).await;
    let cmd = format!(
        "curl --cacert {} -E {} --key {} https://{addr}/",
        s(&ca),
        s(&clients.cert),
        s(&clients.key)
    );
    let out = common::send_cmd(&["--curl", &cmd, "--format", "json"]).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(seen.lock().expect("lock").len(), 1);
    let exported = common::send_cmd(&["--curl", &cmd, "--export", "curl"]).await;
    let text = String::from_utf8_lossy(&exported.stdout);
    assert!(
        text.contains(&format!("--cert {}", s(&clients.cert))),
        "{text}"
    );
    assert!(
        text.contains(&format!("--key {}", s(&clients.key))),
        "{text}"
    );
    let refused = common::send_cmd(&["--curl", "curl -E c.pem:hunter2 https://x/"]).await;
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(3), "{err}");
    assert!(err.contains("key password"), "{err}");
}

#[tokio::test]
async fn a_certificate_the_server_did_not_ask_for_is_said() {
    let clients = client_pki();
    let (addr, ca, _seen, _d) = server(&clients, false).await;
    let out = common::send_cmd(&[
        "--cacert",
        s(&ca),
        "-E",
        s(&clients.both),
        "--format",
        "json",
        &format!("https://{addr}/"),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0));
    let doc = &common::json_lines(&out)[0];
    assert_eq!(doc["tls"]["client_auth"]["asked"], false);
    assert!(
        doc["warnings"].to_string().contains("did not ask"),
        "{}",
        doc["warnings"]
    );
}

#[tokio::test]
async fn unusable_certificate_files_are_input_errors() {
    let clients = client_pki();
    let url = "https://127.0.0.1:9/";
    let cases: [(Vec<&str>, &str); 4] = [
        (vec!["-E", s(&clients.cert)], "holds no private key"),
        (vec!["-E", s(&clients.key)], "holds no PEM certificate"),
        (
            vec!["-E", "/nonexistent/c.pem"],
            "cannot read client certificate",
        ),
        (
            vec!["-E", s(&clients.cert), "--key", s(&clients.cert)],
            "no usable private key",
        ),
    ];
    for (args, says) in cases {
        let mut all = args.clone();
        all.push(url);
        let out = common::send_cmd(&all).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A key that is not the certificate's.
    let other = client_pki();
    let out = common::send_cmd(&["-E", s(&clients.cert), "--key", s(&other.key), url]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("does not belong"), "{err}");
}
