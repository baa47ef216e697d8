//! The live decoder: a connection's bytes decoded once, as they arrive,
//! by the same frame and HPACK state as the whole-capture decoder
//! (`connection.rs`). The engine feeds it from the tap; each completed
//! frame comes out as an `Item` with the time its last byte crossed, so
//! an exchange can take its own stream's frames when it ends instead of
//! re-decoding the connection from byte 0.
//!
//! Memory: a frame is buffered only until it is complete, and no more
//! than `MAX_FRAME_BUFFER` of it; what comes out is the caller's to keep
//! or drop.

use std::time::Duration;

use super::connection::{frame, SideState, HEADER_BUDGET};
use super::frame::RawFrame;
use super::names::frame_type_name;
use super::{Item, TableState, PREFACE};
use crate::wire::exchange::Dir;

/// The largest frame buffered whole (RFC 9113's largest
/// SETTINGS_MAX_FRAME_SIZE plus the header); a larger declared length
/// ends decoding of that direction with a `Partial`.
pub const MAX_FRAME_BUFFER: usize = 9 + (1 << 24) - 1;

/// A decoded piece and when its last byte crossed.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub item: Item,
    pub last_at: Duration,
}

/// One direction's framing state between reads.
struct Cursor {
    dir: Dir,
    /// Offset of the next byte in this direction.
    pos: usize,
    /// Bytes of the piece being assembled, and where it started.
    buf: Vec<u8>,
    start: usize,
    first_at: Duration,
    /// Decoding of this direction stopped (not HTTP/2, or a frame too
    /// large to buffer); later bytes are only counted.
    stopped: bool,
}

/// Both directions of one connection, decoded as they arrive.
pub struct Live {
    cursors: [Cursor; 2],
    states: [SideState; 2],
    budget: usize,
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

impl Live {
    pub fn new() -> Self {
        let cursor = |dir| Cursor {
            dir,
            pos: 0,
            buf: Vec::new(),
            start: 0,
            first_at: Duration::ZERO,
            stopped: false,
        };
        Live {
            cursors: [cursor(Dir::Sent), cursor(Dir::Received)],
            states: [SideState::new(Dir::Sent), SideState::new(Dir::Received)],
            budget: HEADER_BUDGET,
        }
    }

    /// The HPACK tables as they stand: [sent, received].
    pub fn tables(&self) -> [TableState; 2] {
        [self.states[0].tables(), self.states[1].tables()]
    }

    /// Feeds bytes that crossed at `at`; returns the pieces they completed.
    pub fn feed(&mut self, dir: Dir, at: Duration, bytes: &[u8]) -> Vec<Done> {
        let mut out = Vec::new();
        self.feed_with(dir, at, bytes, &mut |d, _| out.push(d));
        out
    }

    /// Feeds bytes that crossed at `at`; each piece they complete goes to
    /// `on` with its exact bytes (borrowed: the buffer is reused for the
    /// next frame, so a frame is copied once, by whoever keeps it).
    pub fn feed_with(
        &mut self,
        dir: Dir,
        at: Duration,
        mut bytes: &[u8],
        on: &mut dyn FnMut(Done, &[u8]),
    ) {
        let i = usize::from(dir == Dir::Received);
        while !bytes.is_empty() {
            let c = &mut self.cursors[i];
            if c.stopped {
                c.pos += bytes.len();
                break;
            }
            if c.buf.is_empty() {
                c.start = c.pos;
                c.first_at = at;
            }
            let want = match need(c) {
                Need::Bytes(n) => n,
                Need::Stop(why) => {
                    let done = stop(c, at, why, bytes);
                    on(done, &c.buf);
                    c.buf = Vec::new();
                    break;
                }
            };
            let take = want.min(bytes.len());
            // Sized from the declared length (no regrowth), but never
            // ahead of bytes by more than a common frame's size: a
            // declared length is the peer's word, not memory it sent.
            c.buf.reserve_exact(want.min(REUSED_BUFFER / 16));
            c.buf.extend_from_slice(&bytes[..take]);
            c.pos += take;
            bytes = &bytes[take..];
            if take < want {
                break;
            }
            if let Some(done) = self.complete(i, at) {
                let c = &mut self.cursors[i];
                on(done, &c.buf);
                c.buf.clear();
                if c.buf.capacity() > REUSED_BUFFER {
                    c.buf = Vec::new();
                }
            }
        }
    }

    /// The piece in cursor `i`'s buffer is whole: decode it (the bytes
    /// stay in the buffer for the caller).
    fn complete(&mut self, i: usize, at: Duration) -> Option<Done> {
        let c = &mut self.cursors[i];
        if c.dir == Dir::Sent && c.start == 0 && c.buf.len() == PREFACE.len() {
            let item = Item::Preface {
                dir: c.dir,
                at: c.first_at,
                offset: 0,
                len: PREFACE.len(),
            };
            return Some(Done { item, last_at: at });
        }
        let len = payload_len(&c.buf)?;
        if c.buf.len() < 9 + len {
            return None;
        }
        let buf = &c.buf;
        let sid = u32::from_be_bytes([buf[5], buf[6], buf[7], buf[8]]);
        let raw = RawFrame {
            offset: c.start,
            type_code: buf[3],
            flags: buf[4],
            stream: sid & 0x7fff_ffff,
            reserved: sid & 0x8000_0000 != 0,
            payload: &buf[9..],
        };
        let first_at = c.first_at;
        let f = frame(&mut self.states, i, first_at, &raw, &mut self.budget);
        Some(Done {
            item: Item::Frame(f),
            last_at: at,
        })
    }
}

/// A frame buffer larger than this is not kept for the next frame (one
/// huge frame should not pin its size for the connection's life).
const REUSED_BUFFER: usize = 1 << 20;

enum Need {
    Bytes(usize),
    Stop(String),
}

/// How many more bytes the piece being assembled needs.
fn need(c: &Cursor) -> Need {
    if c.dir == Dir::Sent && c.start == 0 {
        let have = c.buf.len();
        if have < PREFACE.len() {
            // Checked as it arrives: anything else is not HTTP/2.
            if !PREFACE.starts_with(&c.buf) {
                return Need::Stop(
                    "not the HTTP/2 connection preface: the bytes after it cannot be framed".into(),
                );
            }
            return Need::Bytes(PREFACE.len() - have);
        }
    }
    if c.dir == Dir::Received && c.start == 0 && c.buf.starts_with(b"HTTP/1.") {
        return Need::Stop("HTTP/1.x text, not HTTP/2 frames".into());
    }
    match payload_len(&c.buf) {
        None => Need::Bytes(9 - c.buf.len()),
        Some(len) if 9 + len > MAX_FRAME_BUFFER => Need::Stop(format!(
            "{} frame declares a {len} B payload, more than HTTP/2 allows",
            frame_type_name(c.buf[3])
        )),
        Some(len) => Need::Bytes(9 + len - c.buf.len()),
    }
}

fn payload_len(buf: &[u8]) -> Option<usize> {
    let h = buf.first_chunk::<9>()?;
    Some(usize::from(h[0]) << 16 | usize::from(h[1]) << 8 | usize::from(h[2]))
}

/// Ends decoding of a direction: what was buffered and the rest of this
/// read are one `Partial`, its bytes left in the buffer for the caller
/// (later bytes are counted by the caller's transcript).
fn stop(c: &mut Cursor, at: Duration, why: String, rest: &[u8]) -> Done {
    c.stopped = true;
    c.buf.extend_from_slice(rest);
    c.pos += rest.len();
    Done {
        item: Item::Partial {
            dir: c.dir,
            at: c.first_at,
            offset: c.start,
            len: c.buf.len(),
            why,
        },
        last_at: at,
    }
}

#[cfg(test)]
mod tests {
    use super::super::frame::tests::frame as raw;
    use super::super::names::{DATA, HEADERS, SETTINGS};
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn byte_by_byte_equals_the_whole_capture_decoder() {
        let mut sent = PREFACE.to_vec();
        sent.extend(raw(SETTINGS, 0, 0, &[0, 2, 0, 0, 0, 0]));
        // :method GET, :path /, :scheme http (static table), then a literal.
        sent.extend(raw(
            HEADERS,
            0x5,
            1,
            &[0x82, 0x84, 0x86, 0x40, 1, b'x', 1, b'y'],
        ));
        let mut received = raw(SETTINGS, 0, 0, &[]);
        received.extend(raw(HEADERS, 0x4, 1, &[0x88]));
        received.extend(raw(DATA, 0x1, 1, b"hello"));
        let whole = super::super::decode_connection(&sent, &received, &[]);
        let mut live = Live::new();
        let mut items = Vec::new();
        for b in &sent {
            items.extend(live.feed(Dir::Sent, ms(0), std::slice::from_ref(b)));
        }
        for b in &received {
            items.extend(live.feed(Dir::Received, ms(0), std::slice::from_ref(b)));
        }
        let live_items: Vec<Item> = items.into_iter().map(|d| d.item).collect();
        assert_eq!(live_items.len(), whole.items.len());
        for item in &whole.items {
            assert!(live_items.contains(item), "{item:?} missing");
        }
        assert_eq!(live.tables(), whole.tables);
    }

    #[test]
    fn an_http1_answer_stops_the_direction() {
        let mut live = Live::new();
        let out = live.feed(Dir::Received, ms(1), b"HTTP/1.1 400 Bad Request\r\n\r\n");
        assert!(matches!(
            &out[..],
            [Done {
                item: Item::Partial { len: 28, .. },
                ..
            }]
        ));
        assert!(live.feed(Dir::Received, ms(2), b"more").is_empty());
    }

    #[test]
    fn times_are_first_and_last_byte() {
        let mut live = Live::new();
        let f = raw(DATA, 0x1, 1, b"abcdef");
        assert!(live.feed(Dir::Received, ms(3), &f[..5]).is_empty());
        let out = live.feed(Dir::Received, ms(9), &f[5..]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].last_at, ms(9));
        assert_eq!(out[0].item.at(), ms(3));
    }
}
