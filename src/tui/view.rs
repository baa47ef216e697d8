//! One frame: `prepare` brings derived state up to date for the screen
//! size (the Wire pane's index, scroll clamps, keeping selections in
//! view), then `draw` renders the App, a pure function of it. Tests and the
//! benchmark call `render`, which does both, on a `TestBackend` buffer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::{App, PaneId};
use super::layout::Arrangement;
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

/// The inside of a pane's border.
fn inset(r: Rect) -> Rect {
    Rect::new(
        r.x.saturating_add(1),
        r.y.saturating_add(1),
        r.width.saturating_sub(2),
        r.height.saturating_sub(2),
    )
}

/// Brings the App's derived state up to date for a frame of `area`.
pub fn prepare(app: &mut App, area: Rect) {
    app.screen = (area.width, area.height);
    if super::lesson::playing(app) {
        return super::lesson::view::prepare(app, area);
    }
    let inner_h = |r: Rect| r.height.saturating_sub(2) as usize;
    // The decoded HTTP/2 connection first: the layout and the Wire
    // pane's highlight depend on it.
    let entry = app.selected.and_then(|i| app.entries.get(i));
    app.frames.model.sync(entry);
    // The Body pane keeps the Wire pane's place until Wire has focus.
    match app.focus {
        PaneId::Body => app.body.pinned = true,
        PaneId::Wire => app.body.pinned = false,
        _ => {}
    }
    let screen = app.layout(area);
    match screen.pane(PaneId::Body) {
        Some(rect) => super::body_frame::prepare(app, inset(rect)),
        None => super::body_frame::hidden(app),
    }

    if let Some(rect) = screen.pane(PaneId::Frames) {
        panes::frames::prepare(app, inner_h(rect).max(1));
    }
    if let Some(rect) = screen.pane(PaneId::Wire) {
        let width = rect.width.saturating_sub(2) as usize;
        sync_wire(app, width);
        let w = &mut app.wire;
        if let Some((dir, offset)) = w.anchor.take() {
            w.scroll = w.model.row_of(dir, offset);
        }
        let h = inner_h(rect).max(1);
        if std::mem::take(&mut w.follow_highlight) {
            if let Some((dir, hl)) = w.model.highlight.clone() {
                let row = w.model.row_of(dir, hl.start);
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
    if super::lesson::playing(app) {
        return super::lesson::view::draw(app, area, buf);
    }
    let screen = app.layout(area);
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
    super::prompt::render(app, screen.footer, buf);
    if app.help.is_some() {
        panes::help::render(app, area, buf);
    }
    if app.jar.is_some() {
        panes::jar::render(app, area, buf);
    }
    super::workflow::chooser::render(app, area, buf);
}

/// Draws one pane (tests render panes on their own through this).
pub fn draw_pane(app: &App, id: PaneId, area: Rect, buf: &mut Buffer) {
    match id {
        PaneId::Request => panes::request::render(app, area, buf),
        PaneId::Wire => panes::wire::render(app, area, buf),
        PaneId::Response => panes::response::render(app, area, buf),
        PaneId::Waterfall => panes::waterfall::render(app, area, buf),
        PaneId::History => panes::history::render(app, area, buf),
        PaneId::Frames => panes::frames::render(app, area, buf),
        PaneId::Body => panes::body::render(app, area, buf),
        PaneId::Collection => panes::collection::render(app, area, buf),
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
    let entry = app.selected.and_then(|i| app.entries.get(i));
    app.frames.model.sync(entry);
    match id {
        PaneId::Wire => sync_wire(app, area.width.saturating_sub(2) as usize),
        PaneId::Frames => {
            panes::frames::prepare(app, area.height.saturating_sub(2).max(1) as usize)
        }
        PaneId::Body => super::body_frame::prepare(app, inset(area)),
        _ => {}
    }
    draw_pane(app, id, area, buf);
}

/// The Wire pane's index for `width` columns, and what it lights up: the
/// picked HTTP/2 frame, or the selected response header (for HTTP/2, the
/// bytes of the frame that carried it).
fn sync_wire(app: &mut App, width: usize) {
    let entry = app.selected.and_then(|i| app.entries.get(i));
    let w = &mut app.wire;
    w.model.sync(entry, w.view, width, app.response.header);
    let f = &app.frames;
    if f.model.ready {
        let item = if f.picked {
            Some(f.selected)
        } else {
            app.response
                .header
                .and_then(|h| f.model.response_fields.get(h))
                .map(|field| field.item)
        };
        w.model.highlight = item.and_then(|i| f.model.range(i));
        // HTTP/2 secrets are HPACK literals: only the decoder knows where.
        w.model.sent.secrets = f.model.secrets[0].clone();
        w.model.received.secrets = f.model.secrets[1].clone();
    }
}
