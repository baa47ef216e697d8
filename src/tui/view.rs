//! One frame: `prepare` brings derived state up to date for the screen
//! size (the Wire pane's index, scroll clamps, keeping selections in
//! view), then `draw` renders the App, a pure function of it. Tests and the
//! benchmark call `render`, which does both, on a `TestBackend` buffer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::{App, PaneId};
use super::layout::{self, Arrangement};
use super::panes::{self, chrome};

/// Keeps `first` such that `row` shows in a window of `height` rows.
fn keep_visible(first: usize, row: usize, height: usize) -> usize {
    if row < first {
        row
    } else if row >= first + height {
        row + 1 - height
    } else {
        first
    }
}

/// Brings the App's derived state up to date for a frame of `area`.
pub fn prepare(app: &mut App, area: Rect) {
    app.screen = (area.width, area.height);
    let screen = layout::compute(area, app.focus, app.insecure_shown());
    let inner_h = |r: Rect| r.height.saturating_sub(2) as usize;

    if let Some(rect) = screen.pane(PaneId::Wire) {
        let width = rect.width.saturating_sub(2) as usize;
        let entry = app.selected.and_then(|i| app.entries.get(i));
        let w = &mut app.wire;
        w.model.sync(entry, w.view, width, app.response.header);
        if let Some((dir, offset)) = w.anchor.take() {
            w.scroll = w.model.row_of(dir, offset);
        }
        let h = inner_h(rect).max(1);
        if std::mem::take(&mut w.follow_highlight) {
            if let Some(hl) = w.model.highlight.clone() {
                let row = w
                    .model
                    .row_of(crate::wire::exchange::Dir::Received, hl.start);
                // Some context above the header, not glued to the edge.
                w.scroll = keep_visible(w.scroll, row, h);
            }
        }
        w.scroll = w.scroll.min(w.model.rows().saturating_sub(h));
    }
    if let Some(rect) = screen.pane(PaneId::Response) {
        let h = inner_h(rect).max(1);
        let total = panes::response::line_count(app);
        if let Some(i) = app.response.header {
            let row = panes::response::header_line(app, i);
            if app.focus == PaneId::Response {
                app.response.scroll = keep_visible(app.response.scroll, row, h);
            }
        }
        app.response.scroll = app.response.scroll.min(total.saturating_sub(h));
    }
    if let Some(rect) = screen.pane(PaneId::Request) {
        let h = inner_h(rect).max(1);
        let row = panes::request::selected_row(app);
        // The body box below the Body row comes into view with it.
        let want = if app.form.field == super::form::Field::Body {
            row + panes::request::BODY_ROWS
        } else {
            row
        };
        app.request_scroll = keep_visible(app.request_scroll, want, h).min(row);
        let total = panes::request::row_count(app);
        app.request_scroll = app.request_scroll.min(total.saturating_sub(h));
    }
    if let Some(first) = app.help {
        let total = panes::help::lines(app).len();
        app.help = Some(first.min(total.saturating_sub(area.height.saturating_sub(4) as usize)));
    }
}

/// Draws the App into `buf` over `area`. Pure: call `prepare` first.
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let area = area.intersection(buf.area);
    let t = app.theme();
    panes::fill(buf, area, &t);
    let screen = layout::compute(area, app.focus, app.insecure_shown());
    if screen.arrangement == Arrangement::TooSmall {
        chrome::too_small(app, area, buf);
        return;
    }
    chrome::status_bar(app, screen.status, buf);
    if let Some(b) = screen.banner {
        chrome::banner(app, b, buf);
    }
    if let Some(tabs) = screen.tabs {
        chrome::tabs(app, tabs, buf);
    }
    for (id, rect) in &screen.panes {
        draw_pane(app, *id, *rect, buf);
    }
    chrome::footer(app, screen.footer, buf);
    if app.help.is_some() {
        panes::help::render(app, area, buf);
    }
}

/// Draws one pane (tests render panes on their own through this).
pub fn draw_pane(app: &App, id: PaneId, area: Rect, buf: &mut Buffer) {
    match id {
        PaneId::Request => panes::request::render(app, area, buf),
        PaneId::Wire => panes::wire::render(app, area, buf),
        PaneId::Response => panes::response::render(app, area, buf),
        PaneId::Waterfall => panes::waterfall::render(app, area, buf),
        PaneId::History => panes::history::render(app, area, buf),
    }
}

/// `prepare` then `draw`.
pub fn render(app: &mut App, area: Rect, buf: &mut Buffer) {
    prepare(app, area);
    draw(app, area, buf);
}

/// Renders one pane alone into `area` (the Wire pane's index is synced
/// for that area's width first).
pub fn render_pane(app: &mut App, id: PaneId, area: Rect, buf: &mut Buffer) {
    if id == PaneId::Wire {
        let entry = app.selected.and_then(|i| app.entries.get(i));
        let w = &mut app.wire;
        w.model.sync(
            entry,
            w.view,
            area.width.saturating_sub(2) as usize,
            app.response.header,
        );
    }
    draw_pane(app, id, area, buf);
}
