//! The `request` and `response` objects of a HAR entry. Headers, URL and
//! request body come from the exchange's `HistoryEntry` (so they are
//! redacted exactly as history redacts them); the response content from
//! the exchange, decoded from its content coding as HAR asks.

use std::borrow::Cow;

use serde_json::{json, Value};

use super::history_entry::HistoryEntry;
use super::wire_view;
use crate::report::stream::{Node, Obj};
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

/// The `request` object; the request body is moved out of `stored`
/// (written as it is, never copied).
pub(super) fn request<'a>(ex: &Exchange, stored: &mut HistoryEntry) -> Obj<'a> {
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
    let mut r = Obj::new()
        .with("method", json!(stored.method))
        .with("url", json!(stored.url))
        .with(
            "httpVersion",
            json!(if view.version.is_empty() {
                "HTTP/1.1".into()
            } else {
                view.version.clone()
            }),
        )
        .with("cookies", json!(cookies))
        .with("headers", json!(pairs(headers)))
        .with("queryString", json!(query))
        .with(
            "headersSize",
            json!(view.head_size.map_or(-1, |n| n as i64)),
        )
        .with("bodySize", json!(stored.request_body.len()));
    if !stored.request_body.is_empty() {
        let mime = header(headers, "content-type").unwrap_or_default();
        let mut post = Obj::new().with("mimeType", json!(mime));
        put_text(
            &mut post,
            Cow::Owned(std::mem::take(&mut stored.request_body)),
        );
        r.put("postData", post);
    }
    r
}

/// The `response` object; the body is borrowed from the exchange (or,
/// when it had a content coding, the decoded bytes are moved in).
pub(super) fn response<'a>(ex: &'a Exchange, stored: &HistoryEntry) -> Obj<'a> {
    let Some(resp) = &ex.response else {
        // HAR has no "no response": browsers write status 0, as here.
        return Obj::new()
            .with("status", json!(0))
            .with("statusText", json!(""))
            .with("httpVersion", json!(""))
            .with("cookies", json!([]))
            .with("headers", json!([]))
            .with("content", json!({"size": 0, "mimeType": "x-unknown"}))
            .with("redirectURL", json!(""))
            .with("headersSize", json!(-1))
            .with("bodySize", json!(-1));
    };
    let headers = &stored.response_headers;
    let mime = header(headers, "content-type").unwrap_or("x-unknown");
    let mut content = Obj::new().with("mimeType", json!(mime));
    // HAR's content.text is the decoded entity; the wire form's size is
    // bodySize, and the difference is `compression`.
    let decoded = resp
        .header("content-encoding")
        .and_then(|enc| crate::decode::coding::decode(enc, &resp.body, Default::default()).ok())
        .flatten();
    let text: Cow<'a, [u8]> = match decoded {
        Some(d) => {
            content.put(
                "compression",
                json!(d.bytes.len() as i64 - resp.body.len() as i64),
            );
            Cow::Owned(d.bytes)
        }
        None => Cow::Borrowed(&resp.body),
    };
    content.put("size", json!(text.len()));
    put_text(&mut content, text);
    if resp.body_truncated() {
        content.put(
            "comment",
            json!(format!(
                "body cut at {} of {} bytes (wirescope's memory cap)",
                resp.body.len(),
                resp.body_len
            )),
        );
    }
    let version = match &ex.negotiated {
        Some(n) if n.version == "HTTP/2" => "HTTP/2".to_string(),
        _ => resp.version.clone(),
    };
    Obj::new()
        .with("status", json!(resp.status))
        .with("statusText", json!(resp.reason))
        .with("httpVersion", json!(version))
        .with(
            "cookies",
            json!(headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
                .map(|(_, v)| set_cookie(v))
                .collect::<Vec<_>>()),
        )
        .with("headers", json!(pairs(headers)))
        .with("content", content)
        .with(
            "redirectURL",
            json!(header(headers, "location").unwrap_or("")),
        )
        .with(
            "headersSize",
            json!(if ex.h2.is_some() {
                -1
            } else {
                resp.head_len as i64
            }),
        )
        .with("bodySize", json!(resp.body_len))
}

/// `text`, or base64 with `encoding` when the bytes are not UTF-8;
/// either way written from the bytes given, in pieces, never copied.
fn put_text<'a>(obj: &mut Obj<'a>, bytes: Cow<'a, [u8]>) {
    let text = match bytes {
        Cow::Borrowed(b) => match std::str::from_utf8(b) {
            Ok(s) => Ok(Node::Text(s)),
            Err(_) => Err(Cow::Borrowed(b)),
        },
        Cow::Owned(v) => match String::from_utf8(v) {
            Ok(s) => Ok(Node::Value(Value::String(s))),
            Err(e) => Err(Cow::Owned(e.into_bytes())),
        },
    };
    match text {
        Ok(node) => obj.put("text", node),
        Err(bytes) => {
            obj.put("text", Node::B64(bytes));
            obj.put("encoding", json!("base64"));
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
