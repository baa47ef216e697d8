//! Wire pane: the request and response bytes exactly as the tap recorded
//! them, as text (CR LF visible) or hex+ASCII (offset, 16 bytes a row),
//! colored by region, with the selected response header highlighted.
//! Only the visible rows are formatted: the cost of a frame does not
//! depend on how many megabytes the exchange holds.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{frame, put};
use crate::decode::h1::{first_region_at, Region, RegionKind};
use crate::decode::text::glyph_at;
use crate::report::mask::DOT;
use crate::tui::app::{fmt_bytes, App, PaneId, WireView};
use crate::tui::theme::Theme;
use crate::tui::wire_model::{WireRow, HEX_ROW};
use crate::wire::exchange::Dir;

/// Walks regions alongside increasing offsets (one binary search per row).
struct Styler<'a> {
    regions: &'a [Region],
    at: usize,
    highlight: Option<Range<usize>>,
    theme: &'a Theme,
    /// Search matches on this row (`/`).
    search: Vec<Range<usize>>,
    /// Secret header value bytes on this row, drawn as `•` (`mask`).
    masked: Vec<Range<usize>>,
}

impl<'a> Styler<'a> {
    fn new(
        regions: &'a [Region],
        start: usize,
        highlight: Option<Range<usize>>,
        theme: &'a Theme,
    ) -> Self {
        Styler {
            regions,
            at: first_region_at(regions, start),
            highlight,
            theme,
            search: Vec::new(),
            masked: Vec::new(),
        }
    }

    fn masked(&self, offset: usize) -> bool {
        self.masked.iter().any(|r| r.contains(&offset))
    }

    fn style(&mut self, offset: usize) -> Style {
        while self.at < self.regions.len() && self.regions[self.at].range.end <= offset {
            self.at += 1;
        }
        let kind = match self.regions.get(self.at) {
            Some(r) if r.range.start <= offset => r.kind,
            _ => RegionKind::Body,
        };
        let style = self.theme.region(kind);
        let style = match &self.highlight {
            Some(h) if h.contains(&offset) => style.patch(self.theme.highlight),
            _ => style,
        };
        if self.search.iter().any(|r| r.contains(&offset)) {
            style.patch(self.theme.selected)
        } else {
            style
        }
    }
}

/// Pushes `text` onto the last span when the style matches, so a row is a
/// few spans, not one per byte.
fn push(spans: &mut Vec<Span<'static>>, text: &str, style: Style) {
    if let Some(last) = spans.last_mut() {
        if last.style == style {
            last.content.to_mut().push_str(text);
            return;
        }
    }
    spans.push(Span::styled(text.to_string(), style));
}

fn text_row(bytes: &[u8], range: Range<usize>, styler: &mut Styler) -> Line<'static> {
    let mut spans = Vec::new();
    let mut i = range.start;
    let mut buf = String::new();
    while i < range.end {
        let Some((g, len)) = glyph_at(bytes, i, true) else {
            break;
        };
        buf.clear();
        if styler.masked(i) {
            // One dot a cell: the row keeps its width and alignment (one
            // a byte for the ASCII a header value is).
            buf.extend(std::iter::repeat_n(DOT, g.width()));
        } else {
            g.push_to(&mut buf);
        }
        let style = styler.style(i);
        push(&mut spans, &buf, style);
        i += len;
    }
    Line::from(spans)
}

fn hex_row(bytes: &[u8], range: Range<usize>, styler: &mut Styler, t: &Theme) -> Line<'static> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let row = &bytes[range.clone()];
    let mut spans = vec![Span::styled(format!("{:08x}  ", range.start), t.dim)];
    let mut styles = [Style::new(); HEX_ROW];
    let mut masked = [false; HEX_ROW];
    for (k, style) in styles.iter_mut().enumerate().take(row.len()) {
        *style = styler.style(range.start + k);
        masked[k] = styler.masked(range.start + k);
    }
    for (k, style) in styles.iter().enumerate() {
        match row.get(k) {
            Some(_) if masked[k] => push(&mut spans, "•• ", *style),
            Some(&b) => {
                let cell = [HEX[(b >> 4) as usize], HEX[(b & 15) as usize], b' '];
                push(
                    &mut spans,
                    std::str::from_utf8(&cell).unwrap_or("?? "),
                    *style,
                );
            }
            None => push(&mut spans, "   ", Style::new()),
        }
        if k == 7 {
            push(&mut spans, " ", Style::new());
        }
    }
    spans.push(Span::styled("│", t.border));
    for ((&b, style), masked) in row.iter().zip(styles).zip(masked) {
        let c = if masked {
            DOT
        } else if (0x20..0x7f).contains(&b) {
            b as char
        } else {
            '.'
        };
        push(&mut spans, c.encode_utf8(&mut [0; 4]), style);
    }
    spans.push(Span::styled("│", t.border));
    Line::from(spans)
}

fn section(app: &App, dir: Dir, t: &Theme) -> Line<'static> {
    let Some(e) = app.entry() else {
        return Line::default();
    };
    let (sent_total, recv_total) = e.totals();
    let (kept, total, arrow, what) = match dir {
        Dir::Sent => (e.sent().len() as u64, sent_total, "▶", "request bytes sent"),
        Dir::Received => (
            e.received().len() as u64,
            recv_total,
            "◀",
            "response bytes received",
        ),
    };
    let mut spans = vec![Span::styled(
        format!("{arrow} {what}: {}", fmt_bytes(total)),
        t.section,
    )];
    if total > kept {
        spans.push(Span::styled(
            format!(
                "  (first {} kept; the rest was counted, not kept)",
                fmt_bytes(kept)
            ),
            t.warning,
        ));
    }
    if e.in_flight() {
        spans.push(Span::styled("  live…", t.dim));
    }
    Line::from(spans)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let m = &app.wire.model;
    let extra = match app.wire.view {
        WireView::Text => "text (x: hex)".to_string(),
        WireView::Hex => "hex (x: text)".to_string(),
    };
    let extra = match m.rows() {
        0 => extra,
        rows => format!("{extra} · row {}/{rows}", (app.wire.scroll + 1).min(rows)),
    };
    // Rows appear as the index reaches them; say how far it is.
    let extra = match m.indexing() {
        Some((done, of)) => format!(
            "{extra} · indexing {}%",
            (done as u64 * 100).checked_div(of as u64).unwrap_or(100)
        ),
        None => extra,
    };
    let inner = frame(app, PaneId::Wire, &extra, area, buf);
    if inner.is_empty() {
        return;
    }
    let t = app.theme();
    let Some(entry) = app.entry().filter(|_| m.ready) else {
        put(
            buf,
            inner,
            0,
            &Line::styled(
                "No exchange yet: press Enter on the URL (or F5) to send.",
                t.dim,
            ),
        );
        return;
    };
    for y in 0..inner.height as usize {
        let Some(row) = m.row(app.wire.scroll + y) else {
            break;
        };
        let line = match row {
            WireRow::Proxy(i) => {
                let lines = &m.proxy[usize::from(app.reveal_secrets)];
                let text = lines.get(i).cloned().unwrap_or_default();
                Line::styled(text, if i == 0 { t.section } else { t.dim })
            }
            WireRow::Section(dir) => section(app, dir, &t),
            WireRow::Empty(_) if entry.in_flight() => Line::styled("  (nothing yet)", t.dim),
            WireRow::Empty(_) => Line::styled("  (none)", t.dim),
            WireRow::Bytes(dir, range) => {
                let bytes = match dir {
                    Dir::Sent => entry.sent(),
                    Dir::Received => entry.received(),
                };
                let highlight = m
                    .highlight
                    .clone()
                    .filter(|(d, _)| *d == dir)
                    .map(|(_, r)| r);
                let range = range.start.min(bytes.len())..range.end.min(bytes.len());
                let mut styler = Styler::new(m.regions(dir), range.start, highlight, &t);
                if let Some(s) = app.search.wire.as_ref().filter(|s| s.exchange == entry.id) {
                    styler.search = s.marks(dir, &range);
                }
                if !app.reveal_secrets {
                    styler.masked = m.secrets_in(dir, &range);
                }
                match app.wire.view {
                    WireView::Text => text_row(bytes, range, &mut styler),
                    WireView::Hex => hex_row(bytes, range, &mut styler, &t),
                }
            }
        };
        put(buf, inner, y, &line);
    }
}
