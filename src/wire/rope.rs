//! The bytes an exchange received, as shared pieces laid end to end.
//!
//! An HTTP/1.1 exchange keeps one piece (its identity body is a slice of
//! it). An HTTP/2 exchange keeps its stream's frame headers and its DATA
//! payloads apart, as the frames complete: the payloads are the body, one
//! contiguous piece, and the transcript shares them instead of holding a
//! second copy. A view that needs one slice gets it through `Deref`, made
//! once and only when there are several pieces; writers that can take
//! pieces (base64 in JSON and HAR, the parking file) use `pieces()` and
//! never make it. No crate fits: `bytes` has no rope, and the rope crates
//! (ropey, crop) are for text and copy what they are given.

use std::ops::{Deref, Range};
use std::sync::OnceLock;

use bytes::Bytes;

#[derive(Clone, Default)]
pub struct Rope {
    pieces: Vec<Bytes>,
    len: usize,
    /// The pieces as one slice, made on first `Deref` when there are
    /// several.
    flat: OnceLock<Bytes>,
}

impl Rope {
    /// Pieces in order; empty ones are left out.
    pub fn from_pieces(pieces: impl IntoIterator<Item = Bytes>) -> Self {
        let pieces: Vec<Bytes> = pieces.into_iter().filter(|p| !p.is_empty()).collect();
        let len = pieces.iter().map(Bytes::len).sum();
        Rope {
            pieces,
            len,
            flat: OnceLock::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The pieces, in order (none empty).
    pub fn pieces(&self) -> &[Bytes] {
        &self.pieces
    }

    /// `range` as shared bytes: no copy when it lies in one piece.
    pub fn slice(&self, range: Range<usize>) -> Bytes {
        let mut at = 0;
        for p in &self.pieces {
            if range.start >= at && range.end <= at + p.len() {
                return p.slice(range.start - at..range.end - at);
            }
            at += p.len();
        }
        Bytes::copy_from_slice(&self[range])
    }

    /// Where `part` (a slice of one of the pieces) lies in the whole.
    pub fn position_of(&self, part: &Bytes) -> Option<Range<usize>> {
        if part.is_empty() {
            return None;
        }
        let b = part.as_ptr() as usize;
        let mut at = 0;
        for p in &self.pieces {
            let start = p.as_ptr() as usize;
            if b >= start && b + part.len() <= start + p.len() {
                let off = at + (b - start);
                return Some(off..off + part.len());
            }
            at += p.len();
        }
        None
    }
}

impl Rope {
    /// Whether every byte of `part` is memory the pieces hold (an HTTP/2
    /// body: the DATA payloads, spread over several pieces): it costs
    /// nothing beside the rope.
    pub fn holds(&self, part: &Bytes) -> bool {
        let (b, end) = (part.as_ptr() as usize, part.as_ptr() as usize + part.len());
        let covered: usize = self
            .pieces
            .iter()
            .map(|p| {
                let (s, e) = (p.as_ptr() as usize, p.as_ptr() as usize + p.len());
                e.min(end).saturating_sub(s.max(b))
            })
            .sum();
        !part.is_empty() && covered == part.len()
    }
}

impl Deref for Rope {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self.pieces.as_slice() {
            [] => &[],
            [one] => one,
            many => self.flat.get_or_init(|| Bytes::from(many.concat())),
        }
    }
}

impl From<Bytes> for Rope {
    fn from(b: Bytes) -> Self {
        Rope::from_pieces([b])
    }
}

impl From<Vec<u8>> for Rope {
    fn from(v: Vec<u8>) -> Self {
        Rope::from(Bytes::from(v))
    }
}

impl From<&'static [u8]> for Rope {
    fn from(b: &'static [u8]) -> Self {
        Rope::from(Bytes::from_static(b))
    }
}

impl PartialEq for Rope {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .pieces
                .iter()
                .flat_map(|p| p.iter())
                .eq(other.pieces.iter().flat_map(|p| p.iter()))
    }
}

impl Eq for Rope {}

impl std::fmt::Debug for Rope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pieces.as_slice() {
            [one] => one.fmt(f),
            many => f.debug_list().entries(many).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_read_as_one_slice_and_share_what_they_can() {
        let body = Bytes::from_static(b"hello world");
        let r = Rope::from_pieces([
            Bytes::from_static(b"HEAD"),
            Bytes::new(),
            body.slice(0..5),
            Bytes::from_static(b"|"),
            body.slice(6..),
        ]);
        assert_eq!(r.len(), 4 + 5 + 1 + 5);
        assert_eq!(r.pieces().len(), 4, "empty pieces are left out");
        assert_eq!(&r[..], b"HEADhello|world");
        // Within a piece: the same memory, no copy.
        let s = r.slice(4..9);
        assert_eq!(&s[..], b"hello");
        assert_eq!(s.as_ptr(), body.as_ptr());
        // Across pieces: copied, the same bytes.
        assert_eq!(&r.slice(8..11)[..], b"o|w");
        assert_eq!(r.position_of(&body.slice(6..)), Some(10..15));
        assert_eq!(r.position_of(&Bytes::from_static(b"elsewhere")), None);
        // The whole body: spread over two pieces, held all the same.
        assert!(r.position_of(&body).is_none());
        assert!(!r.holds(&body), "the space between is not held");
        let both = Rope::from_pieces([body.slice(0..6), body.slice(6..)]);
        assert!(both.holds(&body) && both.position_of(&body).is_none());
        assert_eq!(r, Rope::from(b"HEADhello|world".to_vec()));
        assert_ne!(r, Rope::from(b"HEADhello|worle".to_vec()));
        assert!(Rope::default().is_empty() && Rope::default()[..].is_empty());
    }
}
