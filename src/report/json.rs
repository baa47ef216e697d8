//! The `--format json` document for one exchange (one per line, JSON
//! Lines). Field names are a public interface: add, never rename.

use base64::Engine as _;
use serde_json::{json, Value};

use crate::wire::Exchange;

pub fn exchange(ex: &Exchange) -> Value {
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
        "interim": resp.map(|r| r.interim.iter().map(|i| json!({
            "status": i.status,
            "reason": i.reason,
            "headers": i.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>()).unwrap_or_default(),
        "body_len": resp.map(|r| r.body_len),
        "framing": resp.map(|r| format!("{:?}", r.framing)),
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
        "connection": ex.connection.as_ref().map(|c| json!({
            "id": c.id,
            "reused": c.reused,
            "remote": c.remote.to_string(),
            "local": c.local.map(|l| l.to_string()),
            "resolved": c.resolved.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "failed_attempts": c.failed_attempts.iter().map(|(a, m)| json!([a.to_string(), m])).collect::<Vec<_>>(),
        })),
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
