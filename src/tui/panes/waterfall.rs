//! Waterfall pane: one bar per phase (DNS, TCP connect, TLS, request sent,
//! waiting, download) drawn to scale on a time axis, with milliseconds. The
//! spans come from `Timeline::spans` (never recomputed here); while an
//! exchange is in flight its running phase ends at "now", so a stalled
//! server shows a bar that keeps growing. Phases a reused connection or
//! plain HTTP skip say so in words.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::{clip, frame, put};
use crate::tui::app::{fmt_ms, App, PaneId};
use crate::tui::entry::{Entry, EntryState};
use crate::tui::theme::Theme;
use crate::wire::timeline::{Phase, SpanState};

const LABEL: usize = 15;
const MS: usize = 11;

fn summary(e: &Entry, t: &Theme) -> Line<'static> {
    let conn = match e.exchange.as_ref().and_then(|x| x.connection.as_ref()) {
        Some(c) => Some((c.id, c.reused)),
        None => e.live.connection,
    };
    let conn = match conn {
        Some((id, true)) => format!("conn #{id} reused"),
        Some((id, false)) => format!("conn #{id} new"),
        None => "no connection yet".into(),
    };
    let state = match e.state {
        EntryState::InFlight => Span::styled(format!("in flight {}", fmt_ms(e.elapsed)), t.warning),
        EntryState::Cancelled => {
            Span::styled(format!("cancelled at {}", fmt_ms(e.elapsed)), t.warning)
        }
        EntryState::Done => match e.exchange.as_ref().and_then(|x| x.error.as_ref()) {
            Some(err) => Span::styled(
                format!("failed ({}) at {}", err.phase, fmt_ms(e.elapsed)),
                t.error,
            ),
            None => Span::styled(format!("total {}", fmt_ms(e.elapsed)), t.ok),
        },
    };
    Line::from(vec![
        Span::styled(format!("#{} ", e.id), t.key),
        state,
        Span::styled(format!(" · {conn}"), t.dim),
    ])
}

fn skipped_reason(phase: Phase, reused: bool) -> String {
    match crate::wire::timeline::skip_reason(phase, reused) {
        "reused connection" => "skipped: reused conn".into(),
        why => format!("skipped: {why}"),
    }
}

/// A `Server-Timing` metric under the wait: its bar from the wait's start
/// (the server says how long, not when), its words in the ms column's
/// place; `!` when it is longer than the whole wait the client measured.
fn server_row(
    m: &crate::explain::server_timing::Metric,
    start: Duration,
    wait: Duration,
    total: Duration,
    bar_w: usize,
    t: &Theme,
) -> Line<'static> {
    let name = format!(" ↳ {}", m.name);
    let label = Span::styled(format!("{:<LABEL$}", clip(&name, LABEL - 1)), t.dim);
    let Some(dur) = m.dur else {
        return Line::from(vec![
            label,
            Span::styled(
                clip(&crate::explain::server_timing::label(m), bar_w + MS),
                t.dim,
            ),
        ]);
    };
    let d = Duration::from_secs_f64(dur / 1000.0);
    let a = col(start, total, bar_w).min(bar_w - 1);
    let b = col(start + d, total, bar_w).max(a + 1).min(bar_w);
    let bar = " ".repeat(a) + &"▒".repeat(b - a);
    let over = if d > wait { "!" } else { "" };
    let ms = format!("{}{over}", fmt_ms(d));
    Line::from(vec![
        label,
        Span::styled(format!("{bar:<bar_w$}"), t.phase(Phase::Wait)),
        Span::styled(format!("{ms:>MS$}"), t.dim),
    ])
}

/// Column of time `d` on a bar `width` cells wide spanning `total`.
pub(super) fn col(d: Duration, total: Duration, width: usize) -> usize {
    let f = d.as_secs_f64() / total.as_secs_f64().max(1e-9);
    ((f * width as f64).round() as usize).min(width)
}

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let group = app.shown_group().filter(|_| app.lanes);
    let extra = match group {
        Some(g) => super::lanes::title(app, g),
        None => app.entry().map(|e| fmt_ms(e.elapsed)).unwrap_or_default(),
    };
    let inner = frame(app, PaneId::Waterfall, &extra, area, buf);
    if inner.is_empty() {
        return;
    }
    if let Some(g) = group {
        return super::lanes::render(app, g, inner, buf);
    }
    let t = app.theme();
    let Some(e) = app.entry() else {
        put(buf, inner, 0, &Line::styled("No exchange yet.", t.dim));
        return;
    };
    let width = inner.width as usize;
    let bar_w = width.saturating_sub(LABEL + MS).max(1);
    let spans = e.spans();
    let total = spans
        .iter()
        .filter(|s| matches!(s.state, SpanState::Done | SpanState::Running))
        .map(|s| s.end)
        .max()
        .unwrap_or_default()
        .max(if e.in_flight() {
            e.elapsed
        } else {
            Duration::ZERO
        })
        .max(Duration::from_micros(1));
    put(buf, inner, 0, &summary(e, &t));
    let reused = e.timeline().reused;
    // The server's own timings (Server-Timing) under the wait, as many as
    // the pane has rows to spare.
    let server = e
        .exchange
        .as_ref()
        .and_then(|x| x.response.as_ref())
        .map(|r| crate::explain::server_timing::of_headers(&r.headers).0)
        .unwrap_or_default();
    let spare = (inner.height as usize).saturating_sub(spans.len() + 3);
    let mut y = 1;
    for s in spans.iter() {
        let label = Span::styled(
            format!("{:<LABEL$}", clip(s.phase.label(), LABEL - 1)),
            t.base,
        );
        let style = t.phase(s.phase);
        let (bar, ms) = match s.state {
            SpanState::Done | SpanState::Running => {
                let a = col(s.start, total, bar_w).min(bar_w - 1);
                let b = col(s.end, total, bar_w).max(a + 1).min(bar_w);
                let running = s.state == SpanState::Running;
                let cancelled = running && e.state == EntryState::Cancelled;
                let body = if running { "▒" } else { "█" };
                let mut bar: String = " ".repeat(a) + &body.repeat(b - a - usize::from(running));
                if running {
                    bar.push(if cancelled { '✖' } else { '▶' });
                }
                let suffix = match (running, cancelled) {
                    (true, true) => " ✖",
                    (true, false) => " …",
                    _ => "",
                };
                (
                    Span::styled(format!("{bar:<bar_w$}"), style),
                    format!("{}{suffix}", fmt_ms(s.duration())),
                )
            }
            SpanState::Skipped => {
                // The reason may use the milliseconds column: there are none.
                let w = bar_w + MS - 2;
                let why = clip(&skipped_reason(s.phase, reused), w);
                (Span::styled(format!("{why:<w$}"), t.dim), "—".to_string())
            }
            SpanState::Pending => {
                let why = match e.state {
                    EntryState::InFlight => "pending",
                    _ => "not reached",
                };
                (
                    Span::styled(format!("{:<bar_w$}", clip(why, bar_w)), t.dim),
                    "—".to_string(),
                )
            }
        };
        let ms_w = MS.min(width.saturating_sub(LABEL + bar.width()));
        let ms = Span::styled(format!("{ms:>ms_w$}"), t.base);
        put(buf, inner, y, &Line::from(vec![label, bar, ms]));
        y += 1;
        if s.phase == Phase::Wait && s.state == SpanState::Done {
            for m in server.iter().take(spare) {
                put(
                    buf,
                    inner,
                    y,
                    &server_row(m, s.start, s.duration(), total, bar_w, &t),
                );
                y += 1;
            }
        }
    }
    // The axis: ticks at 0, ½ and the end, labelled below.
    let mut axis: Vec<char> = "─".repeat(bar_w).chars().collect();
    for k in [0, bar_w / 2, bar_w - 1] {
        axis[k] = '┬';
    }
    let row = y;
    put(
        buf,
        inner,
        row,
        &Line::from(vec![
            Span::raw(" ".repeat(LABEL)),
            Span::styled(axis.into_iter().collect::<String>(), t.dim),
        ]),
    );
    let left = "0 ms".to_string();
    let mid = fmt_ms(total / 2);
    let right = fmt_ms(total);
    let mut labels = format!("{left:<w$}", w = bar_w);
    let mid_at = (bar_w / 2).saturating_sub(mid.len() / 2);
    if mid_at > left.len() + 1 && mid_at + mid.len() + right.len() < bar_w {
        labels.replace_range(mid_at..mid_at + mid.len(), &mid);
    }
    if right.len() < bar_w.saturating_sub(left.len()) {
        let at = bar_w - right.len();
        labels.replace_range(at..bar_w, &right);
    }
    put(
        buf,
        inner,
        row + 1,
        &Line::from(vec![
            Span::raw(" ".repeat(LABEL)),
            Span::styled(labels, t.dim),
        ]),
    );
}
