//! The saved part of the History pane: under the session's exchanges, a
//! labelled rule, then the history kept on disk, newest first, filtered
//! by the `/` query (as it is typed). A row is the time, the method, the
//! target and the outcome; `▶` marks the one Enter would load.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{clip, put};
use crate::formats::HistoryEntry;
use crate::report::escape::sanitize_text;
use crate::tui::app::{App, PaneId};
use crate::tui::workflow::history_nav::{query, session_rows, view};

/// "01-05 14:03" from an RFC 3339 time (UTC, as stored).
fn when(at: &str) -> String {
    at.get(5..16)
        .map_or_else(|| at.to_string(), |s| s.replace('T', " "))
}

fn outcome(e: &HistoryEntry) -> String {
    match (&e.error, e.status) {
        (Some(err), _) => format!("✖ {}", err.split(':').next().unwrap_or("error")),
        (None, Some(s)) => s.to_string(),
        (None, None) => "—".into(),
    }
}

fn rule(app: &App, width: usize, shown: usize) -> Line<'static> {
    let t = app.theme();
    let total = app.workflow.saved.as_ref().map_or(0, |s| s.entries.len());
    let q = query(app);
    let label = if q.trim().is_empty() {
        format!("── saved history ({total}, newest first) ")
    } else {
        format!(
            "── saved history · /{} · {shown} of {total} ",
            sanitize_text(q.trim())
        )
    };
    let pad = width.saturating_sub(label.chars().count());
    Line::styled(
        clip(&format!("{label}{}", "─".repeat(pad)), width),
        t.section,
    )
}

/// Draws the rows of the saved part that fall in the window starting at
/// virtual row `first` (session rows come before it).
pub fn render(app: &App, inner: Rect, first: usize, buf: &mut Buffer) {
    let Some(saved) = &app.workflow.saved else {
        return;
    };
    let t = app.theme();
    let width = inner.width as usize;
    let shown = view(app);
    let start = session_rows(app);
    let picked = app
        .workflow
        .saved_cursor
        .map(|j| j.min(shown.len().saturating_sub(1)));
    for y in 0..inner.height as usize {
        let row = first + y;
        if row < start {
            continue;
        }
        if row == start {
            put(buf, inner, y, &rule(app, width, shown.len()));
            continue;
        }
        let k = row - start - 1;
        let Some(&i) = shown.get(k) else {
            if k == 0 {
                let msg = if saved.entries.is_empty() {
                    "(empty: every exchange you send is kept here)"
                } else {
                    "(nothing matches)"
                };
                put(buf, inner, y, &Line::styled(clip(msg, width), t.dim));
            }
            break;
        };
        let e = &saved.entries[i];
        let here = picked == Some(k);
        let out = outcome(e);
        let left_w = width.saturating_sub(out.chars().count() + 1);
        let left = format!(
            "{} {} {} {}",
            if here { "▶" } else { " " },
            when(&e.at),
            sanitize_text(&e.method),
            sanitize_text(&super::history::target(&e.url))
        );
        let left = format!("{:<left_w$}", clip(&left, left_w));
        let style = if here && app.focus == PaneId::History {
            t.selected
        } else {
            t.base
        };
        let out_style = match (&e.error, e.status) {
            (Some(_), _) => t.error,
            (None, Some(s)) if s < 400 => t.ok,
            (None, Some(_)) => t.warning,
            _ => t.dim,
        };
        put(
            buf,
            inner,
            y,
            &Line::from(vec![
                Span::styled(left, style),
                Span::raw(" "),
                Span::styled(sanitize_text(&out), out_style),
            ]),
        );
    }
}
