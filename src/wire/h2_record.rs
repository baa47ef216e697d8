//! An HTTP/2 connection's record, kept per stream as the bytes arrive:
//! the tap feeds the live decoder once (`decode::h2::live`, one HPACK
//! state per direction for the connection's life), and each completed
//! frame is filed, with its exact bytes, under its stream until that
//! stream's exchange ends and takes it. A stream's bytes are laid end to
//! end as they complete, so what an exchange takes is its transcript
//! already: no whole-connection recording, no copy out of one, and a
//! long-lived connection holds only what its open streams have not yet
//! claimed. Connection-level pieces (the preface, stream 0's SETTINGS,
//! PING, WINDOW_UPDATE, GOAWAY) go to whichever exchange ends next, so
//! every byte of the connection belongs to at most one exchange and
//! nothing is counted twice.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::decode::h2::live::{Done, Live};
use crate::decode::h2::{Detail, Item};

use super::exchange::{BlockSize, Dir, Transcript};
pub use super::h2_stream::Record;

/// Frames waiting to be claimed, over all streams: a peer writing to
/// streams nobody asked for (or a flood of stream-0 frames) is counted,
/// not kept, past this.
pub const MAX_PENDING: usize = 100_000;
/// Frames one exchange keeps: its own stream's, and the connection's it
/// claims (together never more than the decoder's per-connection cap).
pub const MAX_CONNECTION_FRAMES: usize = 1_000;
pub const MAX_OWN_FRAMES: usize = crate::decode::h2::MAX_ITEMS - MAX_CONNECTION_FRAMES;
/// Header block sizes remembered for the "HPACK at work" view.
const RECENT_BLOCKS: usize = 16;

/// What an exchange takes when it ends.
#[derive(Debug, Default)]
pub struct Claimed {
    /// Its stream's frames, in the order they crossed, and their bytes.
    pub own: Record,
    /// Connection-level pieces since the last exchange ended.
    pub connection: Record,
    /// The connection's last header blocks (both directions, all streams).
    pub recent_blocks: Vec<BlockSize>,
}

/// The per-stream record of one HTTP/2 connection.
#[derive(Default)]
pub struct StreamBook {
    live: Live,
    /// Bytes kept per direction per stream (the exchange's own cap).
    keep: usize,
    streams: HashMap<u32, Record>,
    connection: Record,
    pending: usize,
    recent_blocks: VecDeque<BlockSize>,
    /// The debug data of the last GOAWAY we sent, when it had any.
    our_goaway: Option<String>,
}

impl std::fmt::Debug for StreamBook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamBook")
            .field("streams", &self.streams.len())
            .field("pending", &self.pending)
            .finish()
    }
}

impl StreamBook {
    /// `keep`: bytes each stream's record keeps per direction.
    pub fn new(keep: usize) -> Self {
        StreamBook {
            keep,
            ..Default::default()
        }
    }

    /// Files the pieces these bytes completed.
    pub fn feed(&mut self, dir: Dir, at: Duration, bytes: &[u8]) {
        let StreamBook {
            live,
            keep,
            streams,
            connection,
            pending,
            recent_blocks,
            our_goaway,
        } = self;
        live.feed_with(dir, at, bytes, &mut |done, raw| {
            if let Some(f) = done.item.frame() {
                if let Some(b) = f.detail.block() {
                    if recent_blocks.len() >= RECENT_BLOCKS {
                        recent_blocks.pop_front();
                    }
                    recent_blocks.push_back(BlockSize {
                        dir: f.dir,
                        stream: f.stream,
                        wire_len: b.wire_len,
                        h1_len: b.h1_len,
                    });
                }
                if let (Dir::Sent, Detail::GoAway { debug, .. }) = (f.dir, &f.detail) {
                    *our_goaway = Some(debug.clone()).filter(|d| !d.is_empty());
                }
            }
            let (record, cap) = match done.item.stream() {
                0 => (&mut *connection, MAX_CONNECTION_FRAMES),
                s => (streams.entry(s).or_default(), MAX_OWN_FRAMES),
            };
            let listed = *pending < MAX_PENDING && record.frames.len() < cap;
            *pending += usize::from(listed);
            record.push(done, raw, *keep, listed);
        });
    }

    /// Makes room, once, for a body of `more` bytes a stream is known to
    /// be about to receive (its Content-Length), within the cap.
    pub fn expect_received(&mut self, stream: u32, more: usize) {
        let keep = self.keep;
        self.streams
            .entry(stream)
            .or_default()
            .expect_received(more, keep);
    }

    /// The HPACK tables as they stand: [sent, received].
    pub fn tables(&self) -> [crate::decode::h2::TableState; 2] {
        self.live.tables()
    }

    /// `stream`'s frames so far (not yet claimed).
    pub fn frames(&self, stream: u32) -> &[Done] {
        self.streams.get(&stream).map_or(&[], |r| &r.frames)
    }

    /// The debug data of the last GOAWAY we sent, escaped, if it had any.
    pub fn our_goaway(&self) -> Option<&str> {
        self.our_goaway.as_deref()
    }

    /// Hands `stream`'s record, and the connection's unclaimed pieces, to
    /// the exchange that ends now.
    pub fn claim(&mut self, stream: Option<u32>) -> Claimed {
        let own = stream
            .and_then(|s| self.streams.remove(&s))
            .unwrap_or_default();
        let connection = std::mem::take(&mut self.connection);
        self.pending = self
            .pending
            .saturating_sub(own.frames.len() + connection.frames.len());
        Claimed {
            own,
            connection,
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

/// An exchange's capture from a whole recorded connection (fixtures, and
/// connections recorded elsewhere): the stream's frames, and the
/// connection-level ones from `window` (offsets where it began) on.
pub fn from_connection(
    stream: u32,
    whole: &Transcript,
    window: (usize, usize),
) -> (Transcript, super::exchange::H2Capture) {
    let conn = crate::decode::h2::decode_connection(&whole.sent, &whole.received, &whole.chunks);
    let from = |i: &Item| match i.dir() {
        Dir::Sent => window.0,
        Dir::Received => window.1,
    };
    let mut claimed = Claimed::default();
    for i in conn.items.iter().filter(|i| i.offset() >= from(i)) {
        let record = match i.stream() {
            0 => &mut claimed.connection,
            s if s == stream => &mut claimed.own,
            _ => continue,
        };
        let source: &[u8] = match i.dir() {
            Dir::Sent => &whole.sent,
            Dir::Received => &whole.received,
        };
        let bytes = source.get(i.offset()..).unwrap_or_default();
        let bytes = &bytes[..i.wire_len().min(bytes.len())];
        let done = Done {
            item: i.clone(),
            last_at: i.at(),
        };
        record.push(done, bytes, usize::MAX, true);
    }
    claimed.recent_blocks = conn
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
    let (own, cap, _body) = capture(stream, claimed, conn.tables, &|d| d);
    (own, cap)
}

/// Builds an exchange's transcript and capture from what it claimed, and
/// its body as the stream's DATA payloads (shared with the transcript).
pub fn capture(
    stream: u32,
    claimed: Claimed,
    tables: [crate::decode::h2::TableState; 2],
    rebase: &dyn Fn(Duration) -> Duration,
) -> (Transcript, super::exchange::H2Capture, bytes::Bytes) {
    let Claimed {
        mut own,
        mut connection,
        recent_blocks,
    } = claimed;
    let dropped = own.dropped + connection.dropped;
    let own_frames = std::mem::take(&mut own.frames);
    let connection_frames = std::mem::take(&mut connection.frames);
    let (own_t, placed, body) = own.into_transcript(rebase);
    let (conn_t, _, _) = connection.into_transcript(rebase);
    let mut items: Vec<Item> = connection_frames
        .into_iter()
        .chain(own_frames)
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
            recent_blocks,
            dropped,
        },
        body,
    )
}
