//! The HTTP/2 decoder against a real connection: an in-process `h2` server
//! on 127.0.0.1:0, an `h2` client over a recording wrapper, three requests
//! carrying the same large credentials, then the recorded bytes decoded
//! and checked against what both ends and `loona_hpack` saw.
//!
//! The `h2` crate's encoder (like nghttp2) never puts `authorization`,
//! `cookie`, `:path` and a few others in the dynamic table: they go as
//! literals without indexing every time. So the dynamic-table drop is shown
//! with a large `x-api-key`, and the test pins what really happens to a
//! large `authorization` (no drop), so no view promises otherwise.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use wirescope::decode::h2::{
    decode_connection, Connection, Detail, Field, Frame, HeaderBlock, Item, Representation,
};
use wirescope::report::escape::escape_bytes;
use wirescope::report::frames;
use wirescope::wire::exchange::{ChunkMark, Dir};

#[derive(Default)]
struct Recording {
    sent: Vec<u8>,
    received: Vec<u8>,
    chunks: Vec<ChunkMark>,
}

/// Records every read and write with its time, like the engine's tap.
struct Tap {
    inner: TcpStream,
    start: Instant,
    rec: Arc<Mutex<Recording>>,
}

impl Tap {
    fn record(&self, dir: Dir, bytes: &[u8]) {
        let mut rec = self.rec.lock().expect("recording lock");
        match dir {
            Dir::Sent => rec.sent.extend_from_slice(bytes),
            Dir::Received => rec.received.extend_from_slice(bytes),
        }
        rec.chunks.push(ChunkMark {
            dir,
            at: self.start.elapsed(),
            len: bytes.len(),
        });
    }
}

impl AsyncRead for Tap {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.record(Dir::Received, &buf.filled()[before..]);
        }
        r
    }
}

impl AsyncWrite for Tap {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = r {
            self.record(Dir::Sent, &buf[..n]);
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// An h2 server answering `hello from <path>`, reporting each request's
/// authorization header as it decoded it.
async fn server(seen: Arc<Mutex<Vec<String>>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (sock, _) = listener.accept().await.expect("accept");
        let mut conn = h2::server::handshake(sock).await.expect("server handshake");
        while let Some(Ok((req, mut respond))) = conn.accept().await {
            let auth = req
                .headers()
                .get("authorization")
                .map(|v| v.to_str().unwrap_or("?").to_string());
            seen.lock()
                .expect("seen lock")
                .push(auth.unwrap_or_default());
            let resp = http::Response::builder()
                .header("content-type", "text/plain")
                .body(())
                .expect("response");
            let mut send = respond.send_response(resp, false).expect("send response");
            let body = format!("hello from {}", req.uri().path());
            send.send_data(Bytes::from(body), true).expect("send body");
        }
    });
    addr
}

struct Captured {
    rec: Recording,
    token: String,
    body_bytes: usize,
    api_key: String,
    seen: Vec<String>,
}

const PATHS: [&str; 3] = ["/first", "/second", "/third"];

async fn capture() -> Captured {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let addr = server(seen.clone()).await;
    let rec = Arc::new(Mutex::new(Recording::default()));
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let tap = Tap {
        inner: tcp,
        start: Instant::now(),
        rec: rec.clone(),
    };
    let (mut client, connection) = h2::client::handshake(tap).await.expect("client handshake");
    let driver = tokio::spawn(connection);
    let token = format!("Bearer {}", "q7Zx-9".repeat(100));
    let api_key = "k3y_".repeat(300);
    let mut body_bytes = 0;
    for path in PATHS {
        let req = http::Request::builder()
            .uri(format!("http://{addr}{path}"))
            .header("authorization", token.as_str())
            .header("x-api-key", api_key.as_str())
            .header("accept", "*/*")
            .body(())
            .expect("request");
        let mut ready = client.ready().await.expect("ready");
        let (resp, _) = ready.send_request(req, true).expect("send request");
        let mut body = resp.await.expect("response").into_body();
        while let Some(chunk) = body.data().await {
            let chunk = chunk.expect("body chunk");
            body_bytes += chunk.len();
            let _ = body.flow_control().release_capacity(chunk.len());
        }
        client = ready;
    }
    drop(client);
    let done = tokio::time::timeout(Duration::from_secs(10), driver).await;
    assert!(
        matches!(done, Ok(Ok(Ok(())))),
        "connection ended badly: {done:?}"
    );
    let rec = std::mem::take(&mut *rec.lock().expect("recording lock"));
    let seen = seen.lock().expect("seen lock").clone();
    Captured {
        rec,
        token,
        body_bytes,
        api_key,
        seen,
    }
}

fn decode(c: &Captured) -> Connection {
    decode_connection(&c.rec.sent, &c.rec.received, &c.rec.chunks)
}

fn frames(conn: &Connection) -> impl Iterator<Item = &Frame> {
    conn.items.iter().filter_map(Item::frame)
}

fn blocks(conn: &Connection, dir: Dir) -> Vec<&HeaderBlock> {
    frames(conn)
        .filter(|f| f.dir == dir)
        .filter_map(|f| f.detail.block())
        .collect()
}

fn field<'a>(b: &'a HeaderBlock, name: &str) -> Option<&'a Field> {
    b.fields.iter().find(|f| f.name == name)
}

fn value<'a>(b: &'a HeaderBlock, name: &str) -> Option<&'a str> {
    field(b, name).map(|f| f.value.as_str())
}

fn repr(b: &HeaderBlock, name: &str) -> Option<Representation> {
    field(b, name).map(|f| f.repr.clone())
}

fn assert_covers(conn: &Connection, sent: &[u8], received: &[u8]) {
    for (dir, bytes) in [(Dir::Sent, sent), (Dir::Received, received)] {
        let mut next = 0;
        for it in conn.items.iter().filter(|i| i.dir() == dir) {
            assert_eq!(it.offset(), next);
            next += it.wire_len();
        }
        assert_eq!(next, bytes.len());
    }
}

/// Header blocks cut straight from the bytes (padding, priority and
/// CONTINUATIONs handled), independently of the decoder under test.
fn raw_blocks(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    if bytes.starts_with(b"PRI * HTTP/2.0") {
        bytes = &bytes[24..];
    }
    let mut out = Vec::new();
    let mut open: Option<Vec<u8>> = None;
    while bytes.len() >= 9 {
        let len = usize::from(bytes[0]) << 16 | usize::from(bytes[1]) << 8 | usize::from(bytes[2]);
        let (t, flags, payload) = (bytes[3], bytes[4], &bytes[9..9 + len]);
        bytes = &bytes[9 + len..];
        let padded = flags & 0x8 != 0 && matches!(t, 1 | 5);
        let pad = if padded { usize::from(payload[0]) } else { 0 };
        let unpadded = &payload[usize::from(padded)..payload.len() - pad];
        match (t, flags & 0x20 != 0) {
            (5, _) => open = Some(unpadded[4..].to_vec()),
            (1, true) => open = Some(unpadded[5..].to_vec()),
            (1, false) => open = Some(unpadded.to_vec()),
            (9, _) => open.get_or_insert_default().extend_from_slice(payload),
            _ => continue,
        }
        if flags & 0x4 != 0 {
            out.extend(open.take());
        }
    }
    out
}

#[tokio::test]
async fn real_connection_decodes_completely() {
    let cap = capture().await;
    let conn = decode(&cap);
    let (sent, received) = (&cap.rec.sent, &cap.rec.received);
    assert_eq!(conn.unexplained, 0, "{conn:#?}");
    assert_covers(&conn, sent, received);
    assert!(matches!(
        conn.items[0],
        Item::Preface {
            dir: Dir::Sent,
            offset: 0,
            len: 24,
            ..
        }
    ));
    assert!(
        conn.items.windows(2).all(|w| w[0].at() <= w[1].at()),
        "time order"
    );
    assert!(
        frames(&conn).all(|f| f.problem.is_none()),
        "well-behaved peers"
    );

    // SETTINGS both ways, each acknowledged by the other side.
    for dir in [Dir::Sent, Dir::Received] {
        let settings: Vec<bool> = frames(&conn)
            .filter(|f| f.dir == dir)
            .filter_map(|f| match f.detail {
                Detail::Settings { ack, .. } => Some(ack),
                _ => None,
            })
            .collect();
        assert!(
            settings.contains(&false) && settings.contains(&true),
            "{dir:?}: {settings:?}"
        );
    }

    // Requests: the api key costs ~1 KB once, then one byte; h2 sends the
    // authorization literally each time (never indexed).
    let reqs = blocks(&conn, Dir::Sent);
    assert_eq!(reqs.len(), 3);
    for (b, path) in reqs.iter().zip(PATHS) {
        assert_eq!(b.error, None);
        assert_eq!(value(b, ":method"), Some("GET"));
        assert_eq!(value(b, ":path"), Some(path));
        assert_eq!(value(b, "authorization"), Some(cap.token.as_str()));
        assert_eq!(value(b, "x-api-key"), Some(cap.api_key.as_str()));
        let never = Representation::WithoutIndexing {
            name_index: Some(23),
        };
        assert_eq!(repr(b, "authorization"), Some(never));
        assert!(b.h1_len > cap.token.len() + cap.api_key.len());
    }
    let indexing = Representation::IncrementalIndexing { name_index: None };
    assert_eq!(repr(reqs[0], "x-api-key"), Some(indexing));
    assert!(matches!(
        repr(reqs[1], "x-api-key"),
        Some(Representation::Indexed(62..))
    ));
    assert!(matches!(
        repr(reqs[2], "x-api-key"),
        Some(Representation::Indexed(62..))
    ));
    let key_cost = |b: &HeaderBlock| field(b, "x-api-key").map_or(0, |f| f.wire_len);
    assert!(key_cost(reqs[0]) > 500 && key_cost(reqs[1]) == 1 && key_cost(reqs[2]) == 1);
    let drop = reqs[0].wire_len - reqs[1].wire_len;
    assert!(
        drop > 500 && reqs[1].wire_len * 2 < reqs[0].wire_len,
        "{} → {}",
        reqs[0].wire_len,
        reqs[1].wire_len
    );
    let table = &conn.tables[0].entries;
    assert!(table.contains(&("x-api-key".to_string(), cap.api_key.clone())));
    assert!(table.iter().all(|(n, _)| n != "authorization"));
    assert_eq!(
        cap.seen,
        vec![cap.token.clone(); 3],
        "the server decoded the same"
    );

    // Responses: status and body lengths.
    let resps = blocks(&conn, Dir::Received);
    assert_eq!(resps.len(), 3);
    assert!(resps.iter().all(|b| value(b, ":status") == Some("200")));
    let data: usize = frames(&conn)
        .filter(|f| f.dir == Dir::Received)
        .map(|f| match f.detail {
            Detail::Data { data_len, .. } => data_len,
            _ => 0,
        })
        .sum();
    assert_eq!(data, cap.body_bytes);
    assert_eq!(
        cap.body_bytes,
        PATHS
            .iter()
            .map(|p| "hello from ".len() + p.len())
            .sum::<usize>()
    );

    // Every block, both ways, equals loona_hpack's decoding of the same bytes.
    for (dir, bytes) in [(Dir::Sent, sent), (Dir::Received, received)] {
        let mut reference = loona_hpack::Decoder::new();
        let ours = blocks(&conn, dir);
        let raw = raw_blocks(bytes);
        assert_eq!(raw.len(), ours.len());
        for (block, mine) in raw.iter().zip(ours) {
            let theirs: Vec<(String, String)> = reference
                .decode(block)
                .expect("loona decodes")
                .iter()
                .map(|(n, v)| (escape_bytes(n), escape_bytes(v)))
                .collect();
            assert_eq!(block.len(), mine.wire_len);
            let mine: Vec<(String, String)> = mine
                .fields
                .iter()
                .filter(|f| !matches!(f.repr, Representation::SizeUpdate(_)))
                .map(|f| (f.name.clone(), f.value.clone()))
                .collect();
            assert_eq!(mine, theirs);
        }
    }
}

#[tokio::test]
async fn reports_show_frames_fields_and_compression() {
    let cap = capture().await;
    let conn = decode(&cap);
    let text = frames::text(&conn, None);
    assert!(text.contains("→  PREFACE  len 24"), "{text}");
    assert!(text.contains(":method: GET  (indexed 2)"), "{text}");
    assert!(text.contains("authorization: Bearer q7Zx-9"), "{text}");
    assert!(text.contains("(literal, without indexing)"), "{text}");
    assert!(text.contains("x-api-key: k3y_k3y_"), "{text}");
    assert!(text.contains("B as HTTP/1.1 text ("), "{text}");
    assert!(
        text.contains("header blocks sent (wire/HTTP1.1): stream 1: "),
        "{text}"
    );
    assert!(text.contains("←  SETTINGS  stream 0"), "{text}");
    assert!(text.contains("[END_STREAM, END_HEADERS]"), "{text}");

    let only = frames::text(&conn, Some(&[3]));
    let frame_lines: Vec<&str> = only.lines().filter(|l| l.contains(" ms  ")).collect();
    assert!(
        !frame_lines.is_empty() && frame_lines.iter().all(|l| l.contains("stream 3")),
        "{only}"
    );

    let json = frames::json(&conn, None);
    let arr = json.as_array().expect("array");
    assert_eq!(arr.len(), conn.items.len());
    assert_eq!(arr[0]["type"], "PREFACE");
    let headers = arr
        .iter()
        .find(|v| v["type"] == "HEADERS" && v["dir"] == "sent")
        .expect("a request");
    assert_eq!(
        headers["flags"],
        serde_json::json!(["END_STREAM", "END_HEADERS"])
    );
    assert_eq!(headers["stream"], 1);
    let first = &headers["headers"][0];
    assert_eq!(first, &serde_json::json!([":method", "GET", "indexed (2)"]));
    assert!(headers["at_ms"].is_number() && headers["len"].as_u64() > Some(500));
    assert!(arr
        .iter()
        .any(|v| v["type"] == "DATA" && v["data_len"].as_u64() > Some(0)));
}

#[tokio::test]
async fn cut_and_corrupted_captures_stay_accounted_for() {
    let cap = capture().await;
    let (sent, received) = (&cap.rec.sent, &cap.rec.received);
    for cut in (0..received.len()).step_by(7) {
        let conn = decode_connection(
            &sent[..cut.min(sent.len())],
            &received[..cut],
            &cap.rec.chunks,
        );
        assert_covers(&conn, &sent[..cut.min(sent.len())], &received[..cut]);
    }
    // Flip bytes at random (xorshift, fixed seed): no panic, full cover.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut rand = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x as usize
    };
    for _ in 0..400 {
        let (mut s, mut r) = (sent.clone(), received.clone());
        for _ in 0..1 + rand() % 4 {
            let which = if rand() % 2 == 0 { &mut s } else { &mut r };
            let i = rand() % which.len();
            which[i] = rand() as u8;
        }
        let conn = decode_connection(&s, &r, &cap.rec.chunks);
        assert_covers(&conn, &s, &r);
    }
}
