//! Raw export: the exact HTTP/1.1 bytes wirescope writes for a request,
//! to save, edit and send again with `wirescope send --raw`. A raw-mode
//! request is its own bytes.
//!
//! The bytes come from the engine's own request writer
//! (`wire::build_request`), so the export is what the wire would carry.
//! Only a request the engine refuses (a name or value that would break the
//! message) is assembled here the same way, with its bytes as they are:
//! raw mode is where malformed bytes are allowed.

use super::export::has_header;
use crate::wire::RequestSpec;

/// The bytes wirescope sends for `spec` over HTTP/1.1.
pub fn to_raw(spec: &RequestSpec) -> Vec<u8> {
    crate::wire::build_request(spec).unwrap_or_else(|_| assemble(spec))
}

/// The engine's layout, for requests the engine itself refuses to build.
fn assemble(spec: &RequestSpec) -> Vec<u8> {
    let parsed = url::Url::parse(&spec.url).ok();
    let target = match &parsed {
        Some(u) => match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        },
        // The engine refuses an unparsable URL; the nearest thing to
        // what the user meant is the text itself as the target.
        None => spec.url.clone(),
    };
    let mut out = Vec::with_capacity(256 + spec.body.as_ref().map_or(0, Vec::len));
    out.extend_from_slice(format!("{} {target} HTTP/1.1\r\n", spec.method).as_bytes());
    let mut line = |n: &str, v: &str| {
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    if !has_header(spec, "host") {
        let host = parsed.as_ref().map_or(String::new(), |u| {
            let h = u.host_str().unwrap_or_default();
            match u.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            }
        });
        line("Host", &host);
    }
    if !has_header(spec, "user-agent") {
        line("User-Agent", crate::wire::h1_user_agent());
    }
    if !has_header(spec, "accept") {
        line("Accept", "*/*");
    }
    for (n, v) in &spec.headers {
        line(n, v);
    }
    if let Some(body) = &spec.body {
        if !has_header(spec, "content-length") && !has_header(spec, "transfer-encoding") {
            line("Content-Length", &body.len().to_string());
        }
    }
    out.extend_from_slice(b"\r\n");
    if let Some(body) = &spec.body {
        out.extend_from_slice(body);
    }
    out
}
