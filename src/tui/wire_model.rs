//! What the Wire pane needs to draw only its visible rows: the regions of
//! both streams, the text view's row index, and where the selected header
//! sits. Synced once per frame before drawing; rebuilt only when the
//! exchange, view or width changes, extended when a live stream grows.

use std::ops::Range;

use super::app::WireView;
use super::entry::Entry;
use crate::decode::h1::{header_lines, Region};
use crate::decode::text::LineIndex;
use crate::decode::wire_regions::{protocol_of, regions, Framed, Protocol};
use crate::wire::exchange::Dir;
use crate::worker::ExchangeId;

/// Hex rows hold this many bytes.
pub const HEX_ROW: usize = 16;

/// One direction's bytes, as indexed.
#[derive(Debug, Clone, Default)]
pub struct StreamModel {
    pub len: usize,
    pub regions: Vec<Region>,
    /// Bytes of secret header values (`mask::secret_ranges`), in order.
    pub secrets: Vec<Range<usize>>,
    /// Text view rows (built only for the text view).
    pub lines: Option<LineIndex>,
}

impl StreamModel {
    fn sync(
        &mut self,
        bytes: &[u8],
        dir: Dir,
        protocol: Protocol,
        framed: Framed,
        text_width: Option<usize>,
        complete: bool,
    ) {
        if bytes.len() != self.len || self.regions.is_empty() {
            self.regions = regions(bytes, dir, protocol, framed);
            self.secrets = crate::report::mask::secret_ranges(bytes, &self.regions);
            self.len = bytes.len();
        }
        match (text_width, &mut self.lines) {
            (Some(w), Some(idx)) if idx.width() == w => idx.extend(bytes, complete),
            (Some(w), _) => self.lines = Some(LineIndex::build(bytes, w, complete)),
            (None, _) => self.lines = None,
        }
    }

    fn rows(&self, view: WireView) -> usize {
        match (view, &self.lines) {
            (WireView::Text, Some(idx)) => idx.rows(),
            _ => self.len.div_ceil(HEX_ROW),
        }
    }

    fn row_bytes(&self, view: WireView, row: usize) -> Range<usize> {
        match (view, &self.lines) {
            (WireView::Text, Some(idx)) => idx.row(row),
            _ => {
                let start = (row * HEX_ROW).min(self.len);
                start..(start + HEX_ROW).min(self.len)
            }
        }
    }

    fn row_of(&self, view: WireView, offset: usize) -> usize {
        match (view, &self.lines) {
            (WireView::Text, Some(idx)) => idx.row_of(offset),
            _ => offset / HEX_ROW,
        }
    }
}

/// How `e`'s bytes are read: the protocol, and whether the response
/// answers a HEAD (no body whatever the headers say).
fn reading(e: &Entry) -> (Protocol, bool) {
    let head = e.method.eq_ignore_ascii_case("HEAD");
    let h2 = e.exchange.as_ref().is_some_and(|x| x.h2.is_some());
    let protocol = if h2 {
        Protocol::Http2
    } else {
        protocol_of(e.sent())
    };
    (protocol, head)
}

/// The bytes of `e`'s `dir` stream drawn masked (`mask::secret_ranges`),
/// for whoever needs them without a synced model (search).
pub fn secrets_of(e: &Entry, dir: Dir) -> Vec<Range<usize>> {
    let (protocol, head) = reading(e);
    let bytes = match dir {
        Dir::Sent => e.sent(),
        Dir::Received => e.received(),
    };
    let framed = Framed::of(e.response(), head);
    crate::report::mask::secret_ranges(bytes, &regions(bytes, dir, protocol, framed))
}

/// A row of the Wire pane's virtual document: a section title, then the
/// rows of that direction (or a note that it has none yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireRow {
    Section(Dir),
    Bytes(Dir, Range<usize>),
    Empty(Dir),
}

#[derive(Debug, Clone, Default)]
pub struct WireModel {
    key: Option<(ExchangeId, bool, WireView, usize)>,
    pub sent: StreamModel,
    pub received: StreamModel,
    pub view: WireView,
    /// Bytes lit up: the selected response header (received stream) or
    /// HTTP/2 frame (either stream).
    pub highlight: Option<(Dir, Range<usize>)>,
    /// The model describes an exchange (false: nothing to show).
    pub ready: bool,
}

impl WireModel {
    /// Brings the model up to date with `entry` for `width` columns.
    pub fn sync(
        &mut self,
        entry: Option<&Entry>,
        view: WireView,
        width: usize,
        header: Option<usize>,
    ) {
        let Some(e) = entry else {
            *self = WireModel::default();
            return;
        };
        let key = (e.id, e.complete(), view, width);
        let (sent, received) = (e.sent(), e.received());
        if self.key != Some(key) || sent.len() < self.sent.len || received.len() < self.received.len
        {
            *self = WireModel {
                key: Some(key),
                view,
                ..WireModel::default()
            };
        }
        let text_width = (view == WireView::Text).then_some(width.max(1));
        let (protocol, head) = reading(e);
        let framed = Framed::of(e.response(), head);
        self.sent
            .sync(sent, Dir::Sent, protocol, framed, text_width, e.complete());
        self.received.sync(
            received,
            Dir::Received,
            protocol,
            framed,
            text_width,
            e.complete(),
        );
        self.highlight = match (header, e.response()) {
            // The field's own bytes as the reader found them, through the
            // end of its line.
            (Some(i), Some(resp)) => match resp.field_ranges.get(i) {
                Some(f) => {
                    let end = received
                        .get(f.value.end..)
                        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
                        .map_or(f.value.end, |n| f.value.end + n + 1);
                    Some((Dir::Received, f.name.start..end.min(received.len())))
                }
                None => header_lines(&self.received.regions, resp.head_start)
                    .get(i)
                    .cloned()
                    .map(|r| (Dir::Received, r)),
            },
            _ => None,
        };
        self.ready = true;
    }

    fn stream(&self, dir: Dir) -> &StreamModel {
        match dir {
            Dir::Sent => &self.sent,
            Dir::Received => &self.received,
        }
    }

    fn section_rows(&self, dir: Dir) -> usize {
        self.stream(dir).rows(self.view).max(1)
    }

    /// Rows of the whole document.
    pub fn rows(&self) -> usize {
        if !self.ready {
            return 0;
        }
        2 + self.section_rows(Dir::Sent) + self.section_rows(Dir::Received)
    }

    /// What row `i` of the document is.
    pub fn row(&self, i: usize) -> Option<WireRow> {
        if i >= self.rows() {
            return None;
        }
        let sent_rows = self.section_rows(Dir::Sent);
        let (dir, r) = match i {
            0 => return Some(WireRow::Section(Dir::Sent)),
            i if i <= sent_rows => (Dir::Sent, i - 1),
            i if i == sent_rows + 1 => return Some(WireRow::Section(Dir::Received)),
            i => (Dir::Received, i - sent_rows - 2),
        };
        let s = self.stream(dir);
        if s.len == 0 {
            return Some(WireRow::Empty(dir));
        }
        Some(WireRow::Bytes(dir, s.row_bytes(self.view, r)))
    }

    /// The stream byte shown first on document row `i`.
    pub fn byte_at_row(&self, i: usize) -> Option<(Dir, usize)> {
        match self.row(i)? {
            WireRow::Bytes(dir, r) => Some((dir, r.start)),
            WireRow::Section(dir) | WireRow::Empty(dir) => Some((dir, 0)),
        }
    }

    /// The document row showing byte `offset` of `dir`'s stream.
    pub fn row_of(&self, dir: Dir, offset: usize) -> usize {
        match dir {
            Dir::Sent => 1 + self.sent.row_of(self.view, offset),
            Dir::Received => self.received_row(offset),
        }
    }

    /// The document row holding received byte `offset`.
    pub fn received_row(&self, offset: usize) -> usize {
        2 + self.section_rows(Dir::Sent) + self.received.row_of(self.view, offset)
    }

    pub fn regions(&self, dir: Dir) -> &[Region] {
        &self.stream(dir).regions
    }

    /// The secret byte ranges of `dir` that overlap `row`.
    pub fn secrets_in(&self, dir: Dir, row: &Range<usize>) -> Vec<Range<usize>> {
        let all = &self.stream(dir).secrets;
        let first = all.partition_point(|r| r.end <= row.start);
        all[first..]
            .iter()
            .take_while(|r| r.start < row.end)
            .cloned()
            .collect()
    }
}
