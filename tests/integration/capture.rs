//! `wirescope capture -- CMD`: real programs (curl, python3's standard
//! library, sh) run through the capture proxy against loopback servers;
//! what each captured exchange says the program sent is checked against
//! what the upstream server read, minus the listed proxy changes.

use std::sync::{Arc, Mutex};

use base64::Engine as _;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{serve, TestServer};

pub(crate) fn b64(doc: &Value, field: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(doc[field].as_str().unwrap_or_default())
        .expect("base64")
}

pub(crate) fn have(program: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: {program} is not installed");
    }
    found
}

pub(crate) async fn capture(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .arg("capture")
        .args(args)
        .output()
        .await
        .expect("run wirescope capture")
}

pub(crate) fn lines(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("one JSON document per line"))
        .collect()
}

pub(crate) fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An upstream that keeps every byte it reads, per connection, and
/// answers each request (Content-Length bodies read) with a small 200.
pub(crate) async fn recording_upstream() -> (TestServer, Arc<Mutex<Vec<Vec<u8>>>>) {
    let seen: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let keep = seen.clone();
    let srv = serve(move |mut s| {
        let seen = keep.clone();
        async move {
            let slot = {
                let mut v = seen.lock().unwrap();
                v.push(Vec::new());
                v.len() - 1
            };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            buf.extend_from_slice(&chunk[..n]);
                            seen.lock().unwrap()[slot].extend_from_slice(&chunk[..n]);
                            continue;
                        }
                    }
                };
                let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                while buf.len() < end + 4 + len {
                    match s.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            buf.extend_from_slice(&chunk[..n]);
                            seen.lock().unwrap()[slot].extend_from_slice(&chunk[..n]);
                        }
                    }
                }
                buf.drain(..end + 4 + len);
                let close = head.contains("connection: close");
                let resp: &[u8] = if close {
                    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                } else {
                    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
                };
                if s.write_all(resp).await.is_err() || close {
                    return;
                }
            }
        }
    })
    .await;
    (srv, seen)
}

/// What the program sent, with the listed proxy changes applied: what the
/// upstream must have read.
fn apply_changes(doc: &Value) -> Vec<u8> {
    let sent = String::from_utf8(b64(doc, "sent_b64")).expect("text request");
    let mut out = sent.clone();
    for c in doc["proxy_changes"].as_array().expect("proxy_changes") {
        match c["change"].as_str() {
            Some("request-target") => {
                let from = c["from"].as_str().unwrap();
                let to = c["to"].as_str().unwrap();
                out = out.replacen(&format!(" {from} "), &format!(" {to} "), 1);
            }
            Some("removed-header") => {
                let name = c["name"].as_str().unwrap();
                let line = out
                    .split_inclusive("\r\n")
                    .find(|l| l.split(':').next() == Some(name))
                    .expect("the removed field was sent")
                    .to_string();
                out = out.replacen(&line, "", 1);
            }
            other => panic!("unknown change {other:?}"),
        }
    }
    out.into_bytes()
}

#[tokio::test]
async fn capture_curl_http_records_the_absolute_form_request_as_written() {
    if !have("curl") {
        return;
    }
    let (srv, seen) = recording_upstream().await;
    let url = srv.url("/get");
    let out = capture(&[
        "--format",
        "json",
        "--",
        "curl",
        "-s",
        "-H",
        "Proxy-Connection: Keep-Alive",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 1, "{}", stderr(&out));
    let d = &docs[0];
    let sent = String::from_utf8(b64(d, "sent_b64")).unwrap();
    assert!(
        sent.starts_with(&format!("GET {url} HTTP/1.1\r\n")),
        "{sent}"
    );
    assert_eq!(d["status"], 200);
    assert_eq!(d["url"], url.as_str());
    assert_eq!(d["client"]["reused"], false);
    assert!(d["client"]["tls"].is_null());
    let changes = d["proxy_changes"].as_array().unwrap();
    assert_eq!(changes[0]["to"], "/get");
    assert!(changes.iter().any(|c| c["name"] == "Proxy-Connection"));
    let upstream_read = seen.lock().unwrap().clone();
    assert_eq!(upstream_read.len(), 1);
    assert_eq!(upstream_read[0], apply_changes(d));
    assert_eq!(b64(&d["upstream"], "sent_b64"), upstream_read[0]);
    // What the program received is what upstream answered, unchanged.
    assert_eq!(b64(d, "received_b64"), b64(&d["upstream"], "received_b64"));
    assert_eq!(
        b64(d, "received_b64"),
        b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n"
    );
    // curl's own output passed through (before or after our line: the
    // program and the proxy write independently).
    assert!(String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l == "ok"));
}

#[tokio::test]
async fn capture_curl_https_terminates_tls_with_the_run_ca_and_verifies_upstream() {
    if !have("curl") {
        return;
    }
    let demo = wirescope::demo::DemoServer::start(wirescope::demo::DemoConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let ca = demo.ca_path().unwrap().to_str().unwrap().to_string();
    let url = format!("{}/get", demo.base_url());
    let out = capture(&[
        "--format",
        "json",
        "--cacert",
        &ca,
        "--",
        "curl",
        "-s",
        "-o",
        "/dev/null",
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 1, "{}", stderr(&out));
    let d = &docs[0];
    assert_eq!(d["url"], url.as_str());
    assert_eq!(d["status"], 200);
    let sent = String::from_utf8(b64(d, "sent_b64")).unwrap();
    assert!(sent.starts_with("GET /get HTTP/1.1\r\n"), "{sent}");
    // Origin-form already: nothing to change, upstream got it as written.
    assert_eq!(d["proxy_changes"].as_array().unwrap().len(), 0);
    assert_eq!(b64(&d["upstream"], "sent_b64"), sent.as_bytes());
    let tls = &d["client"]["tls"];
    assert_eq!(tls["sni"], "localhost");
    assert!(tls["version"].as_str().unwrap().starts_with("TLS"), "{tls}");
    assert_eq!(d["upstream"]["tls"]["server_name"], "localhost");
    assert_eq!(b64(d, "received_b64"), b64(&d["upstream"], "received_b64"));
}

#[tokio::test]
async fn capture_reports_a_program_that_does_not_trust_the_capture_ca() {
    if !have("curl") {
        return;
    }
    let demo = wirescope::demo::DemoServer::start(wirescope::demo::DemoConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        tls: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let ca = demo.ca_path().unwrap().to_str().unwrap().to_string();
    let url = format!("{}/get", demo.base_url());
    // curl told to trust only the demo server's CA: it rejects our leaf.
    let script = format!("curl -s --cacert '{ca}' '{url}'");
    let out = capture(&["--cacert", &ca, "--", "sh", "-c", &script]).await;
    assert_eq!(
        out.status.code(),
        Some(60),
        "curl's own exit code (60: peer certificate cannot be authenticated)"
    );
    let err = stderr(&out);
    assert!(
        err.contains("TLS handshake with the program failed"),
        "{err}"
    );
    assert!(err.contains("did not trust the capture CA"), "{err}");
}

const PY_URLLIB: &str = r#"
import urllib.request, sys
url = sys.argv[1]
for _ in range(3):
    with urllib.request.urlopen(url) as r:
        r.read()
"#;

const PY_HTTP_CLIENT: &str = r#"
import http.client, os, sys, urllib.parse
proxy = urllib.parse.urlsplit(os.environ["http_proxy"])
c = http.client.HTTPConnection(proxy.hostname, proxy.port)
for _ in range(3):
    c.request("GET", sys.argv[1])
    c.getresponse().read()
c.close()
"#;

#[tokio::test]
async fn capture_python_urllib_loop_opens_a_connection_per_request_http_client_reuses_one() {
    if !have("python3") {
        return;
    }
    let (srv, seen) = recording_upstream().await;
    let url = srv.url("/get");
    let out = capture(&["--format", "json", "--", "python3", "-c", PY_URLLIB, &url]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 3, "{}", stderr(&out));
    let conns: std::collections::BTreeSet<u64> = docs
        .iter()
        .map(|d| d["client"]["connection"].as_u64().unwrap())
        .collect();
    assert_eq!(conns.len(), 3, "urllib: a connection per request");
    assert!(docs.iter().all(|d| d["client"]["reused"] == false));
    let upstream_read = seen.lock().unwrap().clone();
    assert_eq!(upstream_read.len(), 3);
    for d in &docs {
        assert!(upstream_read.contains(&apply_changes(d)));
    }

    seen.lock().unwrap().clear();
    let out = capture(&[
        "--format",
        "json",
        "--",
        "python3",
        "-c",
        PY_HTTP_CLIENT,
        &url,
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs = lines(&out);
    assert_eq!(docs.len(), 3, "{}", stderr(&out));
    let conns: std::collections::BTreeSet<u64> = docs
        .iter()
        .map(|d| d["client"]["connection"].as_u64().unwrap())
        .collect();
    assert_eq!(conns.len(), 1, "http.client: one connection, reused");
    let reused: Vec<bool> = docs
        .iter()
        .map(|d| d["client"]["reused"].as_bool().unwrap())
        .collect();
    assert_eq!(reused, [false, true, true]);
    // The upstream connection was kept too, and read the three requests
    // in order, each exactly as the program wrote it (origin-form aside).
    let upstream_read = seen.lock().unwrap().clone();
    assert_eq!(upstream_read.len(), 1);
    let expected: Vec<u8> = docs.iter().flat_map(apply_changes).collect();
    assert_eq!(upstream_read[0], expected);
    let up_reused: Vec<bool> = docs
        .iter()
        .map(|d| d["upstream"]["connection"]["reused"].as_bool().unwrap())
        .collect();
    assert_eq!(up_reused, [false, true, true]);
}

#[tokio::test]
async fn capture_keeps_the_exit_code_sets_the_variables_and_removes_the_ca() {
    let out = capture(&[
        "--",
        "sh",
        "-c",
        r#"test -f "$SSL_CERT_FILE" && test -z "$NO_PROXY" && echo "$HTTPS_PROXY $SSL_CERT_FILE"; exit 7"#,
    ])
    .await;
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut words = stdout.split_whitespace();
    let proxy = words.next().expect("the program saw the variables");
    assert!(proxy.starts_with("http://127.0.0.1:"), "{proxy}");
    let bundle = std::path::PathBuf::from(words.next().unwrap());
    let dir = bundle.parent().unwrap();
    assert!(stderr(&out).contains(&dir.display().to_string()));
    assert!(
        !dir.exists(),
        "the CA directory {} outlived the run",
        dir.display()
    );
}

#[tokio::test]
async fn capture_answers_502_naming_the_phase_when_upstream_fails() {
    if !have("curl") {
        return;
    }
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    let out = capture(&["--format", "json", "--", "curl", "-s", "-i", &url]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("502 Bad Gateway"), "{stdout}");
    assert!(stdout.contains("X-Wirescope-Phase: connect"), "{stdout}");
    let docs = lines(&out);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["error"]["phase"], "connect", "{}", docs[0]["error"]);
}
