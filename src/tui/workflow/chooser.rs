//! The small chooser overlay: export formats (`y`), environments (`E`),
//! what to save as HAR (`H`). It takes the keys while open (the key
//! table's `Chooser` context); `render` is a pure draw of its state.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::report::escape::sanitize_text;
use crate::tui::app::App;
use crate::tui::panes::{clip, overlay, put};

/// What the chooser picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChooserKind {
    /// A format to export the request in (`ExportFormat::ALL` order).
    Export,
    /// An environment of the `.http` file (row 0: none).
    Env,
    /// The selected exchange (row 0) or the whole session (row 1).
    Har,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chooser {
    pub kind: ChooserKind,
    /// Label and a few words on it.
    pub items: Vec<(String, String)>,
    pub cursor: usize,
}

impl Chooser {
    pub fn new(kind: ChooserKind, items: Vec<(String, String)>, cursor: usize) -> Self {
        let cursor = cursor.min(items.len().saturating_sub(1));
        Chooser {
            kind,
            items,
            cursor,
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            ChooserKind::Export => " Export the request ",
            ChooserKind::Env => " Environment ",
            ChooserKind::Har => " Save as HAR 1.2 ",
        }
    }

    /// The keys, as the bottom line says them.
    pub fn keys(&self) -> &'static str {
        match self.kind {
            ChooserKind::Export => "Enter copy (OSC 52) · w write to a file · Esc close",
            ChooserKind::Env => "Enter use it · Esc close",
            ChooserKind::Har => "Enter choose the file · Esc close",
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        let last = self.items.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last) as usize;
    }
}

/// Draws the open chooser centred over `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(c) = &app.workflow.chooser else {
        return;
    };
    let area = area.intersection(buf.area);
    let widest = c
        .items
        .iter()
        .map(|(l, d)| l.chars().count() + d.chars().count() + 8)
        .chain([c.keys().chars().count() + 4])
        .max()
        .unwrap_or(0);
    let w = (widest as u16).clamp(30, area.width.saturating_sub(4).max(1));
    let h = (c.items.len() as u16 + 4).min(area.height.saturating_sub(2));
    if w < 10 || h < 4 {
        return;
    }
    let inner = overlay(app, area, buf, (w, h), c.title().to_string());
    let t = app.theme();
    let rows = inner.height.saturating_sub(2) as usize;
    let first = (c.cursor + 1).saturating_sub(rows.max(1));
    let label_w = c
        .items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (y, (i, (label, detail))) in c
        .items
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .enumerate()
    {
        let picked = i == c.cursor;
        let text = format!(
            "{} {:<label_w$}  ",
            if picked { "▶" } else { " " },
            sanitize_text(label)
        );
        let style = if picked { t.selected } else { t.base };
        let room = (inner.width as usize).saturating_sub(text.chars().count());
        let line = Line::from(vec![
            Span::styled(text, style),
            Span::styled(clip(&sanitize_text(detail), room), t.dim),
        ]);
        put(buf, inner, y, &line);
    }
    let keys = Line::styled(clip(c.keys(), inner.width as usize), t.dim);
    put(buf, inner, inner.height.saturating_sub(1) as usize, &keys);
}
