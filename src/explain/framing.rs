//! Readings of content and framing headers: Content-Type, Content-Length,
//! Content-Encoding, Transfer-Encoding, Accept-Encoding, Connection and
//! Keep-Alive. Pure functions; must not import ratatui or crossterm.

use super::text::{
    bytes, clean, delta_seconds, join_capped, name_value, seconds, split_list, unquote,
};

/// Friendly names for common media types; `+json`/`+xml` suffixes are
/// handled separately so vendor types read sensibly.
const MEDIA_TYPES: &[(&str, &str)] = &[
    ("application/json", "JSON"),
    (
        "application/problem+json",
        "problem details JSON (RFC 9457 error body)",
    ),
    ("application/xml", "XML"),
    ("text/xml", "XML"),
    ("text/html", "HTML"),
    ("text/plain", "plain text"),
    ("text/css", "CSS"),
    ("text/csv", "CSV"),
    ("text/javascript", "JavaScript"),
    ("application/javascript", "JavaScript"),
    ("text/event-stream", "server-sent events stream"),
    ("application/x-www-form-urlencoded", "URL-encoded form"),
    ("multipart/form-data", "multipart form"),
    ("application/octet-stream", "raw bytes"),
    ("application/pdf", "PDF"),
    ("application/zip", "ZIP archive"),
    ("application/gzip", "gzip file"),
    ("application/grpc", "gRPC"),
    ("application/x-ndjson", "newline-delimited JSON"),
    ("image/png", "PNG image"),
    ("image/jpeg", "JPEG image"),
    ("image/gif", "GIF image"),
    ("image/webp", "WebP image"),
    ("image/svg+xml", "SVG image"),
];

pub(crate) fn content_type(value: &str) -> String {
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let Some((ty, sub)) = essence.split_once('/') else {
        return "malformed media type: expected type/subtype, e.g. application/json".into();
    };
    let name = match MEDIA_TYPES.iter().find(|(m, _)| *m == essence) {
        Some((_, friendly)) => friendly.to_string(),
        None if sub.ends_with("+json") => format!("JSON ({})", clean(&essence, 40)),
        None if sub.ends_with("+xml") => format!("XML ({})", clean(&essence, 40)),
        None => format!("{} ({})", clean(ty, 20), clean(sub, 40)),
    };
    let params: Vec<String> = parts
        .map(name_value)
        .filter(|(n, _)| !n.is_empty())
        .map(|(n, v)| {
            let v = unquote(v.unwrap_or(""));
            format!("{} {}", clean(&n, 20), clean(&v, 40))
        })
        .collect();
    match params.is_empty() {
        true => name,
        false => format!("{name}, {}", join_capped(params, ", ")),
    }
}

pub(crate) fn content_length(value: &str) -> String {
    // A list of identical values is tolerated by RFC 9110 §8.6; anything
    // else is a framing error that proxies may disagree on (smuggling).
    let values = split_list(value);
    let first = values.first().copied().unwrap_or("");
    let Some(n) = delta_seconds(first).filter(|_| first.len() <= 20) else {
        return "not a valid length: must be digits only".into();
    };
    if values.iter().any(|v| *v != first) {
        return "conflicting lengths: a framing error (possible request smuggling)".into();
    }
    match n {
        0 => "0 bytes: empty body".into(),
        n => bytes(n),
    }
}

/// Content-Encoding / Transfer-Encoding codings, in the order applied.
fn coding_name(c: &str) -> String {
    match c.to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" => "gzip".into(),
        "deflate" => "deflate (zlib)".into(),
        "br" => "Brotli".into(),
        "zstd" => "Zstandard".into(),
        "compress" | "x-compress" => "LZW compress (obsolete)".into(),
        "identity" => "identity (none)".into(),
        "chunked" => "chunked".into(),
        other => format!("{} (unknown coding)", clean(other, 30)),
    }
}

pub(crate) fn codings(value: &str, lead: &str) -> Option<String> {
    let list: Vec<String> = split_list(value).into_iter().map(coding_name).collect();
    match list.len() {
        0 => None,
        1 => Some(format!("{lead} {}", list[0])),
        _ => Some(format!(
            "{lead} {}, applied in that order",
            join_capped(list, ", then ")
        )),
    }
}

pub(crate) fn transfer_encoding(value: &str) -> String {
    let list = split_list(value);
    let chunked_last = list
        .last()
        .is_some_and(|c| c.eq_ignore_ascii_case("chunked"));
    let chunked_count = list
        .iter()
        .filter(|c| c.eq_ignore_ascii_case("chunked"))
        .count();
    let mut out = match (list.len(), chunked_last) {
        (0, _) => return "empty: no transfer coding".into(),
        (1, true) => "chunked: sent in sized chunks ending with a zero-length chunk, \
                      length not known up front"
            .to_string(),
        _ => codings(value, "body framed as").unwrap_or_default(),
    };
    if !chunked_last || chunked_count > 1 {
        out.push_str("; chunked must be applied exactly once and last (else: read until close)");
    }
    out.push_str("; HTTP/1.1 only, forbidden in HTTP/2");
    out
}

pub(crate) fn accept_encoding(value: &str) -> Option<String> {
    let (mut accepts, mut refuses) = (Vec::new(), Vec::new());
    for item in split_list(value) {
        let mut parts = item.split(';');
        let coding = clean(parts.next().unwrap_or("").trim(), 20);
        let q = parts
            .map(name_value)
            .find(|(n, _)| n == "q")
            .and_then(|(_, v)| v.and_then(|v| v.parse::<f32>().ok()));
        let coding = if coding == "*" {
            "any other".into()
        } else {
            coding
        };
        match q {
            Some(q) if q <= 0.0 => refuses.push(coding),
            Some(q) if q < 1.0 => accepts.push(format!("{coding} (q={q})")),
            _ => accepts.push(coding),
        }
    }
    let mut out = Vec::new();
    if !accepts.is_empty() {
        out.push(format!("can decode {}", join_capped(accepts, ", ")));
    }
    if !refuses.is_empty() {
        out.push(format!("refuses {}", join_capped(refuses, ", ")));
    }
    (!out.is_empty()).then(|| out.join("; "))
}

pub(crate) fn connection(value: &str) -> Option<String> {
    let items: Vec<String> = split_list(value)
        .into_iter()
        .map(|o| match o.to_ascii_lowercase().as_str() {
            "close" => "close: the connection ends after this message".into(),
            "keep-alive" => "keep-alive: keep the connection open for reuse".into(),
            "upgrade" => "upgrade: a protocol switch is requested (see Upgrade)".into(),
            other => format!(
                "{}: hop-by-hop header, removed by proxies",
                clean(other, 30)
            ),
        })
        .collect();
    (!items.is_empty()).then(|| join_capped(items, "; "))
}

pub(crate) fn keep_alive(value: &str) -> Option<String> {
    let mut out = Vec::new();
    for item in split_list(value) {
        match name_value(item) {
            (n, Some(v)) if n == "timeout" => match delta_seconds(v) {
                Some(s) => out.push(format!("idle connection closed after {}", seconds(s))),
                None => out.push("timeout is not a number".into()),
            },
            (n, Some(v)) if n == "max" => match delta_seconds(v) {
                Some(m) => out.push(format!("at most {m} more requests on this connection")),
                None => out.push("max is not a number".into()),
            },
            _ => {}
        }
    }
    (!out.is_empty()).then(|| out.join("; "))
}

#[cfg(test)]
mod tests {
    fn read(name: &str, value: &str) -> Option<String> {
        super::super::read_header(name, value, None)
    }

    #[test]
    fn content_type_readings() {
        assert_eq!(
            read("Content-Type", "application/json; charset=utf-8").unwrap(),
            "JSON, charset utf-8"
        );
        assert_eq!(read("content-type", "TEXT/HTML").unwrap(), "HTML");
        assert_eq!(
            read("Content-Type", "multipart/form-data; boundary=\"xyz\"").unwrap(),
            "multipart form, boundary xyz"
        );
        assert_eq!(
            read("Content-Type", "application/vnd.api+json").unwrap(),
            "JSON (application/vnd.api+json)"
        );
        assert_eq!(read("Content-Type", "font/woff2").unwrap(), "font (woff2)");
        assert!(read("Content-Type", "json")
            .unwrap()
            .starts_with("malformed"));
    }

    #[test]
    fn content_length_readings() {
        assert_eq!(
            read("Content-Length", "1234").unwrap(),
            "1,234 bytes (1.2 KiB)"
        );
        assert_eq!(read("Content-Length", "12").unwrap(), "12 bytes");
        assert_eq!(read("Content-Length", "0").unwrap(), "0 bytes: empty body");
        assert_eq!(read("Content-Length", "42, 42").unwrap(), "42 bytes");
        assert!(read("Content-Length", "42, 43")
            .unwrap()
            .contains("smuggling"));
        assert!(read("Content-Length", "-1")
            .unwrap()
            .starts_with("not a valid"));
        assert!(read("Content-Length", "+5")
            .unwrap()
            .starts_with("not a valid"));
        assert!(read("Content-Length", &"9".repeat(30))
            .unwrap()
            .starts_with("not a valid"));
    }

    #[test]
    fn codings() {
        assert_eq!(
            read("Content-Encoding", "gzip").unwrap(),
            "body compressed with gzip"
        );
        assert_eq!(
            read("Content-Encoding", "gzip, br").unwrap(),
            "body compressed with gzip, then Brotli, applied in that order"
        );
        assert!(read("Content-Encoding", "").is_none());
        let te = read("Transfer-Encoding", "chunked").unwrap();
        assert!(te.starts_with("chunked: sent in sized chunks") && !te.contains("exactly once"));
        let te = read("Transfer-Encoding", "chunked, gzip").unwrap();
        assert!(te.contains("exactly once and last"), "{te}");
        assert_eq!(
            read("Accept-Encoding", "gzip, deflate, br;q=0.5, identity;q=0").unwrap(),
            "can decode gzip, deflate, br (q=0.5); refuses identity"
        );
        assert_eq!(
            read("Accept-Encoding", "*").unwrap(),
            "can decode any other"
        );
    }

    #[test]
    fn connection_and_keep_alive() {
        assert_eq!(
            read("Connection", "close").unwrap(),
            "close: the connection ends after this message"
        );
        assert!(read("Connection", "keep-alive, X-Foo")
            .unwrap()
            .contains("x-foo: hop-by-hop"));
        assert_eq!(
            read("Keep-Alive", "timeout=5, max=100").unwrap(),
            "idle connection closed after 5 s; at most 100 more requests on this connection"
        );
        assert!(read("Keep-Alive", "foo").is_none());
    }
}
