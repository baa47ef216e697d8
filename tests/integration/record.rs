//! The record checked against what servers saw: marks against a server's
//! own timestamps (HTTP/1.1, h2c, HTTP/2 over TLS), no DNS for an IP
//! literal and the trust store read once, HTTP/2 exchanges that own just
//! their stream's bytes, and HTTP/2 interim responses.

use crate::common;

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wirescope::decode::h2::frame::{Piece, Splitter};
use wirescope::demo::{make_pki, server_tls_config};
use wirescope::wire::exchange::Dir;
use wirescope::wire::{Exchange, HttpVersion, Probe, RequestSpec, Session, TlsOptions, Verify};

/// The server's think time, and the gap it leaves between head and body:
/// long enough that the margins below hold on a loaded 2-core machine.
const THINK: Duration = Duration::from_millis(300);
const GAP: Duration = Duration::from_millis(300);
/// How far a mark may sit from the server's own timestamp.
const MARGIN: Duration = Duration::from_millis(120);

/// What the server saw, on the wall clock the exchange also records.
#[derive(Debug, Default, Clone, Copy)]
struct Stamps {
    /// It had read the request's last byte.
    read_last: Option<SystemTime>,
    /// It had written the response head.
    wrote_head: Option<SystemTime>,
}

type Shared = Arc<Mutex<Stamps>>;

fn stamp(s: &Shared, f: impl FnOnce(&mut Stamps)) {
    if let Ok(mut g) = s.lock() {
        f(&mut g);
    }
}

/// HTTP/1.1: reads a head, thinks, writes the head, waits, the body.
async fn h1_server(stamps: Shared) -> common::TestServer {
    common::serve(move |mut s| {
        let stamps = stamps.clone();
        async move {
            let _ = common::read_head(&mut s).await;
            stamp(&stamps, |x| x.read_last = Some(SystemTime::now()));
            tokio::time::sleep(THINK).await;
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
                .await;
            stamp(&stamps, |x| x.wrote_head = Some(SystemTime::now()));
            tokio::time::sleep(GAP).await;
            let _ = s.write_all(b"hello").await;
            let _ = s.read(&mut [0u8; 16]).await;
        }
    })
    .await
}

/// HTTP/2 on any stream: the same script with the h2 crate.
async fn h2_serve<S>(io: S, stamps: Shared)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let Ok(mut conn) = h2::server::handshake(io).await else {
        return;
    };
    let Some(Ok((_req, mut respond))) = conn.accept().await else {
        return;
    };
    // A GET's HEADERS carry END_STREAM: accept() returns once it is read.
    stamp(&stamps, |x| x.read_last = Some(SystemTime::now()));
    let work = async move {
        tokio::time::sleep(THINK).await;
        let resp = http::Response::builder().status(200).body(()).unwrap();
        let Ok(mut body) = respond.send_response(resp, false) else {
            return;
        };
        // The head leaves when the connection task next writes.
        tokio::task::yield_now().await;
        stamp(&stamps, |x| x.wrote_head = Some(SystemTime::now()));
        tokio::time::sleep(GAP).await;
        let _ = body.send_data(bytes::Bytes::from_static(b"hello"), true);
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    tokio::select! {
        _ = work => {}
        _ = async { while let Some(Ok(_)) = conn.accept().await {} } => {}
    }
}

async fn h2c_server(stamps: Shared) -> common::TestServer {
    common::serve(move |s| h2_serve(s, stamps.clone())).await
}

/// HTTP/2 over TLS (ALPN h2) with a CA made for the test.
async fn h2_tls_server(stamps: Shared) -> (std::net::SocketAddr, tempfile::NamedTempFile) {
    let pki = make_pki(&["127.0.0.1"]).expect("pki");
    let cfg = server_tls_config(&pki, &[b"h2"]).expect("config");
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, stamps) = (acceptor.clone(), stamps.clone());
            tokio::spawn(async move {
                if let Ok(s) = acceptor.accept(tcp).await {
                    h2_serve(s, stamps).await;
                }
            });
        }
    });
    let mut ca = tempfile::NamedTempFile::new().expect("temp");
    ca.write_all(pki.ca_pem.as_bytes()).expect("write");
    (addr, ca)
}

fn spec(url: String, http: HttpVersion, ca: Option<&std::path::Path>) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.options.http = http;
    s.options.read_timeout = Duration::from_secs(5);
    s.options.tls = TlsOptions {
        verify: Verify::On,
        ca_file: ca.map(|p| p.to_path_buf()),
        ..TlsOptions::default()
    };
    s
}

/// `a` and `b` within `MARGIN` of each other.
fn near(what: &str, a: SystemTime, b: SystemTime) {
    let d = a
        .duration_since(b)
        .or_else(|_| b.duration_since(a))
        .unwrap_or_default();
    assert!(d < MARGIN, "{what}: {d:?} apart");
}

fn check_marks(label: &str, ex: &Exchange, stamps: &Shared) {
    assert!(ex.is_ok(), "{label}: {:?}", ex.error);
    let s = *stamps.lock().unwrap();
    let t = &ex.timeline;
    let h = t.har();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    // The server's think time is waiting, never sending.
    assert!(h.send < ms(THINK) / 3.0, "{label}: send {} ms", h.send);
    assert!(h.wait >= ms(THINK) * 0.8, "{label}: wait {} ms", h.wait);
    // The head/body gap is downloading.
    assert!(
        h.receive >= ms(GAP) * 0.8,
        "{label}: receive {} ms",
        h.receive
    );
    let at = |d: Option<Duration>| t.started_at + d.expect("mark");
    near(
        &format!("{label}: request sent vs server read"),
        at(t.request_sent),
        s.read_last.expect("server read"),
    );
    near(
        &format!("{label}: first byte vs server wrote head"),
        at(t.first_byte),
        s.wrote_head.expect("server wrote"),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marks_agree_with_the_servers_own_timestamps() {
    let stamps = Shared::default();
    let srv = h1_server(stamps.clone()).await;
    let ex = Session::new()
        .send(&spec(srv.url("/"), HttpVersion::Http1, None), Probe::none())
        .await;
    check_marks("HTTP/1.1", &ex, &stamps);

    let stamps = Shared::default();
    let srv = h2c_server(stamps.clone()).await;
    let ex = Session::new()
        .send(
            &spec(srv.url("/"), HttpVersion::Http2PriorKnowledge, None),
            Probe::none(),
        )
        .await;
    check_marks("h2c", &ex, &stamps);

    let stamps = Shared::default();
    let (addr, ca) = h2_tls_server(stamps.clone()).await;
    let url = format!("https://{addr}/");
    let ex = Session::new()
        .send(
            &spec(url, HttpVersion::Http2, Some(ca.path())),
            Probe::none(),
        )
        .await;
    check_marks("h2 over TLS", &ex, &stamps);
}

/// Counts roots read by the whole process, so it runs in one of its own.
#[test]
fn an_ip_literal_has_no_dns_and_the_roots_are_read_once() {
    if !common::in_own_process("record::an_ip_literal_has_no_dns_and_the_roots_are_read_once") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(ip_literal_and_roots());
}

async fn ip_literal_and_roots() {
    let (addr, ca) = h2_tls_server(Shared::default()).await;
    let url = format!("https://{addr}/");
    for _ in 0..3 {
        let ex = Session::new()
            .send(
                &spec(url.clone(), HttpVersion::Auto, Some(ca.path())),
                Probe::none(),
            )
            .await;
        assert!(ex.is_ok(), "{:?}", ex.error);
        let h = ex.timeline.har();
        assert_eq!(h.dns, -1.0, "an IP literal is not looked up");
        assert!(ex.timeline.no_lookup);
        assert_eq!(
            ex.timeline.spans(None)[0].state,
            wirescope::wire::timeline::SpanState::Skipped
        );
    }
    // Three sessions, each trusting a --cacert file that vouches for the
    // server: the system store (≈160 files) was never read, inside an
    // exchange or out (this process runs this test alone).
    assert_eq!(wirescope::wire::tls::root_loads(), 0);
    // Without --cacert it is read once per process, before the clock.
    let warmed = wirescope::wire::tls::warm().await;
    let again = wirescope::wire::tls::warm().await;
    assert_eq!(wirescope::wire::tls::root_loads(), 1);
    assert!(warmed > Duration::ZERO && again == Duration::ZERO);
}

/// Counts the bytes a server read and wrote on its connections, and
/// keeps what it read when `keep` is set: an independent record of what
/// the client sent.
#[derive(Default)]
struct Counted {
    read: AtomicU64,
    written: AtomicU64,
    keep: bool,
    heard: Mutex<Vec<u8>>,
}

struct CountingIo<S> {
    inner: S,
    counts: Arc<Counted>,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for CountingIo<S> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        let n = buf.filled().len() - before;
        self.counts.read.fetch_add(n as u64, Ordering::SeqCst);
        if self.counts.keep {
            if let Ok(mut h) = self.counts.heard.lock() {
                h.extend_from_slice(&buf.filled()[before..]);
            }
        }
        r
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for CountingIo<S> {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, data);
        if let std::task::Poll::Ready(Ok(n)) = &r {
            self.counts.written.fetch_add(*n as u64, Ordering::SeqCst);
        }
        r
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// An h2c server answering `/N` with N bytes, counting its bytes.
async fn sized_h2c(counts: Arc<Counted>) -> common::TestServer {
    common::serve(move |s| {
        let io = CountingIo {
            inner: s,
            counts: counts.clone(),
        };
        async move {
            let Ok(mut conn) = h2::server::handshake(io).await else {
                return;
            };
            while let Some(Ok((req, mut respond))) = conn.accept().await {
                let n: usize = req.uri().path()[1..].parse().unwrap_or(0);
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let resp = http::Response::builder().status(200).body(()).unwrap();
                    if let Ok(mut body) = respond.send_response(resp, false) {
                        let _ = body.send_data(vec![b'x'; n].into(), true);
                    }
                });
            }
        }
    })
    .await
}

/// Every frame in `bytes` whole and on `stream`; returns DATA payload bytes.
fn own_frames(bytes: &[u8], stream: u32) -> usize {
    let mut data = 0;
    for piece in Splitter::new(bytes, Dir::Received) {
        match piece {
            Piece::Frame(f) => {
                assert_eq!(f.stream, stream, "a frame of another stream");
                if f.type_code == 0 {
                    data += f.payload.len();
                }
            }
            other => panic!("not whole frames: {other:?}"),
        }
    }
    data
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_http2_exchanges_own_just_their_streams_bytes() {
    let counts = Arc::new(Counted::default());
    let srv = sized_h2c(counts.clone()).await;
    let session = Session::new();
    let sizes = [100usize, 2000, 30_000, 7];
    let runs = sizes.map(|n| {
        let session = session.clone();
        let s = spec(
            srv.url(&format!("/{n}")),
            HttpVersion::Http2PriorKnowledge,
            None,
        );
        tokio::spawn(async move { session.send(&s, Probe::none()).await })
    });
    let mut exchanges = Vec::new();
    for r in runs {
        exchanges.push(r.await.expect("task"));
    }
    let (mut sent, mut received) = (0u64, 0u64);
    let mut streams = Vec::new();
    for (ex, n) in exchanges.iter().zip(sizes) {
        assert!(ex.is_ok(), "{:?}", ex.error);
        let cap = ex.h2.as_ref().expect("h2");
        streams.push(cap.stream);
        own_frames(&ex.transcript.sent, cap.stream);
        assert_eq!(own_frames(&ex.transcript.received, cap.stream), n);
        let resp = ex.response.as_ref().unwrap();
        assert_eq!(resp.body_len, n as u64);
        // The body is what the server wrote, held once: the same memory
        // as the transcript's DATA payloads, not a second copy.
        assert_eq!(&resp.body[..], &vec![b'x'; n][..]);
        assert!(n == 0 || ex.transcript.received.holds(&resp.body));
        sent += ex.transcript.sent_total + cap.connection.sent_total;
        received += ex.transcript.received_total + cap.connection.received_total;
    }
    streams.sort();
    streams.dedup();
    assert_eq!(streams.len(), 4, "one stream each on one connection");
    assert_eq!(srv.accepted(), 1);
    // Nothing counted twice: what the exchanges hold is at most what the
    // server saw, and what is missing is the connection's tail (frames on
    // stream 0 after the last exchange ended, such as WINDOW_UPDATE).
    // The server reads what the client wrote a moment later.
    for _ in 0..200 {
        if counts.read.load(Ordering::SeqCst) >= sent {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (srv_read, srv_written) = (
        counts.read.load(Ordering::SeqCst),
        counts.written.load(Ordering::SeqCst),
    );
    assert!(sent <= srv_read, "sent {sent} > server read {srv_read}");
    assert!(received <= srv_written, "{received} > {srv_written}");
    assert!(srv_read - sent < 200, "sent {sent}, server read {srv_read}");
    assert!(srv_written - received < 200, "{received} vs {srv_written}");
}

/// A connection that has carried more than one exchange may keep still
/// records every later exchange whole: the cap is per exchange, not per
/// connection (it was the connection's, so bytes past the first 16 MiB
/// of a long-lived connection were missing from every later exchange).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_lived_http2_connection_keeps_each_exchange_whole() {
    let counts = Arc::new(Counted::default());
    let srv = sized_h2c(counts.clone()).await;
    let session = Session::new();
    let with_cap = |path: &str| {
        let mut s = spec(srv.url(path), HttpVersion::Http2PriorKnowledge, None);
        s.options.limits.max_head_bytes = 16 * 1024;
        s.options.limits.max_body_kept = 64 * 1024;
        s
    };
    let big = session.send(&with_cap("/1000000"), Probe::none()).await;
    assert!(big.is_ok(), "{:?}", big.error);
    let t = &big.transcript;
    assert!(t.received.len() <= 80 * 1024, "kept {}", t.received.len());
    assert!(t.received_total > 1_000_000, "counted {}", t.received_total);
    assert!(t.truncated());
    for _ in 0..3 {
        let small = session.send(&with_cap("/500"), Probe::none()).await;
        assert!(small.is_ok(), "{:?}", small.error);
        assert!(small.timeline.reused, "the same connection");
        let cap = small.h2.as_ref().expect("h2");
        let t = &small.transcript;
        assert!(!t.truncated(), "a later exchange lost bytes: {t:?}");
        assert_eq!(own_frames(&t.received, cap.stream), 500);
        own_frames(&t.sent, cap.stream);
        // Its own stream's frames as the server wrote them: a HEADERS
        // frame and one DATA frame of 500 bytes (9-byte headers each).
        assert!(t.received.len() > 500 + 18, "{}", t.received.len());
    }
    assert_eq!(srv.accepted(), 1);
}

fn raw_frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    v.extend([kind, flags]);
    v.extend(stream.to_be_bytes());
    v.extend(payload);
    v
}

/// A literal header field without indexing, new name (RFC 7541 §6.2.2).
fn literal(name: &str, value: &str) -> Vec<u8> {
    let mut v = vec![0x00, name.len() as u8];
    v.extend(name.as_bytes());
    v.push(value.len() as u8);
    v.extend(value.as_bytes());
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_103_is_interim_and_the_final_headers_are_its_own() {
    let srv = common::serve(|mut s| async move {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        // The preface, the client's SETTINGS and its HEADERS.
        while seen.len() < 24 + 9 + 9 {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut out = raw_frame(4, 0, 0, &[]);
        out.extend(raw_frame(4, 1, 0, &[]));
        // :status 103 (literal, name index 8) + link
        let mut early = vec![0x08, 3];
        early.extend(b"103");
        early.extend(literal("link", "</style.css>; rel=preload"));
        out.extend(raw_frame(1, 0x4, 1, &early));
        // :status 200 (static index 8) + its own header
        let mut fin = vec![0x88];
        fin.extend(literal("x-final", "yes"));
        out.extend(raw_frame(1, 0x4, 1, &fin));
        out.extend(raw_frame(0, 0x1, 1, b"ok"));
        let _ = s.write_all(&out).await;
        let _ = s.read(&mut buf).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
    })
    .await;
    let ex = Session::new()
        .send(
            &spec(srv.url("/"), HttpVersion::Http2PriorKnowledge, None),
            Probe::none(),
        )
        .await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let r = ex.response.as_ref().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.headers, vec![("x-final".to_string(), "yes".to_string())]);
    assert_eq!(r.interim.len(), 1);
    assert_eq!(r.interim[0].status, 103);
    assert_eq!(
        r.interim[0].headers,
        vec![("link".to_string(), "</style.css>; rel=preload".to_string())]
    );
    assert_eq!(&r.body[..], b"ok");
}

/// Backslashes, tabs, obs-fold and bytes that are not UTF-8, as a server
/// really sends them.
const ODD_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nX-Path: C:\\new\\table\r\nX-Tab: a\tb\r\nX-Fold: one\r\n two\r\nX-Latin: caf\xe9\r\nContent-Length: 2\r\n\r\nok";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_bytes_round_trip_exactly() {
    let srv = common::canned(ODD_HEAD, false).await;
    let ex = Session::new()
        .send(&spec(srv.url("/"), HttpVersion::Http1, None), Probe::none())
        .await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let r = ex.response.as_ref().unwrap();
    let raw: Vec<(&[u8], &[u8])> = r
        .raw_headers
        .iter()
        .map(|(n, v)| (n.as_slice(), v.as_slice()))
        .collect();
    assert_eq!(raw[0], (&b"X-Path"[..], &b"C:\\new\\table"[..]));
    assert_eq!(raw[1], (&b"X-Tab"[..], &b"a\tb"[..]));
    assert_eq!(raw[2], (&b"X-Fold"[..], &b"one\r\n two"[..]));
    assert_eq!(raw[3], (&b"X-Latin"[..], &b"caf\xe9"[..]));
    // Each field's bytes are exactly where the transcript has them.
    for (n, v) in &r.raw_headers {
        let mut line = n.clone();
        line.extend(b": ");
        line.extend(v);
        assert!(ex
            .transcript
            .received
            .windows(line.len())
            .any(|w| w == line));
    }
    // Each field's recorded range holds its bytes in what the server sent.
    assert_eq!(r.field_ranges.len(), r.raw_headers.len());
    for (f, (n, v)) in r.field_ranges.iter().zip(&r.raw_headers) {
        assert_eq!(&ODD_HEAD[f.name.clone()], &n[..]);
        assert_eq!(&ODD_HEAD[f.value.clone()], &v[..]);
    }
    // The text: backslashes as they are, tabs kept, folds joined.
    assert_eq!(r.headers[0].1, "C:\\new\\table");
    assert_eq!(r.headers[1].1, "a\tb");
    assert_eq!(r.headers[2].1, "one  two");
    assert_eq!(r.headers[3].1, "caf\\xe9");
    let folds: Vec<_> = ex
        .warnings
        .iter()
        .filter_map(|w| match w {
            wirescope::wire::Warning::ObsFold { name } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        folds,
        ["X-Fold"],
        "only X-Fold is folded: {:?}",
        ex.warnings
    );

    // The JSON report keeps the text and adds the exact bytes.
    let out = common::send_cmd(&[&srv.url("/"), "--format", "json"]).await;
    let doc = &common::json_lines(&out)[0];
    assert_eq!(doc["headers"][0][1], "C:\\new\\table");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let fields = doc["headers_b64"].as_array().expect("headers_b64");
    let bytes = |i: usize, j: usize| b64.decode(fields[i][j].as_str().unwrap()).unwrap();
    assert_eq!(bytes(0, 1), b"C:\\new\\table");
    assert_eq!(bytes(2, 1), b"one\r\n two");
    assert_eq!(bytes(3, 1), b"caf\xe9");

    // The HAR: the text in `headers` (HAR values are strings), and the
    // exact bytes under `_wirescope.received`, as the server sent them.
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("odd.har");
    let out = common::send_cmd(&[&srv.url("/"), "--har", har.to_str().unwrap()]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&har).unwrap()).unwrap();
    let entry = &doc["log"]["entries"][0];
    let value = |name: &str| {
        entry["response"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .map(|h| h["value"].as_str().unwrap().to_string())
    };
    assert_eq!(value("X-Path").as_deref(), Some("C:\\new\\table"));
    assert_eq!(value("X-Tab").as_deref(), Some("a\tb"));
    let received = b64
        .decode(entry["_wirescope"]["received"].as_str().unwrap())
        .unwrap();
    assert_eq!(received, ODD_HEAD);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_chunk_size_keeps_the_body_received_before_it() {
    let srv = common::canned(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\nzz\r\nlost",
        true,
    )
    .await;
    let ex = Session::new()
        .send(&spec(srv.url("/"), HttpVersion::Http1, None), Probe::none())
        .await;
    let e = ex.error.as_ref().expect("a bad chunk size is an error");
    assert!(e.message.contains("chunk"), "{}", e.message);
    let r = ex.response.as_ref().expect("the head was received");
    assert_eq!(&r.body[..], b"abcdefg");
    assert_eq!(r.body_len, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_says_it_takes_no_pushes() {
    let srv = sized_h2c(Arc::new(Counted::default())).await;
    let ex = Session::new()
        .send(
            &spec(srv.url("/3"), HttpVersion::Http2PriorKnowledge, None),
            Probe::none(),
        )
        .await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let cap = ex.h2.as_ref().unwrap();
    let ours = cap
        .frames
        .items
        .iter()
        .filter_map(|i| i.frame())
        .find_map(|f| match (&f.dir, &f.detail) {
            (Dir::Sent, wirescope::decode::h2::Detail::Settings { ack: false, values }) => {
                Some(values.clone())
            }
            _ => None,
        })
        .expect("our SETTINGS");
    // SETTINGS_ENABLE_PUSH (0x2) = 0 (RFC 9113 §6.5.2).
    assert!(ours.iter().any(|&(id, _, v)| id == 2 && v == 0), "{ours:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_https_for_http_is_said() {
    use wirescope::demo::{DemoConfig, DemoServer};
    let plain = DemoServer::start(DemoConfig::default()).await.unwrap();
    let tls = DemoServer::start(DemoConfig {
        tls: true,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let to = format!("{}/get", plain.base_url());
    let mut s = spec(
        format!("{}/redirect-to?url={to}", tls.base_url()),
        HttpVersion::Auto,
        tls.ca_path(),
    );
    s.options.redirects.follow = true;
    let flow = wirescope::wire::policy::run(&Session::new(), &s, &mut |_| Probe::none()).await;
    assert_eq!(flow.hops.len(), 2, "{:?}", flow.stopped);
    let notes = flow.hops[1].notes.join(" ");
    assert!(notes.contains("travel unencrypted"), "{notes}");
}

/// `send` closes its HTTP/2 connection with GOAWAY (NO_ERROR), as the
/// server read it off its socket, before the process exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_says_goaway_when_it_closes_an_http2_connection() {
    let counts = Arc::new(Counted {
        keep: true,
        ..Counted::default()
    });
    let ended = Arc::new(tokio::sync::Notify::new());
    let (c, e) = (counts.clone(), ended.clone());
    let srv = common::serve(move |s| {
        let (c, e) = (c.clone(), e.clone());
        async move {
            let io = CountingIo {
                inner: s,
                counts: c,
            };
            if let Ok(mut conn) = h2::server::handshake(io).await {
                while let Some(Ok((_req, mut respond))) = conn.accept().await {
                    let resp = http::Response::builder().status(200).body(()).unwrap();
                    let _ = respond.send_response(resp, true);
                }
            }
            e.notify_one();
        }
    })
    .await;
    let out = common::send_cmd(&["--http2-prior-knowledge", &srv.url("/a"), &srv.url("/b")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), ended.notified()).await;
    let bytes = counts.heard.lock().unwrap().clone();
    let frames: Vec<(u8, Vec<u8>)> = Splitter::new(&bytes, Dir::Sent)
        .filter_map(|p| match p {
            Piece::Frame(f) => Some((f.type_code, f.payload.to_vec())),
            _ => None,
        })
        .collect();
    let goaway = frames.iter().find(|(t, _)| *t == 7);
    let Some((_, payload)) = goaway else {
        panic!("no GOAWAY among the frames the server read: {frames:?}");
    };
    assert_eq!(&payload[4..8], &[0, 0, 0, 0], "error code NO_ERROR");
    assert_eq!(
        frames.iter().filter(|(t, _)| *t == 1).count(),
        2,
        "two requests"
    );
}

/// `--format json` carries the reader's framing record: slicing the
/// server's own bytes at its ranges gives each chunk-size line and data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_tells_where_the_reader_found_each_chunk() {
    const SENT: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-T: 1\r\n\r\n";
    let srv = common::canned(SENT, false).await;
    let out = common::send_cmd(&[&srv.url("/"), "--format", "json"]).await;
    let doc = &common::json_lines(&out)[0];
    let l = &doc["body_layout"];
    let at = |v: &serde_json::Value, i: usize| v[i].as_u64().unwrap() as usize;
    let chunks = l["chunks"].as_array().unwrap();
    let lines: Vec<&[u8]> = chunks.iter().map(|c| &SENT[at(c, 0)..at(c, 1)]).collect();
    let data: Vec<&[u8]> = chunks.iter().map(|c| &SENT[at(c, 2)..at(c, 3)]).collect();
    assert_eq!(lines, [&b"3;x=1"[..], b"4", b"0"]);
    assert_eq!(data, [&b"abc"[..], b"defg", b""]);
    assert_eq!(
        &SENT[at(&l["trailers"], 0)..at(&l["trailers"], 1)],
        b"X-T: 1\r\n\r\n"
    );
    assert_eq!(at(&l["range"], 1), SENT.len());
}

/// The server's own account (Server-Timing) beside the client's: a server
/// that sleeps a known 300 ms and says how long it slept; the JSON carries
/// its metrics, the client's wait covers them, and the text waterfall
/// draws them under the wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_timing_sits_inside_the_wait_the_client_measured() {
    let srv = common::serve(|mut s| async move {
        common::read_head(&mut s).await;
        let started = std::time::Instant::now();
        tokio::time::sleep(THINK).await;
        let slept = started.elapsed().as_secs_f64() * 1000.0;
        let head = format!(
            "HTTP/1.1 200 OK\r\nServer-Timing: think;dur={slept:.1};desc=\"slept\", db;dur=5\r\nContent-Length: 2\r\n\r\nok"
        );
        let _ = s.write_all(head.as_bytes()).await;
    })
    .await;
    let url = srv.url("/");
    let out = common::send_cmd(&["--format", "json", &url]).await;
    let doc = &common::ok_json_lines(&out)[0];
    let st = doc["server_timing"].as_array().expect("server_timing");
    assert_eq!(st[0]["name"], "think");
    assert_eq!(st[0]["desc"], "slept");
    let think = st[0]["dur_ms"].as_f64().expect("dur");
    assert!(think >= THINK.as_millis() as f64, "{think}");
    assert_eq!(st[1]["dur_ms"], 5.0);
    let wait = doc["timings"]["wait"].as_f64().expect("wait");
    assert!(
        wait >= think,
        "the client waited {wait} ms, the server says {think}"
    );

    let out = common::send_cmd(&["--print", "timing", &url]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    let w = lines
        .iter()
        .position(|l| l.contains("waiting (TTFB)"))
        .expect("wait row");
    assert!(
        lines[w + 1].contains("↳ think") && lines[w + 1].contains("server: think"),
        "{text}"
    );
    assert!(lines[w + 2].contains("↳ db"), "{text}");
    assert!(!text.contains("longer than the whole wait"), "{text}");
}

/// The kernel's account of the connection (TCP_INFO) against what the
/// server's own socket moved: the bytes the client's kernel received are
/// the bytes the server wrote, those it had acknowledged the bytes the
/// server read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_info_counts_what_the_server_moved() {
    let counts = Arc::new(Counted::default());
    let c = counts.clone();
    let srv = common::serve(move |s| {
        let mut io = CountingIo {
            inner: s,
            counts: c.clone(),
        };
        async move {
            let mut buf = vec![0u8; 4096];
            let mut head = Vec::new();
            while !head.ends_with(b"\r\n\r\n") {
                match io.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let body = vec![b'z'; 100_000];
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
            let _ = io.write_all(head.as_bytes()).await;
            let _ = io.write_all(&body).await;
            let _ = io.flush().await;
            // Kept open: a FIN would count one sequence number more in the
            // client kernel's bytes_received.
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
    })
    .await;
    let ex = Session::new()
        .send(&spec(srv.url("/"), HttpVersion::Http1, None), Probe::none())
        .await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let tcp = ex
        .connection
        .as_ref()
        .and_then(|c| c.tcp)
        .expect("TCP_INFO on Linux");
    let written = counts.written.load(Ordering::SeqCst);
    let read = counts.read.load(Ordering::SeqCst);
    assert_eq!(tcp.bytes_received, written, "{tcp:?}");
    assert_eq!(tcp.bytes_acked, read, "{tcp:?}");
    assert_eq!(ex.transcript.received_total, written);
    assert!(tcp.rtt_us > 0 && tcp.mss > 0 && tcp.cwnd > 0, "{tcp:?}");
    assert_eq!(tcp.retransmits, 0, "loopback loses nothing: {tcp:?}");
}

/// HTTP/2: the connection's socket belongs to its driver task; the
/// kernel's account is read through it as each exchange ends. Two GETs
/// on one connection: the counts are the connection's so far (they grow)
/// and, the connection still open, the last one's bytes received are
/// every byte the server's socket wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tcp_info_on_http2_is_the_connections_so_far() {
    let counts = Arc::new(Counted::default());
    let srv = sized_h2c(counts.clone()).await;
    let session = Session::new();
    let mut facts = Vec::new();
    for n in [3000, 50_000] {
        let ex = session
            .send(
                &spec(
                    srv.url(&format!("/{n}")),
                    HttpVersion::Http2PriorKnowledge,
                    None,
                ),
                Probe::none(),
            )
            .await;
        assert!(ex.is_ok(), "{:?}", ex.error);
        let c = ex.connection.as_ref().expect("connection");
        facts.push((
            c.reused,
            c.tcp.expect("TCP_INFO through the driver's socket"),
        ));
    }
    let (a, b) = (facts[0].1, facts[1].1);
    assert!(facts[1].0, "one connection");
    assert!(
        a.bytes_received > 3000 && a.bytes_received < b.bytes_received,
        "{a:?} {b:?}"
    );
    let written = counts.written.load(Ordering::SeqCst);
    assert_eq!(b.bytes_received, written, "{b:?}");
    let read = counts.read.load(Ordering::SeqCst);
    assert!(
        b.bytes_acked > 0 && b.bytes_acked <= read,
        "acked {}, read {read}",
        b.bytes_acked
    );
    drop(session);
}
