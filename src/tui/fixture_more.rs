//! More fixed exchanges for tests and snapshots: an HTTP/2 (h2c)
//! connection recorded from the demo server (`fixture_h2c.txt`: two GETs
//! on one connection, streams 1 and 3, so the second header block shows
//! HPACK's dynamic table at work), a redirect flow and a batch set. Times
//! are fixed, so what the UI shows never depends on a clock.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use super::app::App;
use super::entry::Entry;
use super::fixture::{self, exchange, timeline};
use super::group::{BatchMode, Group, GroupKind, GroupTag, HopInfo, Part};
use crate::decode::h2::{decode_connection, Detail, Item};
use crate::wire::exchange::{ChunkMark, Dir, Framing};
use crate::wire::policy::Cause;
use crate::wire::{
    ConnectionInfo, Exchange, HttpVersion, Mark, Negotiated, RequestSpec, Response, Timeline,
    Transcript,
};

const RECORDED: &str = include_str!("fixture_h2c.txt");
pub const H2_URL: &str = "http://127.0.0.1:8080/get?show=1";

fn ms(n: f64) -> Duration {
    Duration::from_secs_f64(n / 1000.0)
}

/// The recorded reads and writes, with made-up (fixed) connection times.
fn chunks() -> Vec<(Dir, f64, Vec<u8>)> {
    let times = [1.0, 1.1, 1.2, 1.25, 1.9, 2.6, 3.5, 4.2];
    RECORDED
        .lines()
        .filter(|l| !l.starts_with('#') && l.len() > 2)
        .zip(times)
        .map(|(l, at)| {
            let dir = if l.starts_with('>') {
                Dir::Sent
            } else {
                Dir::Received
            };
            let hex = &l[2..];
            let bytes = (0..hex.len() / 2)
                .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                .collect();
            (dir, at, bytes)
        })
        .collect()
}

/// Chunks `from..to` as a transcript on a clock starting at `zero` ms.
fn transcript(all: &[(Dir, f64, Vec<u8>)], from: usize, to: usize, zero: f64) -> Transcript {
    let mut t = Transcript::default();
    let mut received = Vec::new();
    for (dir, at, bytes) in &all[from..to] {
        match dir {
            Dir::Sent => t.sent.extend_from_slice(bytes),
            Dir::Received => received.extend_from_slice(bytes),
        }
        t.chunks.push(ChunkMark {
            dir: *dir,
            at: ms((at - zero).max(0.0)),
            len: bytes.len(),
        });
    }
    t.received = received.into();
    t.sent_total = t.sent.len() as u64;
    t.received_total = t.received.len() as u64;
    t
}

fn h2_exchange(
    all: &[(Dir, f64, Vec<u8>)],
    upto: usize,
    window_from: usize,
    zero: f64,
    stream: u32,
    timeline: Timeline,
) -> Exchange {
    let connection = transcript(all, 0, upto, zero);
    let window = transcript(all, window_from, upto, zero);
    let offsets = (
        connection.sent.len() - window.sent.len(),
        connection.received.len() - window.received.len(),
    );
    let decoded = decode_connection(&connection.sent, &connection.received, &connection.chunks);
    let mut body = Vec::new();
    for f in decoded.items.iter().filter_map(Item::frame) {
        if let (Dir::Received, true, Detail::Data { data_len, .. }) =
            (f.dir, f.stream == stream, &f.detail)
        {
            let start = f.offset + 9;
            body.extend_from_slice(&connection.received[start..start + data_len]);
        }
    }
    let response = Response {
        version: "HTTP/2".into(),
        status: 200,
        reason: String::new(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("date".into(), "Sun, 29 Nov 2026 05:29:35 GMT".into()),
            ("content-length".into(), body.len().to_string()),
        ],
        raw_headers: Vec::new(),
        field_ranges: Vec::new(),
        interim: Vec::new(),
        head_start: 0,
        head_len: 0,
        framing: Framing::Http2,
        body_layout: Default::default(),
        body_len: body.len() as u64,
        body: body.into(),
        arriving: Vec::new(),
        chunk_count: 0,
        body_file: None,
    };
    let mut x = exchange();
    x.url = H2_URL.into();
    x.transcript = window;
    x.timeline = timeline;
    x.response = Some(response);
    x.connection = Some(ConnectionInfo {
        id: 7,
        reused: stream > 1,
        remote: SocketAddr::from(([127, 0, 0, 1], 8080)),
        local: None,
        resolved: vec![[127, 0, 0, 1].into()],
        failed_attempts: Vec::new(),
        proxy: None,
        tcp: None,
    });
    x.negotiated = Some(Negotiated {
        version: "HTTP/2",
        why: "prior knowledge: h2 from the first byte over plain TCP (h2c)".into(),
    });
    let (own, cap) = crate::wire::h2_record::from_connection(stream, &connection, offsets);
    x.transcript = own;
    x.h2 = Some(cap);
    x
}

/// The two exchanges of the recorded connection: stream 1 (a new
/// connection) and stream 3 (the same connection, reused).
pub fn h2_exchanges() -> (Exchange, Exchange) {
    let all = chunks();
    let mut t1 = timeline();
    t1.mark(Mark::Ready, ms(0.9));
    let first = h2_exchange(&all, 6, 0, 0.0, 1, t1);
    let mut t2 = Timeline::new(SystemTime::UNIX_EPOCH + ms(3.3));
    t2.reused = true;
    for (m, at) in [
        (Mark::Ready, 0.02),
        (Mark::RequestSent, 0.2),
        (Mark::FirstByte, 0.9),
        (Mark::Done, 0.95),
    ] {
        t2.mark(m, ms(at));
    }
    let second = h2_exchange(&all, 8, 6, 3.3, 3, t2);
    (first, second)
}

/// A literal field with incremental indexing, no Huffman coding: the
/// value is plain text on the wire.
pub fn plain_literal(name: &[u8], value: &[u8]) -> Vec<u8> {
    let mut out = vec![0x40, name.len() as u8];
    out.extend(name);
    out.push(value.len() as u8);
    out.extend(value);
    out
}

fn h2_frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let len = payload.len() as u32;
    let mut out = len.to_be_bytes()[1..].to_vec();
    out.extend([kind, flags]);
    out.extend(stream.to_be_bytes());
    out.extend(payload);
    out
}

/// An HTTP/2 exchange whose secrets travel as plain HPACK literals: the
/// request's `authorization: Bearer t0ken` (its block split over HEADERS
/// and a CONTINUATION, the value cut in two) and the response's
/// `set-cookie: sid=c00kie`.
pub fn h2_plain_secrets_exchange() -> Exchange {
    let mut block = vec![0x82, 0x86, 0x84]; // GET, http, /
    block.extend(plain_literal(b"authorization", b"Bearer t0ken"));
    let cut = block.len() - 3;
    let mut sent = crate::decode::h2::PREFACE.to_vec();
    sent.extend(h2_frame(0x4, 0, 0, &[]));
    sent.extend(h2_frame(0x1, 0x1, 1, &block[..cut])); // END_STREAM
    sent.extend(h2_frame(0x9, 0x4, 1, &block[cut..])); // END_HEADERS
    let mut block = vec![0x88]; // :status 200
    block.extend(plain_literal(b"set-cookie", b"sid=c00kie; Path=/"));
    let mut received = h2_frame(0x4, 0, 0, &[]);
    received.extend(h2_frame(0x1, 0x4 | 0x1, 1, &block));
    let all = vec![(Dir::Sent, 1.0, sent), (Dir::Received, 1.5, received)];
    let mut t = timeline();
    t.mark(Mark::Ready, ms(0.9));
    let mut x = h2_exchange(&all, 2, 0, 0.0, 1, t);
    if let Some(r) = &mut x.response {
        r.headers = vec![("set-cookie".into(), "sid=c00kie; Path=/".into())];
    }
    x
}

/// The app with both HTTP/2 exchanges in the history, the second shown.
pub fn h2_app() -> App {
    let mut app = fixture::app();
    let (a, b) = h2_exchanges();
    fixture::push_done(&mut app, a);
    fixture::push_done(&mut app, b);
    app
}

fn push_member(app: &mut App, x: Exchange, tag: GroupTag, hop: Option<HopInfo>) {
    fixture::push_done(app, x);
    if let Some(e) = app.entries.last_mut() {
        e.meta.group = Some(tag);
        e.meta.hop = hop;
    }
}

fn at(x: &mut Exchange, start_ms: f64) {
    x.timeline.started_at = SystemTime::UNIX_EPOCH + ms(start_ms);
}

/// A followed redirect: GET /redirect/2 → 302 → 302 → 200, the last hop
/// selected.
pub fn flow_app() -> App {
    let mut app = fixture::app();
    let base = fixture::DEMO;
    let gid = app.next_id;
    let spec = RequestSpec::get(format!("{base}/redirect/2"));
    app.groups.push(Group {
        id: gid,
        title: format!("GET {base}/redirect/2"),
        kind: GroupKind::Flow {
            spec: Box::new(spec),
            stopped: None,
            lints: Vec::new(),
        },
        running: false,
        cancelled: false,
        waiting: None,
    });
    let hops = [
        ("/redirect/2", 302, 0.0, Cause::First),
        (
            "/relative-redirect/1",
            302,
            14.0,
            Cause::Redirect {
                status: 302,
                rule: "302: method GET kept".into(),
            },
        ),
        (
            "/get",
            200,
            28.0,
            Cause::Redirect {
                status: 302,
                rule: "302: method GET kept".into(),
            },
        ),
    ];
    for (i, (path, status, start, cause)) in hops.into_iter().enumerate() {
        let mut x = exchange();
        x.url = format!("{base}{path}");
        at(&mut x, start);
        if let Some(r) = x.response.as_mut() {
            r.status = status;
            if status == 302 {
                r.reason = "Found".into();
                r.headers.push(("Location".into(), "/get".into()));
            }
        }
        let tag = GroupTag {
            group: gid,
            part: 0,
            index: i,
        };
        let hop = HopInfo {
            hop: i as u32 + 1,
            attempt: 1,
            cause,
            notes: Vec::new(),
        };
        push_member(&mut app, x, tag, Some(hop));
    }
    app
}

/// A batch set: 3 at once over HTTP/2 (streams on one connection) against
/// 3 one after another over HTTP/1.1 on one kept connection.
pub fn batch_app() -> App {
    let mut app = fixture::app();
    let gid = app.next_id;
    let spec = RequestSpec::get(fixture::URL);
    app.groups.push(Group {
        id: gid,
        title: format!("GET {} ×3: parallel", fixture::URL),
        kind: GroupKind::Batches {
            spec: Box::new(spec),
            n: 3,
            parts: vec![
                Part {
                    http: HttpVersion::Http2PriorKnowledge,
                    mode: BatchMode::AtOnce,
                    started: 3,
                    done: 3,
                    ids: Vec::new(),
                },
                Part {
                    http: HttpVersion::Http1,
                    mode: BatchMode::OneAfterAnother,
                    started: 3,
                    done: 3,
                    ids: Vec::new(),
                },
            ],
            current: 1,
        },
        running: false,
        cancelled: false,
        waiting: None,
    });
    let (h2, _) = h2_exchanges();
    for i in 0..3 {
        let mut x = h2.clone();
        if let Some(cap) = x.h2.as_mut() {
            cap.stream = 1 + 2 * i as u32;
        }
        at(&mut x, 0.1 * i as f64);
        let tag = GroupTag {
            group: gid,
            part: 0,
            index: i,
        };
        push_member(&mut app, x, tag, None);
        if let Some(e) = app.entries.last_mut() {
            e.meta.data_ticks = vec![ms(2.6 + 0.05 * i as f64)];
        }
    }
    for i in 0..3 {
        let mut x = exchange();
        at(&mut x, 20.0 + 14.0 * i as f64);
        if i > 0 {
            x.timeline.reused = true;
            x.timeline.dns_done = None;
            x.timeline.connected = None;
            if let Some(c) = x.connection.as_mut() {
                c.reused = true;
            }
        }
        let tag = GroupTag {
            group: gid,
            part: 1,
            index: i,
        };
        push_member(&mut app, x, tag, None);
    }
    app.selected = Some(0);
    app
}

/// An entry shown by the Frames pane at a fixed position, for tests that
/// need one without the rest.
pub fn h2_entry() -> Entry {
    let (_, b) = h2_exchanges();
    let mut e = Entry::new(1, "GET", H2_URL, std::time::Instant::now());
    e.finish(Box::new(b), Default::default());
    e
}
