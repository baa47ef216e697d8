//! A lesson in lesson mode with hand-built recordings (fixed bytes, fixed
//! timelines, from `tui::fixture`), for tests and snapshots: what lesson
//! mode shows for them never depends on a network, a clock or a machine.

use std::time::Duration;

use super::{enter_step, on_step_done, LessonMode, RunState, Scene};
use crate::lesson::{parse, Outcome};
use crate::tui::app::App;
use crate::tui::fixture;
use crate::tui::theme::ThemeKind;
use crate::wire::{Mark, RequestSpec, Timeline};
use crate::worker::Command;

/// Two steps: the first's facts hold for `outcome()`, the second's
/// claim a status `outcome()` does not have.
pub const LESSON: &str = r#"
title = "A request is text"
summary = "Type an HTTP request byte by byte and see what comes back."

[[step]]
title = "GET, typed by hand"
question = "We send four short lines of text over a TCP connection. What comes back, and how does the client know where it ends?"
explanation = """
HTTP/1.1 is text: a request line (method, target, version), header lines, and an empty line — each ending in CR LF (\\r\\n).
The server answered with a status line, headers, an empty line and a body. Transfer-Encoding: chunked told the client how the body is cut; the last, empty chunk ended it without closing the connection."""
request = { url = "{{demo}}", raw = "GET /get?show=1 HTTP/1.1\r\nHost: {{host}}\r\n\r\n" }
expect = { status = 200, method = "GET" }

[[step]]
title = "Created?"
question = "Does a GET create anything?"
explanation = "No: a GET is safe. This step's claim is wrong on purpose, and the check says so."
request = { url = "{{demo}}/get" }
expect = { status = 201, exchanges = 1 }
"#;

/// Lesson mode at step 1's question (presenter theme), and the command
/// that asks for its run.
pub fn app() -> (App, Vec<Command>) {
    let mut app = fixture::app();
    app.theme_kind = ThemeKind::Presenter;
    let lesson = parse("fixture.toml", LESSON).expect("the fixture parses");
    app.lesson = Some(Box::new(LessonMode::new(lesson, |r| {
        let expand = |s: &str| {
            s.replace("{{demo}}", fixture::DEMO)
                .replace("{{host}}", "127.0.0.1:8080")
        };
        let mut spec = RequestSpec::get(expand(&r.url));
        spec.raw = r.raw.as_deref().map(|b| expand(b).into_bytes());
        Ok(spec)
    })));
    let cmds = enter_step(&mut app, 0, Scene::Question);
    (app, cmds)
}

/// One exchange: the chunked JSON GET of `tui::fixture`.
pub fn outcome() -> Outcome {
    Outcome {
        exchanges: vec![fixture::exchange()],
        notes: Vec::new(),
    }
}

/// Three exchanges one after another on one connection (the first new,
/// the next two reusing it), as a `repeat = 3` step records them.
pub fn repeat_outcome() -> Outcome {
    let ms = |n: f64| Duration::from_secs_f64(n / 1000.0);
    let mut exchanges = Vec::new();
    for i in 0..3u32 {
        let mut x = fixture::exchange();
        x.timeline.started_at += ms(14.0) * i;
        if i > 0 {
            let mut t = Timeline::new(x.timeline.started_at);
            t.reused = true;
            for (m, at) in [
                (Mark::Ready, 0.0),
                (Mark::RequestSent, 0.2),
                (Mark::FirstByte, 3.1),
                (Mark::Done, 3.6),
            ] {
                t.mark(m, ms(at));
            }
            x.timeline = t;
            if let Some(c) = &mut x.connection {
                c.reused = true;
            }
        }
        exchanges.push(x);
    }
    Outcome {
        exchanges,
        notes: Vec::new(),
    }
}

/// Gives the running step `outcome` as its recording.
pub fn record(app: &mut App, outcome: Outcome) {
    let running = app.lesson.as_deref().and_then(|l| match l.current().run {
        RunState::Running(id) => Some(id),
        _ => None,
    });
    if let Some(id) = running {
        on_step_done(app, id, Ok(outcome));
    }
}

/// Lesson mode at step 1 with `outcome()` recorded.
pub fn recorded_app() -> App {
    let (mut app, _) = app();
    record(&mut app, outcome());
    app
}
