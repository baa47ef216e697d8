//! Bytes as safe display text, and the row index that lets a viewer format
//! only its visible rows.
//!
//! A byte stream is cut into glyphs: printable ASCII as itself, CR LF and
//! TAB as `\r` `\n` `\t` (so line endings are visible), invalid UTF-8 as
//! `\xNN`, and characters as themselves unless a terminal could act on them
//! (`report::escape::is_unsafe`: controls, bidi overrides), then `\u{..}`. The same rules as `report::escape`, one glyph at a
//! time so that a row of a 50 MB stream can be formatted on its own.
//! Must not import the terminal crates.

use std::fmt::Write;
use std::ops::Range;

use crate::report::escape::is_unsafe;

/// One displayed unit of a byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Glyph {
    /// Printable ASCII, shown as itself.
    Ascii(u8),
    /// `\r`, `\n` or `\t`.
    Escape(&'static str),
    /// A byte that is not valid UTF-8: `\xNN`.
    Hex(u8),
    /// A printable non-ASCII character and its width in cells.
    Char(char, u8),
    /// A character a terminal could act on (control, bidi override).
    Unicode(char),
}

impl Glyph {
    /// Width in terminal cells.
    pub fn width(self) -> usize {
        match self {
            Glyph::Ascii(_) => 1,
            Glyph::Escape(_) => 2,
            Glyph::Hex(_) => 4,
            Glyph::Char(_, w) => w as usize,
            // `\u{` + hex digits + `}`
            Glyph::Unicode(c) => 4 + hex_digits(c as u32),
        }
    }

    pub fn push_to(self, out: &mut String) {
        match self {
            Glyph::Ascii(b) => out.push(b as char),
            Glyph::Escape(s) => out.push_str(s),
            Glyph::Hex(b) => {
                let _ = write!(out, "\\x{b:02x}");
            }
            Glyph::Char(c, _) => out.push(c),
            Glyph::Unicode(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
}

fn hex_digits(n: u32) -> usize {
    (32 - n.leading_zeros()).div_ceil(4).max(1) as usize
}

/// The glyph at `bytes[i]` and how many bytes it spans. `None` when the
/// bytes end inside a UTF-8 sequence and `complete` is false (more bytes
/// may still arrive); when `complete`, such a tail shows as `\xNN`.
pub fn glyph_at(bytes: &[u8], i: usize, complete: bool) -> Option<(Glyph, usize)> {
    let b = *bytes.get(i)?;
    let glyph = match b {
        b'\r' => Glyph::Escape("\\r"),
        b'\n' => Glyph::Escape("\\n"),
        b'\t' => Glyph::Escape("\\t"),
        0x20..=0x7e => Glyph::Ascii(b),
        // Other C0 controls and DEL, spelled as `report::escape` does.
        0x00..=0x7f => Glyph::Unicode(b as char),
        _ => return multibyte(bytes, i, complete),
    };
    Some((glyph, 1))
}

fn multibyte(bytes: &[u8], i: usize, complete: bool) -> Option<(Glyph, usize)> {
    let need = match bytes[i] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some((Glyph::Hex(bytes[i]), 1)),
    };
    let end = i + need;
    if end > bytes.len() {
        // Wait for the rest unless the stream is over or the bytes so far
        // already cannot be a character.
        let partial_ok = bytes[i + 1..].iter().all(|&c| (0x80..0xc0).contains(&c));
        if !complete && partial_ok {
            return None;
        }
        return Some((Glyph::Hex(bytes[i]), 1));
    }
    match std::str::from_utf8(&bytes[i..end]) {
        Ok(s) => {
            let c = s.chars().next().unwrap_or('\u{fffd}');
            let glyph = if is_unsafe(c) {
                Glyph::Unicode(c)
            } else {
                Glyph::Char(c, char_width(c))
            };
            Some((glyph, need))
        }
        Err(_) => Some((Glyph::Hex(bytes[i]), 1)),
    }
}

/// Cells a character takes: 2 for East Asian wide and emoji ranges, else
/// 1. An approximation (no combining marks) that errs on wrapping early.
pub fn char_width(c: char) -> u8 {
    match c as u32 {
        0x1100..=0x115f
        | 0x2e80..=0x303e
        | 0x3041..=0x33ff
        | 0x3400..=0x4dbf
        | 0x4e00..=0x9fff
        | 0xa000..=0xa4cf
        | 0xac00..=0xd7a3
        | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f
        | 0xff00..=0xff60
        | 0xffe0..=0xffe6
        | 0x1f300..=0x1f64f
        | 0x1f900..=0x1f9ff
        | 0x20000..=0x3fffd => 2,
        _ => 1,
    }
}

/// Where each displayed row of a byte stream starts, for a given width: a
/// row ends after a `\n` byte or when the next glyph would not fit.
///
/// Built once per stream and width in O(n), then extended as a live stream
/// grows, so a frame formats only the rows it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    width: usize,
    starts: Vec<usize>,
    /// Bytes indexed so far (a trailing partial UTF-8 sequence waits).
    scanned: usize,
    col: usize,
    /// The last glyph scanned was `\n`: the next glyph starts a row.
    after_newline: bool,
}

impl LineIndex {
    pub fn new(width: usize) -> Self {
        LineIndex {
            width: width.max(1),
            starts: Vec::new(),
            scanned: 0,
            col: 0,
            after_newline: false,
        }
    }

    pub fn build(bytes: &[u8], width: usize, complete: bool) -> Self {
        let mut index = LineIndex::new(width);
        index.extend(bytes, complete);
        index
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Bytes covered so far.
    pub fn scanned(&self) -> usize {
        self.scanned
    }

    /// Indexes the bytes past `scanned()`. `bytes` must be the same stream,
    /// grown (or not); a stream that changed needs a new index.
    pub fn extend(&mut self, bytes: &[u8], complete: bool) {
        self.extend_for(bytes, complete, usize::MAX);
    }

    /// Like `extend`, scanning at most about `budget` bytes, so a frame
    /// never waits on a large stream: true once every byte that can be
    /// indexed is (a partial UTF-8 tail of a live stream waits).
    pub fn extend_for(&mut self, bytes: &[u8], complete: bool, budget: usize) -> bool {
        let mut i = self.scanned;
        let stop = bytes.len().min(i.saturating_add(budget));
        while i < stop {
            let b = bytes[i];
            // Fast path: printable ASCII is most of any HTTP stream.
            let (w, len, newline) = if (0x20..0x7f).contains(&b) {
                (1, 1, false)
            } else {
                match glyph_at(bytes, i, complete) {
                    Some((g, len)) => (g.width(), len, b == b'\n'),
                    None => break,
                }
            };
            if self.starts.is_empty() || self.after_newline || self.col + w > self.width {
                self.starts.push(i);
                self.col = 0;
            }
            self.col += w;
            self.after_newline = newline;
            i += len;
        }
        self.scanned = i;
        stop == bytes.len()
    }

    pub fn rows(&self) -> usize {
        self.starts.len()
    }

    /// Bytes of row `row`, or an empty range past the end.
    pub fn row(&self, row: usize) -> Range<usize> {
        match self.starts.get(row) {
            Some(&start) => start..self.starts.get(row + 1).copied().unwrap_or(self.scanned),
            None => self.scanned..self.scanned,
        }
    }

    /// The row holding byte `offset`.
    pub fn row_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        let mut out = String::new();
        let mut i = 0;
        while let Some((g, len)) = glyph_at(bytes, i, true) {
            g.push_to(&mut out);
            i += len;
        }
        out
    }

    #[test]
    fn glyphs_match_report_escape() {
        let samples: [&[u8]; 5] = [
            b"GET / HTTP/1.1\r\n",
            b"\x1b[31mred\x07",
            "é\u{9b}\u{202e}x".as_bytes(),
            b"a\xffb\xe2\x82",
            b"\t\x7f",
        ];
        for s in samples {
            assert_eq!(text(s), crate::report::escape::escape_bytes(s), "{s:?}");
        }
    }

    #[test]
    fn widths_match_text() {
        for s in ["\u{9b}", "\u{10ffff}", "é", "\r", "\x01"] {
            let (g, _) = glyph_at(s.as_bytes(), 0, true).unwrap();
            let mut out = String::new();
            g.push_to(&mut out);
            if !matches!(g, Glyph::Char(..)) {
                assert_eq!(out.len(), g.width(), "{s:?}");
            }
        }
        assert_eq!(glyph_at("漢".as_bytes(), 0, true).unwrap().0.width(), 2);
    }

    #[test]
    fn rows_break_after_newline_and_at_width() {
        let b = b"ab\r\ncdefgh\r\n\r\nx";
        let idx = LineIndex::build(b, 4, true);
        let rows: Vec<_> = (0..idx.rows()).map(|r| &b[idx.row(r)]).collect();
        // "ab\r\n" is 6 cells: "ab\r" fits 4? a,b = 2, \r = 2 -> 4; \n wraps.
        assert_eq!(
            rows,
            vec![&b"ab\r"[..], b"\n", b"cdef", b"gh\r", b"\n", b"\r\n", b"x"]
        );
        assert_eq!(idx.row_of(0), 0);
        assert_eq!(idx.row_of(b.len() - 1), 6);
        assert!(idx.row(99).is_empty());
    }

    #[test]
    fn extending_equals_building_at_once() {
        let mut b = "GET /ü HTTP/1.1\r\nX: 漢字\r\n\r\nbody\x00"
            .as_bytes()
            .to_vec();
        b.extend_from_slice(b"\xff\xe2\x80\xa6end\xe2\x82");
        let b = b.as_slice();
        let whole = LineIndex::build(b, 7, true);
        for cut in 0..b.len() {
            let mut idx = LineIndex::build(&b[..cut], 7, false);
            idx.extend(b, true);
            assert_eq!(idx, whole, "cut at {cut}");
        }
    }

    #[test]
    fn budgeted_extension_equals_building_at_once() {
        let b = "GET /ü HTTP/1.1\r\nX: 漢字\r\n\r\n".repeat(50);
        let b = b.as_bytes();
        let whole = LineIndex::build(b, 9, true);
        for budget in [1, 2, 3, 7, 64] {
            let mut idx = LineIndex::new(9);
            let mut frames = 0;
            while !idx.extend_for(b, true, budget) {
                frames += 1;
                assert!(frames <= b.len(), "never caught up at budget {budget}");
            }
            assert_eq!(idx, whole, "budget {budget}");
        }
    }

    #[test]
    fn partial_utf8_waits_while_streaming() {
        let b = "é".as_bytes();
        let idx = LineIndex::build(&b[..1], 10, false);
        assert_eq!(idx.scanned(), 0);
        let idx = LineIndex::build(&b[..1], 10, true);
        assert_eq!(idx.scanned(), 1);
        assert_eq!(LineIndex::build(b"", 0, true).rows(), 0);
    }
}
