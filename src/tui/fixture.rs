//! Hand-built exchanges with fixed bytes and a fixed timeline, for tests,
//! snapshots and benchmarks: what the UI shows for them never depends on
//! a network, a clock or a machine.

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use super::app::App;
use super::entry::{Entry, EntryState};
use crate::wire::exchange::Framing;
use crate::wire::{ConnectionInfo, Exchange, Mark, Options, Response, Timeline, Transcript};

pub const DEMO: &str = "http://127.0.0.1:8080";
pub const URL: &str = "http://127.0.0.1:8080/get?show=1";

pub const REQUEST: &[u8] = b"GET /get?show=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wirescope/0.1\r\nAccept: application/json\r\n\r\n";

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nCache-Control: max-age=60\r\nX-Request-ID: abc-123\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n";
const BODY: &str =
    r#"{"args":{"show":"1"},"headers":{"Accept":"application/json"},"url":"/get?show=1"}"#;

fn ms(n: f64) -> Duration {
    Duration::from_secs_f64(n / 1000.0)
}

/// A new connection, plain HTTP: DNS, connect, send, wait, download.
pub fn timeline() -> Timeline {
    let mut t = Timeline::new(SystemTime::UNIX_EPOCH);
    for (m, at) in [
        (Mark::DnsDone, 0.4),
        (Mark::Connected, 1.2),
        (Mark::Ready, 1.2),
        (Mark::RequestSent, 1.5),
        (Mark::FirstByte, 12.0),
        (Mark::Done, 13.1),
    ] {
        t.mark(m, ms(at));
    }
    t
}

fn headers(head: &str) -> Vec<(String, String)> {
    head.split("\r\n")
        .skip(1)
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn exchange_from(
    sent: Vec<u8>,
    received: Vec<u8>,
    response: Response,
    timeline: Timeline,
) -> Exchange {
    Exchange {
        method: "GET".into(),
        url: URL.into(),
        transcript: Transcript {
            sent_total: sent.len() as u64,
            received_total: received.len() as u64,
            sent,
            received: received.into(),
            chunks: Vec::new(),
            chunks_dropped: 0,
        },
        timeline,
        response: Some(response),
        connection: Some(ConnectionInfo {
            id: 1,
            reused: false,
            remote: SocketAddr::from(([127, 0, 0, 1], 8080)),
            local: None,
            resolved: vec![[127, 0, 0, 1].into()],
            failed_attempts: Vec::new(),
            proxy: None,
            tcp: None,
        }),
        tls: None,
        negotiated: None,
        h2: None,
        h3: None,
        insecure: false,
        warnings: Vec::new(),
        error: None,
    }
}

/// Where the reader frames `received`'s body (what a real exchange records).
fn recorded_layout(received: &[u8]) -> crate::wire::BodyLayout {
    crate::wire::layout_of(received, false)
        .map(|l| l.body)
        .unwrap_or_default()
}

/// A chunked JSON response to a GET.
pub fn exchange() -> Exchange {
    let mut received = HEAD.as_bytes().to_vec();
    received.extend_from_slice(format!("{:x}\r\n{BODY}\r\n0\r\n\r\n", BODY.len()).as_bytes());
    let response = Response {
        version: "HTTP/1.1".into(),
        status: 200,
        reason: "OK".into(),
        headers: headers(HEAD),
        raw_headers: Vec::new(),
        field_ranges: Vec::new(),
        interim: Vec::new(),
        head_start: 0,
        head_len: HEAD.len(),
        framing: Framing::Chunked,
        body_layout: recorded_layout(&received),
        body: BODY.as_bytes().to_vec().into(),
        arriving: Vec::new(),
        body_len: BODY.len() as u64,
        chunk_count: 1,
        body_file: None,
    };
    exchange_from(REQUEST.to_vec(), received, response, timeline())
}

/// A `Content-Length` response whose body is `len` bytes of varied data
/// (for the benchmark and scrolling tests over megabytes).
pub fn big_exchange(len: usize) -> Exchange {
    let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\n\r\n");
    let body: Vec<u8> = (0..len).map(|i| (i.wrapping_mul(31) % 251) as u8).collect();
    let mut received = head.as_bytes().to_vec();
    received.extend_from_slice(&body);
    let response = Response {
        version: "HTTP/1.1".into(),
        status: 200,
        reason: "OK".into(),
        headers: headers(&head),
        raw_headers: Vec::new(),
        field_ranges: Vec::new(),
        interim: Vec::new(),
        head_start: 0,
        head_len: head.len(),
        framing: Framing::ContentLength(len as u64),
        body_layout: recorded_layout(&received),
        body_len: len as u64,
        body: body.into(),
        arriving: Vec::new(),
        chunk_count: 0,
        body_file: None,
    };
    exchange_from(REQUEST.to_vec(), received, response, timeline())
}

/// An app pre-filled as at start (demo server on a fixed port), colorless
/// so snapshots are plain text.
pub fn app() -> App {
    App::new(None, Some(DEMO), Options::default())
}

/// Adds `exchange` to the history as done and shows it.
pub fn push_done(app: &mut App, exchange: Exchange) {
    let id = app.next_id;
    app.next_id += 1;
    let mut e = Entry::new(id, &exchange.method, &exchange.url, Instant::now());
    e.finish(Box::new(exchange), Default::default());
    app.entries.push(e);
    app.selected = Some(app.entries.len() - 1);
}

/// Adds an exchange in flight: connected, request sent, waiting for
/// `waited_ms` so far.
pub fn push_in_flight(app: &mut App, waited_ms: u64) {
    let id = app.next_id;
    app.next_id += 1;
    let mut e = Entry::new(id, "GET", &format!("{DEMO}/delay/10"), Instant::now());
    let t = &mut e.live.timeline;
    t.mark(Mark::DnsDone, ms(0.3));
    t.mark(Mark::Connected, ms(0.9));
    t.mark(Mark::Ready, ms(0.9));
    t.mark(Mark::RequestSent, ms(1.1));
    e.live.sent = b"GET /delay/10 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n".to_vec();
    e.live.sent_total = e.live.sent.len() as u64;
    e.live.connection = Some((2, false));
    e.elapsed = Duration::from_millis(waited_ms);
    e.state = EntryState::InFlight;
    app.entries.push(e);
    app.selected = Some(app.entries.len() - 1);
}
