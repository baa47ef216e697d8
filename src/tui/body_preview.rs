//! The short body preview under the Response pane's headers, made once
//! when an exchange ends, on the UI thread — so it is bounded: at most
//! `PREVIEW_CAP` bytes decoded and `PREVIEW_LINES` lines made, whatever
//! the body's size. It goes through the same pipeline as the Body view
//! (`decode::present`), which shows all of it.

use std::io::{self, Write};

use bytes::Bytes;

use super::app::fmt_bytes;
use super::entry::Preview;
use crate::decode::body::{describe_head, Source};
use crate::decode::coding::DecodeLimits;
use crate::decode::doc::display;
use crate::decode::kind::Kind;
use crate::decode::present::{present, Validate};
use crate::report::escape::sanitize_text;
use crate::wire::Exchange;

const PREVIEW_CAP: usize = 256 * 1024;
const PREVIEW_LINES: usize = 200;

/// Keeps what fits in `cap` bytes.
struct Prefix(Vec<u8>, usize);

impl Write for Prefix {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.1.saturating_sub(self.0.len());
        if room == 0 {
            // Enough: stop the decoder.
            return Err(io::Error::other("preview full"));
        }
        let take = data.len().min(room);
        self.0.extend_from_slice(&data[..take]);
        Ok(take)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A preview decodes a preview's worth (one byte more, to know there is
/// more), within the user's limits.
fn preview_limits(decode: DecodeLimits) -> DecodeLimits {
    DecodeLimits {
        max_decoded: decode.max_decoded.min(PREVIEW_CAP as u64 + 1),
        ..decode
    }
}

pub fn preview(exchange: &Exchange, decode: DecodeLimits) -> Preview {
    let Some(resp) = &exchange.response else {
        return Preview::default();
    };
    if resp.body_len == 0 {
        return Preview {
            kind: "no body".into(),
            lines: Vec::new(),
        };
    }
    // The compressed bytes of a preview's worth of output are fewer.
    let (mut body, mut cut) = describe_head(resp, 4 * PREVIEW_CAP, preview_limits(decode));
    let ctype = resp.header("content-type").unwrap_or("").to_string();
    if !body.codings.is_empty() && body.refused.is_none() {
        let mut prefix = Prefix(Vec::new(), PREVIEW_CAP);
        let outcome = body.decode_to(&mut prefix);
        if prefix.0.len() >= PREVIEW_CAP || cut {
            // Stopped by the preview's own limits, not by the data.
            cut = true;
        } else {
            body.outcome = outcome;
        }
        body.decoded = Some(Source::Mem(Bytes::from(prefix.0)));
    } else if body.raw.len() > PREVIEW_CAP as u64 {
        let head = body
            .raw
            .read_at(0, PREVIEW_CAP)
            .map(|c| c.into_owned())
            .unwrap_or_default();
        body.raw = Source::Mem(Bytes::from(head));
        cut = true;
    }
    let mut p = present(body, &ctype, Validate::Later);
    if cut {
        p.validated = true;
    }
    p.validate();
    let mut kind = p.label();
    if let (Some(enc), true) = (&p.body.content_encoding, p.body.decoded_ok()) {
        kind.push_str(&format!(" · {} decoded", sanitize_text(enc)));
        if !cut {
            kind.push_str(&format!(" to {}", fmt_bytes(p.text.len())));
        }
    }
    let mut lines: Vec<String> = p
        .notes
        .iter()
        .map(|n| format!("⚠ {}", sanitize_text(n)))
        .collect();
    match p.kind {
        Kind::Binary => lines.push(format!(
            "{} bytes of binary data: the Body view (7) shows them in hex",
            p.body.shown().len()
        )),
        Kind::Text(_) => {
            let mut doc = p.doc();
            let shown = doc.lines(0, PREVIEW_LINES + 1).unwrap_or_default();
            let more = shown.len() > PREVIEW_LINES || cut;
            lines.extend(shown.iter().take(PREVIEW_LINES).map(|l| display(&l.bytes)));
            if more {
                lines.push("… the Body view (7, or b) shows all of it".into());
            }
        }
    }
    Preview { kind, lines }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_json_body_previews_its_start_pretty() {
        let mut s = String::from("{\"items\":[");
        for i in 0..100_000 {
            s.push_str(&format!("{{\"id\":{i}}},"));
        }
        s.push_str("{}]}");
        let mut x = crate::tui::fixture::exchange();
        let r = x.response.as_mut().unwrap();
        r.body_len = s.len() as u64;
        r.body = s.into_bytes().into();
        let p = preview(&x, DecodeLimits::default());
        assert_eq!(p.kind, "JSON");
        assert_eq!(p.lines[..3], ["{", "  \"items\": [", "    {"]);
        assert!(p.lines.last().unwrap().contains("Body view"));
        assert!(p.lines.len() <= PREVIEW_LINES + 1);
    }

    #[test]
    fn the_codings_limit_is_the_users() {
        use crate::decode::coding::{encode, Coding};
        let mut wire = b"four deep".to_vec();
        for _ in 0..4 {
            wire = encode(Coding::Gzip, &wire).unwrap();
        }
        let x = crate::tui::fixture_body::body_exchange(
            &[("Content-Encoding", "gzip, gzip, gzip, gzip")],
            wire,
        );
        let refused = preview(&x, DecodeLimits::default()).lines.join("\n");
        assert!(refused.contains("--max-codings"), "{refused}");
        let four = DecodeLimits {
            max_codings: 4,
            ..DecodeLimits::default()
        };
        let shown = preview(&x, four).lines.join("\n");
        assert!(shown.contains("four deep"), "{shown}");
    }
}
