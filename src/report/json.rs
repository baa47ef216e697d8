//! The `--format json` document for one exchange (one per line, JSON
//! Lines). Field names are a public interface: add, never rename.

use std::borrow::Cow;
use std::io::Write;

use base64::Engine as _;
use serde_json::{json, Value};

use super::stream::{Node, Obj};
use crate::decode::coding::DecodeLimits;
use crate::explain::Lint;
use crate::wire::policy::{Cause, Flow, Stop};
use crate::wire::{Exchange, Response};

/// The document, decoding bodies up to the default cap (64 MiB).
pub fn exchange(ex: &Exchange) -> Value {
    exchange_with(ex, DecodeLimits::default())
}

/// The document as a `Value`, decoding the body within `limits` for
/// `body` (the base64 fields made whole; `send` writes `document`
/// instead, which never holds them).
pub fn exchange_with(ex: &Exchange, limits: DecodeLimits) -> Value {
    document(ex, limits).to_value()
}

/// The document for one exchange, ready to be written: the transcript's
/// bytes are borrowed and base64-encoded piece by piece as they are
/// written, lists are made as they are written.
pub fn document(ex: &Exchange, limits: DecodeLimits) -> Obj<'_> {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let t = &ex.transcript;
    let resp = ex.response.as_ref();
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    Obj::new()
        .with("url", json!(ex.url))
        .with("method", json!(ex.method))
        .with("http_version", json!(resp.map(|r| r.version.clone())))
        .with("status", json!(resp.map(|r| r.status)))
        .with("reason", json!(resp.map(|r| r.reason.clone())))
        .with(
            "headers",
            or_null(resp.map(|r| Node::values(&r.headers, |(n, v)| json!([n, v])))),
        )
        // The exact bytes of each field (the text above escapes what is
        // not printable UTF-8 and joins folded lines).
        .with(
            "headers_b64",
            or_null(
                resp.map(|r| Node::values(&r.raw_headers, move |(n, v)| json!([b64(n), b64(v)]))),
            ),
        )
        .with(
            "interim",
            json!(resp
                .map(|r| r
                    .interim
                    .iter()
                    .map(|i| json!({
                        "status": i.status,
                        "reason": i.reason,
                        "headers": i.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
                    }))
                    .collect::<Vec<_>>())
                .unwrap_or_default()),
        )
        // The server's own account of its time (Server-Timing), beside
        // the client's `timings`.
        .with(
            "server_timing",
            json!(resp
                .map(|r| crate::explain::server_timing::of_headers(&r.headers)
                    .0
                    .iter()
                    .map(|m| json!({"name": m.name, "dur_ms": m.dur, "desc": m.desc}))
                    .collect::<Vec<_>>())
                .unwrap_or_default()),
        )
        .with("body_len", json!(resp.map(|r| r.body_len)))
        .with("framing", json!(resp.map(|r| format!("{:?}", r.framing))))
        // Where the reader found the body (HTTP/1.1): transcript offsets
        // of the body, each chunk's size line and data, the trailers.
        .with(
            "body_layout",
            json!(resp
                .filter(|r| r.framing != crate::wire::exchange::Framing::Http2)
                .map(|r| {
                    let l = &r.body_layout;
                    json!({
                        "range": [l.range.start, l.range.end],
                        "chunks": l.chunks.iter().map(|c| json!([
                            c.size_line.start, c.size_line.end, c.data.start, c.data.end
                        ])).collect::<Vec<_>>(),
                        "chunks_dropped": l.chunks_dropped,
                        "trailers": l.trailers.as_ref().map(|t| [t.start, t.end]),
                    })
                })),
        )
        .with("body", json!(resp.map(|r| body(r, limits))))
        .with("sent_b64", bytes(&t.sent))
        .with("received_b64", Node::Rope(&t.received))
        .with("sent_total", json!(t.sent_total))
        .with("received_total", json!(t.received_total))
        .with("sent_dropped", json!(t.sent_dropped()))
        .with("received_dropped", json!(t.received_dropped()))
        .with("truncated", json!(t.truncated()))
        .with(
            "chunks",
            Node::values(&t.chunks, move |c| {
                json!({
                    "dir": c.dir.name(),
                    "at_ms": ms(c.at),
                    "len": c.len,
                })
            }),
        )
        .with("chunks_dropped", json!(t.chunks_dropped))
        .with("timings", json!(ex.timeline.har()))
        .with(
            "curl_timings",
            Value::Object(
                ex.timeline
                    .curl_points()
                    .iter()
                    .map(|(k, v)| (k.to_string(), json!(v)))
                    .collect(),
            ),
        )
        .with(
            "connection",
            or_null(ex.connection.as_ref().map(|c| {
                let mut v = Obj::new()
                    .with("id", json!(c.id))
                    .with("reused", json!(c.reused))
                    .with("remote", json!(c.remote.to_string()))
                    .with("local", json!(c.local.map(|l| l.to_string())))
                    .with(
                        "resolved",
                        json!(c
                            .resolved
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()),
                    )
                    .with("proxy", json!(c.proxy.as_ref().map(super::proxy::json)))
                    // The kernel's account (TCP_INFO) as the exchange ended.
                    .with("tcp", json!(c.tcp))
                    .with(
                        "failed_attempts",
                        json!(c
                            .failed_attempts
                            .iter()
                            .map(|(a, m)| json!([a.to_string(), m]))
                            .collect::<Vec<_>>()),
                    );
                // HTTP/2: the connection-level bytes (preface, stream 0's
                // frames) this exchange claimed, apart from its own stream's.
                if let Some(cap) = &ex.h2 {
                    let ct = &cap.connection;
                    v.put("sent_b64", bytes(&ct.sent));
                    v.put("received_b64", Node::Rope(&ct.received));
                    v.put("sent_total", json!(ct.sent_total));
                    v.put("received_total", json!(ct.received_total));
                    v.put("frames_dropped", json!(cap.dropped));
                }
                Node::Object(v)
            })),
        )
        .with(
            "tls",
            json!(ex.tls.as_ref().map(|t| json!({
                "version": t.version,
                "cipher": t.cipher,
                "alpn": t.alpn,
                "server_name": t.server_name,
                "chain": t.chain.iter().map(|c| json!({
                    "subject": c.subject,
                    "issuer": c.issuer,
                    "not_before": c.not_before,
                    "not_after": c.not_after,
                    "san": c.san,
                })).collect::<Vec<_>>(),
                "handshake_records": t.handshake_records.iter().map(|r| json!({
                    "dir": r.dir.name(),
                    "at_ms": ms(r.at),
                    "type": r.content_type,
                    "len": r.len,
                })).collect::<Vec<_>>(),
                "client_auth": t.client_auth.as_ref().map(|a| json!({
                    "asked": a.asked,
                    "acceptable_cas": a.acceptable_cas,
                    "sent": a.sent,
                })),
            }))),
        )
        .with(
            "protocol",
            json!(ex
                .negotiated
                .as_ref()
                .map(|n| json!({"version": n.version, "why": n.why}))),
        )
        .with(
            "frames",
            or_null(ex.h2.as_ref().map(|cap| {
                let conn = &*cap.frames;
                Node::Values(Box::new(move || {
                    Box::new(super::frames::json_items(conn, None))
                }))
            })),
        )
        .with("h3", json!(ex.h3.as_ref().map(h3_json)))
        .with("insecure", json!(ex.insecure))
        .with("warnings", json!(ex.warnings))
        .with(
            "error",
            json!(ex
                .error
                .as_ref()
                .map(|e| json!({"phase": e.phase.name(), "message": e.cli_message()}))),
        )
}

/// HTTP/3: the request's fields and every datagram (its bytes are the
/// transcript's, encrypted).
pub fn h3_json(h3: &crate::wire::h3::H3Record) -> Value {
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    json!({
        "request_fields": h3.request,
        "rtt_ms": ms(h3.rtt),
        "datagrams": h3.datagrams.iter().map(|d| json!({
            "dir": d.dir.name(),
            "at_ms": ms(d.at),
            "len": d.len,
            "kind": d.kind,
        })).collect::<Vec<_>>(),
        "datagrams_dropped": h3.datagrams_dropped,
        "streams": h3.streams.iter().map(|s| json!({
            "id": s.id,
            "kind": s.kind,
            "sent_total": s.sent_total,
            "received_total": s.received_total,
            "frames": crate::wire::h3::frames::dirs(s).iter().flat_map(|(dir, frames)| {
                frames.iter().map(move |f| json!({
                    "dir": dir.name(),
                    "type": f.name,
                    "type_code": f.type_code,
                    "at": f.at,
                    "len": f.len,
                    "detail": f.detail,
                    "cut": f.cut,
                    "qpack": f.block.as_ref().map(|b| {
                        let s = crate::decode::qpack::decode(b);
                        json!({
                            "required_insert_count": s.required_insert_count,
                            "error": s.error,
                            "lines": s.lines.iter().map(|l| json!({
                                "repr": l.repr.words(),
                                "name": l.name,
                                "value": l.value,
                                "huffman": l.huffman,
                                "wire_len": l.wire_len,
                                "text_len": l.text_len,
                            })).collect::<Vec<_>>(),
                        })
                    }),
                }))
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Bytes, written as base64 in pieces.
fn bytes(b: &[u8]) -> Node<'_> {
    Node::B64(Cow::Borrowed(b))
}

fn or_null(n: Option<Node<'_>>) -> Node<'_> {
    n.unwrap_or(Node::Value(Value::Null))
}

/// `send --format json`: one line per hop and attempt of `flow`, each the
/// exchange's `document` plus why it happened (`hop`, `attempt`, `cause`,
/// `notes`); the last also says how the flow ended (`stopped`,
/// `revalidation`, `lints`). Written as it is made: no line is held.
pub fn write_flow(
    flow: &Flow,
    lints: &[Lint],
    revalidation: Option<&str>,
    limits: DecodeLimits,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let last = flow.hops.len().saturating_sub(1);
    for (i, hop) in flow.hops.iter().enumerate() {
        let mut doc = document(&hop.exchange, limits);
        doc.put("hop", json!(hop.hop));
        doc.put("attempt", json!(hop.attempt));
        doc.put(
            "cause",
            match &hop.cause {
                Cause::First => json!({"kind": "first"}),
                Cause::Redirect { status, rule } => {
                    json!({"kind": "redirect", "status": status, "rule": rule})
                }
                Cause::Retry {
                    attempt,
                    waited,
                    reason,
                } => json!({
                    "kind": "retry", "attempt": attempt, "waited_ms": waited.as_secs_f64() * 1000.0, "reason": reason
                }),
            },
        );
        doc.put("notes", json!(hop.notes));
        if i == last {
            doc.put("stopped", json!(flow.stopped.as_ref().map(Stop::message)));
            doc.put("revalidation", json!(revalidation));
            doc.put(
                "lints",
                Value::Array(
                    lints
                        .iter()
                        .map(|l| json!({"severity": super::lints::severity_name(l.severity), "code": l.code, "message": l.message}))
                        .collect(),
                ),
            );
        }
        serde_json::to_writer(&mut *out, &doc)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Hashes and counts what is written.
struct Digest(ring::digest::Context);

impl std::io::Write for Digest {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.update(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `body`: sizes on the wire and decoded, the coding, the decoded bytes'
/// sha256, and whether the decoded body is less than the whole (bytes not
/// kept, the decoded cap reached, or decoding failed — `error` says why).
pub fn body(resp: &Response, limits: DecodeLimits) -> Value {
    let mut digest = Digest(ring::digest::Context::new(&ring::digest::SHA256));
    let (b, outcome) = crate::decode::body::decode_response_to(resp, limits, &mut digest);
    let sha: String = digest
        .0
        .finish()
        .as_ref()
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect();
    let error = b.refused.clone().or(outcome.error.clone());
    json!({
        "wire_len": b.wire_len,
        "decoded_len": outcome.written,
        "content_encoding": b.content_encoding,
        "decoded_sha256": sha,
        "truncated": b.raw_missing > 0 || outcome.limit_reached || error.is_some(),
        "limit_reached": outcome.limit_reached,
        "error": error,
    })
}
