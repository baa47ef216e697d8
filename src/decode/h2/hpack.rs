//! HPACK header block decoding (RFC 7541): the representation parser that
//! says how each field was sent, with caps that keep a hostile block from
//! costing more than its own size. Huffman strings go through
//! `loona_hpack::huffman`; the tables live in `table.rs`.
//!
//! One `Decoder` per direction per connection, fed blocks in wire order. A
//! decoding error leaves the dynamic table unknowable, so every later block
//! of that direction is reported as undecodable rather than guessed at.

use std::fmt;

use loona_hpack::huffman::HuffmanDecoder;

use super::measure::H1Len;
use super::primitives::{integer, string};
use super::table::{DynamicTable, DEFAULT_MAX, ENTRY_OVERHEAD};
use super::{Field, HeaderBlock, Representation, TableState};
use crate::report::escape::escape_bytes;

/// Largest header block (after CONTINUATIONs) this decoder will read.
pub const MAX_BLOCK: usize = 256 * 1024;
/// Largest decoded header list kept per block, counted as RFC 9113 counts
/// SETTINGS_MAX_HEADER_LIST_SIZE: name + value + 32 per field.
pub const MAX_LIST: usize = 256 * 1024;

/// Header block bytes one decoder will work through in all. Huffman
/// decoding costs a few microseconds per byte in a debug build, and a
/// server can send tens of MiB of headers; real connections use kilobytes.
pub const MAX_WORK: usize = 4 * 1024 * 1024;

/// The decoding state for one direction of one connection.
pub struct Decoder {
    table: DynamicTable,
    /// Block bytes decoded so far (see `MAX_WORK`).
    work: usize,
    /// The largest size update the peer may send: the decoder side's
    /// SETTINGS_HEADER_TABLE_SIZE as the encoder may know it.
    allowed_max: usize,
    huffman: HuffmanDecoder,
    broken: Option<String>,
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("table", &self.table)
            .field("allowed_max", &self.allowed_max)
            .field("broken", &self.broken)
            .finish()
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A fresh decoder: empty table, max and allowed max 4096.
    pub fn new() -> Self {
        Decoder {
            table: DynamicTable::default(),
            work: 0,
            allowed_max: DEFAULT_MAX,
            huffman: HuffmanDecoder::new(),
            broken: None,
        }
    }

    /// A decoder whose table max (and allowed max) is already `max`, as
    /// after a settled SETTINGS_HEADER_TABLE_SIZE and size update.
    pub fn with_max_size(max: usize) -> Self {
        let mut d = Self::new();
        d.table.set_max(max);
        d.allowed_max = max;
        d
    }

    /// Sets the largest table size a size update may ask for.
    pub fn set_allowed_max(&mut self, max: usize) {
        self.allowed_max = max;
    }

    pub fn state(&self) -> TableState {
        self.table.state()
    }

    /// Why later blocks cannot be decoded, once a block has failed.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    /// Decodes one complete header block.
    pub fn decode(&mut self, block: &[u8]) -> HeaderBlock {
        let mut unlimited = usize::MAX;
        self.decode_measured(block, &mut unlimited).0
    }

    /// Marks this direction undecodable from here on: a block was lost
    /// (too large, cut off, unreadable padding), so the table is unknown.
    pub fn undecodable(&mut self, wire_len: usize, why: &str) -> HeaderBlock {
        let error = match &self.broken {
            Some(b) => format!("not decoded: {b}"),
            None => format!("{why}; later header blocks in this direction cannot be decoded"),
        };
        self.broken
            .get_or_insert_with(|| format!("an earlier header block was lost ({why})"));
        self.block(Vec::new(), wire_len, 0, Some(error))
    }

    /// Decodes a block, charging kept fields to a connection-wide budget
    /// (many small blocks can each expand to the list cap). Also returns
    /// the decoded list's size as SETTINGS_MAX_HEADER_LIST_SIZE counts it.
    pub(crate) fn decode_measured(
        &mut self,
        block: &[u8],
        budget: &mut usize,
    ) -> (HeaderBlock, usize) {
        if let Some(b) = &self.broken {
            let error = format!("not decoded: {b}");
            return (self.block(Vec::new(), block.len(), 0, Some(error)), 0);
        }
        if block.len() > MAX_BLOCK {
            let why = format!(
                "header block of {} B is over the {MAX_BLOCK} B cap",
                block.len()
            );
            return (self.undecodable(block.len(), &why), 0);
        }
        self.work = self.work.saturating_add(block.len());
        if self.work > MAX_WORK {
            let why =
                format!("the {MAX_WORK} B of header blocks this direction may decode are spent");
            return (self.undecodable(block.len(), &why), 0);
        }
        let mut sink = Sink {
            fields: Vec::new(),
            list_size: 0,
            dropped: 0,
            budget,
            budget_spent: false,
            h1: H1Len::default(),
        };
        let result = self.run(block, &mut sink);
        let mut errors = Vec::new();
        if let Err((at, msg)) = result {
            errors.push(format!(
                "HPACK error at byte {at}: {msg}; later header blocks in this direction cannot be decoded"
            ));
            self.broken = Some(format!("an earlier header block failed ({msg})"));
        }
        if sink.dropped > 0 {
            errors.push(if sink.budget_spent {
                format!(
                    "{} fields not kept: the connection's budget for decoded headers is spent",
                    sink.dropped
                )
            } else {
                format!(
                    "header list over the {MAX_LIST} B cap: {} fields not kept",
                    sink.dropped
                )
            });
        }
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        let h1_len = sink.h1.total();
        (
            self.block(sink.fields, block.len(), h1_len, error),
            sink.list_size,
        )
    }

    fn block(
        &self,
        fields: Vec<Field>,
        wire_len: usize,
        h1_len: usize,
        error: Option<String>,
    ) -> HeaderBlock {
        HeaderBlock {
            fields,
            wire_len,
            h1_len,
            table_after: self.table.state(),
            error,
            fragments: Vec::new(),
        }
    }

    /// Walks the representations; on error returns the offset and reason.
    fn run(&mut self, block: &[u8], sink: &mut Sink) -> Result<(), (usize, String)> {
        let Decoder {
            table,
            allowed_max,
            huffman,
            ..
        } = self;
        let mut pos = 0;
        let mut seen_field = false;
        while let Some(&first) = block.get(pos) {
            let start = pos;
            let fail = |msg: String| (start, msg);
            let size_update = first & 0xe0 == 0x20;
            // RFC 7541 §4.2: once the setting falls below the table's max,
            // the next block must open by shrinking the table to fit.
            if !size_update && !seen_field && table.max_size() > *allowed_max {
                return Err(fail(format!(
                    "the table max is {} but SETTINGS_HEADER_TABLE_SIZE allows {allowed_max}: \
                     the block must open with a dynamic table size update",
                    table.max_size()
                )));
            }
            if first & 0x80 != 0 {
                let index = integer(block, &mut pos, 7).map_err(fail)?;
                let (name, value) = lookup(table, index).map_err(fail)?;
                sink.field(
                    name,
                    value,
                    Representation::Indexed(index),
                    start..pos,
                    None,
                );
            } else if size_update {
                // RFC 7541 §4.2: size updates open a block, never follow a field.
                if seen_field {
                    return Err(fail(
                        "dynamic table size update after a header field".into(),
                    ));
                }
                let size = integer(block, &mut pos, 5).map_err(fail)?;
                if size > *allowed_max {
                    return Err(fail(format!(
                        "dynamic table size update to {size} is above the allowed maximum {allowed_max}"
                    )));
                }
                table.set_max(size);
                sink.size_update(size, pos - start);
                continue;
            } else {
                let (prefix, incremental) = if first & 0x40 != 0 {
                    (6, true)
                } else {
                    (4, false)
                };
                let index = integer(block, &mut pos, prefix).map_err(fail)?;
                let name_index = (index != 0).then_some(index);
                let name: Vec<u8> = match name_index {
                    Some(i) => lookup(table, i).map_err(fail)?.0.to_vec(),
                    None => string(block, &mut pos, huffman).map_err(fail)?.into_owned(),
                };
                let value_start = pos;
                let value = string(block, &mut pos, huffman).map_err(fail)?;
                let repr = if incremental {
                    Representation::IncrementalIndexing { name_index }
                } else if first & 0x10 != 0 {
                    Representation::NeverIndexed { name_index }
                } else {
                    Representation::WithoutIndexing { name_index }
                };
                sink.field(&name, &value, repr, start..pos, Some(value_start..pos));
                if incremental {
                    table.insert(name, value.into_owned());
                }
            }
            seen_field = true;
        }
        Ok(())
    }
}

fn lookup(table: &DynamicTable, index: usize) -> Result<(&[u8], &[u8]), String> {
    table.get(index).ok_or_else(|| {
        format!(
            "index {index} is outside the table (61 static + {} dynamic entries)",
            table.len()
        )
    })
}

/// Where decoded fields go: kept up to the caps, always measured.
struct Sink<'b> {
    fields: Vec<Field>,
    list_size: usize,
    dropped: usize,
    budget: &'b mut usize,
    budget_spent: bool,
    h1: H1Len,
}

impl Sink<'_> {
    fn field(
        &mut self,
        name: &[u8],
        value: &[u8],
        repr: Representation,
        at: std::ops::Range<usize>,
        value_span: Option<std::ops::Range<usize>>,
    ) {
        let cost = name.len() + value.len() + ENTRY_OVERHEAD;
        self.list_size = self.list_size.saturating_add(cost);
        self.h1.add(name, value);
        self.budget_spent |= cost > *self.budget;
        if self.list_size > MAX_LIST || self.budget_spent {
            self.dropped += 1;
            return;
        }
        *self.budget -= cost;
        self.fields.push(Field {
            name: escape_bytes(name),
            value: escape_bytes(value),
            repr,
            wire_len: at.len(),
            value_span,
        });
    }

    fn size_update(&mut self, size: usize, wire_len: usize) {
        self.fields.push(Field {
            name: String::new(),
            value: String::new(),
            repr: Representation::SizeUpdate(size),
            wire_len,
            value_span: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_declared_string_is_refused_before_allocating() {
        // Literal without indexing, new name, length 2^31ish, no bytes.
        let mut d = Decoder::new();
        let b = d.decode(&[0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0x07]);
        let err = b.error.unwrap_or_default();
        assert!(err.contains("declares"), "{err}");
        assert!(d
            .decode(&[0x82])
            .error
            .unwrap_or_default()
            .contains("not decoded"));
    }

    #[test]
    fn size_update_rules() {
        let mut d = Decoder::new();
        let b = d.decode(&[0x3f, 0xe2, 0x1f]); // 4097 = 31 + 4066
        assert!(b
            .error
            .unwrap_or_default()
            .contains("above the allowed maximum 4096"));
        let mut d = Decoder::new();
        assert!(d
            .decode(&[0x82, 0x20])
            .error
            .unwrap_or_default()
            .contains("after a header field"));
        let mut d = Decoder::new();
        d.set_allowed_max(8192);
        let b = d.decode(&[0x3f, 0xe1, 0x3f, 0x82]); // 8192
        assert_eq!((b.error, b.table_after.max_size), (None, 8192));
        assert_eq!(b.fields[0].repr, Representation::SizeUpdate(8192));
    }

    #[test]
    fn list_cap_drops_fields_but_keeps_the_table() {
        let mut d = Decoder::new();
        // One entry of 1 + 4063 + 32 = 4096 bytes: the whole default table.
        let mut block = vec![0x40, 0x01, b'x', 0x7f, 0xe0, 0x1e];
        block.resize(6 + 4063, b'v');
        let first = d.decode(&block);
        assert_eq!(first.error, None);
        let refs = vec![0xbe; 80]; // 80 references to index 62: 320 KiB decoded
        let b = d.decode(&refs);
        assert_eq!(b.fields.len(), 64, "64 × 4096 B is exactly the cap");
        assert!(b.error.unwrap_or_default().contains("16 fields not kept"));
        assert_eq!(d.decode(&[0xbe]).error, None, "table still in sync");
    }
}
