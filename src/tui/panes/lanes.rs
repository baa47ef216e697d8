//! The Waterfall pane for a group (`l` switches to the phases of the one
//! exchange selected): every exchange of a flow or a batch set as a row
//! on one time axis, like `report::lanes`. A flow's rows show its hops
//! one after another (the waits between retries are the gaps); a batch
//! set's parts each start from their own zero on a shared scale, so their
//! lengths compare, with the totals (connections, wall time, ratio) side
//! by side above. HTTP/2 rows mark where their DATA frames arrived.

use std::time::{Duration, SystemTime};

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};

use super::{clip, put};
use crate::report::escape::sanitize_text;
use crate::report::lanes::glyph;
use crate::tui::app::{fmt_ms, App};
use crate::tui::entry::{Entry, EntryState};
use crate::tui::group::{part_connections, part_name, part_short, Group, GroupKind};
use crate::tui::theme::Theme;
use crate::wire::policy::Cause;
use crate::wire::timeline::{Phase, SpanState};

const LABEL: usize = 10;
const MS: usize = 8;
const STATUS: usize = 5;

fn start_of(e: &Entry) -> SystemTime {
    e.timeline().started_at
}

fn offset(e: &Entry, origin: SystemTime) -> Duration {
    start_of(e).duration_since(origin).unwrap_or_default()
}

fn status(e: &Entry) -> String {
    match (e.state, e.exchange.as_deref()) {
        (EntryState::InFlight, _) => "…".into(),
        (EntryState::Cancelled, _) => "✖".into(),
        (_, Some(x)) => match (&x.error, &x.response) {
            (Some(err), _) => format!("✖{}", err.phase.name()),
            (None, Some(r)) => r.status.to_string(),
            _ => "-".into(),
        },
        _ => "-".into(),
    }
}

fn label(e: &Entry) -> String {
    if let Some(h) = &e.meta.hop {
        return format!("hop {}·{}", h.hop, h.attempt);
    }
    if let Some(tag) = e
        .meta
        .group
        .filter(|_| e.meta.hop.is_none() && e.exchange.is_none())
    {
        return format!("step {}", tag.index + 1);
    }
    match e.exchange.as_deref() {
        Some(x) => match (&x.h2, &x.connection) {
            (Some(h), _) => format!("stream {}", h.stream),
            (None, Some(c)) => format!("conn #{}", c.id),
            _ => format!("#{}", e.id),
        },
        None => format!("#{}", e.id),
    }
}

/// One row: marker, label, the bar from `base` on a scale of `end`.
fn row(
    e: &Entry,
    base: Duration,
    end: Duration,
    bar_w: usize,
    sel: bool,
    t: &Theme,
) -> Line<'static> {
    let col =
        |d: Duration| ((d.as_secs_f64() / end.as_secs_f64().max(1e-9)) * bar_w as f64) as usize;
    let mut cells: Vec<(char, Option<Phase>)> = vec![(' ', None); bar_w];
    for span in e.spans() {
        if !matches!(span.state, SpanState::Done | SpanState::Running) {
            continue;
        }
        let (a, b) = (col(base + span.start), col(base + span.end));
        let a = a.min(bar_w.saturating_sub(1));
        for cell in cells.iter_mut().take(b.max(a + 1).min(bar_w)).skip(a) {
            *cell = (glyph(span.phase), Some(span.phase));
        }
    }
    if !e.meta.data_ticks.is_empty() {
        for cell in cells.iter_mut().filter(|c| c.0 == '█') {
            cell.0 = '░';
        }
        for at in &e.meta.data_ticks {
            if let Some(cell) = cells.get_mut(col(base + *at).min(bar_w.saturating_sub(1))) {
                *cell = ('█', Some(Phase::Receive));
            }
        }
    }
    let mut spans = vec![
        Span::styled(if sel { "▶" } else { " " }, t.border_focus),
        Span::styled(
            format!("{:<LABEL$}", clip(&label(e), LABEL)),
            if sel { t.selected } else { t.base },
        ),
        Span::styled("│", t.border),
    ];
    for (c, phase) in cells {
        let style = phase.map_or(t.base, |p| t.phase(p));
        spans.push(Span::styled(c.to_string(), style));
    }
    spans.push(Span::styled("│", t.border));
    spans.push(Span::raw(format!("{:>MS$}", fmt_ms(e.elapsed))));
    spans.push(Span::raw(format!(" {:<w$}", status(e), w = STATUS - 1)));
    Line::from(spans)
}

/// The wait a flow is in before its next attempt, as a lane of its own:
/// the part waited so far solid, the rest dotted to where it ends.
fn wait_row(
    w: &crate::tui::group::Waiting,
    base: Duration,
    end: Duration,
    bar_w: usize,
    t: &Theme,
) -> Line<'static> {
    let col =
        |d: Duration| ((d.as_secs_f64() / end.as_secs_f64().max(1e-9)) * bar_w as f64) as usize;
    let waited = w.since.elapsed().min(w.wait);
    let (a, b, c) = (col(base), col(base + waited), col(base + w.wait));
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(format!("{:<LABEL$}", "waiting"), t.warning),
        Span::styled("│", t.border),
    ];
    for i in 0..bar_w {
        let (glyph, style) = match i {
            i if i >= a && i < b.max(a + 1) => ("▒", t.warning),
            i if i >= a && i < c => ("┄", t.dim),
            _ => (" ", t.base),
        };
        spans.push(Span::styled(glyph, style));
    }
    spans.push(Span::styled("│", t.border));
    spans.push(Span::raw(format!(
        "{:>MS$} of {}",
        fmt_ms(waited),
        fmt_ms(w.wait)
    )));
    Line::from(spans)
}

fn axis(end: Duration, bar_w: usize, t: &Theme) -> Line<'static> {
    let right = fmt_ms(end);
    let fill = bar_w.saturating_sub(right.chars().count() + 1);
    Line::styled(
        format!("{:LABEL$}  0{}{right}", "", "·".repeat(fill)),
        t.dim,
    )
}

/// Pinned lines (title, totals) and the scrolling rows, with the index of
/// the selected exchange's row.
struct Doc {
    top: Vec<Line<'static>>,
    rows: Vec<Line<'static>>,
    selected: Option<usize>,
}

fn batches(app: &App, g: &Group, width: usize, t: &Theme) -> Doc {
    let GroupKind::Batches { parts, .. } = &g.kind else {
        return Doc {
            top: Vec::new(),
            rows: Vec::new(),
            selected: None,
        };
    };
    let bar_w = width.saturating_sub(1 + LABEL + 2 + MS + STATUS).max(4);
    let members = |k: usize| {
        app.members(g.id)
            .filter(move |e| e.meta.group.is_some_and(|t| t.part == k))
    };
    let origin = |k: usize| members(k).map(start_of).min();
    let wall = |k: usize| {
        let o = origin(k)?;
        members(k).map(|e| offset(e, o) + e.elapsed).max()
    };
    let walls: Vec<Option<Duration>> = (0..parts.len()).map(wall).collect();
    let end = walls
        .iter()
        .flatten()
        .max()
        .copied()
        .unwrap_or_default()
        .max(Duration::from_micros(1));
    let base = walls
        .first()
        .copied()
        .flatten()
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
        .max(1e-9);
    let mut top = Vec::new();
    let name_w = width.saturating_sub(22).max(8);
    top.push(Line::styled(
        format!(
            "{:<name_w$} {:>4} {:>8} {:>6}",
            "batch", "conn", "wall", "ratio"
        ),
        t.section,
    ));
    for (k, w) in walls.iter().enumerate() {
        let wall = w.map_or("—".to_string(), fmt_ms);
        let ratio = w.map_or(String::new(), |d| format!("{:.2}×", d.as_secs_f64() / base));
        let name = if name_w >= 40 {
            part_name(app, g, k)
        } else {
            part_short(app, g, k)
        };
        top.push(Line::from(vec![
            Span::raw(format!("{:<name_w$} ", clip(&name, name_w))),
            Span::raw(format!("{:>4} ", part_connections(app, g.id, k))),
            Span::styled(format!("{wall:>8} "), t.title),
            Span::raw(format!("{ratio:>6}")),
        ]));
    }
    let mut rows = Vec::new();
    let mut selected = None;
    for k in 0..parts.len() {
        let Some(o) = origin(k) else { continue };
        rows.push(Line::styled(
            format!(
                "── {}",
                clip(&part_name(app, g, k), width.saturating_sub(4))
            ),
            t.section,
        ));
        for e in members(k) {
            let sel = app.entry().is_some_and(|s| s.id == e.id);
            if sel {
                selected = Some(rows.len());
            }
            rows.push(row(e, offset(e, o), end, bar_w, sel, t));
        }
    }
    rows.push(axis(end, bar_w, t));
    Doc {
        top,
        rows,
        selected,
    }
}

fn cause(e: &Entry) -> Option<String> {
    let h = e.meta.hop.as_ref()?;
    let what = match &h.cause {
        Cause::First => "the request as made".to_string(),
        Cause::Redirect { rule, .. } => format!("redirect: {rule}"),
        Cause::Retry { waited, reason, .. } => {
            format!("retry after waiting {}: {reason}", fmt_ms(*waited))
        }
    };
    Some(sanitize_text(&format!(
        "hop {} · attempt {}: {what}",
        h.hop, h.attempt
    )))
}

fn flow(app: &App, g: &Group, width: usize, t: &Theme) -> Doc {
    let bar_w = width.saturating_sub(1 + LABEL + 2 + MS + STATUS).max(4);
    let members: Vec<&Entry> = app.members(g.id).collect();
    let origin = members
        .iter()
        .map(|e| start_of(e))
        .min()
        .unwrap_or(SystemTime::UNIX_EPOCH);
    // A wait in progress begins where the last hop ended, on the same axis.
    let hops_end = members
        .iter()
        .map(|e| offset(e, origin) + e.elapsed)
        .max()
        .unwrap_or_default();
    let wait_at = g.waiting.as_ref().map(|w| (w, hops_end));
    let end = members
        .iter()
        .map(|e| offset(e, origin) + e.elapsed)
        .chain(wait_at.map(|(w, at)| at + w.wait))
        .max()
        .unwrap_or_default()
        .max(Duration::from_micros(1));
    let state = if g.waiting.is_some() && g.running {
        "waiting to retry"
    } else if g.running {
        "in flight"
    } else if g.cancelled {
        "cancelled"
    } else {
        "done"
    };
    let what = match g.kind {
        GroupKind::Captured { .. } => "the program's connection",
        _ => "flow",
    };
    let n = members.len();
    let mut top = vec![Line::styled(
        format!(
            "{what} · {n} exchange{} · {state} · {}",
            if n == 1 { "" } else { "s" },
            fmt_ms(end)
        ),
        t.section,
    )];
    let mut rows = Vec::new();
    let mut selected = None;
    for e in &members {
        let sel = app.entry().is_some_and(|s| s.id == e.id);
        if sel {
            selected = Some(rows.len());
        }
        rows.push(row(e, offset(e, origin), end, bar_w, sel, t));
    }
    if let (Some((w, at)), true) = (wait_at, g.running) {
        rows.push(wait_row(w, at, end, bar_w, t));
    }
    rows.push(axis(end, bar_w, t));
    if let Some(c) = app.entry().and_then(cause) {
        rows.push(Line::styled(c, t.base));
    }
    if let GroupKind::Flow {
        stopped: Some(why), ..
    } = &g.kind
    {
        top.push(Line::styled(
            format!("stopped: {}", sanitize_text(why)),
            t.warning,
        ));
    }
    Doc {
        top,
        rows,
        selected,
    }
}

/// Draws the group's lanes into `inner` (the pane's frame is drawn).
pub fn render(app: &App, g: &Group, inner: ratatui::layout::Rect, buf: &mut Buffer) {
    let t = app.theme();
    let width = inner.width as usize;
    let doc = match g.kind {
        // A program's connection: its exchanges one after another, as
        // a flow's hops are.
        GroupKind::Flow { .. } | GroupKind::Captured { .. } => flow(app, g, width, &t),
        GroupKind::Batches { .. } => batches(app, g, width, &t),
    };
    let h = inner.height as usize;
    let top = doc.top.len().min(h);
    for (y, l) in doc.top.iter().take(top).enumerate() {
        put(buf, inner, y, l);
    }
    // The glyphs' legend on the last row, when the rows leave one free.
    let mut room = h - top;
    if room > doc.rows.len() {
        put(buf, inner, h - 1, &legend(&t, width));
        room -= 1;
    }
    if room == 0 {
        return;
    }
    let first = doc.selected.map_or(0, |s| (s + 2).saturating_sub(room));
    let first = first.min(doc.rows.len().saturating_sub(room));
    for (y, l) in doc.rows.iter().skip(first).take(room).enumerate() {
        put(buf, inner, top + y, l);
    }
}

/// What each glyph of a lane stands for, in the phases' own colours; in
/// short words when `width` is narrower than the full legend.
pub fn legend(t: &Theme, width: usize) -> Line<'static> {
    const SHORT: [&str; 6] = ["DNS", "TCP", "TLS", "send", "wait", "body"];
    let phases = [
        Phase::Dns,
        Phase::Connect,
        Phase::Tls,
        Phase::Send,
        Phase::Wait,
        Phase::Receive,
    ];
    let full = width >= 100;
    let mut spans: Vec<Span> = phases
        .iter()
        .zip(SHORT)
        .flat_map(|(p, short)| {
            let words = if full { p.label() } else { short };
            [
                Span::styled(glyph(*p).to_string(), t.phase(*p)),
                Span::styled(format!(" {words} "), t.dim),
            ]
        })
        .collect();
    spans.push(Span::styled(
        if full {
            "░ gap between DATA"
        } else {
            "░ gap"
        },
        t.dim,
    ));
    Line::from(spans)
}

/// The pane title's note for a group.
pub fn title(app: &App, g: &Group) -> String {
    let n = app.members(g.id).count();
    match g.kind {
        GroupKind::Flow { .. } => format!("flow of {n} · l: phases"),
        GroupKind::Batches { .. } => format!("{n} exchanges · l: phases"),
        GroupKind::Captured { connection, .. } => {
            format!("program connection #{connection}: {n} exchanges · l: phases")
        }
    }
}
