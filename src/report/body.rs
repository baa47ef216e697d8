//! A body as people read it in the CLI report: content codings undone
//! (sizes and ratio said), the charset applied, JSON pretty-printed in key
//! order, text escaped line by line, binary summarised, and what went
//! wrong said plainly. The same pipeline as the TUI's Body view
//! (`decode::present`), so both say the same thing about the same bytes.

use std::io::{self, Write};

use bytes::Bytes;

use super::escape::sanitize_text;
use crate::decode::body::{self, Source};
use crate::decode::coding::DecodeLimits;
use crate::decode::doc::display;
use crate::decode::kind::Kind;
use crate::decode::present::{present, Validate};
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
    match crate::decode::kind::classify(content_type, &bytes[..bytes.len().min(8192)], false) {
        Kind::Binary => BodyKind::Binary,
        Kind::Text(crate::decode::kind::Lang::Json) => BodyKind::Json,
        Kind::Text(_) => BodyKind::Text,
    }
}

/// Keeps the first `cap` bytes written and counts the rest.
struct Prefix {
    kept: Vec<u8>,
    cap: usize,
}

impl Write for Prefix {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&data[..data.len().min(room)]);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// "1234 bytes on the wire → 5678 bytes decoded (4.6×)".
pub fn sizes(wire: u64, decoded: u64, more: bool) -> String {
    let plus = if more { "+" } else { "" };
    let ratio = if wire > 0 && decoded > 0 {
        format!(" ({:.1}×)", decoded as f64 / wire as f64)
    } else {
        String::new()
    };
    format!("{wire} bytes on the wire → {decoded}{plus} bytes decoded{ratio}")
}

/// Up to `max_lines` display-safe lines of the body as the application
/// sees it: content codings undone (the wire keeps the compressed bytes).
pub fn preview(resp: &Response, max_lines: usize, limits: DecodeLimits) -> Vec<String> {
    let mut lines = Vec::new();
    // No body at all (HEAD, 204, 304, or an empty one): nothing to parse,
    // whatever Content-Type announces.
    if resp.body_len == 0 {
        let why = match resp.framing {
            crate::wire::exchange::Framing::NoBody => {
                "[no body: this response carries none (a HEAD, 204 or 304), whatever its headers announce]"
            }
            _ => "[empty body]",
        };
        lines.push(why.to_string());
        return lines;
    }
    let ctype = resp.header("content-type").unwrap_or_default().to_string();
    // Codings are undone all the way (to say the decoded size); otherwise
    // a preview's worth of the body is enough, not a copy of all of it.
    let (mut b, mut cut) = body::describe_head(resp, PREVIEW_CAP, limits);
    if !b.codings.is_empty() && b.refused.is_none() {
        b = body::describe(resp, limits);
        let mut prefix = Prefix {
            kept: Vec::new(),
            cap: PREVIEW_CAP,
        };
        b.outcome = b.decode_to(&mut prefix);
        cut = b.outcome.written > prefix.kept.len() as u64;
        lines.push(format!(
            "[Content-Encoding: {} · {}]",
            sanitize_text(b.content_encoding.as_deref().unwrap_or("")),
            sizes(b.wire_len, b.outcome.written, b.outcome.limit_reached)
        ));
        b.decoded = Some(Source::Mem(Bytes::from(prefix.kept)));
    } else if b.raw.len() > PREVIEW_CAP as u64 {
        b.raw = Source::Mem(Bytes::from(
            b.raw
                .read_at(0, PREVIEW_CAP)
                .map(|c| c.into_owned())
                .unwrap_or_default(),
        ));
        cut = true;
    }
    let mut p = present(b, &ctype, Validate::Later);
    if cut {
        // A prefix is never valid JSON; its beginning is shown pretty.
        p.validated = true;
    }
    p.validate();
    for note in &p.notes {
        lines.push(format!("[{}]", sanitize_text(note)));
    }
    let shown = p.text.len();
    let body: Vec<String> = match p.kind {
        _ if shown == 0 => Vec::new(),
        Kind::Binary => vec![format!(
            "[{} bytes of binary data — see the hex view]",
            p.body.shown().len()
        )],
        Kind::Text(_) => p
            .doc()
            .lines(0, max_lines + 1)
            .unwrap_or_default()
            .iter()
            .map(|l| {
                let mut s = display(&l.bytes);
                if l.cut {
                    s.push('…');
                }
                s
            })
            .collect(),
    };
    let more = body.len() > max_lines;
    lines.extend(body.into_iter().take(max_lines));
    if more || (cut && p.kind != Kind::Binary) {
        lines.push("…".into());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    fn resp(ctype: &str, body: &[u8]) -> Response {
        crate::decode::body::tests::response(&[("Content-Type", ctype)], body)
    }

    #[test]
    fn no_body_is_said_not_parsed() {
        let mut r = resp("application/json", b"");
        r.body_len = 0;
        r.framing = crate::wire::exchange::Framing::NoBody;
        let p = preview(&r, 10, DecodeLimits::default());
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("[no body"), "{p:?}");
        r.framing = crate::wire::exchange::Framing::ContentLength(0);
        assert_eq!(preview(&r, 10, DecodeLimits::default()), ["[empty body]"]);
    }

    #[test]
    fn json_is_pretty_and_keeps_key_order() {
        let r = resp("application/json", br#"{"b":1,"a":[true]}"#);
        assert_eq!(
            preview(&r, 10, DecodeLimits::default()),
            vec!["{", "  \"b\": 1,", "  \"a\": [", "    true", "  ]", "}"]
        );
    }

    #[test]
    fn content_codings_are_undone_for_the_preview() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(br#"{"zipped":true}"#).unwrap();
        let gz = enc.finish().unwrap();
        let mut r = resp("application/json", &gz);
        r.headers.push(("Content-Encoding".into(), "gzip".into()));
        let p = preview(&r, 10, DecodeLimits::default());
        assert!(p[0].starts_with("[Content-Encoding: gzip"), "{p:?}");
        assert!(
            p[0].contains(&format!(
                "{} bytes on the wire → 15 bytes decoded",
                gz.len()
            )),
            "{p:?}"
        );
        assert_eq!(p[2], "  \"zipped\": true");
        r.body = gz[..gz.len() - 5].to_vec().into();
        r.body_len = r.body.len() as u64;
        let p = preview(&r, 10, DecodeLimits::default());
        assert!(
            p[1].contains("gzip: the compressed data ends early (truncated)"),
            "{p:?}"
        );
        assert_eq!(p[3], "  \"zipped\": true", "what decoded is shown: {p:?}");
    }

    #[test]
    fn a_bomb_is_stopped_and_said() {
        // 70 gzip members of 1 MiB of spaces each: 70 MiB decoded.
        let member =
            crate::decode::coding::encode(crate::decode::coding::Coding::Gzip, &[b' '; 1 << 20])
                .unwrap();
        let gz = member.repeat(70);
        let mut r = resp("text/plain", &gz);
        r.headers.push(("Content-Encoding".into(), "gzip".into()));
        let p = preview(&r, 3, DecodeLimits::default());
        assert!(p[0].contains("67108864+ bytes decoded"), "{p:?}");
        assert!(
            p[1].contains("decoded size limit reached at 67108864 bytes"),
            "{p:?}"
        );
    }

    #[test]
    fn controls_never_survive_and_binary_is_summarised() {
        let r = resp("text/plain", b"hi \x1b[2J there\x07");
        assert!(!preview(&r, 5, DecodeLimits::default())
            .concat()
            .contains('\x1b'));
        let b = resp("application/octet-stream", b"\x00\x01\xff");
        assert!(preview(&b, 5, DecodeLimits::default())[0].contains("3 bytes of binary"));
        assert_eq!(kind(br#"{"a":1}"#, ""), BodyKind::Json);
    }
}
