//! Regions of a recorded stream whatever its protocol: HTTP/1.x as
//! `h1::regions` cuts it, HTTP/2 by frame (preface, 9-byte frame headers,
//! header-block payloads, DATA, control frames) using `h2::frame`'s
//! splitter. The Wire pane colors bytes by these regions.

use super::h1::{self, Region, RegionKind};
use super::h2::frame::{Piece, Splitter};
use super::h2::PREFACE;
use crate::wire::exchange::Dir;
use crate::wire::{layout_of, Response, ResponseLayout};

/// Which protocol a transcript holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Http1,
    Http2,
}

/// What says where an HTTP/1.x response's body lies: the reader, always.
#[derive(Debug, Clone, Copy)]
pub enum Framed<'a> {
    /// The reader's record of a finished (or failed) exchange.
    Recorded(&'a Response),
    /// No record yet (bytes still arriving, or a stored stream): the
    /// reader's rules run over the bytes (`wire::layout_of`). `head_request`
    /// says the request was HEAD, so the response has no body.
    Pending { head_request: bool },
}

impl<'a> Framed<'a> {
    /// The record when there is one.
    pub fn of(response: Option<&'a Response>, head_request: bool) -> Self {
        match response {
            Some(r) => Framed::Recorded(r),
            None => Framed::Pending { head_request },
        }
    }

    fn layout(self, bytes: &[u8]) -> Option<ResponseLayout> {
        match self {
            Framed::Recorded(r) => Some(ResponseLayout {
                head: r.head_start..r.head_start + r.head_len,
                body: r.body_layout.clone(),
            }),
            Framed::Pending { head_request } => layout_of(bytes, head_request),
        }
    }
}

/// Regions of one direction of a transcript; `framed` matters only for
/// HTTP/1.x responses.
pub fn regions(bytes: &[u8], dir: Dir, protocol: Protocol, framed: Framed) -> Vec<Region> {
    match (protocol, dir) {
        (Protocol::Http1, Dir::Sent) => h1::regions(bytes),
        (Protocol::Http1, Dir::Received) => {
            h1::response_regions(bytes, framed.layout(bytes).as_ref())
        }
        (Protocol::Http2, _) => h2_regions(bytes, dir),
    }
}

/// HTTP/2 frames by kind; every byte lands in exactly one region.
pub fn h2_regions(bytes: &[u8], dir: Dir) -> Vec<Region> {
    let mut out = Vec::new();
    let mut push = |kind, start: usize, end: usize| {
        if end > start {
            out.push(Region {
                kind,
                range: start..end,
            });
        }
    };
    // An exchange's window of a shared connection starts at a frame, not
    // at the preface, even on the client side.
    let dir = if dir == Dir::Sent && !bytes.starts_with(PREFACE) {
        Dir::Received
    } else {
        dir
    };
    for piece in Splitter::new(bytes, dir) {
        match piece {
            Piece::Preface { offset } => {
                push(RegionKind::StartLine, offset, offset + PREFACE.len())
            }
            Piece::Partial { offset, len, .. } => push(RegionKind::Unparsed, offset, offset + len),
            Piece::Frame(f) => {
                let payload = f.offset + 9;
                push(RegionKind::FrameHeader, f.offset, payload);
                let kind = match f.type_code {
                    0x0 => RegionKind::Body,
                    // HEADERS, PUSH_PROMISE, CONTINUATION: header blocks.
                    0x1 | 0x5 | 0x9 => RegionKind::HeaderValue,
                    _ => RegionKind::Control,
                };
                push(kind, payload, payload + f.payload.len());
            }
        }
    }
    out
}

/// HTTP/2 when the client opened with the connection preface.
pub fn protocol_of(sent: &[u8]) -> Protocol {
    if sent.starts_with(PREFACE) {
        Protocol::Http2
    } else {
        Protocol::Http1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h2_frames_are_cut_by_kind() {
        let mut b = PREFACE.to_vec();
        // SETTINGS (empty), then HEADERS with 2 bytes of block on stream 1.
        b.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&[0, 0, 2, 1, 5, 0, 0, 0, 1, 0x82, 0x84]);
        b.extend_from_slice(&[0, 0, 5, 0]); // truncated DATA header
        let r = h2_regions(&b, Dir::Sent);
        let kinds: Vec<_> = r.iter().map(|r| r.kind).collect();
        assert_eq!(
            kinds,
            [
                RegionKind::StartLine,
                RegionKind::FrameHeader,
                RegionKind::FrameHeader,
                RegionKind::HeaderValue,
                RegionKind::Unparsed
            ]
        );
        assert_eq!(r.last().map(|r| r.range.end), Some(b.len()));
        assert_eq!(protocol_of(&b), Protocol::Http2);
        assert_eq!(protocol_of(b"GET / HTTP/1.1\r\n"), Protocol::Http1);
        assert!(h2_regions(b"", Dir::Received).is_empty());
        let window = &b[PREFACE.len()..];
        assert_eq!(
            h2_regions(window, Dir::Sent)[0].kind,
            RegionKind::FrameHeader
        );
    }
}
