//! The `--format json` document for one exchange (one per line, JSON
//! Lines). Field names are a public interface: add, never rename.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::decode::coding::DecodeLimits;
use crate::wire::{Exchange, Response};

/// The document, decoding bodies up to the default cap (64 MiB).
pub fn exchange(ex: &Exchange) -> Value {
    exchange_with(ex, DecodeLimits::default())
}

/// The document, decoding the body within `limits` for `body`.
pub fn exchange_with(ex: &Exchange, limits: DecodeLimits) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let t = &ex.transcript;
    let resp = ex.response.as_ref();
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    json!({
        "url": ex.url,
        "method": ex.method,
        "http_version": resp.map(|r| r.version.clone()),
        "status": resp.map(|r| r.status),
        "reason": resp.map(|r| r.reason.clone()),
        "headers": resp.map(|r| r.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>()),
        // The exact bytes of each field (the text above escapes what is
        // not printable UTF-8 and joins folded lines).
        "headers_b64": resp.map(|r| r.raw_headers.iter().map(|(n, v)| json!([b64(n), b64(v)])).collect::<Vec<_>>()),
        "interim": resp.map(|r| r.interim.iter().map(|i| json!({
            "status": i.status,
            "reason": i.reason,
            "headers": i.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "body_len": resp.map(|r| r.body_len),
        "framing": resp.map(|r| format!("{:?}", r.framing)),
        "body": resp.map(|r| body(r, limits)),
        "sent_b64": b64(&t.sent),
        "received_b64": b64(&t.received),
        "sent_total": t.sent_total,
        "received_total": t.received_total,
        "sent_dropped": t.sent_dropped(),
        "received_dropped": t.received_dropped(),
        "truncated": t.truncated(),
        "chunks": t.chunks.iter().map(|c| json!({
            "dir": c.dir.name(),
            "at_ms": ms(c.at),
            "len": c.len,
        })).collect::<Vec<_>>(),
        "chunks_dropped": t.chunks_dropped,
        "timings": ex.timeline.har(),
        "curl_timings": ex.timeline.curl_points().iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
        "connection": ex.connection.as_ref().map(|c| {
            let mut v = json!({
                "id": c.id,
                "reused": c.reused,
                "remote": c.remote.to_string(),
                "local": c.local.map(|l| l.to_string()),
                "resolved": c.resolved.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "failed_attempts": c.failed_attempts.iter().map(|(a, m)| json!([a.to_string(), m])).collect::<Vec<_>>(),
            });
            // HTTP/2: the connection-level bytes (preface, stream 0's
            // frames) this exchange claimed, apart from its own stream's.
            if let (Some(cap), Some(map)) = (&ex.h2, v.as_object_mut()) {
                let ct = &cap.connection;
                map.insert("sent_b64".into(), json!(b64(&ct.sent)));
                map.insert("received_b64".into(), json!(b64(&ct.received)));
                map.insert("sent_total".into(), json!(ct.sent_total));
                map.insert("received_total".into(), json!(ct.received_total));
                map.insert("frames_dropped".into(), json!(cap.dropped));
            }
            v
        }),
        "tls": ex.tls.as_ref().map(|t| json!({
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
        })),
        "protocol": ex.negotiated.as_ref().map(|n| json!({"version": n.version, "why": n.why})),
        "frames": super::h2view::frames(ex).map(|c| super::frames::json(&c, None)),
        "insecure": ex.insecure,
        "warnings": ex.warnings,
        "error": ex.error.as_ref().map(|e| json!({"phase": e.phase.name(), "message": e.message})),
    })
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
    let b = crate::decode::body::describe(resp, limits);
    let mut digest = Digest(ring::digest::Context::new(&ring::digest::SHA256));
    let outcome = b.decode_to(&mut digest);
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
