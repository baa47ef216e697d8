//! HTTP/1.x regions: which bytes of a recorded stream are the start line,
//! a header name, a header value, a line ending, the blank line, a chunk
//! size line or body. The Wire pane colors bytes by these regions.
//!
//! Owns only the *shape* of the bytes; it never decides what they mean and
//! never fails: truncated or garbage input yields the regions it could
//! recognise, then one `Unparsed` region for the rest. A response's body
//! is drawn from the reader's record of its framing (`BodyLayout`), never
//! framed here. Must not import the terminal crates. Cost is O(head +
//! number of chunks): bodies are skipped by length, never scanned.

use std::ops::Range;

use crate::wire::{BodyLayout, ResponseLayout};

/// What a run of bytes is, on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegionKind {
    /// `GET /x HTTP/1.1` or `HTTP/1.1 200 OK`, without its line ending.
    StartLine,
    /// A header name including its colon (`Content-Type:`).
    HeaderName,
    /// Everything after the colon up to the line ending (leading space
    /// included, since it is on the wire too); also folded lines.
    HeaderValue,
    /// The `\r\n` (or bare `\n`) ending a line.
    Crlf,
    /// The empty line that ends a head or a trailer section.
    BlankLine,
    /// A chunk-size line of a chunked body (`1a;ext=1`), without its CRLF.
    ChunkSize,
    /// Body bytes (chunk data for chunked bodies).
    Body,
    /// Bytes that do not parse as HTTP/1.x where a message was expected.
    Unparsed,
    /// HTTP/2 (see `wire_regions`): a frame's 9-byte header.
    FrameHeader,
    /// HTTP/2: the payload of a control frame (SETTINGS, PING, ...).
    Control,
}

/// A run of bytes of one kind. Regions are in order and do not overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub kind: RegionKind,
    pub range: Range<usize>,
}

/// Regions of a request stream (what we sent): heads, and bodies framed
/// by their own `Content-Length` or chunked coding. The engine writes a
/// request as built and frames nothing, so there is no record to draw
/// from; several requests (raw mode) follow one another.
pub fn regions(bytes: &[u8]) -> Vec<Region> {
    Parser::new(bytes).run()
}

/// Regions of a received stream, the body drawn from the reader's record
/// of where it lay (`layout`: `Response::body_layout` of a finished
/// exchange, or `wire::layout_of` — the reader's own rules — for bytes
/// still arriving). Without a layout (no final head yet, or one the reader
/// refused) the heads are shown and what follows them is `Unparsed`. The
/// pane never decides framing itself.
pub fn response_regions(bytes: &[u8], layout: Option<&ResponseLayout>) -> Vec<Region> {
    let mut p = Parser::new(bytes);
    match layout {
        Some(l) => {
            // Interim heads, then the final one, then its body.
            while p.pos < l.head.start.min(bytes.len()) {
                if p.head().is_none() {
                    break;
                }
            }
            if p.pos == l.head.start && p.head().is_some() {
                p.body(&l.body);
            }
        }
        None => {
            while p.pos < bytes.len() {
                match p.head() {
                    Some(Some(s)) if (100..200).contains(&s) && s != 101 => {}
                    _ => break,
                }
            }
        }
    }
    p.rest_unparsed();
    p.out
}

/// Byte ranges of the header lines (name through line ending) of the head
/// whose start line begins at `head_start`, in wire order. Folded lines
/// belong to the header they continue. Used to highlight one header.
pub fn header_lines(regions: &[Region], head_start: usize) -> Vec<Range<usize>> {
    let first = regions.partition_point(|r| r.range.start < head_start);
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut in_line = false;
    for r in regions.iter().skip(first + 1) {
        match r.kind {
            RegionKind::HeaderName => {
                lines.push(r.range.clone());
                in_line = true;
            }
            RegionKind::HeaderValue | RegionKind::Crlf if in_line => {
                if let Some(last) = lines.last_mut() {
                    last.end = r.range.end;
                }
            }
            RegionKind::HeaderValue | RegionKind::Crlf => {}
            _ => break,
        }
    }
    lines
}

/// Index of the first region that ends after `offset` (binary search), so a
/// renderer looks up only the regions of its visible rows.
pub fn first_region_at(regions: &[Region], offset: usize) -> usize {
    regions.partition_point(|r| r.range.end <= offset)
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
    out: Vec<Region>,
}

/// What a request head says about the body that follows it.
#[derive(Default)]
struct Framing {
    content_length: Option<u64>,
    chunked: bool,
}

impl<'a> Parser<'a> {
    fn new(b: &'a [u8]) -> Self {
        Parser {
            b,
            pos: 0,
            out: Vec::new(),
        }
    }

    /// Adds a region, clipped to the bytes and to what is already covered
    /// (a record may reach past a truncated transcript).
    fn push(&mut self, kind: RegionKind, start: usize, end: usize) {
        let covered = self.out.last().map_or(0, |r| r.range.end);
        let (start, end) = (start.max(covered), end.min(self.b.len()));
        if end > start {
            self.out.push(Region {
                kind,
                range: start..end,
            });
        }
    }

    /// `(content_end, line_end)` of the line starting at `from`: content
    /// stops before `\r\n` or `\n`. `None` when no line ending follows.
    fn line(&self, from: usize) -> Option<(usize, usize)> {
        let nl = from + self.b.get(from..)?.iter().position(|&c| c == b'\n')?;
        let content_end = if nl > from && self.b[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        Some((content_end, nl + 1))
    }

    fn rest_unparsed(&mut self) {
        let (start, end) = (self.pos, self.b.len());
        self.push(RegionKind::Unparsed, start, end);
        self.pos = end;
    }

    fn run(mut self) -> Vec<Region> {
        while self.pos < self.b.len() {
            if !self.request() {
                break;
            }
        }
        self.rest_unparsed();
        self.out
    }

    /// One head: start line, fields, blank line. `Some(status)` once the
    /// head is complete (`None` inside for a request line); `None` when the
    /// input ends first or the start line is not HTTP.
    fn head(&mut self) -> Option<Option<u16>> {
        let start = self.pos;
        let (content_end, line_end) = match self.line(start) {
            Some(l) => l,
            None => (self.b.len(), self.b.len()),
        };
        let line = &self.b[start..content_end];
        if !plausible_start_line(line) {
            return None;
        }
        let status = response_status(line);
        self.push(RegionKind::StartLine, start, content_end);
        self.push(RegionKind::Crlf, content_end, line_end);
        self.pos = line_end;
        self.fields(RegionKind::HeaderName)?;
        Some(status)
    }

    /// A body as the reader framed it.
    fn body(&mut self, layout: &BodyLayout) {
        if layout.chunks.is_empty() {
            self.push(RegionKind::Body, layout.range.start, layout.range.end);
            self.pos = self.pos.max(layout.range.end.min(self.b.len()));
            return;
        }
        let mut chunks = layout.chunks.iter().peekable();
        while let Some(c) = chunks.next() {
            self.push(RegionKind::ChunkSize, c.size_line.start, c.size_line.end);
            self.push(RegionKind::Crlf, c.size_line.end, c.data.start);
            self.push(RegionKind::Body, c.data.start, c.data.end);
            self.pos = c.data.end;
            if let Some(next) = chunks.peek() {
                self.push(RegionKind::Crlf, c.data.end, next.size_line.start);
            }
        }
        if layout.chunks_dropped > 0 {
            // Chunks past the record's cap: body, not told apart.
            let end = layout
                .trailers
                .as_ref()
                .map_or(layout.range.end, |t| t.start);
            self.push(RegionKind::Body, self.pos, end);
        }
        if let Some(t) = &layout.trailers {
            self.pos = t.start.min(self.b.len());
            let _ = self.fields(RegionKind::HeaderName);
        }
        self.pos = self.pos.max(self.out.last().map_or(0, |r| r.range.end));
    }

    /// One request; false when the stream cannot go on (truncated, garbage
    /// or a body that runs to the end).
    fn request(&mut self) -> bool {
        let start = self.pos;
        let (content_end, line_end) = match self.line(start) {
            Some(l) => l,
            None => (self.b.len(), self.b.len()),
        };
        let line = &self.b[start..content_end];
        if !plausible_start_line(line) {
            return false;
        }
        self.push(RegionKind::StartLine, start, content_end);
        self.push(RegionKind::Crlf, content_end, line_end);
        self.pos = line_end;
        if line_end == self.b.len() && content_end == line_end {
            return false;
        }
        let Some(framing) = self.fields(RegionKind::HeaderName) else {
            return false;
        };
        // RFC 9112 §6.3 for requests: chunked, else Content-Length, else
        // no body.
        if framing.chunked {
            self.chunks()
        } else if let Some(n) = framing.content_length {
            let end = self.pos.saturating_add(n.min(usize::MAX as u64) as usize);
            let end = end.min(self.b.len());
            let start = self.pos;
            self.push(RegionKind::Body, start, end);
            self.pos = end;
            end < self.b.len()
        } else {
            true
        }
    }

    /// Header (or trailer) lines up to and including the blank line. `None`
    /// when the input ends first.
    fn fields(&mut self, name_kind: RegionKind) -> Option<Framing> {
        let mut framing = Framing::default();
        loop {
            let start = self.pos;
            if start >= self.b.len() {
                return None;
            }
            let Some((content_end, line_end)) = self.line(start) else {
                // Truncated mid-line: show what there is.
                let end = self.b.len();
                self.field(name_kind, start, end);
                self.pos = end;
                return None;
            };
            if content_end == start {
                self.push(RegionKind::BlankLine, start, line_end);
                self.pos = line_end;
                return Some(framing);
            }
            let line = &self.b[start..content_end];
            if let Some(colon) = line.iter().position(|&c| c == b':') {
                note_framing(&mut framing, &line[..colon], &line[colon + 1..]);
            }
            self.field(name_kind, start, content_end);
            self.push(RegionKind::Crlf, content_end, line_end);
            self.pos = line_end;
        }
    }

    fn field(&mut self, name_kind: RegionKind, start: usize, end: usize) {
        let line = &self.b[start..end];
        let folded = matches!(line.first(), Some(b' ' | b'\t'));
        match line.iter().position(|&c| c == b':') {
            Some(colon) if !folded => {
                self.push(name_kind, start, start + colon + 1);
                self.push(RegionKind::HeaderValue, start + colon + 1, end);
            }
            _ => self.push(RegionKind::HeaderValue, start, end),
        }
    }

    /// A chunked body: size lines, data, the CRLF after each data run, the
    /// last chunk and the trailer section.
    fn chunks(&mut self) -> bool {
        loop {
            let start = self.pos;
            if start >= self.b.len() {
                return false;
            }
            let Some((content_end, line_end)) = self.line(start) else {
                let end = self.b.len();
                self.push(RegionKind::ChunkSize, start, end);
                self.pos = end;
                return false;
            };
            let Some(size) = chunk_size(&self.b[start..content_end]) else {
                self.rest_unparsed();
                return false;
            };
            self.push(RegionKind::ChunkSize, start, content_end);
            self.push(RegionKind::Crlf, content_end, line_end);
            self.pos = line_end;
            if size == 0 {
                return self.fields(RegionKind::HeaderName).is_some();
            }
            let data_end = self
                .pos
                .saturating_add(size.min(usize::MAX as u64) as usize)
                .min(self.b.len());
            let data_start = self.pos;
            self.push(RegionKind::Body, data_start, data_end);
            self.pos = data_end;
            let rest = &self.b[data_end..];
            let crlf = if rest.starts_with(b"\r\n") {
                2
            } else if rest.starts_with(b"\n") || rest == b"\r" {
                1
            } else if rest.is_empty() {
                return false;
            } else {
                // Data longer than its size line said: not chunked any more.
                self.rest_unparsed();
                return false;
            };
            self.push(RegionKind::Crlf, data_end, data_end + crlf);
            self.pos = data_end + crlf;
        }
    }
}

/// A start line is printable ASCII beginning with a token character; this
/// is what tells an HTTP head from binary garbage.
fn plausible_start_line(line: &[u8]) -> bool {
    match line.first() {
        Some(c) if c.is_ascii_alphanumeric() => {}
        _ => return false,
    }
    line.iter()
        .all(|&c| c == b'\t' || (0x20..0x7f).contains(&c))
}

/// The status code of `HTTP/x.y NNN ...`, `None` for a request line.
fn response_status(line: &[u8]) -> Option<u16> {
    if !line.starts_with(b"HTTP/") {
        return None;
    }
    let code = line.split(|&c| c == b' ').nth(1)?;
    std::str::from_utf8(code).ok()?.parse().ok()
}

fn note_framing(framing: &mut Framing, name: &[u8], value: &[u8]) {
    let value = String::from_utf8_lossy(value);
    let value = value.trim();
    if name.eq_ignore_ascii_case(b"content-length") {
        framing.content_length = value.parse().ok();
    } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
        framing.chunked = value
            .rsplit(',')
            .next()
            .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"));
    }
}

/// The hex size of a chunk-size line (extensions after `;` ignored).
fn chunk_size(line: &[u8]) -> Option<u64> {
    let digits = line.split(|&c| c == b';').next()?;
    let digits = std::str::from_utf8(digits).ok()?.trim();
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests;
