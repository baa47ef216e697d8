//! One HTTP/2 stream's record (or the connection's own frames), built as
//! its frames complete: each frame listed with the time its last byte
//! crossed, and its exact bytes kept in two buffers — the DATA payloads
//! end to end (the body as the socket carried it, padding left out) and
//! everything else (frame headers, padding, the other frames). The
//! received transcript is the two interleaved, as a `Rope` of slices, so
//! the body is held once, not once in the transcript and again de-framed.

use std::ops::Range;
use std::time::Duration;

use bytes::Bytes;

use crate::decode::h2::live::Done;
use crate::decode::h2::names::{DATA, PADDED};
use crate::decode::h2::{Detail, Item};

use super::exchange::{ChunkMark, Dir, Placed, Transcript};
use super::rope::Rope;

/// Where a run of received bytes is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    Framing,
    Payload,
}

#[derive(Debug, Default)]
pub struct Record {
    pub frames: Vec<Done>,
    sent: Vec<u8>,
    /// Received bytes that are not DATA payload.
    framing: Vec<u8>,
    /// DATA payloads, end to end: the body.
    payloads: Vec<u8>,
    /// The received bytes in wire order: runs of either buffer.
    order: Vec<(Held, Range<usize>)>,
    sent_total: u64,
    received_total: u64,
    /// Where each kept frame sits in the exchange's `sent`/`received`.
    placed: Vec<Placed>,
    /// One mark per listed frame, on the recorder's clock.
    chunks: Vec<ChunkMark>,
    /// Frames counted but not listed (a cap was reached).
    pub dropped: u64,
}

impl Record {
    /// Files one piece: always counted; listed (and its bytes kept while
    /// its direction is within `keep`) when `listed`.
    pub(super) fn push(&mut self, done: Done, bytes: &[u8], keep: usize, listed: bool) {
        let (dir, from, len) = (done.item.dir(), done.item.offset(), done.item.wire_len());
        match dir {
            Dir::Sent => self.sent_total += len as u64,
            Dir::Received => self.received_total += len as u64,
        }
        if !listed {
            self.dropped += 1;
            return;
        }
        let at = self.kept(dir);
        // Bytes past the cap are counted, not kept.
        let kept = &bytes[..bytes.len().min(keep.saturating_sub(at))];
        if kept.len() == len {
            self.placed.push(Placed {
                dir,
                conn_offset: from,
                offset: at,
                len,
            });
        }
        match dir {
            Dir::Sent => self.sent.extend_from_slice(kept),
            Dir::Received => {
                let data = payload_at(&done.item, bytes.len());
                for (held, run) in [
                    (Held::Framing, 0..data.start),
                    (Held::Payload, data.clone()),
                    (Held::Framing, data.end..bytes.len()),
                ] {
                    let run = run.start.min(kept.len())..run.end.min(kept.len());
                    self.hold(held, &kept[run]);
                }
            }
        }
        self.chunks.push(ChunkMark {
            dir,
            at: done.last_at,
            len,
        });
        self.frames.push(done);
    }

    /// Bytes kept so far in `dir`.
    fn kept(&self, dir: Dir) -> usize {
        match dir {
            Dir::Sent => self.sent.len(),
            Dir::Received => self.framing.len() + self.payloads.len(),
        }
    }

    fn hold(&mut self, held: Held, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let buf = match held {
            Held::Framing => &mut self.framing,
            Held::Payload => &mut self.payloads,
        };
        let start = buf.len();
        buf.extend_from_slice(bytes);
        match self.order.last_mut() {
            Some((h, r)) if *h == held && r.end == start => r.end = buf.len(),
            _ => self.order.push((held, start..buf.len())),
        }
    }

    /// Room, made once, for a body of `more` bytes (its Content-Length)
    /// within the cap.
    pub(super) fn expect_received(&mut self, more: usize, keep: usize) {
        let room = keep.saturating_sub(self.kept(Dir::Received));
        self.payloads.reserve_exact(more.min(room));
    }

    /// The bytes as a transcript (its marks moved to the exchange's
    /// clock), where each frame sits in it, and the body: the DATA
    /// payloads, shared with the transcript.
    pub(super) fn into_transcript(
        self,
        rebase: &dyn Fn(Duration) -> Duration,
    ) -> (Transcript, Vec<Placed>, Bytes) {
        let chunks = self
            .chunks
            .into_iter()
            .map(|c| ChunkMark {
                at: rebase(c.at),
                ..c
            })
            .collect();
        let framing = Bytes::from(self.framing);
        let payloads = Bytes::from(self.payloads);
        let received = Rope::from_pieces(self.order.into_iter().map(|(held, r)| match held {
            Held::Framing => framing.slice(r),
            Held::Payload => payloads.slice(r),
        }));
        let t = Transcript {
            sent: self.sent,
            received,
            sent_total: self.sent_total,
            received_total: self.received_total,
            chunks,
            chunks_dropped: self.dropped,
        };
        (t, self.placed, payloads)
    }
}

/// Where a received frame's DATA payload lies in its `len` bytes: after
/// the 9-byte header and the pad length, before the padding. Empty for
/// any other frame (and a DATA frame whose padding does not fit).
fn payload_at(item: &Item, len: usize) -> Range<usize> {
    let Item::Frame(f) = item else {
        return 0..0;
    };
    let Detail::Data { data_len, .. } = &f.detail else {
        return 0..0;
    };
    if f.type_code != DATA {
        return 0..0;
    }
    let start = 9 + usize::from(f.flags & PADDED != 0);
    let end = start + data_len;
    if end > len {
        return 0..0;
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::h2::frame::tests::frame;
    use crate::decode::h2::live::Live;
    use crate::decode::h2::names::HEADERS;

    #[test]
    fn the_body_is_the_payloads_and_the_transcript_shares_them() {
        let mut wire = frame(HEADERS, 0x4, 1, &[0x88]);
        wire.extend(frame(DATA, 0, 1, b"hello "));
        // Padded: pad length 3, then the data, then three zero bytes.
        wire.extend(frame(DATA, PADDED | 0x1, 1, b"\x03world\0\0\0"));
        let mut live = Live::new();
        let mut rec = Record::default();
        live.feed_with(Dir::Received, Duration::ZERO, &wire, &mut |d, b| {
            rec.push(d, b, usize::MAX, true)
        });
        let (t, placed, body) = rec.into_transcript(&|d| d);
        assert_eq!(&body[..], b"hello world", "padding is not body");
        assert_eq!(&t.received[..], &wire[..], "the transcript is the wire");
        assert_eq!(t.received_total, wire.len() as u64);
        assert_eq!(placed.len(), 3);
        // The body is held once: the transcript's payload pieces are it.
        let shared = t
            .received
            .pieces()
            .iter()
            .filter(|p| t.received.position_of(p).is_some() && body.as_ptr() <= p.as_ptr())
            .filter(|p| (p.as_ptr() as usize) < body.as_ptr() as usize + body.len())
            .map(|p| p.len())
            .sum::<usize>();
        assert_eq!(shared, body.len());
    }

    #[test]
    fn the_cap_keeps_a_prefix_of_the_wire() {
        let mut wire = frame(HEADERS, 0x4, 1, &[0x88]);
        wire.extend(frame(DATA, 0x1, 1, b"0123456789"));
        let mut live = Live::new();
        let mut rec = Record::default();
        live.feed_with(Dir::Received, Duration::ZERO, &wire, &mut |d, b| {
            rec.push(d, b, 21, true)
        });
        let (t, placed, body) = rec.into_transcript(&|d| d);
        // HEADERS (10 bytes), DATA's 9-byte header and 2 of its 10.
        assert_eq!(&t.received[..], &wire[..21]);
        assert_eq!(t.received_total, wire.len() as u64);
        assert!(t.truncated());
        assert_eq!(placed.len(), 1, "only the whole HEADERS frame is placed");
        assert_eq!(&body[..], b"01");
    }
}
