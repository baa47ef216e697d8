//! HTTP/2 framing (RFC 9113 §3.4, §4.1): cuts one direction's recorded
//! bytes into the client preface, frames (9-byte header + payload) and a
//! partial tail, so that every byte lands in exactly one piece. Reading
//! payloads is `payload.rs`'s job.

use super::names::frame_type_name;
use super::PREFACE;
use crate::wire::exchange::Dir;

/// A frame as cut from the stream, payload not yet interpreted.
#[derive(Debug, Clone, Copy)]
pub struct RawFrame<'a> {
    pub offset: usize,
    pub type_code: u8,
    pub flags: u8,
    pub stream: u32,
    /// The reserved high bit of the stream identifier was set.
    pub reserved: bool,
    pub payload: &'a [u8],
}

/// One piece of a direction's byte stream.
#[derive(Debug, Clone)]
pub enum Piece<'a> {
    Preface {
        offset: usize,
    },
    Frame(RawFrame<'a>),
    Partial {
        offset: usize,
        len: usize,
        why: String,
    },
}

impl Piece<'_> {
    pub fn offset(&self) -> usize {
        match self {
            Piece::Preface { offset } | Piece::Partial { offset, .. } => *offset,
            Piece::Frame(f) => f.offset,
        }
    }
}

/// Cuts a byte stream into pieces; every byte lands in exactly one piece.
pub struct Splitter<'a> {
    bytes: &'a [u8],
    pos: usize,
    expect_preface: bool,
}

impl<'a> Splitter<'a> {
    /// Only the client (our `Sent` side) opens with the preface.
    pub fn new(bytes: &'a [u8], dir: Dir) -> Self {
        Splitter {
            bytes,
            pos: 0,
            expect_preface: dir == Dir::Sent,
        }
    }

    /// The offset of the next piece.
    pub fn pos(&self) -> usize {
        self.pos
    }

    fn rest_as_partial(&mut self, why: String) -> Piece<'a> {
        let offset = self.pos;
        self.pos = self.bytes.len();
        Piece::Partial {
            offset,
            len: self.bytes.len() - offset,
            why,
        }
    }
}

impl<'a> Iterator for Splitter<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let rest = self.bytes.get(self.pos..).filter(|r| !r.is_empty())?;
        let offset = self.pos;
        if std::mem::take(&mut self.expect_preface) {
            if rest.starts_with(PREFACE) {
                self.pos += PREFACE.len();
                return Some(Piece::Preface { offset });
            }
            let why = if PREFACE.starts_with(rest) {
                "the capture ends inside the connection preface"
            } else {
                "not the HTTP/2 connection preface: the bytes after it cannot be framed"
            };
            return Some(self.rest_as_partial(why.into()));
        }
        // A server answering in HTTP/1.x would otherwise read as a frame
        // "declaring" megabytes; say what it is.
        if offset == 0 && rest.starts_with(b"HTTP/1.") {
            return Some(self.rest_as_partial("HTTP/1.x text, not HTTP/2 frames".into()));
        }
        let Some(header) = rest.first_chunk::<9>() else {
            let why = format!(
                "the capture ends inside a frame header ({} of 9 bytes)",
                rest.len()
            );
            return Some(self.rest_as_partial(why));
        };
        let len =
            usize::from(header[0]) << 16 | usize::from(header[1]) << 8 | usize::from(header[2]);
        let have = rest.len() - 9;
        if len > have {
            let why = format!(
                "{} frame declares a {len} B payload; the capture ends after {have} B",
                frame_type_name(header[3])
            );
            return Some(self.rest_as_partial(why));
        }
        let sid = u32::from_be_bytes([header[5], header[6], header[7], header[8]]);
        self.pos += 9 + len;
        Some(Piece::Frame(RawFrame {
            offset,
            type_code: header[3],
            flags: header[4],
            stream: sid & 0x7fff_ffff,
            reserved: sid & 0x8000_0000 != 0,
            payload: &rest[9..9 + len],
        }))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::decode::h2::names::{PING, SETTINGS};

    pub fn frame(t: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let mut v = (payload.len() as u32).to_be_bytes()[1..].to_vec();
        v.extend([t, flags]);
        v.extend(stream.to_be_bytes());
        v.extend(payload);
        v
    }

    #[test]
    fn splits_preface_frames_and_tail() {
        let mut bytes = PREFACE.to_vec();
        bytes.extend(frame(SETTINGS, 0, 0, &[]));
        bytes.extend(&frame(PING, 0, 0, &[0; 8])[..12]);
        let pieces: Vec<_> = Splitter::new(&bytes, Dir::Sent).collect();
        assert!(matches!(pieces[0], Piece::Preface { offset: 0 }));
        assert!(matches!(
            pieces[1],
            Piece::Frame(RawFrame { offset: 24, .. })
        ));
        assert!(matches!(
            &pieces[2],
            Piece::Partial {
                offset: 33,
                len: 12,
                ..
            }
        ));
    }
}
