//! The History pane's two lists as one: the session's exchanges (as
//! before), then the saved history, newest first, filtered by `/`. Moving
//! past the last exchange of the session goes on into the saved ones;
//! Enter loads the one picked into the Request pane (F5 sends it again).
//! Part of `update`: state changes only.

use ratatui::layout::Rect;

use super::load::{self, Options};
use super::{open_prompt, WorkPrompt};
use crate::formats::{HistoryEntry, Redaction};
use crate::tui::app::{App, Mode};
use crate::tui::group::GroupKind;
use crate::tui::prompt::Prompt;
use crate::tui::update::select;

/// The saved-history query in force: what is being typed at the `/`
/// prompt (the list follows as you type), else the last one committed.
pub fn query(app: &App) -> String {
    match &app.mode {
        Mode::Prompt {
            prompt: Prompt::Work(WorkPrompt::HistoryFilter),
            editor,
        } => editor.text.clone(),
        _ => app.workflow.filter.clone(),
    }
}

/// Saved entries shown (indices into `Saved::entries`), newest first.
pub fn view(app: &App) -> Vec<usize> {
    app.workflow
        .saved
        .as_ref()
        .map_or_else(Vec::new, |s| s.view(&query(app)))
}

/// Rows the session part takes (its placeholder when empty).
pub fn session_rows(app: &App) -> usize {
    app.entries.len().max(1)
}

/// The row (session rows, the saved header, saved rows) the cursor is on.
pub fn cursor_row(app: &App, shown: usize) -> usize {
    match app.workflow.saved_cursor {
        Some(j) if shown > 0 => session_rows(app) + 1 + j.min(shown - 1),
        _ => app.selected.unwrap_or(0),
    }
}

fn place(app: &mut App, target: usize, n: usize) {
    if target < n {
        app.workflow.saved_cursor = None;
        select(app, target);
    } else {
        app.workflow.saved_cursor = Some(target - n);
    }
}

/// j/k, PgUp/PgDn in the History pane.
pub fn move_by(app: &mut App, delta: isize, rows: usize) {
    let n = app.entries.len();
    let m = if app.workflow.saved.is_some() {
        view(app).len()
    } else {
        0
    };
    let total = n + m;
    if total == 0 {
        return;
    }
    let pos = match app.workflow.saved_cursor {
        Some(j) if m > 0 => Some(n + j.min(m - 1)),
        _ => app.selected,
    };
    let Some(pos) = pos else {
        place(app, 0, n);
        return;
    };
    let target = if delta < 0 {
        pos.saturating_sub(rows)
    } else {
        pos.saturating_add(rows).min(total - 1)
    };
    place(app, target, n);
}

/// Home/End in the History pane.
pub fn move_to_end(app: &mut App, end: bool) {
    let n = app.entries.len();
    let m = view(app).len();
    if n + m > 0 {
        place(app, if end { n + m - 1 } else { 0 }, n);
    }
}

/// A click on row `row` (inside the border) of the History pane.
pub fn click(app: &mut App, area: Rect, row: usize) {
    let shown = view(app);
    let h = area.height.saturating_sub(2).max(1) as usize;
    let first = (cursor_row(app, shown.len()) + 1).saturating_sub(h);
    let at = first + row;
    let s = session_rows(app);
    if at < app.entries.len() {
        app.workflow.saved_cursor = None;
        select(app, at);
    } else if app.workflow.saved.is_some() && at > s && at - s - 1 < shown.len() {
        app.workflow.saved_cursor = Some(at - s - 1);
    }
}

/// `/` in the History pane.
pub fn search(app: &mut App) {
    if app.workflow.saved.is_none() {
        app.notice = Some("no saved history (started with --no-history?)".into());
        return;
    }
    let last = app.workflow.filter.clone();
    open_prompt(app, WorkPrompt::HistoryFilter, last);
}

/// The `/` prompt's Enter: keep the query, pick the newest match.
pub fn commit_search(app: &mut App, text: &str) {
    app.workflow.filter = text.trim().to_string();
    let m = view(app).len();
    app.workflow.saved_cursor = (m > 0).then_some(0);
    let total = app.workflow.saved.as_ref().map_or(0, |s| s.entries.len());
    app.notice = Some(match (app.workflow.filter.is_empty(), m) {
        (true, _) => format!("saved history: all {total}"),
        (false, 0) => format!("saved history: nothing matches {:?}", app.workflow.filter),
        (false, m) => format!("saved history: {m} of {total} match"),
    });
}

/// Enter in the History pane: the picked exchange's request into the
/// Request pane.
pub fn load_picked(app: &mut App) {
    let shown = view(app);
    if let (Some(j), Some(saved)) = (app.workflow.saved_cursor, &app.workflow.saved) {
        let Some(entry) = shown
            .get(j.min(shown.len().saturating_sub(1)))
            .map(|&i| saved.entries[i].clone())
        else {
            return;
        };
        let spec = entry.to_spec();
        let note = load::spec(app, &spec, Options::Replace);
        let redacted = entry.redacted
            && (spec.url.contains("REDACTED")
                || spec.headers.iter().any(|(_, v)| v.contains("REDACTED")));
        app.notice = Some(note.unwrap_or_else(|| {
            let mut s = format!(
                "loaded {} {} from {} — F5 sends it again",
                entry.method, entry.url, entry.at
            );
            if redacted {
                s.push_str("; REDACTED values were never stored: type the real ones first");
            }
            s
        }));
        return;
    }
    let Some(e) = app.entry() else {
        app.notice = Some("no exchange to load".into());
        return;
    };
    // A flow or batch remembers the request as the user made it.
    let group_spec = e
        .meta
        .group
        .and_then(|t| app.group(t.group))
        .and_then(|g| match &g.kind {
            GroupKind::Flow { spec, .. } | GroupKind::Batches { spec, .. } => {
                Some((**spec).clone())
            }
            // A captured request is loaded from what the program sent.
            GroupKind::Captured { .. } => None,
        });
    let spec = match (group_spec, e.exchange.as_deref()) {
        (Some(s), _) => s,
        (None, Some(x)) => HistoryEntry::from_exchange(x, Redaction::Off).to_spec(),
        (None, None) => {
            app.notice = Some(format!("#{} has not finished: nothing to load yet", e.id));
            return;
        }
    };
    let id = e.id;
    let note = load::spec(app, &spec, Options::Replace);
    app.notice = Some(note.unwrap_or_else(|| {
        format!(
            "loaded #{id}: {} {} — F5 sends it again",
            spec.method, spec.url
        )
    }));
}

/// `r` in the History pane: redaction of what is recorded (and HAR).
pub fn toggle_redaction(app: &mut App) {
    let w = &mut app.workflow;
    w.redaction = match w.redaction {
        Redaction::On => Redaction::Off,
        Redaction::Off => Redaction::On,
    };
    app.notice = Some(match w.redaction {
        Redaction::On => "history and HAR: credentials redacted before they are written".into(),
        Redaction::Off => {
            "history and HAR: credentials are NOT redacted from now on (r turns it back on)".into()
        }
    });
}
