//! Drawing lesson mode: a pure function of the state, like the free-form
//! view. The status line says where the lesson is and how time is scaled
//! (never a wall clock); the panes are in `panes::lesson*`; the key hints
//! come from the key table, like everywhere else.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};

use super::layout::{self, LessonPane, LessonScreen};
use super::{reveal, LessonMode};
use crate::lesson::pace;
use crate::report::escape::sanitize_text;
use crate::tui::app::App;
use crate::tui::panes::{self, chrome, clip, put};

/// How the lesson's keys play, under them in the `?` overlay.
pub const HELP: &[&str] = &[
    "next: question → request bytes → lifecycle → response → explanation,",
    "  then the next step's question (the reveal also moves on by itself,",
    "  and waits on the response). back: the previous step, fully shown.",
    "replay: this step's reveal again, from the same recording.",
    "+ faster, - slower: the lifecycle is the real timings, scaled (the",
    "  factor is on screen); the bytes' pace follows.",
    "free-form: this step's request in the full TUI (F2 comes back).",
];

/// Where everything goes for the app's lesson on `area`.
pub fn screen(app: &App, area: Rect) -> LessonScreen {
    let zoom = app
        .lesson
        .as_deref()
        .filter(|_| app.zoom)
        .map(LessonMode::focus);
    layout::compute(area, zoom)
}

/// Brings derived state up to date for a frame (the help overlay's scroll).
pub fn prepare(app: &mut App, area: Rect) {
    if let Some(first) = app.help {
        let total = panes::help::lines(app).len();
        app.help = Some(first.min(total.saturating_sub(area.height.saturating_sub(4) as usize)));
    }
}

/// Draws lesson mode (the caller filled the background).
pub fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(l) = app.lesson.as_deref() else {
        return;
    };
    let s = screen(app, area);
    if s.too_small {
        chrome::too_small(app, area, buf);
        return;
    }
    status(app, l, s.status, buf);
    for (id, rect) in &s.panes {
        draw_pane(app, l, *id, *rect, buf);
    }
    chrome::footer(app, s.footer, buf);
    if app.help.is_some() {
        panes::help::render(app, area, buf);
    }
}

/// Draws one pane of lesson mode (tests draw them alone through this).
pub fn draw_pane(app: &App, l: &LessonMode, id: LessonPane, area: Rect, buf: &mut Buffer) {
    let focused = l.focus() == id;
    match id {
        LessonPane::Text => panes::lesson::text(app, l, focused, area, buf),
        LessonPane::Request => panes::lesson::request(app, l, focused, area, buf),
        LessonPane::Response => panes::lesson::response(app, l, focused, area, buf),
        LessonPane::Lifecycle => panes::lesson_fall::render(app, l, focused, area, buf),
    }
}

/// "slow motion ×1000 — real timings scaled", with PAUSED when paused.
pub fn speed_label(l: &LessonMode) -> String {
    let speed = reveal::level(l).map(pace::label);
    match (l.paused, speed) {
        (true, Some(s)) => format!("PAUSED · {s}"),
        (true, None) => "PAUSED".into(),
        (false, Some(s)) => s,
        (false, None) => String::new(),
    }
}

fn status(app: &App, l: &LessonMode, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let t = app.theme();
    let width = area.width as usize;
    // A notice takes the right side while it is there.
    let (right, style) = match &app.notice {
        Some(n) => (format!("▸ {} ", sanitize_text(n)), t.warning),
        None if l.paused => (format!("{} ", speed_label(l)), t.warning),
        None => (format!("{} ", speed_label(l)), t.base),
    };
    let right = clip(&right, width * 3 / 4);
    let right_w = right.chars().count();
    let badge = " wirescope · lesson ";
    let step = format!(" · step {}/{}", l.index + 1, l.steps.len());
    // The lesson's title gives way first.
    let room = width.saturating_sub(badge.chars().count() + 1 + step.chars().count() + right_w + 1);
    let left = vec![
        Span::styled(badge, t.selected.patch(t.title)),
        Span::raw(" "),
        Span::styled(clip(&sanitize_text(&l.title), room), t.title),
        Span::styled(step, t.key),
    ];
    put(buf, area, 0, &Line::from(left));
    if right_w > 0 && !right.trim().is_empty() && right_w < width {
        let r = Rect::new(area.right() - right_w as u16, area.y, right_w as u16, 1);
        put(
            buf,
            r,
            0,
            &Line::styled(right, style).alignment(Alignment::Right),
        );
    }
}
