//! HAR 1.2 export (http://www.softwareishard.com/blog/har-12-spec/): one
//! `log.entries[]` item per exchange, headers in wire order and case,
//! bodies as text or base64 with `encoding`, HAR timings from the
//! exchange's own marks, and wirescope's extras under `_wirescope`.

use base64::Engine as _;
use serde_json::{json, Value};

use super::time::rfc3339;
use super::wire_view;
use crate::wire::Exchange;

/// The HAR document for `exchanges`, in the order given.
pub fn har(exchanges: &[Exchange]) -> Value {
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "wirescope", "version": env!("CARGO_PKG_VERSION")},
            "pages": [],
            "entries": exchanges.iter().map(entry).collect::<Vec<_>>(),
        }
    })
}

/// One `log.entries[]` item.
pub fn entry(ex: &Exchange) -> Value {
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
    let mut e = json!({
        "startedDateTime": rfc3339(ex.timeline.started_at),
        "time": time,
        "request": request(ex),
        "response": response(ex),
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
            "warnings": ex.warnings,
            "error": ex.error.as_ref().map(|e| json!({"phase": e.phase.name(), "message": e.message})),
            "reused": ex.timeline.reused,
            "total": t.total,
            "tls": ex.tls.as_ref().map(|s| json!({"version": s.version, "cipher": s.cipher, "alpn": s.alpn})),
            "truncated": ex.transcript.truncated(),
        },
    });
    if let (Some(c), Some(obj)) = (&ex.connection, e.as_object_mut()) {
        obj.insert("serverIPAddress".into(), json!(c.remote.ip().to_string()));
        obj.insert("connection".into(), json!(c.id.to_string()));
    }
    e
}

fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

fn pairs(list: &[(String, String)]) -> Vec<Value> {
    list.iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect()
}

fn request(ex: &Exchange) -> Value {
    let view = wire_view::request(ex);
    let query = url::Url::parse(&ex.url)
        .map(|u| {
            u.query_pairs()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let header = |name: &str| {
        view.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let cookies: Vec<Value> = view
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|c| c.split_once('='))
        .map(|(n, v)| json!({"name": n.trim(), "value": v.trim()}))
        .collect();
    let mut r = json!({
        "method": ex.method,
        "url": ex.url,
        "httpVersion": if view.version.is_empty() { "HTTP/1.1".into() } else { view.version.clone() },
        "cookies": cookies,
        "headers": pairs(&view.headers),
        "queryString": query,
        "headersSize": view.head_size.map_or(-1, |n| n as i64),
        "bodySize": view.body.len(),
    });
    if !view.body.is_empty() {
        let mime = header("content-type").unwrap_or_default();
        let mut post = json!({"mimeType": mime});
        put_text(&mut post, &view.body);
        r["postData"] = post;
    }
    r
}

fn response(ex: &Exchange) -> Value {
    let Some(resp) = &ex.response else {
        // HAR has no "no response": browsers write status 0, as here.
        return json!({
            "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "", "headersSize": -1, "bodySize": -1,
        });
    };
    let mime = resp.header("content-type").unwrap_or("x-unknown");
    let mut content = json!({"mimeType": mime});
    // HAR's content.text is the decoded entity; the wire form's size is
    // bodySize, and the difference is `compression`.
    let decoded = resp
        .header("content-encoding")
        .and_then(|enc| crate::decode::coding::decode(enc, &resp.body, 64 * 1024 * 1024).ok())
        .flatten();
    let text = match &decoded {
        Some(d) => {
            content["compression"] = json!(d.bytes.len() as i64 - resp.body.len() as i64);
            &d.bytes
        }
        None => &resp.body,
    };
    content["size"] = json!(text.len());
    put_text(&mut content, text);
    if resp.body_truncated() {
        content["comment"] = json!(format!(
            "body cut at {} of {} bytes (wirescope's memory cap)",
            resp.body.len(),
            resp.body_len
        ));
    }
    let version = match &ex.negotiated {
        Some(n) if n.version == "HTTP/2" => "HTTP/2".to_string(),
        _ => resp.version.clone(),
    };
    json!({
        "status": resp.status,
        "statusText": resp.reason,
        "httpVersion": version,
        "cookies": resp.headers.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| set_cookie(v))
            .collect::<Vec<_>>(),
        "headers": pairs(&resp.headers),
        "content": content,
        "redirectURL": resp.header("location").unwrap_or(""),
        "headersSize": if ex.h2.is_some() { -1 } else { resp.head_len as i64 },
        "bodySize": resp.body_len,
    })
}

/// `text`, or base64 with `encoding` when the bytes are not UTF-8.
fn put_text(obj: &mut Value, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => obj["text"] = json!(s),
        Err(_) => {
            obj["text"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
            obj["encoding"] = json!("base64");
        }
    }
}

/// A `Set-Cookie` value as a HAR cookie object.
fn set_cookie(v: &str) -> Value {
    let mut parts = v.split(';');
    let (name, value) = parts
        .next()
        .and_then(|nv| nv.split_once('='))
        .unwrap_or(("", ""));
    let mut c = json!({"name": name.trim(), "value": value.trim()});
    for attr in parts {
        let (k, val) = attr.split_once('=').unwrap_or((attr, ""));
        match k.trim().to_ascii_lowercase().as_str() {
            "path" => c["path"] = json!(val.trim()),
            "domain" => c["domain"] = json!(val.trim()),
            "expires" => c["expires"] = json!(val.trim()),
            "httponly" => c["httpOnly"] = json!(true),
            "secure" => c["secure"] = json!(true),
            _ => {}
        }
    }
    c
}
