//! HAR 1.2 export (http://www.softwareishard.com/blog/har-12-spec/): one
//! `log.entries[]` item per exchange, headers in wire order and case,
//! bodies as text or base64 with `encoding`, HAR timings from the
//! exchange's own marks, and wirescope's extras under `_wirescope`.
//!
//! A session export has one `page` per request the user made, and every
//! hop (redirect) and attempt (retry) of that request is an entry with its
//! `pageref`. Credentials are redacted exactly as history redacts them
//! (the request side is built from the same `HistoryEntry`), unless
//! `Redaction::Off`. The extras keep what history keeps — the wire bytes
//! (redacted), the marks — so `import_har` gets a history entry back.
//! Field-level parts are in `har_parts.rs`; the checker in
//! `har_validate.rs`; import in `har_import.rs`.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};

use super::har_parts::{request, response, round3};
use super::history_entry::HistoryEntry;
use super::redact::{self, Redaction};
use super::time::rfc3339;
use crate::wire::policy::{Cause, Flow, Hop};
use crate::wire::Exchange;

/// The HAR document for `exchanges`, in the order given, without pages.
pub fn har(exchanges: &[Exchange], redaction: Redaction) -> Value {
    let entries = exchanges.iter().map(|e| entry(e, redaction)).collect();
    document(Vec::new(), entries, redaction)
}

/// The HAR document for a session: a page per flow (one request the user
/// made) and an entry per hop and attempt, in the order they happened.
pub fn har_session(flows: &[Flow], redaction: Redaction) -> Value {
    let mut pages = Vec::new();
    let mut entries = Vec::new();
    for (i, flow) in flows.iter().enumerate() {
        let id = format!("page_{}", i + 1);
        pages.push(page(flow, &id, redaction));
        for hop in &flow.hops {
            let mut e = entry(&hop.exchange, redaction);
            e["pageref"] = json!(id);
            e["_wirescope"]["flow"] = hop_extras(hop, redaction);
            entries.push(e);
        }
    }
    document(pages, entries, redaction)
}

fn document(pages: Vec<Value>, entries: Vec<Value>, redaction: Redaction) -> Value {
    let comment = match redaction {
        Redaction::On => "credentials redacted (Authorization, cookies, token-like headers and query parameters, URL passwords); bodies as they crossed the wire",
        Redaction::Off => "not redacted: this file may hold credentials",
    };
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "wirescope", "version": env!("CARGO_PKG_VERSION")},
            "pages": pages,
            "entries": entries,
            "comment": comment,
        }
    })
}

fn page(flow: &Flow, id: &str, redaction: Redaction) -> Value {
    let first = flow.hops.first().map(|h| &h.exchange);
    let title = first.map_or(String::new(), |ex| {
        format!("{} {}", ex.method, scrub(redaction, &ex.url))
    });
    // onLoad: from the request's start to the end of its last exchange.
    let on_load = flow.last().and_then(|ex| {
        let end = ex.timeline.started_at + ex.timeline.done?;
        let d = end.duration_since(flow.started_at).ok()?;
        Some(round3(d.as_secs_f64() * 1e3))
    });
    let mut p = json!({
        "startedDateTime": rfc3339(flow.started_at),
        "id": id,
        "title": title,
        "pageTimings": {"onContentLoad": -1, "onLoad": on_load.unwrap_or(-1.0)},
    });
    if let Some(stop) = &flow.stopped {
        p["comment"] = json!(scrub(redaction, stop.message()));
    }
    p
}

/// Why this exchange of a flow happened.
fn hop_extras(hop: &Hop, redaction: Redaction) -> Value {
    let scrub = |s: &str| scrub(redaction, s);
    let cause = match &hop.cause {
        Cause::First => json!({"kind": "first"}),
        Cause::Redirect { status, rule } => {
            json!({"kind": "redirect", "status": status, "rule": scrub(rule)})
        }
        Cause::Retry {
            attempt,
            waited,
            reason,
        } => json!({
            "kind": "retry",
            "attempt": attempt,
            "waited_ms": ms(*waited),
            "reason": scrub(reason),
        }),
    };
    json!({
        "hop": hop.hop,
        "attempt": hop.attempt,
        "cause": cause,
        "notes": hop.notes.iter().map(|n| scrub(n)).collect::<Vec<_>>(),
    })
}

fn ms(d: Duration) -> f64 {
    round3(d.as_secs_f64() * 1e3)
}

/// Free text with the URLs in it redacted, when redacting.
fn scrub(redaction: Redaction, text: &str) -> String {
    match redaction {
        Redaction::On => redact::urls_in_text(text),
        Redaction::Off => text.to_string(),
    }
}

/// One `log.entries[]` item.
pub fn entry(ex: &Exchange, redaction: Redaction) -> Value {
    let stored = HistoryEntry::from_exchange(ex, redaction);
    let t = ex.timeline.har();
    // HAR requires send/wait/receive to be real durations; a phase an
    // exchange never reached took no time. blocked/dns/connect/ssl keep
    // -1 for "does not apply".
    let req = |v: f64| if v < 0.0 { 0.0 } else { v };
    let (send, wait, receive) = (req(t.send), req(t.wait), req(t.receive));
    let phases = [t.blocked, t.dns, t.connect, send, wait, receive];
    // `time` is the sum of the phases (ssl is inside connect), which is
    // the exchange's total whenever every mark was taken.
    let time = round3(phases.iter().filter(|v| **v >= 0.0).sum());
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut e = json!({
        "startedDateTime": rfc3339(ex.timeline.started_at),
        "time": time,
        "request": request(ex, &stored),
        "response": response(ex, &stored),
        "cache": {},
        "timings": {
            "blocked": t.blocked,
            "dns": t.dns,
            "connect": t.connect,
            "ssl": t.ssl,
            "send": send,
            "wait": wait,
            "receive": receive,
        },
        "_wirescope": {
            "protocol": ex.negotiated.as_ref().map(|n| json!({"version": n.version, "why": n.why})),
            "insecure": ex.insecure,
            "warnings": stored.warnings,
            "error": ex.error.as_ref().map(|e| json!({
                "phase": e.phase.name(),
                "message": scrub(redaction, &e.message),
            })),
            "reused": ex.timeline.reused,
            "total": t.total,
            "tls": ex.tls.as_ref().map(|s| json!({"version": s.version, "cipher": s.cipher, "alpn": s.alpn})),
            "truncated": ex.transcript.truncated(),
            "redacted": stored.redacted,
            "remote": stored.remote,
            "notes": stored.notes,
            "timeline": stored.timeline,
            "sent": b64.encode(&stored.sent),
            "received": b64.encode(&stored.received),
            "sent_total": stored.sent_total,
            "received_total": stored.received_total,
        },
    });
    if let (Some(c), Some(obj)) = (&ex.connection, e.as_object_mut()) {
        obj.insert("serverIPAddress".into(), json!(c.remote.ip().to_string()));
        obj.insert("connection".into(), json!(c.id.to_string()));
    }
    e
}
