//! The `?` overlay: every binding of the key table, grouped by where it
//! applies, plus the mouse. Generated from `keymap::BINDINGS`, so it
//! cannot drift from what the keys do.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};

use super::put;
use crate::tui::app::App;
use crate::tui::keymap::{Context, BINDINGS};

fn group(c: Context) -> &'static str {
    match c {
        Context::Global => "Everywhere (also while typing)",
        Context::Navigate => "When not typing",
        Context::Pane(_) => "Request pane",
        Context::EditLine => "While typing in a field",
        Context::Help => "This overlay",
    }
}

/// The overlay's lines (also tells how far it can scroll).
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = app.theme();
    let mut out = Vec::new();
    let groups = [
        "Everywhere (also while typing)",
        "While typing in a field",
        "When not typing",
        "Request pane",
    ];
    for g in groups {
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
    out.push(Line::default());
    out.push(Line::styled("Mouse", t.section));
    for (k, h) in [
        ("click", "focus a pane (or a tab, or a history row)"),
        ("wheel", "scroll the pane under the pointer"),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("  {k:<16}"), t.key),
            Span::raw(h),
        ]));
    }
    out.push(Line::default());
    out.push(Line::styled(
        "Other keys type into the field being edited (so q types q there).",
        t.dim,
    ));
    out
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let w = area.width.min(78);
    let h = area.height.saturating_sub(2).min(40);
    if w < 4 || h < 3 {
        return;
    }
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    Clear.render(popup, buf);
    let t = app.theme();
    super::fill(buf, popup, &t);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.border_focus)
        .title(Line::styled(
            " Keys · Esc or ? closes · j/k scroll ",
            t.title,
        ));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let all = lines(app);
    let first = app
        .help
        .unwrap_or(0)
        .min(all.len().saturating_sub(inner.height as usize));
    for (y, line) in all
        .iter()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        put(buf, inner, y, line);
    }
}
