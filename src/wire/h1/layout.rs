//! Where a response in memory is framed, by the reader's own rules: the
//! same head parser, RFC 9112 §6.3 decision and chunked decoder as
//! `read_response`, run over bytes already received. For streams with no
//! finished record yet (a response still arriving, a stored one); a
//! finished exchange carries its record in `Response::body_layout`.

use std::ops::Range;

use super::super::chunked::ChunkedDecoder;
use super::super::exchange::{BodyLayout, Framing};
use super::super::spec::Limits;
use super::head::{find_head_end, framing, parse_head};

/// The final head and the body after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseLayout {
    /// Status line through the blank line; interim heads come before it.
    pub head: Range<usize>,
    pub body: BodyLayout,
}

/// How the reader frames `bytes` (a response stream from its first byte),
/// `None` while no final head is complete or when the reader would refuse
/// the head (it then has no framing to show).
pub fn layout_of(bytes: &[u8], head_request: bool) -> Option<ResponseLayout> {
    let limits = Limits::default();
    let mut warnings = Vec::new();
    let mut start = 0;
    for _ in 0..=limits.max_interim {
        let rest = bytes.get(start..)?;
        let end = find_head_end(rest, 0)?;
        if end > limits.max_head_bytes {
            return None;
        }
        let (head, len) = parse_head(&rest[..end], limits, &mut warnings).ok()?;
        if head.status == 101 {
            return None;
        }
        if (100..200).contains(&head.status) {
            start += len;
            continue;
        }
        let (framing, _) = framing(&head, head_request, &mut warnings).ok()?;
        let body_start = start + len;
        let body = &bytes[body_start..];
        let until = |n: usize| BodyLayout {
            range: body_start..body_start + n,
            ..BodyLayout::default()
        };
        let body = match framing {
            Framing::Chunked => {
                let mut dec = ChunkedDecoder::at(body_start);
                let mut layout = dec.layout();
                // A fault ends the record where the reader would stop.
                let _ = dec.feed(body, &mut |_| {}, &mut layout);
                layout
            }
            Framing::ContentLength(n) => {
                until(usize::try_from(n).unwrap_or(usize::MAX).min(body.len()))
            }
            Framing::CloseDelimited => until(body.len()),
            Framing::NoBody | Framing::Http2 | Framing::Http3 => until(0),
        };
        return Some(ResponseLayout {
            head: start..body_start,
            body,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_as_the_reader_does() {
        // TE wins over CL and does not end in chunked: until close.
        let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef";
        let l = layout_of(b, false).unwrap();
        assert_eq!(&b[l.body.range.clone()], b"abcdef");
        // A long zero-padded chunk size is still a size.
        let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n";
        let l = layout_of(b, false).unwrap();
        assert_eq!(l.body.chunks.len(), 2);
        assert_eq!(&b[l.body.chunks[0].data.clone()], b"x");
        // Interim heads come before the final one; HEAD has no body.
        let b = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
        let l = layout_of(b, true).unwrap();
        assert_eq!(l.head.start, 25);
        assert!(l.body.range.is_empty());
        // Conflicting lengths: the reader refuses, so no framing.
        let b = b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
        assert_eq!(layout_of(b, false), None);
        assert_eq!(layout_of(b"HTTP/1.1 200 OK\r\nX: 1\r\n", false), None);
    }
}
