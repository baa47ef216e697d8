//! The panes. Each is a pure render of the App into a buffer area
//! (`render(app, area, buf)`); they never change state. Whatever came from
//! a server is escaped before it reaches a cell.

pub mod body;
pub mod chrome;
pub mod collection;
mod frame_detail;
pub mod frames;
pub mod help;
pub mod history;
mod history_saved;
pub mod jar;
pub mod lanes;
pub mod lesson;
pub mod lesson_fall;
pub mod lesson_frame;
pub mod request;
pub mod response;
pub mod response_info;
pub mod waterfall;
pub mod wire;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use super::app::{App, PaneId};
use super::theme::Theme;

/// Draws a pane's frame and returns the area inside it. The focused pane
/// has a thick border and a `▶` in its title, so focus is not told by
/// color alone.
pub fn frame(app: &App, id: PaneId, extra: &str, area: Rect, buf: &mut Buffer) -> Rect {
    if area.width < 2 || area.height < 2 {
        return Rect::new(area.x, area.y, 0, 0);
    }
    let t = app.theme();
    let focused = app.focus == id;
    let mut title = vec![
        Span::styled(if focused { "▶" } else { " " }, t.border_focus),
        Span::styled(format!("{} ", id.number()), t.key),
        Span::styled(id.title(), t.title),
    ];
    if !extra.is_empty() {
        title.push(Span::styled(format!(" · {extra}"), t.dim));
    }
    title.push(Span::raw(" "));
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused { t.border_focus } else { t.border })
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// Draws `line` on row `row` of `area`, clipped; rows outside are ignored.
pub fn put(buf: &mut Buffer, area: Rect, row: usize, line: &Line) {
    if row < area.height as usize && area.width > 0 {
        buf.set_line(area.x, area.y + row as u16, line, area.width);
    }
}

/// Clears `area` and fills it with the theme's base style (the light
/// theme's background): whatever was drawn there before in this frame
/// (the footer under a prompt, a pane under an overlay) is gone.
pub fn fill(buf: &mut Buffer, area: Rect, t: &Theme) {
    let area = area.intersection(buf.area);
    if !area.is_empty() {
        ratatui::widgets::Clear.render(area, buf);
        buf.set_style(area, t.base);
    }
}

/// Draws an overlay box of `w` × `h` centred in `area` (cleared, filled,
/// double border, `title`); returns its inside.
pub fn overlay(app: &App, area: Rect, buf: &mut Buffer, (w, h): (u16, u16), title: String) -> Rect {
    let popup = Rect::new(
        area.x + area.width.saturating_sub(w) / 2,
        area.y + area.height.saturating_sub(h) / 2,
        w.min(area.width),
        h.min(area.height),
    );
    ratatui::widgets::Clear.render(popup, buf);
    let t = app.theme();
    fill(buf, popup, &t);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.border_focus)
        .title(Line::styled(title, t.title));
    let inner = block.inner(popup);
    block.render(popup, buf);
    inner
}

/// A key hint as `key label`, keys highlighted.
pub fn hint<'a>(t: &Theme, key: &str, label: &str) -> Vec<Span<'a>> {
    vec![
        Span::styled(key.to_string(), t.key),
        Span::raw(" "),
        Span::styled(label.to_string(), t.dim),
    ]
}

/// `text` cut to `width` columns with `…` when cut (char-based; the text
/// is escaped display text).
pub fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A style with another's set fields on top (modifiers combine).
pub fn over(base: Style, top: Style) -> Style {
    base.patch(top)
}
