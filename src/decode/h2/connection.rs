//! Both directions of one connection, merged in time order, with the state
//! that spans frames: header blocks opened by HEADERS/PUSH_PROMISE and
//! finished by CONTINUATIONs, the SETTINGS each side must respect (table
//! size, frame size, header list size), empty-frame floods, and the caps on
//! items and decoded header bytes.

use std::collections::VecDeque;
use std::time::Duration;

use super::frame::{Piece, RawFrame, Splitter};
use super::hpack::{Decoder, MAX_BLOCK};
use super::names::*;
use super::payload::interpret;
use super::table::DEFAULT_MAX;
use super::{Connection, Detail, Frame, HeaderBlock, Item, MAX_ITEMS, PREFACE};
use crate::wire::exchange::{ChunkMark, Dir};

/// Decoded header bytes kept per connection: many small blocks that each
/// reference a large table entry would otherwise multiply memory.
pub(super) const HEADER_BUDGET: usize = 16 * 1024 * 1024;
/// Empty frames in a row (no data, no end flag) before we call it a flood
/// (the pattern of CVE-2019-9518).
const EMPTY_FLOOD: usize = 100;
/// SETTINGS_MAX_FRAME_SIZE's initial value.
const DEFAULT_MAX_FRAME: u32 = 16_384;

pub fn decode(sent: &[u8], received: &[u8], chunks: &[ChunkMark]) -> Connection {
    let mut sides = [
        Side::new(sent, Dir::Sent, chunks),
        Side::new(received, Dir::Received, chunks),
    ];
    let mut states = [SideState::new(Dir::Sent), SideState::new(Dir::Received)];
    let mut items = Vec::new();
    let mut budget = HEADER_BUDGET;
    loop {
        let heads = [sides[0].peek_key(), sides[1].peek_key()];
        let i = match heads {
            [None, None] => break,
            [Some(_), None] => 0,
            [None, Some(_)] => 1,
            [Some(a), Some(b)] => usize::from(b < a),
        };
        if items.len() >= MAX_ITEMS {
            for side in &mut sides {
                if let Some(item) = side.cap_summary() {
                    items.push(item);
                }
            }
            break;
        }
        let Some((at, piece)) = sides[i].peeked.take() else {
            break;
        };
        let dir = sides[i].dir;
        let item = match piece {
            Piece::Preface { offset } => Item::Preface {
                dir,
                at,
                offset,
                len: PREFACE.len(),
            },
            Piece::Partial { offset, len, why } => Item::Partial {
                dir,
                at,
                offset,
                len,
                why,
            },
            Piece::Frame(raw) => Item::Frame(frame(&mut states, i, at, &raw, &mut budget)),
        };
        items.push(item);
    }
    let unexplained = items
        .iter()
        .map(|it| match it {
            Item::Partial { len, .. } => *len,
            _ => 0,
        })
        .sum();
    let [s, r] = &states;
    Connection {
        items,
        tables: [s.decoder.state(), r.decoder.state()],
        unexplained,
    }
}

/// A header block waiting for its END_HEADERS.
struct OpenBlock {
    stream: u32,
    buf: Vec<u8>,
    /// Where each fragment lies in the direction's bytes.
    fragments: Vec<std::ops::Range<usize>>,
    wire_len: usize,
    /// Why the block cannot be decoded even once complete.
    lost: Option<String>,
}

/// One direction's recorded bytes and clock, walked piece by piece.
struct Side<'a> {
    dir: Dir,
    len: usize,
    pieces: Splitter<'a>,
    peeked: Option<(Duration, Piece<'a>)>,
    /// (offset where a chunk starts, its time), in stream order.
    clock: Vec<(usize, Duration)>,
    last_at: Duration,
}

/// At most this many SETTINGS frames waiting for their ACK are tracked:
/// a peer that never acknowledges must not grow the queue.
const MAX_PENDING_SETTINGS: usize = 64;

/// One direction's state across frames: its HPACK decoder, the block it
/// has open, and the limits its sender must respect (set by the other
/// side's SETTINGS). Shared by the whole-capture and the live decoders.
pub(super) struct SideState {
    pub(super) dir: Dir,
    pub(super) decoder: Decoder,
    open: Option<OpenBlock>,
    empty_run: usize,
    /// The largest SETTINGS_MAX_FRAME_SIZE the peer has offered.
    max_frame: u32,
    max_header_list: Option<u32>,
    /// HEADER_TABLE_SIZE in force once acknowledged, and the values sent
    /// but not yet acknowledged by this side (one entry per SETTINGS).
    table_acked: usize,
    table_pending: VecDeque<Option<u32>>,
}

impl SideState {
    pub(super) fn new(dir: Dir) -> Self {
        SideState {
            dir,
            decoder: Decoder::new(),
            open: None,
            empty_run: 0,
            max_frame: DEFAULT_MAX_FRAME,
            max_header_list: None,
            table_acked: DEFAULT_MAX,
            table_pending: VecDeque::new(),
        }
    }

    pub(super) fn tables(&self) -> super::TableState {
        self.decoder.state()
    }

    /// The largest size update this side's encoder may send now: the last
    /// acknowledged HEADER_TABLE_SIZE, or a newer one it may have applied.
    fn allowed_table(&self) -> usize {
        let pending = self.table_pending.iter().flatten().map(|v| *v as usize);
        pending.fold(self.table_acked, usize::max)
    }
}

impl<'a> Side<'a> {
    fn new(bytes: &'a [u8], dir: Dir, chunks: &[ChunkMark]) -> Self {
        let mut clock = Vec::new();
        let mut start = 0usize;
        for c in chunks.iter().filter(|c| c.dir == dir && c.len > 0) {
            clock.push((start, c.at));
            start = start.saturating_add(c.len);
        }
        Side {
            dir,
            len: bytes.len(),
            pieces: Splitter::new(bytes, dir),
            peeked: None,
            clock,
            last_at: Duration::ZERO,
        }
    }

    /// When the byte at `offset` crossed: its chunk's time, never earlier
    /// than what came before it (so a direction's order survives the merge
    /// even if the marks are not monotonic).
    fn time_of(&mut self, offset: usize) -> Duration {
        let i = self.clock.partition_point(|(start, _)| *start <= offset);
        let at = match i.checked_sub(1).and_then(|i| self.clock.get(i)) {
            Some((_, at)) => *at,
            None => self.last_at,
        };
        self.last_at = self.last_at.max(at);
        self.last_at
    }

    /// The merge key of the next piece: time, then offset.
    fn peek_key(&mut self) -> Option<(Duration, usize, u8)> {
        if self.peeked.is_none() {
            let piece = self.pieces.next()?;
            let at = self.time_of(piece.offset());
            self.peeked = Some((at, piece));
        }
        let (at, piece) = self.peeked.as_ref()?;
        Some((*at, piece.offset(), self.dir as u8))
    }

    /// Past the item cap: the rest of this direction as one `Partial`.
    fn cap_summary(&mut self) -> Option<Item> {
        let offset = match &self.peeked {
            Some((_, p)) => p.offset(),
            None => self.pieces.pos(),
        };
        let len = self.len.checked_sub(offset).filter(|l| *l > 0)?;
        Some(Item::Partial {
            dir: self.dir,
            at: self.time_of(offset),
            offset,
            len,
            why: format!("not decoded: the {MAX_ITEMS}-item cap for one connection was reached"),
        })
    }
}

fn other(i: usize) -> usize {
    1 - i
}

/// Reads one frame and applies it to the connection's state.
pub(super) fn frame(
    sides: &mut [SideState; 2],
    i: usize,
    at: Duration,
    raw: &RawFrame,
    budget: &mut usize,
) -> Frame {
    let side = &mut sides[i];
    let interp = interpret(raw, side.dir);
    let mut problems = interp.problems;
    let mut detail = interp.detail;
    let (t, flags) = (raw.type_code, raw.flags);

    if raw.payload.len() > side.max_frame as usize {
        problems.push(format!(
            "payload of {} B exceeds the peer's SETTINGS_MAX_FRAME_SIZE {} (FRAME_SIZE_ERROR)",
            raw.payload.len(),
            side.max_frame
        ));
    }
    let empty = raw.payload.is_empty()
        && match t {
            DATA => flags & END_STREAM == 0,
            HEADERS => flags & (END_STREAM | END_HEADERS) == 0,
            CONTINUATION => flags & END_HEADERS == 0,
            _ => false,
        };
    side.empty_run = if empty { side.empty_run + 1 } else { 0 };
    if side.empty_run >= EMPTY_FLOOD {
        problems.push(format!(
            "{} empty frames in a row: a flood of empty frames",
            side.empty_run
        ));
    }

    // Only CONTINUATIONs of the same stream may follow an unfinished block.
    let mut continues = None;
    let mut cut_off = false;
    if let Some(open) = side.open.take() {
        if t == CONTINUATION && raw.stream == open.stream {
            continues = Some(open);
        } else {
            cut_off = true;
            problems.push(format!(
                "stream {}'s header block is unfinished: expected its CONTINUATION, got {} (PROTOCOL_ERROR)",
                open.stream,
                frame_type_name(t)
            ));
            side.decoder
                .undecodable(open.wire_len, "a header block was never finished");
        }
    }
    let fragment = located(raw, interp.fragment);
    match t {
        HEADERS | PUSH_PROMISE => {
            let open = OpenBlock {
                stream: raw.stream,
                buf: Vec::new(),
                fragments: Vec::new(),
                wire_len: 0,
                lost: None,
            };
            let block = feed(side, open, fragment, flags, budget, &mut problems);
            match &mut detail {
                Detail::Headers { block: b, .. } | Detail::PushPromise { block: b, .. } => {
                    *b = block
                }
                _ => {}
            }
        }
        CONTINUATION => match continues {
            Some(open) => {
                let block = feed(side, open, fragment, flags, budget, &mut problems);
                detail = Detail::Continuation { block };
            }
            None if !cut_off => {
                problems.push(
                    "CONTINUATION without a HEADERS or PUSH_PROMISE before it (PROTOCOL_ERROR)"
                        .into(),
                );
            }
            None => {}
        },
        SETTINGS => settings(sides, i, &detail),
        _ => {}
    }
    Frame {
        dir: sides[i].dir,
        at,
        offset: raw.offset,
        len: raw.payload.len(),
        type_code: t,
        type_name: frame_type_name(t),
        flags,
        flag_names: flag_names(t, flags),
        stream: raw.stream,
        detail,
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
    }
}

/// A fragment with its offset in the direction's bytes (it is a slice of
/// the frame's payload).
fn located<'a>(raw: &RawFrame, fragment: Option<&'a [u8]>) -> Option<(usize, &'a [u8])> {
    let f = fragment?;
    let into = f.as_ptr().addr().checked_sub(raw.payload.as_ptr().addr())?;
    Some((raw.offset + 9 + into, f))
}

/// Adds a fragment to a block; on END_HEADERS decodes it and returns it.
fn feed(
    side: &mut SideState,
    mut open: OpenBlock,
    fragment: Option<(usize, &[u8])>,
    flags: u8,
    budget: &mut usize,
    problems: &mut Vec<String>,
) -> Option<HeaderBlock> {
    match fragment {
        None => {
            open.lost.get_or_insert_with(|| {
                "a frame's padding or priority fields hid its fragment".into()
            });
        }
        Some((at, f)) => {
            open.wire_len += f.len();
            open.fragments.push(at..at + f.len());
            // Keep collecting only while the block may still be decoded.
            if open.wire_len > MAX_BLOCK {
                open.buf = Vec::new();
                open.lost
                    .get_or_insert_with(|| format!("header block over the {MAX_BLOCK} B cap"));
            } else if open.lost.is_none() {
                open.buf.extend_from_slice(f);
            }
        }
    }
    if flags & END_HEADERS == 0 {
        side.open = Some(open);
        return None;
    }
    if let Some(why) = &open.lost {
        return Some(side.decoder.undecodable(open.wire_len, why));
    }
    side.decoder.set_allowed_max(side.allowed_table());
    let (mut block, list_size) = side.decoder.decode_measured(&open.buf, budget);
    block.fragments = open.fragments;
    if let Some(limit) = side.max_header_list.filter(|l| list_size > *l as usize) {
        problems.push(format!(
            "header list of {list_size} B is over the peer's SETTINGS_MAX_HEADER_LIST_SIZE {limit}"
        ));
    }
    Some(block)
}

/// SETTINGS from side `i` bind the other side's sender; an ACK from side
/// `i` says its sender now applies the oldest SETTINGS it had not yet.
fn settings(sides: &mut [SideState; 2], i: usize, detail: &Detail) {
    let Detail::Settings { ack, values } = detail else {
        return;
    };
    if *ack {
        if let Some(Some(v)) = sides[i].table_pending.pop_front() {
            sides[i].table_acked = v as usize;
        }
        return;
    }
    let peer = &mut sides[other(i)];
    let mut table = None;
    for &(id, _, value) in values {
        match id {
            SETTINGS_HEADER_TABLE_SIZE => table = Some(value),
            SETTINGS_MAX_FRAME_SIZE => peer.max_frame = peer.max_frame.max(value),
            SETTINGS_MAX_HEADER_LIST_SIZE => peer.max_header_list = Some(value),
            _ => {}
        }
    }
    // One entry per SETTINGS frame, bounded for a peer that never ACKs.
    if peer.table_pending.len() >= MAX_PENDING_SETTINGS {
        peer.table_pending.pop_front();
    }
    peer.table_pending.push_back(table);
}
