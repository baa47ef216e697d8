//! Moving around: selection and scrolling in each pane (keys and the
//! wheel), and mouse clicks that focus panes, tabs and history rows. Part
//! of `update`: state changes only, no terminal.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::app::{App, PaneId};
use super::layout;
use super::update::{select, stop_editing};
use crate::worker::Command;

fn page(app: &App, pane: PaneId) -> usize {
    let (w, h) = app.screen;
    let screen = app.layout(Rect::new(0, 0, w, h));
    screen
        .pane(pane)
        .map_or(10, |r| r.height.saturating_sub(3).max(1) as usize)
}

fn step(v: usize, delta: isize, n: usize) -> usize {
    if delta < 0 {
        v.saturating_sub(n)
    } else {
        v.saturating_add(n)
    }
}

pub(super) fn move_by(app: &mut App, delta: isize, paged: bool) {
    if let Some(jar) = &mut app.jar {
        jar.scroll = step(jar.scroll, delta, 1);
        return;
    }
    if let Some(s) = app.help {
        app.help = Some(step(s, delta, 1));
        return;
    }
    let n = if paged { page(app, app.focus) } else { 1 };
    match app.focus {
        PaneId::Request => app.form.move_field(delta * n as isize),
        PaneId::Body => super::body_keys::scroll(app, delta, n),
        PaneId::Wire => app.wire.scroll = step(app.wire.scroll, delta, n),
        PaneId::Response if !paged => {
            let count = super::panes::response::header_count(app);
            if count > 0 {
                let next = match app.response.header {
                    None => 0,
                    Some(h) => step(h, delta, 1).min(count - 1),
                };
                app.response.header = Some(next);
                app.frames.picked = false;
                app.wire.follow_highlight = true;
            }
        }
        PaneId::Response => app.response.scroll = step(app.response.scroll, delta, n),
        PaneId::Frames => {
            let count = app.frames.model.items.len();
            if count > 0 {
                let at = if app.frames.picked {
                    step(app.frames.selected, delta, n)
                } else {
                    app.frames.selected
                };
                app.frames.selected = at.min(count - 1);
                app.frames.picked = true;
                app.wire.follow_highlight = true;
            }
        }
        PaneId::History if app.workflow.saved.is_some() => {
            super::workflow::history_nav::move_by(app, delta, n)
        }
        PaneId::Waterfall | PaneId::History => {
            if let Some(sel) = app.selected {
                let last = app.entries.len().saturating_sub(1);
                select(app, step(sel, delta, n).min(last));
            }
        }
        PaneId::Collection => super::workflow::collection_move(app, delta * n as isize),
    }
}

pub(super) fn move_to_end(app: &mut App, end: bool) {
    match app.focus {
        PaneId::Request => app
            .form
            .move_field(if end { isize::MAX / 2 } else { isize::MIN / 2 }),
        // Clamped to the last row when the frame is prepared.
        PaneId::Wire => app.wire.scroll = if end { usize::MAX } else { 0 },
        PaneId::Response => app.response.scroll = if end { usize::MAX } else { 0 },
        PaneId::Body => app.body.scroll = if end { usize::MAX } else { 0 },
        PaneId::Frames => {
            let count = app.frames.model.items.len();
            if count > 0 {
                app.frames.selected = if end { count - 1 } else { 0 };
                app.frames.picked = true;
                app.wire.follow_highlight = true;
            }
        }
        PaneId::History if app.workflow.saved.is_some() => {
            super::workflow::history_nav::move_to_end(app, end)
        }
        PaneId::Waterfall | PaneId::History => {
            if !app.entries.is_empty() {
                select(app, if end { app.entries.len() - 1 } else { 0 });
            }
        }
        PaneId::Collection => {
            super::workflow::collection_move(app, if end { isize::MAX / 2 } else { isize::MIN / 2 })
        }
    }
}

/// A click on row `row` inside pane `p`: a history row selects that
/// exchange; a response header selects the header (its bytes light up in
/// the Wire pane).
fn click_row(app: &mut App, p: PaneId, rect: Rect, row: usize) {
    match p {
        PaneId::History if app.workflow.saved.is_some() => {
            super::workflow::history_nav::click(app, rect, row)
        }
        PaneId::Collection => super::workflow::collection_click(app, rect, row),
        PaneId::History => {
            let i = super::panes::history::first_row(app, rect) + row;
            if i < app.entries.len() {
                select(app, i);
            }
        }
        PaneId::Response => {
            let count = super::panes::response::header_count(app);
            let first = super::panes::response::header_line(app, 0);
            let line = app.response.scroll + row;
            if count > 0 && (first..first + count).contains(&line) {
                app.response.header = Some(line - first);
                app.frames.picked = false;
                app.wire.follow_highlight = true;
            }
        }
        PaneId::Frames => {
            if let Some(i) = super::panes::frames::item_at_row(app, app.frames.scroll + row) {
                app.frames.selected = i;
                app.frames.picked = true;
                app.wire.follow_highlight = true;
            }
        }
        _ => {}
    }
}

pub(super) fn on_mouse(app: &mut App, m: MouseEvent) -> Vec<Command> {
    let (w, h) = app.screen;
    let screen = app.layout(Rect::new(0, 0, w, h));
    let target = screen.pane_at(m.column, m.row);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            if app.help.take().is_some()
                || app.jar.take().is_some()
                || app.workflow.chooser.take().is_some()
            {
                return Vec::new();
            }
            let clicked = match screen.tabs {
                Some(tabs) if tabs.y == m.row => {
                    layout::tab_at_in(tabs, m.column, &super::workflow::tab_panes(app))
                }
                _ => target,
            };
            if let Some(p) = clicked {
                if p != app.focus && stop_editing(app) {
                    app.focus = p;
                }
                if let (Some(rect), true) = (screen.pane(p), target == Some(p)) {
                    if m.row > rect.y {
                        click_row(app, p, rect, (m.row - rect.y - 1) as usize);
                    }
                }
            }
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let delta = if m.kind == MouseEventKind::ScrollDown {
                1
            } else {
                -1
            };
            let saved = app.focus;
            if let Some(p) = target {
                if app.editing() && p == PaneId::Request {
                    return Vec::new();
                }
                app.focus = p;
            }
            for _ in 0..3 {
                if !matches!(app.focus, PaneId::Wire | PaneId::Response | PaneId::Body) {
                    move_by(app, delta, false);
                    break;
                }
                match app.focus {
                    PaneId::Wire => app.wire.scroll = step(app.wire.scroll, delta, 1),
                    PaneId::Body => super::body_keys::scroll(app, delta, 1),
                    _ => app.response.scroll = step(app.response.scroll, delta, 1),
                }
            }
            // Wheel scrolls what is under the pointer; focus stays put.
            app.focus = saved;
        }
        _ => {}
    }
    Vec::new()
}
