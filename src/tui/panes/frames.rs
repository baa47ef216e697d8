//! Frames pane: the HTTP/2 frames of the exchange shown (its stream's and
//! the connection's own, stream 0), one line each in the order they
//! crossed; the picked frame unfolds below its line (header fields with how
//! HPACK sent each, "N B on the wire vs M B as HTTP/1.1 text", the dynamic
//! table) and its bytes light up in the Wire pane. Above the list, the
//! header compression of this exchange and of the connection so far.
//! Drawn from `h2_model` (decoded once per exchange); everything from the
//! peer is escaped.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::frame_detail::details;
use super::{frame, put};
use crate::decode::h2::Item;
use crate::report::escape::sanitize_text;
use crate::tui::app::{App, PaneId};
use crate::tui::theme::Theme;
use crate::wire::exchange::Dir;

fn arrow(dir: Dir) -> &'static str {
    match dir {
        Dir::Sent => "→",
        Dir::Received => "←",
    }
}

pub(super) fn percent(part: usize, whole: usize) -> String {
    (part * 100 + whole / 2)
        .checked_div(whole)
        .map_or_else(String::new, |p| format!(" ({p}%)"))
}

/// Headers the `h2` crate never adds to the dynamic table.
pub(super) fn never_indexed_by_h2(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("cookie")
}

/// The lines above the list.
fn summary(app: &App, t: &Theme) -> Vec<Line<'static>> {
    let m = &app.frames.model;
    let Some(e) = app.entry() else {
        return vec![Line::styled("No exchange yet.", t.dim)];
    };
    if !e.complete() {
        return vec![Line::styled(
            "In flight: an HTTP/2 exchange's frames are decoded from the connection's bytes when it ends.",
            t.dim,
        )];
    }
    if !m.ready {
        return vec![
            Line::styled("No HTTP/2 frames: this exchange spoke HTTP/1.1.", t.dim),
            Line::styled(
                "Request pane options: HTTP version 'h2c prior knowledge' (plain http) or auto/http2 (https).",
                t.dim,
            ),
        ];
    }
    let mut out = vec![Line::from(vec![
        Span::styled(format!("stream {}", m.stream), t.title),
        Span::styled(
            format!(
                " · {} frames (its own and stream 0's) · j/k pick one: its bytes light up in Wire",
                m.items.len()
            ),
            t.dim,
        ),
    ])];
    for (dir, what) in [(Dir::Sent, "request"), (Dir::Received, "response")] {
        let (wire, h1) = m
            .own_blocks(dir)
            .fold((0, 0), |(w, h), b| (w + b.wire_len, h + b.h1_len));
        if h1 > 0 {
            out.push(Line::styled(
                format!(
                    "{what} headers: {wire} B on the wire vs {h1} B as HTTP/1.1 text{}",
                    percent(wire, h1)
                ),
                t.section,
            ));
        }
    }
    let sent: Vec<String> = m
        .blocks
        .iter()
        .filter(|b| b.dir == Dir::Sent)
        .map(|b| format!("s{} {}/{} B", b.stream, b.wire_len, b.h1_len))
        .collect();
    if sent.len() > 1 {
        let shown: Vec<String> = sent.iter().rev().take(8).rev().cloned().collect();
        let more = if sent.len() > 8 { "… " } else { "" };
        out.push(Line::styled(
            format!(
                "request header blocks on this connection (wire/HTTP1.1): {more}{}",
                shown.join(" → ")
            ),
            t.dim,
        ));
    }
    let sensitive = m.items.iter().filter_map(Item::frame).any(|f| {
        f.dir == Dir::Sent
            && f.detail
                .block()
                .is_some_and(|b| b.fields.iter().any(|x| never_indexed_by_h2(&x.name)))
    });
    if sensitive {
        out.push(Line::styled(
            "authorization/cookie: the h2 crate never indexes them, so they cost their full size on every request; the drop shows on other large headers (e.g. x-api-key)",
            t.dim,
        ));
    }
    if m.unexplained > 0 {
        out.push(Line::styled(
            format!(
                "{} B of the connection not explained by a complete frame",
                m.unexplained
            ),
            t.warning,
        ));
    }
    out
}

fn item_line(item: &Item, t: &Theme, picked: bool) -> Line<'static> {
    let at = format!("{:>9.3} ms ", item.at().as_secs_f64() * 1000.0);
    let marker = Span::styled(if picked { "▶" } else { " " }, t.border_focus);
    let mut spans = vec![marker, Span::styled(at, t.dim)];
    spans.push(Span::raw(format!("{} ", arrow(item.dir()))));
    match item {
        Item::Preface { len, .. } => {
            spans.push(Span::styled(format!("{:<14}", "PREFACE"), t.title));
            spans.push(Span::raw(format!(
                "s0   {len:>6} B  client connection preface"
            )));
        }
        Item::Partial { len, why, .. } => {
            spans.push(Span::styled(format!("{:<14}", "PARTIAL"), t.warning));
            spans.push(Span::raw(format!(
                "     {len:>6} B  {}",
                sanitize_text(why)
            )));
        }
        Item::Frame(f) => {
            spans.push(Span::styled(format!("{:<14}", f.type_name), t.title));
            spans.push(Span::raw(format!(
                "s{:<4}{:>6} B  {}",
                f.stream,
                f.len,
                f.flag_names.join(" ")
            )));
            if f.problem.is_some() {
                spans.push(Span::styled("  ! problem", t.error));
            }
        }
    }
    Line::from(spans)
}

/// The item shown on row `row` of the pane's document, if an item line.
pub fn item_at_row(app: &App, row: usize) -> Option<usize> {
    let m = &app.frames.model;
    let head = summary(app, &app.theme()).len();
    let sel = app.frames.selected;
    let k = row.checked_sub(head)?;
    let extra = if app.frames.picked {
        details(m, sel, &app.theme(), app.reveal_secrets).len()
    } else {
        0
    };
    let i = if k <= sel {
        k
    } else if k <= sel + extra {
        return None;
    } else {
        k - extra
    };
    (i < m.items.len()).then_some(i)
}

/// Clamps the selection and scrolls the picked frame (and its details)
/// into a window of `height` rows.
pub fn prepare(app: &mut App, height: usize) {
    let n = app.frames.model.items.len();
    let t = app.theme();
    let head = summary(app, &t).len();
    let reveal = app.reveal_secrets;
    let f = &mut app.frames;
    f.selected = f.selected.min(n.saturating_sub(1));
    let extra = if f.picked {
        details(&f.model, f.selected, &t, reveal).len()
    } else {
        0
    };
    let total = head + n + extra;
    if f.picked {
        let row = head + f.selected;
        let end = row + extra.min(height.saturating_sub(1));
        if row < f.scroll {
            f.scroll = row;
        } else if end >= f.scroll + height {
            f.scroll = (end + 1 - height).min(row);
        }
    }
    f.scroll = f.scroll.min(total.saturating_sub(height));
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let m = &app.frames.model;
    let extra = if m.ready {
        format!("HTTP/2 stream {} · {} frames", m.stream, m.items.len())
    } else {
        String::new()
    };
    let inner = frame(app, PaneId::Frames, &extra, area, buf);
    if inner.is_empty() {
        return;
    }
    let t = app.theme();
    let head = summary(app, &t);
    let sel = app.frames.selected;
    let picked = app.frames.picked;
    let more = if picked {
        details(m, sel, &t, app.reveal_secrets)
    } else {
        Vec::new()
    };
    for y in 0..inner.height as usize {
        let r = app.frames.scroll + y;
        let line = if r < head.len() {
            head[r].clone()
        } else {
            let k = r - head.len();
            let item = if k <= sel {
                Some(k)
            } else if k <= sel + more.len() {
                None
            } else {
                Some(k - more.len())
            };
            match item {
                Some(i) => match m.items.get(i) {
                    Some(it) => item_line(it, &t, picked && i == sel),
                    None => break,
                },
                None => more[k - sel - 1].clone(),
            }
        };
        put(buf, inner, y, &line);
    }
}
