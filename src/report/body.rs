//! A body as people read it: JSON pretty-printed in key order, text
//! escaped line by line, binary summarised. Shared by the CLI report and
//! the TUI so both say the same thing about the same bytes.

use super::escape::sanitize_text;
use crate::wire::Response;

/// What kind of body this is, by Content-Type and then by sniffing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Empty,
    Json,
    Text,
    Binary,
}

/// Decoded bytes previewed at most (a preview, not the whole body).
const PREVIEW_CAP: usize = 1024 * 1024;

pub fn kind(bytes: &[u8], content_type: &str) -> BodyKind {
    if bytes.is_empty() {
        return BodyKind::Empty;
    }
    let ctype = content_type.to_ascii_lowercase();
    let sniff = &bytes[..bytes.len().min(4096)];
    let binary = sniff.contains(&0) || std::str::from_utf8(valid_prefix(sniff)).is_err();
    if binary {
        return BodyKind::Binary;
    }
    let first = sniff.iter().find(|b| !b.is_ascii_whitespace());
    if ctype.contains("json") || (ctype.is_empty() && matches!(first, Some(b'{') | Some(b'['))) {
        return BodyKind::Json;
    }
    BodyKind::Text
}

/// The sniffed prefix without a UTF-8 sequence cut at its end.
fn valid_prefix(b: &[u8]) -> &[u8] {
    match std::str::from_utf8(b) {
        Ok(_) => b,
        Err(e) if e.error_len().is_none() => &b[..e.valid_up_to()],
        Err(_) => b,
    }
}

/// Up to `max_lines` display-safe lines of the body as the application
/// sees it: content codings undone (the wire keeps the compressed bytes).
pub fn preview(resp: &Response, max_lines: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let decoded;
    let bytes: &[u8] = match resp.header("content-encoding").map(str::trim).filter(|e| !e.is_empty()) {
        None => &resp.body,
        Some(enc) => match crate::decode::coding::decode(enc, &resp.body, PREVIEW_CAP) {
            Ok(None) => &resp.body,
            Ok(Some(d)) => {
                lines.push(format!(
                    "[Content-Encoding: {} · {} bytes on the wire, {}{} decoded]",
                    sanitize_text(enc),
                    resp.body_len,
                    d.bytes.len(),
                    if d.capped { "+" } else { "" }
                ));
                decoded = d.bytes;
                &decoded
            }
            Err(e) => {
                return vec![format!(
                    "[{} bytes with Content-Encoding: {}; could not decode them ({}) — the raw bytes are in the hex view]",
                    resp.body_len,
                    sanitize_text(enc),
                    sanitize_text(&e)
                )]
            }
        },
    };
    let body = match kind(bytes, resp.header("content-type").unwrap_or_default()) {
        BodyKind::Empty => Vec::new(),
        BodyKind::Binary => vec![format!(
            "[{} bytes of binary data — see the hex view]",
            bytes.len()
        )],
        BodyKind::Json => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(v) => serde_json::to_string_pretty(&v)
                .unwrap_or_default()
                .lines()
                .take(max_lines + 1)
                .map(sanitize_text)
                .collect(),
            Err(_) => text_lines(bytes, max_lines + 1),
        },
        BodyKind::Text => text_lines(bytes, max_lines + 1),
    };
    let more = body.len() > max_lines;
    lines.extend(body.into_iter().take(max_lines));
    if more {
        lines.push("…".into());
    }
    if resp.body_truncated() {
        lines.push(format!(
            "[body truncated: {} of {} bytes kept]",
            resp.body.len(),
            resp.body_len
        ));
    }
    lines
}

fn text_lines(bytes: &[u8], max: usize) -> Vec<String> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(256 * 1024)]);
    text.lines().take(max).map(sanitize_text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::exchange::Framing;

    fn resp(ctype: &str, body: &[u8]) -> Response {
        Response {
            version: "HTTP/1.1".into(),
            status: 200,
            reason: "OK".into(),
            headers: vec![("Content-Type".into(), ctype.into())],
            interim: vec![],
            head_start: 0,
            head_len: 0,
            framing: Framing::ContentLength(body.len() as u64),
            body: body.to_vec(),
            body_len: body.len() as u64,
            chunk_count: 0,
            body_file: None,
        }
    }

    #[test]
    fn json_is_pretty_and_keeps_key_order() {
        let r = resp("application/json", br#"{"b":1,"a":[true]}"#);
        assert_eq!(
            preview(&r, 10),
            vec!["{", "  \"b\": 1,", "  \"a\": [", "    true", "  ]", "}"]
        );
    }

    #[test]
    fn content_codings_are_undone_for_the_preview() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(br#"{"zipped":true}"#).unwrap();
        let mut r = resp("application/json", &enc.finish().unwrap());
        r.headers.push(("Content-Encoding".into(), "gzip".into()));
        let p = preview(&r, 10);
        assert!(p[0].starts_with("[Content-Encoding: gzip"), "{p:?}");
        assert_eq!(p[2], "  \"zipped\": true");
        r.body = b"not gzip at all".to_vec();
        assert!(preview(&r, 10)[0].contains("could not decode"));
    }

    #[test]
    fn controls_never_survive_and_binary_is_summarised() {
        let r = resp("text/plain", b"hi \x1b[2J there\x07");
        assert!(!preview(&r, 5).concat().contains('\x1b'));
        let b = resp("application/octet-stream", b"\x00\x01\xff");
        assert!(preview(&b, 5)[0].contains("3 bytes of binary"));
    }
}
