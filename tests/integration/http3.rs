//! HTTP/3 (`--http3`) checked against records the engine did not make: a
//! UDP relay between client and server that notes every datagram it
//! forwards (our datagram list must be the relay's, size for size), and
//! aioquic, an independent HTTP/3 stack, decoding what we sent (our
//! request fields must be the fields it decoded).

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::UdpSocket;
use wirescope::demo::{make_pki, DemoConfig, DemoServer};
use wirescope::wire::exchange::Dir;
use wirescope::wire::{HttpVersion, Probe, RequestSpec, Session};

use crate::common;

/// Datagram sizes the relay forwarded: client → server, server → client.
#[derive(Default)]
struct Seen {
    up: Vec<usize>,
    down: Vec<usize>,
}

/// A UDP relay on 127.0.0.1 to `server`, for one client.
async fn relay(server: SocketAddr) -> (SocketAddr, Arc<Mutex<Seen>>) {
    let front = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let back = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    back.connect(server).await.expect("connect");
    let addr = front.local_addr().expect("addr");
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let s = seen.clone();
    tokio::spawn(async move {
        let mut client = None;
        let (mut a, mut b) = (vec![0u8; 65536], vec![0u8; 65536]);
        loop {
            tokio::select! {
                r = front.recv_from(&mut a) => {
                    let Ok((n, from)) = r else { return };
                    client = Some(from);
                    s.lock().expect("lock").up.push(n);
                    let _ = back.send(&a[..n]).await;
                }
                r = back.recv(&mut b) => {
                    let Ok(n) = r else { return };
                    s.lock().expect("lock").down.push(n);
                    if let Some(c) = client {
                        let _ = front.send_to(&b[..n], c).await;
                    }
                }
            }
        }
    });
    (addr, seen)
}

fn h3_spec(url: String, ca: Option<&std::path::Path>) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.options.http = HttpVersion::Http3;
    s.options.tls.ca_file = ca.map(|p| p.to_path_buf());
    s.options.connect_timeout = Duration::from_secs(5);
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http3_to_the_demo_server_every_datagram_as_the_relay_saw_it() {
    let demo = DemoServer::start(DemoConfig {
        tls: true,
        http3: true,
        ..Default::default()
    })
    .await
    .expect("demo");
    let (front, seen) = relay(demo.addr()).await;
    let url = format!("https://localhost:{}/anything?q=1", front.port());
    let mut spec = h3_spec(url, demo.ca_path());
    spec.method = "POST".into();
    spec.body = Some(b"over quic".to_vec());
    let ex = Session::new().send(&spec, Probe::none()).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let resp = ex.response.as_ref().expect("response");
    assert_eq!((resp.status, resp.version.as_str()), (200, "HTTP/3"));
    let echoed: serde_json::Value = serde_json::from_slice(&resp.body).expect("JSON");
    assert_eq!(echoed["body"], "over quic");
    assert_eq!(echoed["method"], "POST");
    assert_eq!(ex.negotiated.as_ref().map(|n| n.version), Some("HTTP/3"));
    assert_eq!(ex.tls.as_ref().and_then(|t| t.alpn.as_deref()), Some("h3"));

    // The relay saw what the record says, datagram for datagram.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let h3 = ex.h3.as_ref().expect("the HTTP/3 record");
    let ours = |dir: Dir| -> Vec<usize> {
        h3.datagrams
            .iter()
            .filter(|d| d.dir == dir)
            .map(|d| d.len)
            .collect()
    };
    let seen = seen.lock().expect("lock");
    assert_eq!(ours(Dir::Sent), seen.up, "every datagram we sent, as sent");
    let down = ours(Dir::Received);
    assert!(
        seen.down.starts_with(&down),
        "what we received is what the server sent, in order: {down:?} / {:?}",
        seen.down
    );
    assert_eq!(
        ex.transcript.sent_total,
        seen.up.iter().sum::<usize>() as u64
    );
    assert_eq!(
        ex.transcript.chunks.len(),
        h3.datagrams.len(),
        "a chunk mark per datagram"
    );
    assert_eq!(
        h3.datagrams[0].kind, "Initial",
        "QUIC starts with an Initial packet"
    );
    assert!(h3.datagrams.iter().any(|d| d.kind == "1-RTT"));

    // The HTTP/3 frames read from the stream bytes agree with what h3
    // decoded: the request's DATA is the body we sent, the response's
    // DATA frames add up to the body h3 handed us.
    let req = h3.streams.iter().find(|s| s.id == 0).expect("stream 0");
    assert_eq!(req.kind, "request");
    let named = |fs: &[wirescope::wire::h3::frames::FrameInfo], name: &str| -> u64 {
        fs.iter().filter(|f| f.name == name).map(|f| f.len).sum()
    };
    assert_eq!(req.sent.first().map(|f| f.name.as_str()), Some("HEADERS"));
    assert_eq!(named(&req.sent, "DATA"), 9);
    assert_eq!(named(&req.received, "DATA"), resp.body_len);
    let control = h3
        .streams
        .iter()
        .find(|s| s.kind == "control (ours)")
        .expect("our control stream");
    assert_eq!(
        control.sent.first().map(|f| f.name.as_str()),
        Some("SETTINGS")
    );

    // The timeline has one handshake phase, no TCP connect or TLS row.
    let phases: Vec<_> = ex.timeline.spans(None).iter().map(|s| s.phase).collect();
    use wirescope::wire::timeline::Phase;
    assert!(phases.contains(&Phase::Quic) && !phases.contains(&Phase::Connect));
    let har = ex.timeline.har();
    assert!(har.connect > 0.0 && har.ssl == har.connect, "{har:?}");
}

/// PEM text of DER bytes.
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn have_aioquic() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import aioquic"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: python3 with aioquic is not installed (pip install aioquic)");
    }
    ok
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aioquic_decodes_the_fields_we_say_we_sent() {
    if !have_aioquic() {
        return;
    }
    let pki = make_pki(&["localhost", "127.0.0.1"]).expect("pki");
    let dir = tempfile::tempdir().expect("tmp");
    let (cert, key, ca) = (
        dir.path().join("cert.pem"),
        dir.path().join("key.pem"),
        dir.path().join("ca.pem"),
    );
    std::fs::write(&cert, pem("CERTIFICATE", &pki.cert_chain[0])).expect("write");
    std::fs::write(&key, pem("PRIVATE KEY", pki.key.secret_der())).expect("write");
    std::fs::write(&ca, &pki.ca_pem).expect("write");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/h3_server.py");
    let mut server = tokio::process::Command::new("python3")
        .args([
            script,
            cert.to_str().expect("utf-8"),
            key.to_str().expect("utf-8"),
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("aioquic server");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let port = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the port in time")
        .expect("read")
        .expect("a line");
    let url = format!("https://localhost:{}/path?a=b", port.trim());
    let out = common::send_cmd(&[
        "--http3",
        "--cacert",
        ca.to_str().expect("utf-8"),
        "-H",
        "X-Test: from-wirescope",
        "--format",
        "json",
        &url,
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = &common::json_lines(&out)[0];
    assert_eq!(doc["status"], 200);
    assert_eq!(doc["protocol"]["version"], "HTTP/3");
    let said: Vec<(String, String)> =
        serde_json::from_value(doc["h3"]["request_fields"].clone()).expect("fields");
    let heard = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("aioquic's line in time")
        .expect("read")
        .expect("a line");
    let heard: serde_json::Value = serde_json::from_str(&heard).expect("JSON");
    let heard: Vec<(String, String)> =
        serde_json::from_value(heard["fields"].clone()).expect("fields");
    assert_eq!(
        said, heard,
        "what we report sending is what aioquic decoded"
    );
    assert!(said.contains(&("x-test".into(), "from-wirescope".into())));
    let body = base64::engine::general_purpose::STANDARD
        .decode(doc["received_b64"].as_str().unwrap_or_default())
        .expect("b64");
    assert!(!body.is_empty(), "the datagrams' bytes are recorded");
    // aioquic's own SETTINGS, read from its control stream by our parser.
    let streams = doc["h3"]["streams"].as_array().expect("streams");
    let theirs = streams
        .iter()
        .find(|s| s["kind"] == "control (the server's)")
        .expect("aioquic's control stream");
    let settings = theirs["frames"][0].clone();
    assert_eq!(settings["type"], "SETTINGS", "{theirs}");
    assert!(
        settings["detail"]
            .as_str()
            .is_some_and(|d| d.contains("QPACK_MAX_TABLE_CAPACITY")),
        "{settings}"
    );
    let data: u64 = streams[0]["frames"]
        .as_array()
        .expect("frames")
        .iter()
        .filter(|f| f["dir"] == "received" && f["type"] == "DATA")
        .map(|f| f["len"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(data, doc["body_len"].as_u64().expect("body_len"));
    // aioquic's QPACK encoder wrote the response head; our decoder reads
    // back every field it sent, and names how each was written.
    let head = streams[0]["frames"]
        .as_array()
        .expect("frames")
        .iter()
        .find(|f| f["dir"] == "received" && f["type"] == "HEADERS")
        .expect("the response HEADERS")
        .clone();
    let lines = head["qpack"]["lines"]
        .as_array()
        .expect("decoded lines")
        .clone();
    let field = |name: &str| lines.iter().find(|l| l["name"] == name).cloned();
    assert_eq!(
        field(":status").map(|l| l["value"].clone()),
        Some("200".into())
    );
    assert_eq!(
        field("x-served-by").map(|l| l["value"].clone()),
        Some("aioquic".into()),
        "{head}"
    );
    assert!(head["qpack"]["error"].is_null(), "{head}");
}

#[tokio::test]
async fn nothing_answering_over_udp_says_so() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let out = common::send_cmd(&[
        "--http3",
        "--connect-timeout",
        "1",
        &format!("https://127.0.0.1:{port}/"),
    ])
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(11 | 20)), "{err}");
    assert!(err.contains("UDP"), "{err}");
    let plain = common::send_cmd(&["--http3", "http://127.0.0.1:1/"]).await;
    assert_eq!(plain.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&plain.stderr).contains("https://"));
}

/// `--alt-svc`: the demo server's HTTP/2 answer offers h3 on its port;
/// the next request of the session goes over HTTP/3 and says why. Without
/// the option it stays on TCP.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alt_svc_moves_the_next_request_to_http3() {
    let demo = DemoServer::start(DemoConfig {
        tls: true,
        http3: true,
        ..Default::default()
    })
    .await
    .expect("demo");
    let url = format!("{}/get", demo.base_url());
    let mut spec = RequestSpec::get(url.clone());
    spec.options.tls.ca_file = demo.ca_path().map(|p| p.to_path_buf());
    spec.options.alt_svc = true;
    let session = Session::new();
    let first = session.send(&spec, Probe::none()).await;
    assert!(first.is_ok(), "{:?}", first.error);
    let offered = first
        .response
        .as_ref()
        .and_then(|r| r.header("alt-svc"))
        .expect("the demo offers h3")
        .to_string();
    assert!(
        offered.contains(&format!(":{}", demo.addr().port())),
        "{offered}"
    );
    assert_eq!(first.negotiated.as_ref().map(|n| n.version), Some("HTTP/2"));
    let second = session.send(&spec, Probe::none()).await;
    assert!(second.is_ok(), "{:?}", second.error);
    let n = second.negotiated.as_ref().expect("negotiated");
    assert_eq!(n.version, "HTTP/3");
    assert!(n.why.contains("Alt-Svc"), "{}", n.why);
    assert!(second.h3.is_some());

    let mut plain = spec.clone();
    plain.options.alt_svc = false;
    let third = session.send(&plain, Probe::none()).await;
    assert_eq!(third.negotiated.as_ref().map(|n| n.version), Some("HTTP/2"));
}

/// Fields HTTP/3 cannot carry are said, as over HTTP/2, not dropped
/// silently: Host goes as :authority, Connection is not sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fields_http3_cannot_carry_are_said() {
    let demo = DemoServer::start(DemoConfig {
        tls: true,
        http3: true,
        ..Default::default()
    })
    .await
    .expect("demo");
    let mut spec = h3_spec(format!("{}/get", demo.base_url()), demo.ca_path());
    spec.headers = vec![
        ("Host".into(), "elsewhere".into()),
        ("Connection".into(), "keep-alive".into()),
        ("X-Mixed".into(), "1".into()),
    ];
    let ex = Session::new().send(&spec, Probe::none()).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    use wirescope::wire::Warning;
    assert!(ex
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::H2Host { .. })));
    assert!(ex.warnings.contains(&Warning::H2ConnectionSpecific {
        name: "Connection".into()
    }));
    let fields = &ex.h3.as_ref().expect("h3").request;
    assert!(
        fields.iter().all(|(n, _)| n != "host" && n != "connection"),
        "{fields:?}"
    );
    assert!(fields.contains(&("x-mixed".into(), "1".into())));
}

/// A peer that answers every datagram with garbage: quinn drops what is
/// not QUIC, the handshake never completes, and the exchange ends within
/// its connect timeout saying so — nothing hangs, nothing is kept beyond
/// the caps.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_answering_garbage_over_udp_times_out_the_handshake() {
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let port = sock.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let mut buf = vec![0u8; 2048];
        while let Ok((n, from)) = sock.recv_from(&mut buf).await {
            let junk: Vec<u8> = (0..n).map(|i| (i * 37 % 251) as u8).collect();
            for _ in 0..3 {
                let _ = sock.send_to(&junk, from).await;
            }
        }
    });
    let mut spec = h3_spec(format!("https://127.0.0.1:{port}/"), None);
    spec.options.connect_timeout = Duration::from_millis(800);
    let ex = Session::new().send(&spec, Probe::none()).await;
    let err = ex.error.expect("an error");
    assert!(
        matches!(
            err.phase,
            wirescope::wire::ErrorPhase::Timeout(_) | wirescope::wire::ErrorPhase::Connect
        ),
        "{err:?}"
    );
    assert!(err.message.contains("QUIC"), "{}", err.message);
    let h3 = ex.h3.expect("the record");
    assert!(
        h3.datagrams.iter().any(|d| d.dir == Dir::Received),
        "the garbage is on the record"
    );
}
