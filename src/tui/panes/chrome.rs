//! Everything around the panes: the status bar (what the shown exchange is
//! doing, in words), the insecure-exchange banner, the tab bar of the
//! compact arrangement, the footer of key hints (from the key table) and
//! the "terminal too small" message.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{clip, hint, put};
use crate::report::escape::sanitize_text;
use crate::tui::app::{fmt_ms, App, Mode};
use crate::tui::entry::EntryState;
use crate::tui::keymap::{self, Action};
use crate::tui::layout::{MIN_HEIGHT, MIN_WIDTH};

fn state(app: &App) -> Vec<Span<'static>> {
    let t = app.theme();
    let Some(e) = app.entry() else {
        return vec![Span::styled(
            "idle · press Enter on the URL (or F5) to send",
            t.dim,
        )];
    };
    let id = Span::styled(format!("#{} ", e.id), t.key);
    // A flow between attempts: its wait counts down, and Esc ends it.
    if let Some(w) = app.waiting() {
        let left = w.wait.saturating_sub(w.since.elapsed());
        return vec![
            id,
            Span::styled(
                format!(
                    "WAITING {} of {} before retrying ({}) · Esc cancels",
                    fmt_ms(left),
                    fmt_ms(w.wait),
                    sanitize_text(&w.reason)
                ),
                t.warning,
            ),
        ];
    }
    let what = match e.state {
        // A flow's hop that ended: its record comes with the flow's end.
        EntryState::InFlight if e.live.timeline.done.is_some() => Span::styled(
            format!(
                "ENDED in {} · the flow goes on (a retry waits, or a redirect follows) · Esc cancels",
                fmt_ms(e.elapsed)
            ),
            t.warning,
        ),
        EntryState::InFlight => Span::styled(
            format!("IN FLIGHT {} · Esc cancels", fmt_ms(e.elapsed)),
            t.warning,
        ),
        EntryState::Cancelled => {
            Span::styled(format!("CANCELLED after {}", fmt_ms(e.elapsed)), t.warning)
        }
        EntryState::Done => match e.exchange.as_deref() {
            Some(x) => match (&x.error, &x.response) {
                (Some(err), _) => Span::styled(
                    format!("ERROR in {}: {}", err.phase, sanitize_text(&err.tui_message())),
                    t.error,
                ),
                (None, Some(r)) => Span::styled(
                    // HTTP/2 has no reason phrase.
                    format!(
                        "DONE {} in {}",
                        format!("{} {}", r.status, sanitize_text(&r.reason)).trim_end(),
                        fmt_ms(e.elapsed)
                    ),
                    t.ok,
                ),
                (None, None) => Span::styled("DONE", t.ok),
            },
            None => Span::raw("DONE"),
        },
    };
    vec![id, what]
}

pub fn status_bar(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let t = app.theme();
    let mut spans = vec![
        Span::styled(" wirescope ", t.selected.patch(t.title)),
        Span::raw(" "),
    ];
    spans.extend(state(app));
    if let Some(n) = &app.notice {
        spans.push(Span::styled(format!("  ▸ {}", sanitize_text(n)), t.warning));
    }
    spans.extend(crate::tui::workflow::status_spans(app));
    if app.reveal_secrets {
        spans.push(Span::styled("  ⚠ secrets shown (U: mask)", t.warning));
    }
    let line = Line::from(spans);
    let used = line.width() as u16;
    put(buf, area, 0, &line);
    if let Some(demo) = &app.demo_url {
        let right = format!(" demo {demo} ");
        let w = right.chars().count() as u16;
        if area.width > w + used + 1 {
            let r = Rect::new(area.right() - w, area.y, w, 1);
            put(buf, r, 0, &Line::styled(right, t.dim));
        }
    }
}

pub fn banner(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let text = " ⚠ INSECURE EXCHANGE: TLS certificate verification was OFF; anyone on the path could read or change it ";
    let line = Line::styled(format!("{text:<w$}", w = area.width as usize), t.banner);
    put(buf, area, 0, &line);
}

pub fn tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let mut spans = Vec::new();
    let panes = crate::tui::workflow::tab_panes(app);
    for (id, label) in crate::tui::layout::tab_labels(&panes, area.width) {
        let style = if id == app.focus {
            t.selected.patch(t.title)
        } else {
            t.dim
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let n = panes.len();
    let how = if app.zoom {
        format!("Tab/1-{n} switch · z unzoom")
    } else {
        format!("Tab/1-{n} switch")
    };
    let used: usize = spans.iter().map(Span::width).sum();
    if used + how.chars().count() <= area.width as usize {
        spans.push(Span::styled(how, t.dim));
    }
    put(buf, area, 0, &Line::from(spans));
}

pub fn footer(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let t = app.theme();
    let width = area.width as usize;
    let mut hints = keymap::hints(&app.key_state());
    if app.busy() {
        // While something hangs, how to cancel it matters most.
        hints.sort_by_key(|h| h.2 != Action::Escape);
    }
    // "? keys" and "q quit" are pinned right, so the way out and the way to
    // every other key are always on screen.
    let pinned = |a: Action| matches!(a, Action::Help | Action::Quit);
    let mut right: Vec<Span> = Vec::new();
    for (key, label, _) in hints.iter().filter(|h| pinned(h.2)) {
        right.push(Span::raw("  "));
        right.extend(hint(&t, key, label));
    }
    let right_w: usize = right.iter().map(Span::width).sum();
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    let lead = match app.mode {
        Mode::EditLine { .. } => Some("TYPING"),
        Mode::EditBody => Some("EDITING BODY"),
        Mode::Prompt { .. } => Some("PROMPT"),
        Mode::Navigate => None,
    };
    if let Some(l) = lead {
        spans.push(Span::styled(l, t.selected));
        spans.push(Span::raw("  "));
        used += l.len() + 2;
    }
    for (key, label, _) in hints.iter().filter(|h| !pinned(h.2)) {
        let h = hint(&t, key, label);
        let w: usize = h.iter().map(Span::width).sum::<usize>() + 2;
        if used + w > width.saturating_sub(right_w) {
            break;
        }
        used += w;
        spans.extend(h);
        spans.push(Span::raw("  "));
    }
    put(buf, area, 0, &Line::from(spans));
    if right_w > 0 && right_w < width {
        let r = Rect::new(area.right() - right_w as u16, area.y, right_w as u16, 1);
        put(buf, r, 0, &Line::from(right));
    }
}

/// Shown instead of everything below the minimum size; keys still work.
pub fn too_small(app: &App, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let t = app.theme();
    let lines = [
        "Terminal too small".to_string(),
        format!(
            "{}×{}: wirescope needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        ),
        "Enlarge the window, or press q to quit.".to_string(),
    ];
    let top = (area.height as usize).saturating_sub(lines.len()) / 2;
    for (i, l) in lines.iter().enumerate() {
        let l = clip(l, area.width as usize);
        let pad = (area.width as usize).saturating_sub(l.chars().count()) / 2;
        let style = if i == 0 { t.error } else { t.base };
        put(
            buf,
            area,
            top + i,
            &Line::styled(format!("{}{l}", " ".repeat(pad)), style),
        );
    }
}
