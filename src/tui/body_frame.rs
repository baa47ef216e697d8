//! One frame of the Body view, made in `view::prepare`: the summary lines
//! (sizes both ways and the ratio, what failed, filter, search), then only
//! the visible rows — text lines highlighted (cached), escaped, scrolled
//! sideways and with search matches marked, or hex rows — so a frame costs
//! the same for 1 KB or 1 GB. While the exchange is in flight: bytes,
//! rate and elapsed time.

use std::ops::Range;

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::app::{fmt_bytes, fmt_ms, App};
use super::body_text::{hex_row, role_style, styled, wrap};
use super::body_view::{open, poll};
use super::theme::{Theme, ThemeKind};
use crate::decode::doc::display;
use crate::decode::highlight::{self, Role};
use crate::decode::kind::Kind;

/// What the Body pane draws.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// After the pane's name: what the body is and where the view is.
    pub title: String,
    /// Summary lines above the rows.
    pub head: Vec<Line<'static>>,
    pub rows: Vec<Line<'static>>,
    /// Work continues without input: draw again soon.
    pub pending: bool,
}

/// Bytes indexed per frame while the line count is unknown (a few ms),
/// so the total shows soon without a long frame.
const INDEX_STEP: u64 = 2 * 1024 * 1024;

/// The Content-Length of a live response head, for a percentage.
fn expected_len(received: &[u8]) -> Option<u64> {
    let head = &received[..received.len().min(64 * 1024)];
    let end = head.windows(4).position(|w| w == b"\r\n\r\n")?;
    std::str::from_utf8(&head[..end])
        .ok()?
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
}

fn progress(app: &App, t: &Theme) -> Vec<Line<'static>> {
    let Some(e) = app.entry() else {
        return Vec::new();
    };
    let got = e.totals().1;
    let secs = e.elapsed.as_secs_f64().max(1e-3);
    let mut what = format!("downloading: {}", fmt_bytes(got));
    if let Some(total) = expected_len(e.received()).filter(|n| *n > 0) {
        what.push_str(&format!(
            " of {} body ({:.0}%)",
            fmt_bytes(total),
            (got as f64 / total as f64 * 100.0).min(100.0)
        ));
    }
    vec![
        Line::styled(what, t.title),
        Line::styled(
            format!(
                "{}/s · {} elapsed",
                fmt_bytes((got as f64 / secs) as u64),
                fmt_ms(e.elapsed)
            ),
            t.dim,
        ),
        Line::styled(
            "The body shows here when it is in (bodies past 16 MiB go to a temporary file).",
            t.dim,
        ),
    ]
}

/// A save on a thread ended: say how.
fn saved(app: &mut App) {
    if let Some(done) = app.body.saving.as_ref().and_then(|s| s.get()) {
        app.notice = Some(done.clone());
        app.body.saving = None;
    }
}

/// The Body pane is not on screen this frame: nothing to draw, but a save
/// may end.
pub fn hidden(app: &mut App) {
    app.body.frame.pending = false;
    saved(app);
}

/// Brings the Body view up to date for a pane whose inside is `inner`.
pub fn prepare(app: &mut App, inner: Rect) {
    let t = app.theme();
    let theme_kind = app.theme_kind;
    let mut frame = Frame::default();
    let id = app.entry().map(|e| e.id);
    let in_flight = app.entry().is_some_and(|e| e.in_flight());
    match (id, in_flight) {
        (None, _) => {
            app.body.reset();
            frame.head.push(Line::styled(
                "No exchange yet: send a request (Enter on the URL, or F5).",
                t.dim,
            ));
        }
        (Some(_), true) => {
            app.body.reset();
            frame.head = progress(app, &t);
            frame.pending = true;
        }
        (Some(id), false) => {
            if app.body.model.as_ref().map(|m| m.id) != Some(id) {
                app.body.reset();
                let resp = app.entry().and_then(|e| e.response());
                let decode = app.decode;
                app.body.model = resp.map(|r| open(id, r, decode));
                // The first screen first: indexing waits for later frames.
                frame.pending = true;
            }
        }
    }
    poll(&mut app.body);
    saved(app);
    if let (Some(_), false) = (id, in_flight) {
        let fresh = frame.pending;
        body_lines(app, &t, theme_kind, inner, &mut frame, fresh);
    }
    app.body.frame = frame;
}

fn sizes(p: &crate::decode::present::Presented) -> String {
    let b = &p.body;
    let mut s = p.label();
    match (&b.decoded, b.content_encoding.as_deref()) {
        (Some(d), Some(enc)) if b.decoded_ok() => {
            let ratio = if b.wire_len > 0 {
                format!(" ({:.1}×)", d.len() as f64 / b.wire_len as f64)
            } else {
                String::new()
            };
            s.push_str(&format!(
                " · {}: {} on the wire → {} decoded{ratio}",
                crate::report::escape::sanitize_text(enc),
                fmt_bytes(b.wire_len),
                fmt_bytes(d.len())
            ));
        }
        (_, Some(enc)) => s.push_str(&format!(
            " · {} on the wire, Content-Encoding: {} not undone",
            fmt_bytes(b.wire_len),
            crate::report::escape::sanitize_text(enc)
        )),
        _ => s.push_str(&format!(" · {}", fmt_bytes(b.wire_len))),
    }
    s
}

fn body_lines(
    app: &mut App,
    t: &Theme,
    kind: ThemeKind,
    inner: Rect,
    frame: &mut Frame,
    fresh: bool,
) {
    let Some(e) = app.entry() else { return };
    let error = e.exchange.as_ref().and_then(|x| x.error.clone());
    let view = &mut app.body;
    let Some(m) = &mut view.model else {
        let msg = match error {
            Some(err) => format!(
                "No response body: the exchange failed in phase {}.",
                err.phase
            ),
            None => "No response.".to_string(),
        };
        frame.head.push(Line::styled(msg, t.dim));
        return;
    };
    let Some(p) = m.presented.clone() else {
        let took = m.started.map(|s| s.elapsed()).unwrap_or_default();
        frame.head.push(Line::styled(
            format!("decoding {}… {}", m.working, fmt_ms(took)),
            t.title,
        ));
        frame.pending = true;
        return;
    };
    frame.head.push(Line::styled(sizes(&p), t.section));
    for n in &p.notes {
        let text = format!("⚠ {}", crate::report::escape::sanitize_text(n));
        for l in wrap(&text, inner.width as usize) {
            frame.head.push(Line::styled(l, t.warning));
        }
    }
    if let Some(f) = &m.filtered {
        frame.head.push(Line::styled(
            format!(
                "filter {} → {} result{} (f: change; empty: clear)",
                crate::report::escape::sanitize_text(&f.path),
                f.count,
                if f.count == 1 { "" } else { "s" }
            ),
            t.key,
        ));
    }
    let height = (inner.height as usize)
        .saturating_sub(frame.head.len())
        .max(1);
    view.height = height;
    let hex = view.hex || p.kind == Kind::Binary;
    if hex {
        let source = p.body.hex();
        let rows = source.len().div_ceil(16) as usize;
        view.scroll = view.scroll.min(rows.saturating_sub(height));
        let bytes = source
            .read_at(view.scroll as u64 * 16, height * 16)
            .map(|c| c.into_owned())
            .unwrap_or_default();
        let wide = source.len() > 0xffff_ffff;
        for (k, row) in bytes.chunks(16).enumerate() {
            frame
                .rows
                .push(hex_row((view.scroll + k) as u64 * 16, row, wide, t));
        }
        frame.title = format!(
            "{} · hex · row {}/{}{}",
            p.label(),
            (view.scroll + 1).min(rows.max(1)),
            rows,
            if p.kind == Kind::Binary {
                ""
            } else {
                " · x: text"
            }
        );
        return;
    }
    let search = view.search.clone();
    let Some((doc, hl)) = m.doc_mut() else { return };
    let _ = doc.ensure(view.scroll.saturating_add(height));
    // A small body is indexed at once; a large one a step per frame, from
    // the frame after its first screen.
    if doc.total().is_none() && (!fresh || doc.source.len() <= INDEX_STEP) {
        let _ = doc.ensure_some(INDEX_STEP);
    }
    if let Some(total) = doc.total() {
        view.scroll = view.scroll.min(total.saturating_sub(height));
    } else {
        frame.pending = true;
    }
    let lines = doc.lines(view.scroll, height).unwrap_or_default();
    let spans = match highlight::ready() {
        Some(ss) => hl.highlight(ss, view.scroll, &lines, &mut |f, c| {
            doc.lines(f, c).unwrap_or_default()
        }),
        None => {
            highlight::preload();
            frame.pending = true;
            lines
                .iter()
                .map(|l| vec![(0..l.bytes.len(), Role::Plain)])
                .collect()
        }
    };
    for (k, (l, s)) in lines.iter().zip(spans).enumerate() {
        let n = view.scroll + k;
        let segs: Vec<(String, Style)> = s
            .into_iter()
            .map(|(r, role)| (display(&l.bytes[r]), role_style(kind, t, role)))
            .collect();
        let marks: Vec<(Range<usize>, Style)> = match &search {
            Some(se) => {
                let text: String = segs.iter().map(|(s, _)| s.as_str()).collect();
                se.query
                    .find_all(&text)
                    .into_iter()
                    .map(|r| {
                        let current = se.hit.as_ref().is_some_and(|h| h.line == n && h.range == r);
                        (
                            r,
                            if current {
                                t.selected.patch(t.highlight)
                            } else {
                                t.highlight
                            },
                        )
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let mut line = styled(&segs, &marks, view.hscroll);
        if l.cut {
            line.spans
                .push(Span::styled(" …(line cut at 16 KiB)", t.dim));
        }
        frame.rows.push(line);
    }
    let total = doc
        .total()
        .map_or_else(|| format!("{}+", doc.known()), |n| n.to_string());
    frame.title = format!(
        "{} · line {}/{total}{} · x: hex",
        p.lang().map_or("text", |l| l.label()),
        (view.scroll + 1).min(doc.known().max(1)),
        if view.hscroll > 0 {
            format!(" · col {}", view.hscroll + 1)
        } else {
            String::new()
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

    #[test]
    fn styled_lines_scroll_and_mark() {
        let segs = vec![
            ("ab".to_string(), Style::new()),
            ("cdé".to_string(), Style::new().fg(Color::Red)),
        ];
        let line = styled(&segs, &[(1..3, Style::new().bg(Color::Yellow))], 0);
        let texts: Vec<&str> = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(texts, ["a", "b", "c", "dé"]);
        assert_eq!(line.spans[1].style.bg, Some(Color::Yellow));
        assert_eq!(line.spans[2].style.bg, Some(Color::Yellow));
        assert_eq!(wrap("aaa bbb ccc", 8), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 8), ["abcdefgh", "ij"]);
        let scrolled = styled(&segs, &[], 3);
        assert_eq!(
            scrolled
                .spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>(),
            "dé"
        );
        assert_eq!(
            expected_len(b"HTTP/1.1 200 OK\r\ncontent-length: 42\r\n\r\nxx"),
            Some(42)
        );
        assert_eq!(expected_len(b"HTTP/1.1 200 OK\r\n"), None);
    }
}
