//! What the Frames pane (and the Response pane's HTTP/2 headers) need:
//! the exchange's frames as the engine decoded them while they crossed
//! (its stream's and the connection-level ones it claimed), kept until
//! another exchange is shown, plus the sizes of the connection's latest
//! header blocks (the HPACK drop over repeated requests). Synced once per
//! frame before drawing; nothing here decodes bytes.

use std::ops::Range;

use crate::decode::h2::{Item, TableState};
use crate::report::escape::sanitize_text;
use crate::wire::exchange::Dir;
use crate::worker::ExchangeId;

use super::entry::Entry;

pub use crate::wire::exchange::BlockSize;

/// A response header field as HPACK delivered it (escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct H2Field {
    pub name: String,
    pub value: String,
    /// "indexed (62)", "literal, incremental indexing", ...
    pub repr: String,
    /// The item (in `H2Model::items`) whose header block held it.
    pub item: usize,
}

/// The decoded connection of the exchange shown.
#[derive(Debug, Clone, Default)]
pub struct H2Model {
    key: Option<(ExchangeId, bool)>,
    /// The exchange shown is HTTP/2 and was decoded.
    pub ready: bool,
    pub stream: u32,
    /// Where each of its stream's frames sits in its transcript.
    placed: Vec<crate::wire::exchange::Placed>,
    /// This exchange's frames (its stream's and stream 0's, from its window).
    pub items: Vec<Item>,
    /// Decoder tables at the end of the capture [sent, received].
    pub tables: [TableState; 2],
    pub unexplained: usize,
    /// Every header block of the connection so far, in order.
    pub blocks: Vec<BlockSize>,
    pub response_fields: Vec<H2Field>,
    /// Bytes of the exchange's transcript [sent, received] holding the
    /// literal values of secret headers (`mask`), in order: HPACK-coded,
    /// but a literal sent without Huffman coding is plain text.
    pub secrets: [Vec<Range<usize>>; 2],
}

impl H2Model {
    /// Decodes `entry`'s connection unless it is the one already decoded.
    pub fn sync(&mut self, entry: Option<&Entry>) {
        let key = entry.map(|e| (e.id, e.complete()));
        if key == self.key {
            return;
        }
        *self = H2Model {
            key,
            ..H2Model::default()
        };
        let Some(cap) = entry.and_then(|e| e.exchange.as_ref()?.h2.as_ref()) else {
            return;
        };
        let conn = &cap.frames;
        self.blocks = cap.recent_blocks.clone();
        self.secrets = crate::report::mask::h2_secrets(conn, cap);
        self.items = conn.items.clone();
        for (i, item) in self.items.iter().enumerate() {
            let Some(f) = item.frame() else { continue };
            if f.dir != Dir::Received || f.stream != cap.stream {
                continue;
            }
            let Some(block) = f.detail.block() else {
                continue;
            };
            for field in block.fields.iter().filter(|f| !f.name.is_empty()) {
                self.response_fields.push(H2Field {
                    name: sanitize_text(&field.name),
                    value: sanitize_text(&field.value),
                    repr: field.repr.label(),
                    item: i,
                });
            }
        }
        self.tables = conn.tables.clone();
        self.unexplained = conn.unexplained;
        self.stream = cap.stream;
        self.placed = cap.placed.clone();
        self.ready = true;
    }

    /// The bytes of item `i` in the exchange's transcript (the Wire pane's
    /// streams): its direction and range, if inside the window.
    pub fn range(&self, i: usize) -> Option<(Dir, Range<usize>)> {
        let item = self.items.get(i)?;
        let (dir, at) = (item.dir(), item.offset());
        let p = self
            .placed
            .iter()
            .find(|p| p.dir == dir && p.conn_offset == at)?;
        Some((dir, p.offset..p.offset + p.len))
    }

    /// This exchange's header blocks in `dir` (stream, wire, HTTP/1.1).
    pub fn own_blocks(&self, dir: Dir) -> impl Iterator<Item = &BlockSize> {
        let stream = self.stream;
        self.blocks
            .iter()
            .filter(move |b| b.dir == dir && b.stream == stream)
    }
}

/// The Frames pane's state.
#[derive(Debug, Clone, Default)]
pub struct FramesState {
    /// Selected item (index into `model.items`).
    pub selected: usize,
    /// First visible row.
    pub scroll: usize,
    /// A frame was picked last (not a response header): its bytes are
    /// the Wire pane's highlight.
    pub picked: bool,
    pub model: H2Model,
}
