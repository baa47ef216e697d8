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
    /// The text index has not caught up with the bytes yet (it grows by
    /// `INDEX_BUDGET` per frame).
    pub indexing: bool,
}

/// Most bytes the text index takes on per frame, and the time it may
/// spend (binary bytes cost ~20× what ASCII does, so time is checked after
/// every `INDEX_SLICE`): keys and the live clock stay responsive while a
/// large stream is indexed.
pub const INDEX_BUDGET: usize = 2 << 20;
const INDEX_SLICE: usize = 64 << 10;
const INDEX_TIME: std::time::Duration = std::time::Duration::from_millis(4);

/// Extends `idx` by up to `INDEX_BUDGET` bytes or `INDEX_TIME`, whichever
/// comes first; true once caught up.
fn index_some(idx: &mut LineIndex, bytes: &[u8], complete: bool) -> bool {
    let started = std::time::Instant::now();
    let mut taken = 0;
    while taken < INDEX_BUDGET {
        let before = idx.scanned();
        if idx.extend_for(bytes, complete, INDEX_SLICE) {
            return true;
        }
        taken += idx.scanned() - before;
        if started.elapsed() >= INDEX_TIME {
            break;
        }
    }
    false
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
        self.indexing = match (text_width, &mut self.lines) {
            (Some(w), Some(idx)) if idx.width() == w => !index_some(idx, bytes, complete),
            (Some(w), _) => {
                let mut idx = LineIndex::new(w);
                let done = index_some(&mut idx, bytes, complete);
                self.lines = Some(idx);
                !done
            }
            (None, _) => {
                self.lines = None;
                false
            }
        };
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
    /// A line about the proxy the connection went through (its CONNECT
    /// and answer, or its SOCKS5 handshake), shown before the exchange's
    /// own bytes, as it came before them on the wire.
    Proxy(usize),
    Section(Dir),
    Bytes(Dir, Range<usize>),
    Empty(Dir),
}

#[derive(Debug, Clone, Default)]
pub struct WireModel {
    key: Option<(ExchangeId, WireView, usize)>,
    /// The exchange had finished when last synced.
    complete: bool,
    pub sent: StreamModel,
    pub received: StreamModel,
    pub view: WireView,
    /// Bytes lit up: the selected response header (received stream) or
    /// HTTP/2 frame (either stream).
    pub highlight: Option<(Dir, Range<usize>)>,
    /// The model describes an exchange (false: nothing to show).
    pub ready: bool,
    /// The proxy lines (`report::proxy::text`): credentials masked, and
    /// as they are (shown when secrets are revealed).
    pub proxy: [Vec<String>; 2],
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
        let key = (e.id, view, width);
        let (sent, received) = (e.sent(), e.received());
        let (protocol, head) = reading(e);
        // An HTTP/1.1 exchange's record is the bytes it streamed, so its
        // index carries on when it finishes (no rebuild of megabytes at
        // the moment the user looks); an HTTP/2 exchange's own bytes
        // replace the connection's window it streamed.
        let finished = e.complete() && !self.complete;
        let replaced = finished && protocol == Protocol::Http2;
        if self.key != Some(key)
            || replaced
            || sent.len() < self.sent.len
            || received.len() < self.received.len
        {
            *self = WireModel {
                key: Some(key),
                view,
                ..WireModel::default()
            };
        } else if finished {
            // Regions now come from the reader's record.
            self.sent.regions.clear();
            self.received.regions.clear();
        }
        self.complete = e.complete();
        if self.proxy[0].is_empty() {
            let used = e
                .exchange
                .as_ref()
                .and_then(|x| x.connection.as_ref()?.proxy.clone());
            if let Some(p) = used {
                let lines = |reveal| {
                    crate::report::proxy::text(&p, reveal)
                        .lines()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                };
                self.proxy = [lines(false), lines(true)];
            }
        }
        let text_width = (view == WireView::Text).then_some(width.max(1));
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
        self.proxy[0].len() + 2 + self.section_rows(Dir::Sent) + self.section_rows(Dir::Received)
    }

    /// What row `i` of the document is.
    pub fn row(&self, i: usize) -> Option<WireRow> {
        if i >= self.rows() {
            return None;
        }
        let p = self.proxy[0].len();
        if i < p {
            return Some(WireRow::Proxy(i));
        }
        let i = i - p;
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
            WireRow::Proxy(_) => Some((Dir::Sent, 0)),
        }
    }

    /// The document row showing byte `offset` of `dir`'s stream.
    pub fn row_of(&self, dir: Dir, offset: usize) -> usize {
        match dir {
            Dir::Sent => self.proxy[0].len() + 1 + self.sent.row_of(self.view, offset),
            Dir::Received => self.received_row(offset),
        }
    }

    /// The document row holding received byte `offset`.
    pub fn received_row(&self, offset: usize) -> usize {
        self.proxy[0].len()
            + 2
            + self.section_rows(Dir::Sent)
            + self.received.row_of(self.view, offset)
    }

    /// The text index is still catching up: (bytes indexed, bytes) of the
    /// stream it is on. The event loop keeps drawing while it is.
    pub fn indexing(&self) -> Option<(usize, usize)> {
        [&self.sent, &self.received]
            .into_iter()
            .find(|s| s.indexing)
            .map(|s| (s.lines.as_ref().map_or(0, LineIndex::scanned), s.len))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    /// A stream larger than one frame's budget is indexed over several
    /// frames, each doing at most the budget, and ends as a whole build.
    #[test]
    fn a_large_stream_is_indexed_a_slice_per_frame() {
        let mut app = fixture::app();
        fixture::push_done(&mut app, fixture::big_exchange(3 * INDEX_BUDGET));
        let e = app.entry().expect("the big exchange");
        let mut m = WireModel::default();
        m.sync(Some(e), WireView::Text, 100, None);
        let (done, of) = m.indexing().expect("not caught up after one frame");
        assert!(done <= INDEX_BUDGET + 8 && done > 0, "{done} of {of}");
        // Every frame takes at least one slice, at most the budget.
        let most = 3 * INDEX_BUDGET / INDEX_SLICE + 2;
        let mut frames = 1;
        while m.indexing().is_some() {
            let scanned = |m: &WireModel| m.received.lines.as_ref().map_or(0, LineIndex::scanned);
            let before = scanned(&m);
            m.sync(Some(e), WireView::Text, 100, None);
            let after = scanned(&m);
            assert!(
                after > before && after - before <= INDEX_BUDGET + 8,
                "{before} -> {after}"
            );
            frames += 1;
            assert!(frames <= most, "{frames} frames");
        }
        assert!(frames >= 3, "{frames} frames");
        let whole = LineIndex::build(e.received(), 100, true);
        assert_eq!(m.received.lines.as_ref(), Some(&whole));
    }

    #[test]
    fn the_proxy_lines_come_first_and_shift_the_rows_after_them() {
        use crate::wire::proxy::{ProxyKind, ProxyUsed, TunnelRecord};
        let mut app = fixture::app();
        fixture::push_done(&mut app, fixture::exchange());
        let mut plain = WireModel::default();
        plain.sync(app.entry(), WireView::Text, 100, None);
        let mut x = fixture::exchange();
        if let Some(c) = x.connection.as_mut() {
            c.proxy = Some(ProxyUsed {
                url: "http://u:****@p:3128".into(),
                kind: ProxyKind::Http,
                from: "env:HTTPS_PROXY".into(),
                connect: Some(TunnelRecord {
                    sent: b"CONNECT h:443 HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\n"
                        .to_vec(),
                    received: b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),
                    status: Some(200),
                    socks_reply: None,
                }),
            });
        }
        fixture::push_done(&mut app, x);
        let mut m = WireModel::default();
        m.sync(app.entry(), WireView::Text, 100, None);
        let n = m.proxy[0].len();
        assert!(n >= 4, "{:?}", m.proxy);
        assert!(m.proxy[0][0].contains("via http proxy"));
        assert!(m.proxy[0].iter().all(|l| !l.contains("dTpw")), "masked");
        assert!(m.proxy[1].iter().any(|l| l.contains("dTpw")), "revealed");
        assert_eq!(m.row(0), Some(WireRow::Proxy(0)));
        assert_eq!(m.row(n), Some(WireRow::Section(Dir::Sent)));
        assert_eq!(m.rows(), plain.rows() + n);
        assert_eq!(m.row_of(Dir::Sent, 0), plain.row_of(Dir::Sent, 0) + n);
        assert_eq!(m.received_row(0), plain.received_row(0) + n);
    }
}
