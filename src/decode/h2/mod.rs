//! HTTP/2 made legible: a whole connection's recorded bytes (both
//! directions, above TLS) turned into the preface, frames and decoded
//! header blocks, with every byte accounted for. Pure functions over
//! bytes: never panics, never imports the terminal, trusts nothing it
//! reads.
//!
//! `frame.rs` cuts the bytes into frames and `payload.rs` reads them;
//! `hpack.rs` (with `primitives.rs` and `table.rs`) decodes header blocks;
//! `connection.rs` merges the two directions and carries the state that
//! spans frames (header blocks, SETTINGS in force, caps); `names.rs` names
//! the numbers; `measure.rs` sizes header lists as HTTP/1.1 text.

use std::time::Duration;

use crate::wire::exchange::{ChunkMark, Dir};

mod connection;
pub mod frame;
pub mod hpack;
pub mod live;
mod measure;
pub mod names;
pub mod payload;
pub(crate) mod primitives;
pub mod promises;
pub mod table;

pub use names::error_code_name;

/// The client connection preface (RFC 9113 §3.4).
pub const PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// At most this many items per connection; past it, one `Partial` per
/// direction says how much was left undecoded.
pub const MAX_ITEMS: usize = 10_000;

/// Decodes a whole connection's recorded bytes. `sent`/`received` are the
/// bytes of each direction from the connection's first byte; `chunks` time
/// them (cumulative per direction). Never panics, whatever the bytes.
pub fn decode_connection(sent: &[u8], received: &[u8], chunks: &[ChunkMark]) -> Connection {
    connection::decode(sent, received, chunks)
}

/// A decoded connection.
#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// Both directions merged, ordered by time then offset (each
    /// direction's own order is always kept).
    pub items: Vec<Item>,
    /// Final state of the [sent-direction, received-direction] decoders.
    pub tables: [TableState; 2],
    /// Bytes not covered by a preface or a frame (the `Partial` items);
    /// 0 for a complete, well-framed capture.
    pub unexplained: usize,
}

/// One piece of the connection, in one direction.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Preface {
        dir: Dir,
        at: Duration,
        offset: usize,
        len: usize,
    },
    Frame(Frame),
    /// Bytes that end mid-frame (the capture ended or the peer broke
    /// framing), or that were left undecoded past `MAX_ITEMS`.
    Partial {
        dir: Dir,
        at: Duration,
        offset: usize,
        len: usize,
        why: String,
    },
}

impl Item {
    pub fn dir(&self) -> Dir {
        match self {
            Item::Preface { dir, .. } | Item::Partial { dir, .. } => *dir,
            Item::Frame(f) => f.dir,
        }
    }

    pub fn at(&self) -> Duration {
        match self {
            Item::Preface { at, .. } | Item::Partial { at, .. } => *at,
            Item::Frame(f) => f.at,
        }
    }

    /// Moves the item to another clock (an exchange's own).
    pub fn rebase(&mut self, f: impl Fn(Duration) -> Duration) {
        match self {
            Item::Preface { at, .. } | Item::Partial { at, .. } => *at = f(*at),
            Item::Frame(fr) => fr.at = f(fr.at),
        }
    }

    /// Offset in its direction's byte stream.
    pub fn offset(&self) -> usize {
        match self {
            Item::Preface { offset, .. } | Item::Partial { offset, .. } => *offset,
            Item::Frame(f) => f.offset,
        }
    }

    /// Bytes of the stream this item covers (a frame's header included).
    pub fn wire_len(&self) -> usize {
        match self {
            Item::Preface { len, .. } | Item::Partial { len, .. } => *len,
            Item::Frame(f) => 9 + f.len,
        }
    }

    pub fn frame(&self) -> Option<&Frame> {
        match self {
            Item::Frame(f) => Some(f),
            _ => None,
        }
    }

    /// The stream it belongs to; the preface and partials count as 0.
    pub fn stream(&self) -> u32 {
        match self {
            Item::Frame(f) => f.stream,
            _ => 0,
        }
    }
}

/// One frame as it crossed the socket.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub dir: Dir,
    /// When the frame's first byte crossed (the time of its chunk).
    pub at: Duration,
    /// Offset of the 9-byte header in that direction's stream.
    pub offset: usize,
    /// Payload length.
    pub len: usize,
    pub type_code: u8,
    /// "DATA", "HEADERS", ..., "UNKNOWN".
    pub type_name: &'static str,
    pub flags: u8,
    /// Only flags defined for the type.
    pub flag_names: Vec<&'static str>,
    pub stream: u32,
    pub detail: Detail,
    /// Protocol violations seen in this frame, in words.
    pub problem: Option<String>,
}

/// A frame's payload, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    Data {
        data_len: usize,
        padding: usize,
    },
    Headers {
        /// Some on the frame that completes the block (END_HEADERS), with
        /// CONTINUATIONs folded in.
        block: Option<HeaderBlock>,
        padding: usize,
        priority: Option<Priority>,
    },
    Continuation {
        block: Option<HeaderBlock>,
    },
    PushPromise {
        promised: u32,
        block: Option<HeaderBlock>,
        padding: usize,
    },
    Priority(Priority),
    RstStream {
        code: u32,
        name: &'static str,
    },
    Settings {
        ack: bool,
        values: Vec<(u16, &'static str, u32)>,
    },
    Ping {
        ack: bool,
        data: [u8; 8],
    },
    GoAway {
        last_stream: u32,
        code: u32,
        name: &'static str,
        /// Escaped, and cut at 1 KiB.
        debug: String,
    },
    WindowUpdate {
        increment: u32,
    },
    /// An extension frame type, or a payload too short to read.
    Unknown,
}

impl Detail {
    /// The completed header block this frame carries, if any.
    pub fn block(&self) -> Option<&HeaderBlock> {
        match self {
            Detail::Headers { block, .. }
            | Detail::Continuation { block }
            | Detail::PushPromise { block, .. } => block.as_ref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Priority {
    pub exclusive: bool,
    pub depends_on: u32,
    /// 1..=256, as the RFC counts it (the wire carries weight − 1).
    pub weight: u16,
}

/// A decoded header block.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderBlock {
    /// In wire order, size updates included; capped (see `error`).
    pub fields: Vec<Field>,
    /// Compressed block bytes (all fragments, padding excluded).
    pub wire_len: usize,
    /// The same fields as HTTP/1.1 text: request/status line from the
    /// pseudo-headers + `Name: value\r\n` lines + final CRLF.
    pub h1_len: usize,
    pub table_after: TableState,
    pub error: Option<String>,
    /// Where the block's fragments lie in its direction's bytes (the
    /// HEADERS or PUSH_PROMISE frame's, then each CONTINUATION's).
    pub fragments: Vec<std::ops::Range<usize>>,
}

impl HeaderBlock {
    /// The bytes of the direction's stream that hold `within` (a range of
    /// the block), across fragments.
    pub fn stream_ranges(&self, within: std::ops::Range<usize>) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut at = 0;
        for f in &self.fragments {
            let (start, end) = (at, at + f.len());
            let from = within.start.max(start);
            let to = within.end.min(end);
            if from < to {
                out.push(f.start + (from - start)..f.start + (to - start));
            }
            at = end;
        }
        out
    }
}

/// One representation in a header block.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Escaped for display if not printable UTF-8; empty for size updates.
    pub name: String,
    pub value: String,
    pub repr: Representation,
    /// Bytes this representation took in the block.
    pub wire_len: usize,
    /// A literal's value string (length prefix included) as a range of
    /// the block: what to mask when the value is a secret.
    pub value_span: Option<std::ops::Range<usize>>,
}

/// How a field was sent (RFC 7541 §6).
#[derive(Debug, Clone, PartialEq)]
pub enum Representation {
    Indexed(usize),
    IncrementalIndexing { name_index: Option<usize> },
    WithoutIndexing { name_index: Option<usize> },
    NeverIndexed { name_index: Option<usize> },
    SizeUpdate(usize),
}

impl Representation {
    pub fn label(&self) -> String {
        match self {
            Representation::Indexed(i) => format!("indexed ({i})"),
            Representation::IncrementalIndexing { .. } => "literal, incremental indexing".into(),
            Representation::WithoutIndexing { .. } => "literal, without indexing".into(),
            Representation::NeverIndexed { .. } => "literal, never indexed".into(),
            Representation::SizeUpdate(n) => format!("dynamic table size update → {n}"),
        }
    }
}

/// A dynamic table as people read it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableState {
    /// Newest first, as indexed 62..; escaped. Past 64 KiB of entries
    /// only the newest are listed (`size` still counts them all).
    pub entries: Vec<(String, String)>,
    pub size: usize,
    pub max_size: usize,
}

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod rfc_tests;
