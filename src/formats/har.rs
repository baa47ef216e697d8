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

use std::borrow::Cow;

use serde_json::{json, Value};

use super::har_parts::{request, response, round3};
use super::history_entry::HistoryEntry;
use super::redact::{self, Redaction};
use super::time::rfc3339;
use crate::report::stream::{Node, Obj};
use crate::wire::policy::{Cause, Flow, Hop};
use crate::wire::Exchange;

/// The HAR document for `exchanges`, in the order given, without pages.
pub fn har(exchanges: &[Exchange], redaction: Redaction) -> Value {
    let entries = exchanges.iter().map(|e| entry(e, redaction)).collect();
    document(Vec::new(), entries, redaction)
}

/// The HAR document for a session: a page per flow (one request the user
/// made) and an entry per hop and attempt, in the order they happened.
/// (`send --har` writes the same pages and entries as each flow ends:
/// `har_stream::HarWriter`.)
pub fn har_session(flows: &[Flow], redaction: Redaction) -> Value {
    let mut pages = Vec::new();
    let mut entries = Vec::new();
    for (i, flow) in flows.iter().enumerate() {
        let id = page_id(i);
        pages.push(page(flow, &id, redaction));
        for hop in &flow.hops {
            entries.push(flow_entry(hop, &id, redaction).to_value());
        }
    }
    document(pages, entries, redaction)
}

/// The id of the `i`th page (from 0) of a session.
pub(super) fn page_id(i: usize) -> String {
    format!("page_{}", i + 1)
}

/// A session's entry for one hop or attempt: the exchange's entry, its
/// page and why it happened.
pub(super) fn flow_entry<'a>(hop: &'a Hop, page: &str, redaction: Redaction) -> Obj<'a> {
    let mut e = entry_doc(&hop.exchange, redaction);
    e.put("pageref", json!(page));
    if let Some(w) = e.object_mut("_wirescope") {
        w.put("flow", hop_extras(hop, redaction));
    }
    e
}

fn document(pages: Vec<Value>, entries: Vec<Value>, redaction: Redaction) -> Value {
    let mut log = serde_json::Map::new();
    log.extend(log_head().into_iter().map(|(k, v)| (k.to_string(), v)));
    log.insert("pages".into(), Value::Array(pages));
    log.insert("entries".into(), Value::Array(entries));
    log.extend(
        log_tail(redaction)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v)),
    );
    json!({ "log": log })
}

/// `log`'s fields before its lists.
pub(super) fn log_head() -> [(&'static str, Value); 2] {
    [
        ("version", json!("1.2")),
        (
            "creator",
            json!({"name": "wirescope", "version": env!("CARGO_PKG_VERSION")}),
        ),
    ]
}

/// `log`'s fields after its lists.
pub(super) fn log_tail(redaction: Redaction) -> [(&'static str, Value); 1] {
    let comment = match redaction {
        Redaction::On => "credentials redacted (Authorization, cookies, token-like headers and query parameters, URL passwords); bodies as they crossed the wire",
        Redaction::Off => "not redacted: this file may hold credentials",
    };
    [("comment", json!(comment))]
}

pub(super) fn page(flow: &Flow, id: &str, redaction: Redaction) -> Value {
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
    entry_doc(ex, redaction).to_value()
}

/// One `log.entries[]` item, ready to be written: the response body is
/// borrowed from the exchange, the (redacted) wire bytes and request body
/// moved in, and all of them written in pieces.
pub fn entry_doc(ex: &Exchange, redaction: Redaction) -> Obj<'_> {
    let mut stored = HistoryEntry::from_exchange(ex, redaction);
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
    let request = request(ex, &mut stored);
    let response = response(ex, &stored);
    let extras = Obj::new()
        .with(
            "protocol",
            json!(ex
                .negotiated
                .as_ref()
                .map(|n| json!({"version": n.version, "why": n.why}))),
        )
        .with("insecure", json!(ex.insecure))
        .with("warnings", json!(stored.warnings))
        .with(
            "error",
            json!(ex.error.as_ref().map(|e| json!({
                "phase": e.phase.name(),
                "message": scrub(redaction, &e.cli_message()),
            }))),
        )
        .with("reused", json!(ex.timeline.reused))
        .with("_tcp", json!(ex.connection.as_ref().and_then(|c| c.tcp)))
        .with("total", json!(t.total))
        .with(
            "tls",
            json!(ex
                .tls
                .as_ref()
                .map(|s| json!({"version": s.version, "cipher": s.cipher, "alpn": s.alpn}))),
        )
        .with("truncated", json!(ex.transcript.truncated()))
        .with("redacted", json!(stored.redacted))
        .with("remote", json!(stored.remote))
        .with("notes", json!(stored.notes))
        .with("timeline", json!(stored.timeline))
        .with(
            "sent",
            Node::B64(Cow::Owned(std::mem::take(&mut stored.sent))),
        )
        .with(
            "received",
            Node::B64(Cow::Owned(std::mem::take(&mut stored.received))),
        )
        .with("sent_total", json!(stored.sent_total))
        .with("received_total", json!(stored.received_total));
    let mut e = Obj::new()
        .with("startedDateTime", json!(rfc3339(ex.timeline.started_at)))
        .with("time", json!(time))
        .with("request", request)
        .with("response", response)
        .with("cache", json!({}))
        .with("timings", {
            let mut timings = json!({
                "blocked": t.blocked,
                "dns": t.dns,
                "connect": t.connect,
                "ssl": t.ssl,
                "send": send,
                "wait": wait,
                "receive": receive,
            });
            // A proxy tunnel is inside `connect` (as ssl is); said apart
            // in a custom field, only when there was one.
            if t.tunnel >= 0.0 {
                timings["_tunnel"] = json!(t.tunnel);
            }
            timings
        })
        .with("_wirescope", extras);
    if let Some(c) = &ex.connection {
        e.put("serverIPAddress", json!(c.remote.ip().to_string()));
        e.put("connection", json!(c.id.to_string()));
    }
    e
}
