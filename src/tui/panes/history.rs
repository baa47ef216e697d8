//! History pane: the exchanges of this session, oldest first. The selected
//! one (`▶`) is what every other pane shows. A flow's later hops are
//! indented under its first (`↳`, hop · attempt and why: "via 302",
//! "retry after 250 ms"); a batch's exchanges are indented with their
//! place in it; a revalidation is marked `⟳`. Below them, the history
//! saved on disk (`history_saved`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{clip, frame, put};
use crate::report::escape::sanitize_text;
use crate::tui::app::{fmt_ms, App, PaneId};
use crate::tui::entry::{Entry, EntryState};
use crate::tui::group::{part_version, GroupKind};
use crate::tui::theme::Theme;
use crate::wire::policy::Cause;

/// First entry shown in a pane drawn in `area`, keeping the selection in
/// view (shared with mouse hit-testing).
pub fn first_row(app: &App, area: Rect) -> usize {
    let h = area.height.saturating_sub(2).max(1) as usize;
    if app.workflow.saved.is_some() {
        // The saved history follows the session's exchanges.
        let shown = crate::tui::workflow::history_nav::view(app).len();
        let row = crate::tui::workflow::history_nav::cursor_row(app, shown);
        return (row + 1).saturating_sub(h);
    }
    app.selected.map_or(0, |s| (s + 1).saturating_sub(h))
}

fn outcome(e: &Entry, t: &Theme) -> Span<'static> {
    match e.state {
        EntryState::InFlight => Span::styled(format!("in flight {}", fmt_ms(e.elapsed)), t.warning),
        EntryState::Cancelled => {
            Span::styled(format!("cancelled {}", fmt_ms(e.elapsed)), t.warning)
        }
        EntryState::Done => match e.exchange.as_deref() {
            Some(x) if x.error.is_some() => Span::styled(
                format!(
                    "✖ {} {}",
                    x.error.as_ref().map_or("", |e| e.phase.name()),
                    fmt_ms(e.elapsed)
                ),
                t.error,
            ),
            Some(x) => match &x.response {
                Some(r) => Span::styled(format!("{} · {}", r.status, fmt_ms(e.elapsed)), t.ok),
                None => Span::styled(fmt_ms(e.elapsed), t.dim),
            },
            None => Span::raw(""),
        },
    }
}

/// How an exchange sits in its group, before its method and target.
fn group_label(app: &App, e: &Entry) -> String {
    let Some(tag) = e.meta.group else {
        return if e.meta.revalidation.is_some() {
            "⟳ ".into()
        } else {
            String::new()
        };
    };
    let Some(g) = app.group(tag.group) else {
        return String::new();
    };
    match &g.kind {
        GroupKind::Flow { .. } => {
            let (hop, why) = match &e.meta.hop {
                Some(h) => (
                    format!("{}·{}", h.hop, h.attempt),
                    match &h.cause {
                        Cause::First => String::new(),
                        Cause::Redirect { status, .. } => format!("via {status} "),
                        Cause::Retry { waited, .. } => format!("retry after {} ", fmt_ms(*waited)),
                    },
                ),
                None => return format!("step {} ", tag.index + 1),
            };
            format!("hop {hop} {why}")
        }
        GroupKind::Batches { n, .. } => {
            format!("{} {}/{n} ", part_version(app, g, tag.part), tag.index + 1)
        }
        GroupKind::Captured { connection, .. } => {
            format!("prog #{connection} {} ", tag.index + 1)
        }
    }
}

/// Later exchanges of a group are indented under its first.
fn indent(e: &Entry) -> &'static str {
    match e.meta.group {
        Some(t) if t.index > 0 || t.part > 0 => "↳",
        _ => "",
    }
}

/// Path and query of a URL (the whole URL when it does not parse).
pub(super) fn target(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let mut s = u.path().to_string();
            if let Some(q) = u.query() {
                s.push('?');
                s.push_str(q);
            }
            format!(
                "{}{s}",
                u.host_str().map(|h| format!("{h} ")).unwrap_or_default()
            )
        }
        Err(_) => url.to_string(),
    }
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let extra = match app.entries.len() {
        0 => String::new(),
        n => format!("{n}"),
    };
    let inner = frame(app, PaneId::History, &extra, area, buf);
    if inner.is_empty() {
        return;
    }
    let t = app.theme();
    let first = first_row(app, area);
    if app.entries.is_empty() {
        if first == 0 {
            put(
                buf,
                inner,
                0,
                &Line::styled("Exchanges you send are listed here.", t.dim),
            );
        }
        super::history_saved::render(app, inner, first, buf);
        return;
    }
    let width = inner.width as usize;
    for (y, (i, e)) in app
        .entries
        .iter()
        .enumerate()
        .skip(first)
        .take(inner.height as usize)
        .enumerate()
    {
        let selected = app.selected == Some(i);
        let out = outcome(e, &t);
        let left_w = width.saturating_sub(out.width() + 1);
        let left = format!(
            "{}{}#{} {}{} {}",
            if selected { "▶" } else { " " },
            indent(e),
            e.id,
            group_label(app, e),
            sanitize_text(&e.method),
            sanitize_text(&target(&e.url))
        );
        let left = format!("{:<left_w$}", clip(&left, left_w));
        let style = if selected && app.focus == PaneId::History {
            t.selected
        } else {
            t.base
        };
        put(
            buf,
            inner,
            y,
            &Line::from(vec![Span::styled(left, style), Span::raw(" "), out]),
        );
    }
    super::history_saved::render(app, inner, first, buf);
}
