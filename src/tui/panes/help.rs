//! The `?` overlay: every binding of the key table, grouped by where it
//! applies, plus the mouse. Generated from `keymap::BINDINGS`, so it
//! cannot drift from what the keys do.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::put;
use crate::tui::app::{App, PaneId};
use crate::tui::keymap::{Context, BINDINGS};

fn group(c: Context) -> &'static str {
    match c {
        Context::Global => "Everywhere (also while typing)",
        Context::Navigate => "When not typing",
        Context::Pane(PaneId::Request) => "Request pane",
        Context::Pane(PaneId::Waterfall) => "Waterfall pane",
        Context::Pane(PaneId::Body) => "Body pane",
        Context::Pane(PaneId::History) => "History pane",
        Context::Pane(PaneId::Collection) => "Collection pane (an .http file)",
        Context::Chooser => "Export, environment and HAR choosers",
        Context::Pane(_) => "Other panes",
        Context::EditLine => "While typing in a field",
        Context::Help => "This overlay",
        Context::Lesson => "Lesson mode",
        Context::LessonAway => "From a lesson",
    }
}

/// The overlay's lines (also tells how far it can scroll).
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    // Lesson mode's keys are all a lesson on screen takes; F2 back to it
    // is listed while one is loaded.
    let state = app.key_state().lesson;
    let lesson = state == crate::tui::keymap::LessonKeys::Playing;
    let away = state == crate::tui::keymap::LessonKeys::Away;
    let all = [
        "Everywhere (also while typing)",
        "While typing in a field",
        "When not typing",
        "Request pane",
        "Waterfall pane",
        "Body pane",
        "Other panes",
        "History pane",
        "Collection pane (an .http file)",
        "Export, environment and HAR choosers",
        "From a lesson",
    ];
    let groups = if lesson {
        &["Lesson mode"][..]
    } else {
        &all[..]
    };
    for g in groups.iter().copied() {
        if g == "From a lesson" && !away {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::styled(g, t.section));
        for b in BINDINGS
            .iter()
            .filter(|b| b.context != Context::Help && group(b.context) == g)
        {
            out.push(Line::from(vec![
                Span::styled(format!("  {:<16}", b.keys_label()), t.key),
                Span::raw(b.hint),
            ]));
        }
    }
    if lesson {
        out.push(Line::default());
        for l in crate::tui::lesson::view::HELP {
            out.push(Line::styled(*l, t.dim));
        }
        return out;
    }
    out.push(Line::default());
    out.push(Line::styled(
        "↑↓ pick a header (Response), a frame (Frames): bytes light up",
        t.dim,
    ));
    out.push(Line::default());
    out.push(Line::styled("Mouse", t.section));
    for (k, h) in [
        ("click", "focus a pane, tab, history row, frame"),
        ("wheel", "scroll the pane under the pointer"),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("  {k:<16}"), t.key),
            Span::raw(h),
        ]));
    }
    out.push(Line::default());
    out.push(Line::styled(
        "Other keys type into the field edited (q types q there).",
        t.dim,
    ));
    out
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    // Two columns of the table when there is room for them.
    let two = area.width >= 110;
    let w = area.width.min(if two { 118 } else { 78 });
    let h = area.height.saturating_sub(2).min(40);
    if w < 4 || h < 3 {
        return;
    }
    let title = " Keys · Esc or ? closes · j/k scroll ".to_string();
    let inner = super::overlay(app, area, buf, (w, h), title);
    let all = lines(app);
    let (left, right) = if two {
        // Split at the blank line nearest the middle (between groups).
        let mid = all.len().div_ceil(2);
        let at = (0..all.len())
            .filter(|&i| all[i].width() == 0)
            .min_by_key(|&i| i.abs_diff(mid))
            .unwrap_or(mid);
        let half = inner.width / 2;
        (
            (Rect::new(inner.x, inner.y, half, inner.height), &all[..at]),
            Some((
                Rect::new(
                    inner.x + half + 1,
                    inner.y,
                    inner.width - half - 1,
                    inner.height,
                ),
                &all[(at + 1).min(all.len())..],
            )),
        )
    } else {
        ((inner, &all[..]), None)
    };
    for (rect, part) in std::iter::once(left).chain(right) {
        let first = app
            .help
            .unwrap_or(0)
            .min(part.len().saturating_sub(rect.height as usize));
        for (y, line) in part
            .iter()
            .skip(first)
            .take(rect.height as usize)
            .enumerate()
        {
            put(buf, rect, y, line);
        }
    }
}
