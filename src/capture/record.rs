//! A captured exchange: the program's view (what it sent and received,
//! recorded by the tap on its connection) as an `Exchange` like any
//! other, plus its client connection, the proxy's changes and the
//! upstream leg; and its JSON line (`send`'s document plus those) and
//! text line.

use std::io::Write;
use std::net::SocketAddr;

use bytes::Bytes;
use serde_json::{json, Value};

use super::forward::Leg;
use super::request::Change;
use crate::decode::coding::DecodeLimits;
use crate::formats::redact::{self, Redaction};
use crate::report::stream::{Node, Obj};
use crate::wire::exchange::{ChunkMark, Dir, Exchange, Transcript};
use crate::wire::rope::Rope;
use crate::wire::timeline::{Mark, Timeline};

/// The TLS the program spoke to the proxy.
#[derive(Debug, Clone)]
pub struct ClientTls {
    pub version: String,
    pub alpn: Option<String>,
    pub sni: Option<String>,
}

/// The program's connection an exchange came on.
#[derive(Debug, Clone)]
pub struct Client {
    pub connection: u64,
    pub reused: bool,
    pub addr: SocketAddr,
    pub tls: Option<ClientTls>,
}

pub struct Captured {
    pub exchange: Exchange,
    pub client: Client,
    pub changes: Vec<Change>,
    pub upstream: Option<Leg>,
}

/// The tap on the program's connection records from the proxy's side
/// (what the proxy read is "received"); the exchange is the program's
/// view, so the directions swap.
pub fn program_view(t: Transcript) -> Transcript {
    let flip = |d: Dir| match d {
        Dir::Sent => Dir::Received,
        Dir::Received => Dir::Sent,
    };
    let mut sent = Vec::with_capacity(t.received.len());
    for p in t.received.pieces() {
        sent.extend_from_slice(p);
    }
    Transcript {
        sent,
        received: Rope::from_pieces([Bytes::from(t.sent)]),
        sent_total: t.received_total,
        received_total: t.sent_total,
        chunks: t
            .chunks
            .iter()
            .map(|c| ChunkMark {
                dir: flip(c.dir),
                ..*c
            })
            .collect(),
        chunks_dropped: t.chunks_dropped,
    }
}

/// The program's timeline, from its tap's marks: the proxy's connection
/// to it is already open, so only the request, the wait and the download
/// apply (clock: the recording's).
pub fn program_timeline(t: &Transcript, started_at: std::time::SystemTime) -> Timeline {
    let mut tl = Timeline::new(started_at);
    tl.reused = true;
    let first_sent = t.chunks.iter().find(|c| c.dir == Dir::Sent);
    let first_recv = t.chunks.iter().find(|c| c.dir == Dir::Received);
    if let Some(c) = first_sent {
        tl.mark(Mark::Ready, c.at);
    }
    if let Some(c) = t
        .chunks
        .iter()
        .take_while(|c| first_recv.is_none_or(|r| c.at <= r.at))
        .filter(|c| c.dir == Dir::Sent)
        .last()
    {
        tl.mark(Mark::RequestSent, c.at);
    }
    if let Some(c) = first_recv {
        tl.mark(Mark::FirstByte, c.at);
    }
    if let Some(c) = t.chunks.last() {
        tl.mark(Mark::Done, c.at);
    }
    tl
}

impl Captured {
    /// One JSON line: `send`'s document plus the capture's fields.
    pub fn write_json(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut doc = crate::report::json::document(&self.exchange, DecodeLimits::default());
        // JSON has the exact bytes, as `send`'s does.
        let extra = extras(
            &self.client,
            &self.changes,
            self.upstream.as_ref(),
            Redaction::Off,
        );
        for (name, node) in extra {
            doc.put(name, node);
        }
        serde_json::to_writer(&mut *out, &doc)?;
        out.write_all(b"\n")
    }

    /// One line: method URL status, and the program's connection.
    pub fn text_line(&self) -> String {
        let ex = &self.exchange;
        let status = match (&ex.response, &ex.error) {
            (_, Some(e)) => format!("failed ({e})"),
            (Some(r), None) => format!("{} {}", r.status, r.reason),
            (None, None) => "no response".into(),
        };
        format!(
            "{} {} → {status}  [client connection #{} {}]",
            ex.method,
            ex.url,
            self.client.connection,
            if self.client.reused { "reused" } else { "new" }
        )
    }
}

/// What a captured exchange has beyond `send`'s document: the program's
/// connection, what the proxy changed, the upstream leg. The JSON line
/// has them under these names, the HAR entry with a leading `_`.
/// With `Redaction::On` (a HAR's default) the upstream bytes have their
/// credentials masked as the entry's own are.
pub fn extras<'a>(
    c: &Client,
    changes: &[Change],
    upstream: Option<&'a Leg>,
    redaction: Redaction,
) -> [(&'static str, Node<'a>); 3] {
    let client = json!({
        "connection": c.connection,
        "reused": c.reused,
        "addr": c.addr.to_string(),
        "tls": c.tls.as_ref().map(|t| json!({
            "version": t.version,
            "alpn": t.alpn,
            "sni": t.sni,
        })),
    });
    let changes = Value::Array(changes.iter().map(Change::json).collect());
    let upstream: Node = match upstream {
        None => Value::Null.into(),
        Some(leg) => {
            let t = &leg.transcript;
            let b64 = base64::engine::general_purpose::STANDARD;
            let (sent, received): (Node, Node) = match redaction {
                Redaction::Off => (
                    json!(base64::Engine::encode(&b64, &t.sent)).into(),
                    Node::Rope(&t.received),
                ),
                Redaction::On => (
                    json!(base64::Engine::encode(
                        &b64,
                        redact::h1_bytes(&t.sent, Dir::Sent)
                    ))
                    .into(),
                    json!(base64::Engine::encode(
                        &b64,
                        redact::h1_bytes(&t.received, Dir::Received)
                    ))
                    .into(),
                ),
            };
            Obj::new()
                .with("sent_b64", sent)
                .with("received_b64", received)
                .with("sent_total", json!(t.sent_total))
                .with("received_total", json!(t.received_total))
                .with("timings", json!(leg.timeline.har()))
                .with(
                    "connection",
                    json!(leg.connection.as_ref().map(|i| json!({
                        "id": i.id,
                        "reused": i.reused,
                        "remote": i.remote.to_string(),
                    }))),
                )
                .with(
                    "tls",
                    json!(leg.tls.as_ref().map(|t| json!({
                        "version": t.version,
                        "cipher": t.cipher,
                        "alpn": t.alpn,
                        "server_name": t.server_name,
                    }))),
                )
                .into()
        }
    };
    [
        ("client", client.into()),
        ("proxy_changes", changes.into()),
        ("upstream", upstream),
    ]
}
