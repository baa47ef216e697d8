//! Lesson mode's lifecycle pane: the recorded phases played back on the
//! step's slow-motion clock. The axis is the whole recording from the
//! start, so bars grow into a fixed frame (nothing rescales, nothing
//! scrolls); a `▲` under the axis is the clock. One exchange: a row per
//! phase with its milliseconds once it is over. Several (hops, attempts,
//! repeats, streams): a row per exchange, phases told apart by glyphs
//! (`d c t s · █`, with a legend), its status once it has ended.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::lesson_frame::{frame, Title};
use super::waterfall::col;
use super::{clip, put};
use crate::report::lanes::glyph;
use crate::tui::app::{fmt_ms, App};
use crate::tui::lesson::recorded::{Lane, Recorded};
use crate::tui::lesson::view::speed_label;
use crate::tui::lesson::{reveal, LessonMode, LessonPane, RunState, Scene};
use crate::tui::theme::Theme;
use crate::wire::timeline::{Phase, SpanState};

const LABEL: usize = 15;
const MS: usize = 11;
const LANE_LABEL: usize = 13;
const LANE_STATUS: usize = 16;

pub fn render(app: &App, l: &LessonMode, focused: bool, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let title = Title {
        id: LessonPane::Lifecycle,
        text: "Lifecycle",
        extra: &speed_label(l),
        bottom: None,
    };
    let inner = frame(&t, title, focused, area, buf);
    if inner.is_empty() {
        return;
    }
    let mut note = |text: &str, style| put(buf, inner, 0, &Line::styled(text.to_string(), style));
    let r = match &l.current().run {
        RunState::Done(r) => r,
        RunState::Failed(_) => return note("this step did not run", t.error),
        _ => return note("waiting for the demo server…", t.warning),
    };
    let at = reveal::lifecycle_at(l);
    let clock = at.filter(|a| l.scene == Scene::Lifecycle && *a < r.total);
    // Rows: a summary, one per phase or exchange, the axis, its labels
    // (and a legend for exchanges). With room to spare (zoomed), each
    // bar is two rows thick, and bars are spaced out.
    let n = if r.lanes.len() == 1 { 6 } else { r.lanes.len() };
    let h = inner.height as usize;
    let gap = (h.saturating_sub(4) / n).clamp(1, 3);
    let bar_w = if r.lanes.len() == 1 {
        phases(r, at, gap, inner, buf, &t)
    } else {
        lanes(r, at, gap, inner, buf, &t)
    };
    let (x, axis_row) = match r.lanes.len() {
        1 => (LABEL, 1 + 6 * gap),
        n => (LANE_LABEL + 1, 1 + gap * n.min(h.saturating_sub(3) / gap)),
    };
    axis(r.total, clock, x, bar_w, axis_row, inner, buf, &t);
    if r.lanes.len() > 1 && (axis_row + 2) < inner.height as usize {
        put(
            buf,
            inner,
            axis_row + 2,
            &super::lanes::legend(&t, inner.width as usize),
        );
    }
}

/// One exchange: a row per phase. Returns the bar width.
fn phases(
    r: &Recorded,
    at: Option<Duration>,
    gap: usize,
    inner: Rect,
    buf: &mut Buffer,
    t: &Theme,
) -> usize {
    let width = inner.width as usize;
    let bar_w = width.saturating_sub(LABEL + MS).max(1);
    let lane = &r.lanes[0];
    let over = at.is_some_and(|a| a >= r.total);
    let mut head = r.summary.clone();
    if over {
        head.push_str(&format!(" · total {}", fmt_ms(lane.length)));
    }
    put(buf, inner, 0, &Line::styled(clip(&head, width), t.base));
    for (i, s) in lane.spans.iter().enumerate() {
        let label = Span::styled(
            format!("{:<LABEL$}", clip(s.phase.label(), LABEL - 1)),
            t.base,
        );
        let style = t.phase(s.phase);
        let (bar, ms) = match s.state {
            SpanState::Done | SpanState::Running => match at {
                Some(a) if a > s.start || (a >= s.end && s.end == s.start) => {
                    let done = a >= s.end;
                    let a_col = col(s.start, r.total, bar_w).min(bar_w - 1);
                    let end = if done { s.end } else { a };
                    let b_col = col(end, r.total, bar_w).max(a_col + 1).min(bar_w);
                    let mut bar = " ".repeat(a_col);
                    if done {
                        bar.push_str(&"█".repeat(b_col - a_col));
                    } else {
                        bar.push_str(&"▒".repeat(b_col - a_col - 1));
                        bar.push('▶');
                    }
                    let ms = if done {
                        fmt_ms(s.duration())
                    } else {
                        "…".into()
                    };
                    (Span::styled(format!("{bar:<bar_w$}"), style), ms)
                }
                _ => (Span::raw(" ".repeat(bar_w)), String::new()),
            },
            SpanState::Skipped => {
                let why = format!(
                    "skipped: {}",
                    crate::wire::timeline::skip_reason(s.phase, lane.reused)
                );
                let w = bar_w + MS - 2;
                (
                    Span::styled(format!("{:<w$}", clip(&why, w)), t.dim),
                    "—".into(),
                )
            }
            SpanState::Pending if over => (
                Span::styled(format!("{:<bar_w$}", clip("not reached", bar_w)), t.dim),
                "—".into(),
            ),
            SpanState::Pending => (Span::raw(" ".repeat(bar_w)), String::new()),
        };
        let ms_w = MS.min(width.saturating_sub(LABEL + bar.width()));
        let ms = Span::styled(format!("{ms:>ms_w$}"), t.base);
        if gap > 1 && matches!(s.state, SpanState::Done | SpanState::Running) {
            let thick = Line::from(vec![Span::raw(" ".repeat(LABEL)), bar.clone()]);
            put(buf, inner, 2 + i * gap, &thick);
        }
        put(buf, inner, 1 + i * gap, &Line::from(vec![label, bar, ms]));
    }
    bar_w
}

/// Several exchanges: a row each on the step's axis. Returns the bar width.
fn lanes(
    r: &Recorded,
    at: Option<Duration>,
    gap: usize,
    inner: Rect,
    buf: &mut Buffer,
    t: &Theme,
) -> usize {
    let width = inner.width as usize;
    let bar_w = width.saturating_sub(LANE_LABEL + 1 + LANE_STATUS).max(1);
    let rows = (inner.height as usize).saturating_sub(3) / gap;
    let n = r.lanes.len();
    let conns = r
        .outcome
        .exchanges
        .iter()
        .filter_map(|x| x.connection.as_ref().map(|c| c.id))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut head = format!(
        "{n} exchanges · {conns} connection{} · one time axis",
        if conns == 1 { "" } else { "s" }
    );
    if n > rows {
        head.push_str(&format!(" · first {rows} shown (z shows more)"));
    }
    put(buf, inner, 0, &Line::styled(clip(&head, width), t.base));
    for (i, lane) in r.lanes.iter().take(rows).enumerate() {
        let row = lane_row(i, lane, r.total, at, bar_w, t);
        if gap > 1 {
            // The second row: the bar again under an empty label.
            let mut thick = row.spans.clone();
            thick.truncate(2 + bar_w);
            thick[0] = Span::raw(" ".repeat(LANE_LABEL));
            put(buf, inner, 2 + i * gap, &Line::from(thick));
        }
        put(buf, inner, 1 + i * gap, &row);
    }
    bar_w
}

fn lane_row(
    i: usize,
    lane: &Lane,
    total: Duration,
    at: Option<Duration>,
    bar_w: usize,
    t: &Theme,
) -> Line<'static> {
    let mut cells: Vec<(char, Option<Phase>)> = vec![(' ', None); bar_w];
    if let Some(a) = at {
        for s in lane.spans.iter().filter(|s| s.state == SpanState::Done) {
            let (start, end) = (lane.offset + s.start, lane.offset + s.end);
            if a <= start && s.end > s.start {
                continue;
            }
            let a_col = col(start, total, bar_w).min(bar_w.saturating_sub(1));
            let b_col = col(end.min(a), total, bar_w).max(a_col + 1).min(bar_w);
            for cell in &mut cells[a_col..b_col] {
                *cell = (glyph(s.phase), Some(s.phase));
            }
        }
    }
    let mut spans = vec![
        Span::styled(
            format!(
                "{:<LANE_LABEL$}",
                clip(&format!("{:>2} {}", i + 1, lane.label), LANE_LABEL)
            ),
            t.base,
        ),
        Span::styled("│", t.border),
    ];
    for (c, phase) in cells {
        spans.push(match phase {
            Some(p) => Span::styled(c.to_string(), t.phase(p)),
            None => Span::raw(" "),
        });
    }
    let ended = at.is_some_and(|a| a >= lane.offset + lane.length);
    if ended {
        let style = if lane.status.starts_with('✖') {
            t.error
        } else {
            t.base
        };
        let status = format!(" {} {}", lane.status, fmt_ms(lane.length));
        spans.push(Span::styled(clip(&status, LANE_STATUS), style));
    }
    Line::from(spans)
}

/// The time axis at `row`: ticks at 0, ½ and the end with their times,
/// and the clock's `▲` on it while the lifecycle plays.
#[allow(clippy::too_many_arguments)]
fn axis(
    total: Duration,
    clock: Option<Duration>,
    x: usize,
    bar_w: usize,
    row: usize,
    inner: Rect,
    buf: &mut Buffer,
    t: &Theme,
) {
    let mut line: Vec<char> = "─".repeat(bar_w).chars().collect();
    for k in [0, bar_w / 2, bar_w.saturating_sub(1)] {
        if let Some(c) = line.get_mut(k) {
            *c = '┬';
        }
    }
    let mut spans = vec![Span::raw(" ".repeat(x))];
    match clock {
        // The clock marks its place on the axis.
        Some(c) => {
            let pos = col(c, total, bar_w).min(bar_w.saturating_sub(1));
            let before: String = line.iter().take(pos).collect();
            let after: String = line.iter().skip(pos + 1).collect();
            spans.push(Span::styled(before, t.border));
            spans.push(Span::styled("▲", t.key));
            spans.push(Span::styled(after, t.border));
        }
        None => spans.push(Span::styled(line.into_iter().collect::<String>(), t.border)),
    }
    put(buf, inner, row, &Line::from(spans));
    let left = "0 ms".to_string();
    let mid = fmt_ms(total / 2);
    let right = fmt_ms(total);
    let mut labels: Vec<char> = format!("{left:<bar_w$}").chars().collect();
    let mut place = |at: usize, text: &str| {
        for (i, c) in text.chars().enumerate() {
            if let Some(slot) = labels.get_mut(at + i) {
                *slot = c;
            }
        }
    };
    let mid_at = (bar_w / 2).saturating_sub(mid.len() / 2);
    if mid_at > left.len() + 1 && mid_at + mid.len() + right.len() < bar_w {
        place(mid_at, &mid);
    }
    if right.len() < bar_w.saturating_sub(left.len()) {
        place(bar_w - right.len(), &right);
    }
    put(
        buf,
        inner,
        row + 1,
        &Line::from(vec![
            Span::raw(" ".repeat(x)),
            Span::styled(labels.into_iter().collect::<String>(), t.dim),
        ]),
    );
}
