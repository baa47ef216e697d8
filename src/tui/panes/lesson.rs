//! Lesson mode's text, request and response panes (the lifecycle is in
//! `lesson_fall`). Pure renders of the lesson state. The question and
//! explanation are wrapped by words; wire bytes are wrapped by characters
//! (a `↳` starts a continued line) with their CR LF written out. While a
//! scene reveals lines, its pane follows the newest one; afterwards it
//! shows the top. Text from the lesson file and bytes from the server are
//! escaped before they reach a cell.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::lesson_frame::{frame, wrap_pieces, wrap_words, wrap_words_pieces, Title};
use super::put;
use crate::decode::h1::RegionKind;
use crate::explain::Family;
use crate::report::escape::sanitize_text;
use crate::tui::app::App;
use crate::tui::lesson::recorded::{LineKind, WireLine};
use crate::tui::lesson::{reveal, LessonMode, LessonPane, RunState, Scene};
use crate::tui::theme::Theme;

/// A wire line's pieces, styled by what they are; CR LF written out.
fn pieces(l: &WireLine, t: &Theme) -> Vec<(String, Style)> {
    let end = (l.end.clone(), t.region(RegionKind::Crlf));
    match l.kind {
        LineKind::Start => vec![(l.text.clone(), t.region(RegionKind::StartLine)), end],
        LineKind::Header => match l.text.split_once(':') {
            Some((n, v)) => vec![
                (n.to_string(), t.region(RegionKind::HeaderName)),
                (format!(":{v}"), t.region(RegionKind::HeaderValue)),
                end,
            ],
            None => vec![(l.text.clone(), t.region(RegionKind::HeaderValue)), end],
        },
        LineKind::Blank => vec![
            (l.end.clone(), t.region(RegionKind::BlankLine)),
            ("   ← empty line: the head ends".into(), t.dim),
        ],
        LineKind::Body => vec![(l.text.clone(), t.region(RegionKind::Body)), end],
        LineKind::Note => vec![(l.text.clone(), t.dim.add_modifier(Modifier::ITALIC))],
    }
}

/// Draws `rows` into `inner`: the last ones when following the reveal,
/// else the first ones.
fn show(rows: &[Line<'static>], follow: bool, inner: Rect, buf: &mut Buffer) {
    let h = inner.height as usize;
    let first = if follow {
        rows.len().saturating_sub(h)
    } else {
        0
    };
    for (i, line) in rows.iter().skip(first).take(h).enumerate() {
        put(buf, inner, i, line);
    }
}

fn wire_rows(lines: &[WireLine], width: usize, t: &Theme) -> Vec<Line<'static>> {
    let note = t.dim.add_modifier(Modifier::ITALIC);
    lines
        .iter()
        .flat_map(|l| match l.kind {
            // Notes are prose: wrapped by words, never marked as bytes.
            LineKind::Note => wrap_words(&l.text, width)
                .into_iter()
                .map(|r| Line::styled(r, note))
                .collect(),
            _ => wrap_pieces(&pieces(l, t), width, t),
        })
        .collect()
}

/// One line saying why a pane is empty.
fn placeholder(text: &str, style: Style, inner: Rect, buf: &mut Buffer) {
    for (i, row) in wrap_words(text, inner.width as usize).iter().enumerate() {
        put(buf, inner, i, &Line::styled(row.clone(), style));
    }
}

/// The scene tracker under the text: `question ▸ [REQUEST] ▸ lifecycle …`.
fn tracker(l: &LessonMode, t: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, s) in Scene::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" ▸ ", t.border));
        }
        if *s == l.scene {
            spans.push(Span::styled(
                format!("[{}]", s.name().to_uppercase()),
                t.selected,
            ));
        } else {
            spans.push(Span::styled(s.name(), t.dim));
        }
    }
    spans.push(Span::raw(" "));
    Line::from(spans)
}

/// The question (until the explanation), then the explanation and the
/// step's facts, each ✓ or ✗ with what came instead.
pub fn text(app: &App, l: &LessonMode, focused: bool, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let step = &l.current().step;
    let title = format!(
        "Step {}/{} · {}",
        l.index + 1,
        l.steps.len(),
        sanitize_text(&step.title)
    );
    let title = Title {
        id: LessonPane::Text,
        text: &title,
        extra: "",
        bottom: Some(tracker(l, &t)),
    };
    let inner = frame(&t, title, focused, area, buf);
    if inner.is_empty() {
        return;
    }
    let w = inner.width as usize;
    let mut rows: Vec<Line<'static>> = Vec::new();
    let para = |rows: &mut Vec<Line<'static>>, mark: &str, text: &str, style: Style| {
        // Paragraph breaks are kept; anything else a terminal could act
        // on is escaped.
        let text: Vec<String> = text.trim().split('\n').map(sanitize_text).collect();
        for (i, r) in wrap_words(&text.join("\n"), w.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { mark } else { "  " };
            rows.push(Line::from(vec![
                Span::styled(lead.to_string(), t.key),
                Span::styled(r, style),
            ]));
        }
    };
    if l.scene < Scene::Explanation {
        para(&mut rows, "? ", &step.question, t.title);
        if l.scene == Scene::Question {
            rows.push(Line::default());
            if l.index == 0 && !l.summary.is_empty() {
                para(&mut rows, "  ", &l.summary, t.dim);
            }
            rows.push(Line::styled(
                "  Predict the answer, then → sends it.",
                t.dim,
            ));
        }
    } else {
        // The explanation's figures come from this run's recording.
        let explanation = match &l.current().run {
            RunState::Done(r) => crate::lesson::figures::fill(&step.explanation, step, &r.outcome)
                .unwrap_or_else(|e| format!("{} [{e}]", step.explanation)),
            _ => step.explanation.clone(),
        };
        para(
            &mut rows,
            "! ",
            &explanation,
            t.base.add_modifier(Modifier::BOLD),
        );
        rows.push(Line::default());
        let mut facts: Vec<(String, Style)> = Vec::new();
        match &l.current().run {
            RunState::Done(r) => {
                for f in &r.facts {
                    if !facts.is_empty() {
                        facts.push(("   ".into(), t.base));
                    }
                    match &f.detail {
                        None => facts.push((format!("✓ {}", f.claim), t.ok)),
                        Some(d) => {
                            facts.push((format!("✗ {} — {}", f.claim, sanitize_text(d)), t.error))
                        }
                    }
                }
                if r.facts.is_empty() {
                    facts.push(("(this step claims no facts to check)".into(), t.dim));
                }
            }
            RunState::Failed(e) => facts.push((
                format!("✗ this step did not run: {}", sanitize_text(e)),
                t.error,
            )),
            _ => facts.push(("… the demo server has not answered yet".into(), t.warning)),
        }
        // The facts always show: the explanation gives up rows first.
        let facts = wrap_words_pieces(&facts, w);
        let room = (inner.height as usize).saturating_sub(facts.len());
        if rows.len() > room {
            rows.truncate(room.saturating_sub(1));
            rows.push(Line::styled("  … (z shows all of it)", t.dim));
        }
        rows.extend(facts);
    }
    show(&rows, false, inner, buf);
}

/// A step that did not run says so in place of its bytes; whether it did.
fn shows_failure(l: &LessonMode, t: &Theme, inner: Rect, buf: &mut Buffer) -> bool {
    let RunState::Failed(e) = &l.current().run else {
        return false;
    };
    let why = format!("this step did not run: {}", sanitize_text(e));
    placeholder(&why, t.error, inner, buf);
    true
}

/// The request's bytes as they went out, line by line.
pub fn request(app: &App, l: &LessonMode, focused: bool, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let rec = l.recorded();
    let extra = match rec {
        Some(r) if r.outcome.exchanges.len() > 1 => format!(
            "exchange {} of {} · as sent",
            r.shown + 1,
            r.outcome.exchanges.len()
        ),
        Some(r) if r.exchange().is_some_and(|x| x.h2.is_some()) => "as sent, decoded".into(),
        _ => "bytes as sent, CR LF shown".into(),
    };
    let title = Title {
        id: LessonPane::Request,
        text: "Request",
        extra: &extra,
        bottom: None,
    };
    let inner = frame(&t, title, focused, area, buf);
    if inner.is_empty() {
        return;
    }
    if shows_failure(l, &t, inner, buf) {
        return;
    }
    if l.scene == Scene::Question {
        return placeholder(
            "→ sends the request; its bytes appear here, line by line.",
            t.dim,
            inner,
            buf,
        );
    }
    let Some(r) = rec else {
        return placeholder("sending to the demo server…", t.warning, inner, buf);
    };
    let shown = reveal::request_shown(l);
    let rows = wire_rows(&r.request[..shown], inner.width as usize, &t);
    show(&rows, shown < r.request.len(), inner, buf);
}

/// The status as a badge, then the response head and body start as
/// received, line by line.
pub fn response(app: &App, l: &LessonMode, focused: bool, area: Rect, buf: &mut Buffer) {
    let t = app.theme();
    let title = Title {
        id: LessonPane::Response,
        text: "Response",
        extra: "as received",
        bottom: None,
    };
    let inner = frame(&t, title, focused, area, buf);
    if inner.is_empty() {
        return;
    }
    if shows_failure(l, &t, inner, buf) {
        return;
    }
    let rec = l.recorded().filter(|_| l.scene >= Scene::Response);
    let Some(r) = rec else {
        let why = match l.scene {
            Scene::Question => "What comes back? It shows here after the lifecycle.",
            _ => "It shows here after the lifecycle.",
        };
        return placeholder(why, t.dim, inner, buf);
    };
    // The status stays on the first row; the lines below it scroll.
    let badge = match (&r.status, &r.error) {
        (Some(s), _) => {
            let family = Family::of(s.code);
            let badge = format!(" {} · {} ", s.code, family.label());
            // The meaning when it fits whole (a cut one reads wrong).
            let meaning = crate::explain::status(s.code)
                .map(|i| i.meaning)
                .filter(|m| badge.chars().count() + 2 + m.chars().count() <= inner.width as usize)
                .unwrap_or("");
            Line::from(vec![
                Span::styled(badge, t.badge(family)),
                Span::raw("  "),
                Span::styled(meaning.to_string(), t.dim),
            ])
        }
        (None, Some(e)) => Line::styled(
            format!(
                "✖ no response · {}",
                e.split_once(':').map_or(e.as_str(), |p| p.0)
            ),
            t.error,
        ),
        (None, None) => Line::styled("✖ no response", t.error),
    };
    put(buf, inner, 0, &badge);
    let shown = reveal::response_shown(l);
    let rows = wire_rows(&r.response[..shown], inner.width as usize, &t);
    let below = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    show(&rows, shown < r.response.len(), below, buf);
}
