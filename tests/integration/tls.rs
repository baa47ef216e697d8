//! TLS against run-time certificates (rcgen), trusted the way a user
//! would: through a CA file. Wrong host, unknown issuer, plaintext ports
//! and stalled handshakes fail in phase tls (or connect-timeout) with words
//! a person understands; --insecure works and is flagged.

use crate::common;

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wirescope::demo::{make_pki, server_tls_config, TestPki};
use wirescope::wire::{
    ErrorPhase, Options, Probe, RequestSpec, Session, TimeoutKind, TlsOptions, Verify,
};

/// An https server for `names` answering every request with a tiny 200.
async fn tls_server(names: &[&str]) -> (SocketAddr, TestPki) {
    let pki = make_pki(names).expect("pki");
    let cfg = server_tls_config(&pki, &[b"http/1.1"]).expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut s) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 4096];
                let mut seen = Vec::new();
                loop {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                    while let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        seen.drain(..i + 4);
                        if s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret")
                            .await
                            .is_err()
                        {
                            return;
                        }
                    }
                }
            });
        }
    });
    (addr, pki)
}

fn ca_file(pki: &TestPki) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().expect("temp");
    f.write_all(pki.ca_pem.as_bytes()).expect("write");
    f
}

fn spec(url: String, tls: TlsOptions) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.options = Options {
        connect_timeout: Duration::from_millis(1500),
        tls,
        ..Options::default()
    };
    s
}

#[tokio::test]
async fn trusted_through_cacert_with_details_and_reuse() {
    let (addr, pki) = tls_server(&["localhost", "127.0.0.1"]).await;
    let ca = ca_file(&pki);
    let tls = TlsOptions {
        verify: Verify::On,
        ca_file: Some(ca.path().to_path_buf()),
        ..TlsOptions::default()
    };
    let session = Session::new();
    let s = spec(format!("https://127.0.0.1:{}/", addr.port()), tls);
    let a = session.send(&s, Probe::none()).await;
    assert!(a.is_ok(), "{:?}", a.error);
    assert_eq!(&a.response.as_ref().unwrap().body[..], b"secret");
    assert!(
        a.transcript.received.ends_with(b"secret"),
        "the tap sits above TLS"
    );
    let info = a.tls.as_ref().unwrap();
    assert_eq!(info.version, "TLS 1.3");
    assert_eq!(info.alpn.as_deref(), Some("http/1.1"));
    assert!(info.cipher.starts_with("TLS13_"));
    assert!(info.chain[0].san.contains(&"127.0.0.1".to_string()));
    assert!(info.chain[0].issuer.contains("wirescope demo CA"));
    assert!(info
        .handshake_records
        .iter()
        .any(|r| r.content_type == "handshake"));
    assert!(!a.insecure);
    let t = a.timeline.har();
    assert!(t.ssl >= 0.0 && t.ssl <= t.connect, "{t:?}");

    let b = session.send(&s, Probe::none()).await;
    assert!(b.is_ok() && b.connection.unwrap().reused);
    assert_eq!(b.timeline.har().ssl, -1.0);
}

#[tokio::test]
async fn wrong_host_fails_in_tls_saying_what_the_certificate_names() {
    let (addr, pki) = tls_server(&["localhost"]).await;
    let ca = ca_file(&pki);
    let tls = TlsOptions {
        verify: Verify::On,
        ca_file: Some(ca.path().to_path_buf()),
        ..TlsOptions::default()
    };
    let ex = Session::new()
        .send(
            &spec(format!("https://127.0.0.1:{}/", addr.port()), tls),
            Probe::none(),
        )
        .await;
    let e = ex.error.expect("must fail");
    assert_eq!(e.phase, ErrorPhase::Tls);
    assert_eq!(
        e.message,
        "certificate is not valid for 127.0.0.1 (it names localhost)"
    );
    assert!(
        ex.transcript.sent.is_empty(),
        "nothing is sent over an unverified connection"
    );
}

#[tokio::test]
async fn unknown_issuer_fails_and_insecure_is_loud() {
    let (addr, _pki) = tls_server(&["localhost"]).await;
    let url = format!("https://localhost:{}/", addr.port());
    let ex = Session::new()
        .send(&spec(url.clone(), TlsOptions::default()), Probe::none())
        .await;
    let e = ex.error.expect("must fail");
    assert_eq!(e.phase, ErrorPhase::Tls);
    assert!(e.message.contains("unknown authority"), "{}", e.message);
    // The remedy is each front-end's: flags for send, rows and keys in the TUI.
    assert_eq!(
        e.remedy,
        Some(wirescope::wire::error::Remedy::TrustCertificate)
    );
    assert!(e.cli_message().contains("--cacert"), "{}", e.cli_message());
    let tui = e.tui_message();
    assert!(
        tui.contains("CA file row of Options") && tui.contains("press v"),
        "{tui}"
    );
    assert!(
        !tui.contains("--"),
        "no CLI flags in the TUI's words: {tui}"
    );

    let off = TlsOptions {
        verify: Verify::Off,
        ca_file: None,
        ..TlsOptions::default()
    };
    let ex = Session::new().send(&spec(url, off), Probe::none()).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert!(ex.insecure && ex.tls.as_ref().unwrap().insecure);
    assert_eq!(ex.warnings[0], wirescope::wire::Warning::VerifyOff);
    let text = wirescope::report::text::render(&ex, &Default::default());
    assert!(text.contains("INSECURE"));
    let json = wirescope::report::json::exchange(&ex);
    assert_eq!(json["insecure"], true);
}

#[tokio::test]
async fn plaintext_port_and_stalled_handshake() {
    // A plain http server answers a ClientHello with a 400, as real ones do.
    let plain = common::serve(|mut s| async move {
        let mut buf = [0u8; 512];
        let _ = s.read(&mut buf).await;
        let _ = s
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
    })
    .await;
    let ex = Session::new()
        .send(
            &spec(format!("https://{}/", plain.addr), TlsOptions::default()),
            Probe::none(),
        )
        .await;
    let e = ex.error.expect("must fail");
    assert_eq!(e.phase, ErrorPhase::Tls);
    assert!(e.message.contains("not TLS"), "{}", e.message);

    let silent = common::serve(|s| async move {
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(s);
    })
    .await;
    let started = Instant::now();
    let ex = Session::new()
        .send(
            &spec(format!("https://{}/", silent.addr), TlsOptions::default()),
            Probe::none(),
        )
        .await;
    assert_eq!(
        ex.error.map(|e| e.phase),
        Some(ErrorPhase::Timeout(TimeoutKind::Connect))
    );
    assert!(started.elapsed() < Duration::from_millis(1500 + 700));
}

#[tokio::test]
async fn a_missing_ca_file_is_an_input_error() {
    let tls = TlsOptions {
        verify: Verify::On,
        ca_file: Some("/nonexistent/ca.pem".into()),
        ..TlsOptions::default()
    };
    let ex = Session::new()
        .send(&spec("https://127.0.0.1:9/".into(), tls), Probe::none())
        .await;
    let e = ex.error.expect("must fail");
    assert_eq!(e.phase, ErrorPhase::Input);
    assert!(e.message.contains("/nonexistent/ca.pem"));
}

/// An https server presenting one self-signed certificate (a CA's when
/// `ca` is true) for localhost.
async fn self_signed_server(ca: bool) -> SocketAddr {
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "wirescope self-signed test");
    if ca {
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    }
    let cert = params.self_signed(&key).expect("cert");
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(cfg));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let _ = acceptor.accept(tcp).await;
        }
    });
    addr
}

#[tokio::test]
async fn self_signed_certificates_are_explained_in_words() {
    for ca in [false, true] {
        let addr = self_signed_server(ca).await;
        let url = format!("https://localhost:{}/", addr.port());
        let ex = Session::new()
            .send(&spec(url, TlsOptions::default()), Probe::none())
            .await;
        let e = ex.error.expect("must fail");
        assert_eq!(e.phase, ErrorPhase::Tls);
        let m = &e.message;
        assert!(m.starts_with("self-signed:"), "ca={ca}: {m}");
        assert!(
            m.contains("wirescope self-signed test"),
            "the certificate is shown: {m}"
        );
        assert!(m.contains("localhost"), "{m}");
        assert!(!m.contains("Other("), "{m}");
    }
}

/// `SSLKEYLOGFILE` gets each TLS session's secrets in the NSS key log
/// format, keyed by the ClientHello's random — checked against the
/// ClientHello a relay in front of the server read off the wire.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sslkeylogfile_gets_the_secrets_of_the_hello_on_the_wire() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let demo = wirescope::demo::DemoServer::start(wirescope::demo::DemoConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let target = demo.addr();
    // A relay that keeps the first bytes the client sent (its ClientHello).
    let hello = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = relay.local_addr().unwrap().port();
    let kept = hello.clone();
    tokio::spawn(async move {
        let (mut client, _) = relay.accept().await.unwrap();
        let mut server = tokio::net::TcpStream::connect(target).await.unwrap();
        let mut first = vec![0u8; 4096];
        let n = client.read(&mut first).await.unwrap();
        kept.lock().unwrap().extend_from_slice(&first[..n]);
        server.write_all(&first[..n]).await.unwrap();
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("keys.log");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["send", "--print", "timing", "--cacert"])
        .arg(demo.ca_path().unwrap())
        .arg(format!("https://localhost:{port}/get"))
        .env("SSLKEYLOGFILE", &log)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&log).expect("the key log was written");
    // ClientHello: record header (5), handshake header (4), version (2),
    // then the 32-byte random.
    let hello = hello.lock().unwrap().clone();
    assert_eq!(hello[0], 0x16, "a TLS handshake record");
    let random: String = hello[11..43].iter().map(|b| format!("{b:02x}")).collect();
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for l in &lines {
        let fields: Vec<&str> = l.split(' ').collect();
        assert_eq!(fields.len(), 3, "{l}");
        assert_eq!(fields[1], random, "keyed by the hello's random: {l}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 ")),
        "{text}"
    );

    // A key log that cannot be written is said.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["send", "--print", "timing", "--cacert"])
        .arg(demo.ca_path().unwrap())
        .arg(format!("{}/get", demo.base_url()))
        .env("SSLKEYLOGFILE", dir.path().join("no/such/dir/keys.log"))
        .output()
        .await
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be written"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The demo server honours `SSLKEYLOGFILE` too (so any client's capture
/// of it can be decrypted): run as `demo-server --tls` with it set, a
/// real client (reqwest) through a relay that reads the ClientHello, the
/// server's log keyed by that hello's random.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_server_logs_its_tls_secrets_to_sslkeylogfile() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server-keys.log");
    let ca = dir.path().join("ca.pem");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .args(["demo-server", "--tls", "--addr", "127.0.0.1:0", "--ca-out"])
        .arg(&ca)
        .env("SSLKEYLOGFILE", &log)
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = None;
    let mut said = false;
    while let Ok(Some(l)) = lines.next_line().await {
        if let Some(u) = l.strip_prefix("wirescope demo server listening on ") {
            url = Some(u.to_string());
        }
        if l.contains("SSLKEYLOGFILE=") {
            said = true;
            break;
        }
    }
    assert!(said, "the demo server says where its secrets go");
    let target = url.expect("the demo's URL");
    let target = target
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string();
    let hello = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let relay = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = relay.local_addr().unwrap().port();
    let kept = hello.clone();
    tokio::spawn(async move {
        let (mut client, _) = relay.accept().await.unwrap();
        let mut server = tokio::net::TcpStream::connect(target).await.unwrap();
        let mut first = vec![0u8; 4096];
        let n = client.read(&mut first).await.unwrap();
        kept.lock().unwrap().extend_from_slice(&first[..n]);
        server.write_all(&first[..n]).await.unwrap();
        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    });
    let pem = std::fs::read(&ca).unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let resp = client
        .get(format!("https://localhost:{port}/get"))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());
    let hello = hello.lock().unwrap().clone();
    let random: String = hello[11..43].iter().map(|b| format!("{b:02x}")).collect();
    let text = std::fs::read_to_string(&log).expect("the server's key log");
    assert!(
        text.lines()
            .any(|l| l.starts_with("SERVER_TRAFFIC_SECRET_0 ")
                && l.split(' ').nth(1) == Some(random.as_str())),
        "no server secret for the hello on the wire ({random}):\n{text}"
    );
    let _ = child.kill().await;
}
