//! An HTTP/2 connection's record, kept per stream as the bytes arrive:
//! the tap feeds the live decoder once (`decode::h2::live`, one HPACK
//! state per direction for the connection's life), and each completed
//! frame is filed under its stream until that stream's exchange ends and
//! takes it. Connection-level pieces (the preface, stream 0's SETTINGS,
//! PING, WINDOW_UPDATE, GOAWAY) go to whichever exchange ends next, so
//! every byte of the connection belongs to at most one exchange and
//! nothing is counted twice.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::decode::h2::live::{Done, Live};
use crate::decode::h2::Item;

use super::exchange::{BlockSize, Dir};

/// Frames waiting to be claimed, over all streams: a peer writing to
/// streams nobody asked for (or a flood of stream-0 frames) is counted,
/// not kept, past this.
pub const MAX_PENDING: usize = 100_000;
/// Frames one exchange keeps (its own and the connection's it claims).
pub const MAX_PER_EXCHANGE: usize = crate::decode::h2::MAX_ITEMS;
/// Header block sizes remembered for the "HPACK at work" view.
const RECENT_BLOCKS: usize = 16;

/// What an exchange takes when it ends.
#[derive(Debug, Default)]
pub struct Claimed {
    /// Its stream's frames, in the order they crossed.
    pub own: Vec<Done>,
    /// Connection-level pieces since the last exchange ended.
    pub connection: Vec<Done>,
    /// Pieces not kept because a cap was reached.
    pub dropped: u64,
    /// The connection's last header blocks (both directions, all streams).
    pub recent_blocks: Vec<BlockSize>,
}

/// The per-stream record of one HTTP/2 connection.
#[derive(Default)]
pub struct StreamBook {
    live: Live,
    streams: HashMap<u32, Vec<Done>>,
    connection: Vec<Done>,
    pending: usize,
    dropped: u64,
    recent_blocks: VecDeque<BlockSize>,
}

impl std::fmt::Debug for StreamBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamBook")
            .field("streams", &self.streams.len())
            .field("pending", &self.pending)
            .field("dropped", &self.dropped)
            .finish()
    }
}

impl StreamBook {
    /// Files the pieces these bytes completed.
    pub fn feed(&mut self, dir: Dir, at: Duration, bytes: &[u8]) {
        for done in self.live.feed(dir, at, bytes) {
            if let Some(f) = done.item.frame() {
                if let Some(b) = f.detail.block() {
                    if self.recent_blocks.len() >= RECENT_BLOCKS {
                        self.recent_blocks.pop_front();
                    }
                    self.recent_blocks.push_back(BlockSize {
                        dir: f.dir,
                        stream: f.stream,
                        wire_len: b.wire_len,
                        h1_len: b.h1_len,
                    });
                }
            }
            // Connection-level frames wait for the next exchange to end;
            // a flood of them is capped at what one exchange may keep.
            let stream0_full = done.item.stream() == 0 && self.connection.len() >= MAX_PER_EXCHANGE;
            if self.pending >= MAX_PENDING || stream0_full {
                self.dropped += 1;
                continue;
            }
            self.pending += 1;
            match done.item.stream() {
                0 => self.connection.push(done),
                s => self.streams.entry(s).or_default().push(done),
            }
        }
    }

    /// The HPACK tables as they stand: [sent, received].
    pub fn tables(&self) -> [crate::decode::h2::TableState; 2] {
        self.live.tables()
    }

    /// Hands `stream`'s frames, and the connection's unclaimed ones, to
    /// the exchange that ends now.
    pub fn claim(&mut self, stream: Option<u32>) -> Claimed {
        let mut own = stream
            .and_then(|s| self.streams.remove(&s))
            .unwrap_or_default();
        let mut connection = std::mem::take(&mut self.connection);
        self.pending = self.pending.saturating_sub(own.len() + connection.len());
        let mut dropped = std::mem::take(&mut self.dropped);
        if own.len() > MAX_PER_EXCHANGE {
            dropped += (own.len() - MAX_PER_EXCHANGE) as u64;
            own.truncate(MAX_PER_EXCHANGE);
        }
        let room = MAX_PER_EXCHANGE - own.len();
        if connection.len() > room {
            dropped += (connection.len() - room) as u64;
            connection.truncate(room);
        }
        Claimed {
            own,
            connection,
            dropped,
            recent_blocks: self.recent_blocks.iter().copied().collect(),
        }
    }
}

/// This stream's marks as its frames tell them, on the recorder's clock:
/// (END_STREAM written, first response HEADERS read, last frame read).
pub fn stream_marks(own: &[Done]) -> (Option<Duration>, Option<Duration>, Option<Duration>) {
    const END_STREAM: u8 = 0x1;
    const DATA: u8 = 0x0;
    const HEADERS: u8 = 0x1;
    let mut sent = None;
    let mut first = None;
    let mut last = None;
    for d in own {
        let Item::Frame(f) = &d.item else { continue };
        match f.dir {
            Dir::Sent => {
                if f.flags & END_STREAM != 0 && matches!(f.type_code, DATA | HEADERS) {
                    sent.get_or_insert(d.last_at);
                }
            }
            Dir::Received => {
                if f.type_code == HEADERS {
                    first.get_or_insert(f.at);
                }
                last = Some(d.last_at);
            }
        }
    }
    (sent, first, last)
}

/// Copies the claimed pieces' bytes out of the connection's recording
/// (as far as it kept them) into a transcript of their own, timed on the
/// exchange's clock.
pub fn assemble(
    pieces: &[Done],
    whole: &super::tap::SoFar,
    rebase: &dyn Fn(Duration) -> Duration,
) -> (super::exchange::Transcript, Vec<super::exchange::Placed>) {
    let mut t = super::exchange::Transcript::default();
    // Sized once: what the pieces will take of each direction.
    let kept = |dir: Dir, source: &[u8]| -> usize {
        pieces
            .iter()
            .filter(|d| d.item.dir() == dir)
            .map(|d| {
                let from = d.item.offset().min(source.len());
                d.item.wire_len().min(source.len() - from)
            })
            .sum()
    };
    t.sent.reserve_exact(kept(Dir::Sent, whole.sent));
    let mut received = Vec::with_capacity(kept(Dir::Received, whole.received));
    let mut placed = Vec::with_capacity(pieces.len());
    for d in pieces {
        let (dir, from, len) = (d.item.dir(), d.item.offset(), d.item.wire_len());
        let (source, out, total) = match dir {
            Dir::Sent => (whole.sent, &mut t.sent, &mut t.sent_total),
            Dir::Received => (whole.received, &mut received, &mut t.received_total),
        };
        *total += len as u64;
        // Bytes past the recording's cap were counted, not kept.
        let kept = source
            .get(from..)
            .map_or(&[][..], |b| &b[..len.min(b.len())]);
        if kept.len() == len {
            placed.push(super::exchange::Placed {
                dir,
                conn_offset: from,
                offset: out.len(),
                len,
            });
        }
        out.extend_from_slice(kept);
        t.chunks.push(super::exchange::ChunkMark {
            dir,
            at: rebase(d.last_at),
            len,
        });
    }
    t.received = received.into();
    (t, placed)
}

/// An exchange's capture from a whole recorded connection (fixtures, and
/// connections recorded elsewhere): the stream's frames, and the
/// connection-level ones from `window` (offsets where it began) on.
pub fn from_connection(
    stream: u32,
    whole: &super::exchange::Transcript,
    window: (usize, usize),
) -> (super::exchange::Transcript, super::exchange::H2Capture) {
    let conn = crate::decode::h2::decode_connection(&whole.sent, &whole.received, &whole.chunks);
    let from = |i: &Item| match i.dir() {
        Dir::Sent => window.0,
        Dir::Received => window.1,
    };
    let done = |i: &Item| Done {
        item: i.clone(),
        last_at: i.at(),
    };
    let own: Vec<Done> = conn
        .items
        .iter()
        .filter(|i| i.stream() == stream && i.offset() >= from(i))
        .map(done)
        .collect();
    let connection: Vec<Done> = conn
        .items
        .iter()
        .filter(|i| i.stream() == 0 && i.offset() >= from(i))
        .map(done)
        .collect();
    let blocks = conn
        .items
        .iter()
        .filter_map(Item::frame)
        .filter_map(|f| {
            f.detail.block().map(|b| BlockSize {
                dir: f.dir,
                stream: f.stream,
                wire_len: b.wire_len,
                h1_len: b.h1_len,
            })
        })
        .collect();
    capture(
        stream,
        Claimed {
            own,
            connection,
            dropped: 0,
            recent_blocks: blocks,
        },
        &whole.so_far(),
        conn.tables,
        &|d| d,
    )
}

/// Builds an exchange's transcript and capture from what it claimed.
pub fn capture(
    stream: u32,
    claimed: Claimed,
    whole: &super::tap::SoFar,
    tables: [crate::decode::h2::TableState; 2],
    rebase: &dyn Fn(Duration) -> Duration,
) -> (super::exchange::Transcript, super::exchange::H2Capture) {
    let (own_t, placed) = assemble(&claimed.own, whole, rebase);
    let (conn_t, _) = assemble(&claimed.connection, whole, rebase);
    let mut items: Vec<Item> = claimed
        .connection
        .into_iter()
        .chain(claimed.own)
        .map(|d| {
            let mut i = d.item;
            i.rebase(rebase);
            i
        })
        .collect();
    // Both directions merged by time, each direction's order kept.
    items.sort_by_key(|i| (i.at(), i.dir() == Dir::Received, i.offset()));
    let unexplained = items
        .iter()
        .map(|i| match i {
            Item::Partial { len, .. } => *len,
            _ => 0,
        })
        .sum();
    let frames = crate::decode::h2::Connection {
        items,
        tables,
        unexplained,
    };
    (
        own_t,
        super::exchange::H2Capture {
            stream,
            frames: std::sync::Arc::new(frames),
            connection: conn_t,
            placed,
            recent_blocks: claimed.recent_blocks,
            dropped: claimed.dropped,
        },
    )
}
