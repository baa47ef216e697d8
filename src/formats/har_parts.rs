//! The `request` and `response` objects of a HAR entry. Headers, URL and
//! request body come from the exchange's `HistoryEntry` (so they are
//! redacted exactly as history redacts them); the response content from
//! the exchange, decoded from its content coding as HAR asks.

use base64::Engine as _;
use serde_json::{json, Value};

use super::history_entry::HistoryEntry;
use super::wire_view;
use crate::wire::Exchange;

/// Milliseconds to three decimals: HAR's precision is the microsecond.
pub(super) fn round3(v: f64) -> f64 {
    (v * 1e3).round() / 1e3
}

fn pairs(list: &[(String, String)]) -> Vec<Value> {
    list.iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect()
}

fn header<'a>(list: &'a [(String, String)], name: &str) -> Option<&'a str> {
    list.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(super) fn request(ex: &Exchange, stored: &HistoryEntry) -> Value {
    let view = wire_view::request(ex);
    let query = url::Url::parse(&stored.url)
        .map(|u| {
            u.query_pairs()
                .map(|(n, v)| json!({"name": n, "value": v}))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let headers = &stored.request_headers;
    let cookies: Vec<Value> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|c| c.split_once('='))
        .map(|(n, v)| json!({"name": n.trim(), "value": v.trim()}))
        .collect();
    let mut r = json!({
        "method": stored.method,
        "url": stored.url,
        "httpVersion": if view.version.is_empty() { "HTTP/1.1".into() } else { view.version.clone() },
        "cookies": cookies,
        "headers": pairs(headers),
        "queryString": query,
        "headersSize": view.head_size.map_or(-1, |n| n as i64),
        "bodySize": stored.request_body.len(),
    });
    if !stored.request_body.is_empty() {
        let mime = header(headers, "content-type").unwrap_or_default();
        let mut post = json!({"mimeType": mime});
        put_text(&mut post, &stored.request_body);
        r["postData"] = post;
    }
    r
}

pub(super) fn response(ex: &Exchange, stored: &HistoryEntry) -> Value {
    let Some(resp) = &ex.response else {
        // HAR has no "no response": browsers write status 0, as here.
        return json!({
            "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "", "headersSize": -1, "bodySize": -1,
        });
    };
    let headers = &stored.response_headers;
    let mime = header(headers, "content-type").unwrap_or("x-unknown");
    let mut content = json!({"mimeType": mime});
    // HAR's content.text is the decoded entity; the wire form's size is
    // bodySize, and the difference is `compression`.
    let decoded = resp
        .header("content-encoding")
        .and_then(|enc| crate::decode::coding::decode(enc, &resp.body, Default::default()).ok())
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
        "cookies": headers.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| set_cookie(v))
            .collect::<Vec<_>>(),
        "headers": pairs(headers),
        "content": content,
        "redirectURL": header(headers, "location").unwrap_or(""),
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
