//! `wirescope send` as a user runs it: the real binary against the
//! embedded demo server (in-process, loopback) and purpose-built servers.
//! Output is checked as text and as JSON; exit codes per failure phase.

use crate::common;

use std::io::Write;
use std::process::Output;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirescope::demo::{DemoConfig, DemoServer};

async fn run(args: &[&str]) -> Output {
    common::send_cmd(args).await
}

fn json_lines(out: &Output) -> Vec<Value> {
    common::json_lines(out)
}

fn b64(v: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(v.as_str().expect("base64 string"))
        .expect("valid base64")
}

/// The body of a Content-Length response held in `received`.
fn body_of(received: &[u8]) -> &[u8] {
    let i = received
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head end");
    &received[i + 4..]
}

async fn demo() -> DemoServer {
    DemoServer::start(DemoConfig::default())
        .await
        .expect("demo server")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_send_says_it_sent_is_what_the_server_received() {
    let d = demo().await;
    let url = format!("{}/echo-raw", d.base_url());
    let out = run(&[
        "POST",
        &url,
        "-H",
        "x-lower-case: a",
        "-H",
        "X-UPPER-CASE: B",
        "-H",
        "Content-Type: application/json",
        "-H",
        "aCCept: text/plain",
        "-d",
        r#"{"name":"wirescope","n":[1,2,3]}"#,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &json_lines(&out)[0];
    let sent = b64(&doc["sent_b64"]);
    let received = b64(&doc["received_b64"]);
    assert_eq!(body_of(&received), sent.as_slice());
    let text = String::from_utf8_lossy(&sent);
    assert!(
        text.contains("\r\nx-lower-case: a\r\nX-UPPER-CASE: B\r\n"),
        "{text}"
    );
    assert!(text.ends_with("Content-Length: 32\r\n\r\n{\"name\":\"wirescope\",\"n\":[1,2,3]}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_raw_file_goes_out_byte_for_byte() {
    let d = demo().await;
    let mut raw = tempfile::NamedTempFile::new().unwrap();
    let host = d.addr().to_string();
    let bytes = format!("PUT /echo-raw?x=1 HTTP/1.1\r\nhOsT: {host}\r\nX-Spaced:    padded   \r\nContent-Length: 5\r\n\r\nhello");
    raw.write_all(bytes.as_bytes()).unwrap();
    let url = d.base_url();
    let out = run(&[
        "--raw",
        raw.path().to_str().unwrap(),
        &url,
        "--format",
        "json",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &json_lines(&out)[0];
    assert_eq!(b64(&doc["sent_b64"]), bytes.as_bytes());
    assert_eq!(body_of(&b64(&doc["received_b64"])), bytes.as_bytes());
    assert_eq!(doc["method"], "PUT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_length_and_chunked_responses_are_byte_exact() {
    for resp in [
        &b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-Odd-Case: yes\r\n\r\nhello world"[..],
        &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext\r\n world\r\n0\r\n\r\n"[..],
    ] {
        let srv = common::canned(resp, false).await;
        let out = run(&[&srv.url("/"), "--format", "json"]).await;
        let doc = &json_lines(&out)[0];
        assert_eq!(b64(&doc["received_b64"]), resp);
        assert_eq!(doc["status"], 200);
        let chunks = doc["chunks"].as_array().unwrap();
        let received: u64 = chunks.iter().filter(|c| c["dir"] == "received").map(|c| c["len"].as_u64().unwrap()).sum();
        assert_eq!(received as usize, resp.len());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_urls_on_one_origin_share_one_connection() {
    let d = demo().await;
    let a = format!("{}/get", d.base_url());
    let b = format!("{}/headers", d.base_url());
    let out = run(&[&a, &b, "--format", "json"]).await;
    let docs = json_lines(&out);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["connection"]["reused"], false);
    assert_eq!(docs[1]["connection"]["reused"], true);
    assert_eq!(docs[0]["connection"]["id"], docs[1]["connection"]["id"]);
    assert_eq!(docs[1]["timings"]["dns"], -1.0);
    assert_eq!(d.connections_accepted(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timings_add_up_and_delay_shows_in_wait() {
    let d = demo().await;
    let out = run(&[&format!("{}/delay/1", d.base_url()), "--format", "json"]).await;
    let doc = &json_lines(&out)[0];
    let t = &doc["timings"];
    let get = |k: &str| t[k].as_f64().unwrap();
    for k in ["blocked", "connect", "send", "wait", "receive", "total"] {
        assert!(get(k) >= 0.0, "{k}: {t}");
    }
    // The demo server listens on 127.0.0.1: no lookup, so no DNS phase.
    assert_eq!((get("dns"), get("ssl")), (-1.0, -1.0));
    let sum = get("blocked") + get("connect") + get("send") + get("wait") + get("receive");
    assert!((sum - get("total")).abs() < 0.01, "{t}");
    assert!(get("wait") >= 1000.0, "{t}");
    let curl = &doc["curl_timings"];
    assert!(curl["time_starttransfer"].as_f64().unwrap() >= 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_through_cacert_and_wrong_host() {
    let ca = tempfile::tempdir().unwrap();
    let ca_path = ca.path().join("demo-ca.pem");
    let d = DemoServer::start(DemoConfig {
        tls: true,
        ca_out: Some(ca_path.clone()),
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let url = format!("https://localhost:{}/get", d.addr().port());
    let out = run(&[
        &url,
        "--cacert",
        ca_path.to_str().unwrap(),
        "--format",
        "json",
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &json_lines(&out)[0];
    assert_eq!(doc["tls"]["version"], "TLS 1.3");
    assert!(doc["tls"]["chain"][0]["san"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "localhost"));
    assert!(doc["timings"]["ssl"].as_f64().unwrap() >= 0.0);

    let text = run(&[&url, "--cacert", ca_path.to_str().unwrap()]).await;
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("TLS 1.3") && stdout.contains("TLS handshake"),
        "{stdout}"
    );

    // A certificate for another name.
    let pki = wirescope::demo::make_pki(&["example.test"]).unwrap();
    let cfg = wirescope::demo::server_tls_config(&pki, &[b"http/1.1"]).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    let srv = common::serve(move |s| {
        let acceptor = acceptor.clone();
        async move {
            let _ = acceptor.accept(s).await;
        }
    })
    .await;
    let mut ca_file = tempfile::NamedTempFile::new().unwrap();
    ca_file.write_all(pki.ca_pem.as_bytes()).unwrap();
    let out = run(&[
        &format!("https://{}/", srv.addr),
        "--cacert",
        ca_file.path().to_str().unwrap(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(12));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tls: certificate is not valid for 127.0.0.1 (it names example.test)"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_has_its_own_phase_and_exit_code_inside_its_timeout() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let out = run(&[&format!("http://{dead}/")]).await;
    assert_eq!(out.status.code(), Some(11));
    assert!(String::from_utf8_lossy(&out.stderr).contains("connection refused"));

    let out = run(&["http://wirescope-test.invalid/", "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(10));
    assert_eq!(json_lines(&out)[0]["error"]["phase"], "dns");

    // Connect timeout: a listener whose backlog is full drops our SYN.
    let hole = common::blackhole().await;
    let addr = hole.addr;
    let started = Instant::now();
    let out = run(&[&format!("http://{addr}/"), "--connect-timeout", "0.5"]).await;
    assert_eq!(
        out.status.code(),
        Some(20),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Long before the kernel would give up on the SYN (minutes).
    assert!(started.elapsed() < Duration::from_secs(30));

    // Read timeout: the demo server waits 3 s before answering.
    let d = demo().await;
    let started = Instant::now();
    let out = run(&[
        &format!("{}/delay/3", d.base_url()),
        "--read-timeout",
        "0.5",
    ])
    .await;
    assert_eq!(out.status.code(), Some(21));
    // Before the server's answer at 3 s.
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-timeout"));

    // A server that closes mid-body.
    let srv = common::canned(
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this",
        true,
    )
    .await;
    let out = run(&[&srv.url("/"), "--format", "json"]).await;
    assert_eq!(out.status.code(), Some(16));
    let doc = &json_lines(&out)[0];
    assert_eq!(doc["error"]["phase"], "body");
    assert_eq!(doc["status"], 200);

    // The total deadline beats a server that drips forever.
    let srv = common::serve(|mut s| async move {
        common::read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 999999\r\n\r\n")
            .await;
        loop {
            if s.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let started = Instant::now();
    let out = run(&[&srv.url("/"), "--max-time", "0.7"]).await;
    assert_eq!(out.status.code(), Some(22));
    assert!(started.elapsed() < Duration::from_millis(700 + 1500));

    // Any status is a response: exit 0.
    let out = run(&[&format!("{}/status/404", d.base_url())]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("< HTTP/1.1 404 Not Found\\r\\n"));

    // Bad command-line input.
    let out = run(&[&d.base_url(), "-H", "no colon here"]).await;
    assert_eq!(out.status.code(), Some(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_control_bytes_never_reach_the_terminal() {
    let srv = common::serve(|mut s| async move {
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf).await;
        let body = b"\x1b]0;pwned\x07\x1b[2J\x9b31m text";
        let head = format!(
            "HTTP/1.1 200 OK\x1b[31m\r\nX-Evil: \x1b[5mblink\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(head.as_bytes()).await;
        let _ = s.write_all(body).await;
    })
    .await;
    let out = run(&[&srv.url("/"), "--print", "all"]).await;
    assert!(
        !out.stdout.contains(&0x1b),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!out.stdout.contains(&0x07));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{9b}'));
    assert!(text.contains("X-Evil: \\u{1b}[5mblink"), "{text}");
    assert!(text.contains("00000000  48 54 54 50"), "hex dump present");
}

#[test]
fn the_tui_and_send_take_the_same_limit_flags() {
    let help = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
            .args(args)
            .output()
            .expect("runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let (tui, send) = (help(&["--help"]), help(&["send", "--help"]));
    for flag in [
        "--max-head-bytes",
        "--max-headers",
        "--max-interim",
        "--max-body",
        "--max-decoded",
        "--max-codings",
    ] {
        assert!(tui.contains(flag) && send.contains(flag), "{flag}");
    }
}
