//! Collection pane: the requests of the `.http` file opened (`wirescope
//! FILE.http`), by number, method and name (or URL), with the environment
//! chosen on top. `▶` is the row picked, `●` the request the Request pane
//! holds; below the list, whether it has unsaved edits and the first
//! `{{var}}` that would not resolve (nothing is sent while one does not).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{clip, frame, put};
use crate::report::escape::sanitize_text;
use crate::tui::app::{App, PaneId};

/// `text` cut into lines of `width` chars, at most `max` of them.
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width.max(1))
        .take(max)
        .map(|c| c.iter().collect())
        .collect()
}

/// The notes under the list (unsaved edits, a variable that does not
/// resolve), as lines of `width`.
fn notes(app: &App, width: usize) -> Vec<Line<'static>> {
    let Some(c) = &app.workflow.collection else {
        return Vec::new();
    };
    let t = app.theme();
    let mut notes: Vec<Line> = Vec::new();
    if c.is_dirty(&app.form) {
        notes.push(Line::styled(
            clip("● edited · W writes it back", width),
            t.warning,
        ));
    }
    if let Some(p) = c.unresolved(&app.form) {
        for l in wrap(&format!("✖ {}", sanitize_text(&p)), width, 3) {
            notes.push(Line::styled(l, t.error));
        }
    }
    notes
}

/// The first request shown and how many rows the list has, for a pane
/// drawn in `area` (shared with mouse hit-testing).
pub fn window(app: &App, area: Rect) -> (usize, usize) {
    let inner_h = area.height.saturating_sub(2) as usize;
    let width = area.width.saturating_sub(2) as usize;
    let list_h = inner_h.saturating_sub(1 + notes(app, width).len());
    let cursor = app.workflow.collection.as_ref().map_or(0, |c| c.cursor);
    ((cursor + 1).saturating_sub(list_h.max(1)), list_h)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(c) = &app.workflow.collection else {
        let inner = frame(app, PaneId::Collection, "", area, buf);
        let t = app.theme();
        put(
            buf,
            inner,
            0,
            &Line::styled("No .http file open: wirescope FILE.http", t.dim),
        );
        return;
    };
    let inner = frame(app, PaneId::Collection, &c.name(), area, buf);
    if inner.is_empty() {
        return;
    }
    let t = app.theme();
    let width = inner.width as usize;
    let env = match (&c.env, c.envs.envs.len()) {
        (Some(e), _) => format!("env {}", sanitize_text(e)),
        (None, 0) => "no environments".into(),
        (None, n) => format!("env: none of {n}"),
    };
    let mut top = vec![Span::styled(clip(&env, width), t.key)];
    let room = width.saturating_sub(env.chars().count());
    if room > 4 && !c.envs.envs.is_empty() {
        top.push(Span::styled(clip(" · E picks", room), t.dim));
    }
    put(buf, inner, 0, &Line::from(top));

    let notes = notes(app, width);
    let (first, list_h) = window(app, area);
    let reqs = c.requests();
    if reqs.is_empty() {
        put(
            buf,
            inner,
            1,
            &Line::styled("(no requests in this file)", t.dim),
        );
    }
    let num_w = reqs.len().to_string().len();
    for (y, e) in reqs.iter().skip(first).take(list_h).enumerate() {
        let picked = e.index == c.cursor;
        let loaded = c.loaded == Some(e.index);
        let head = format!(
            "{}{}{:>num_w$} {:<6} ",
            if picked { "▶" } else { " " },
            if loaded { "●" } else { " " },
            e.index + 1,
            sanitize_text(&e.method),
        );
        let (what, url) = match &e.name {
            Some(n) => (sanitize_text(n), Some(sanitize_text(&e.url))),
            None => (sanitize_text(&e.url), None),
        };
        let style = if picked && app.focus == PaneId::Collection {
            t.selected
        } else {
            t.base
        };
        let room = width.saturating_sub(head.chars().count());
        let name = clip(&what, room);
        let mut spans = vec![Span::styled(head, style), Span::styled(name.clone(), style)];
        let left = room.saturating_sub(name.chars().count() + 2);
        if let (Some(u), true) = (url, left > 6) {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(clip(&u, left), t.dim));
        }
        put(buf, inner, 1 + y, &Line::from(spans));
    }
    let base = (inner.height as usize).saturating_sub(notes.len());
    for (i, l) in notes.iter().enumerate() {
        put(buf, inner, base + i, l);
    }
}
