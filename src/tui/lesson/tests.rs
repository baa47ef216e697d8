//! The reveal as a state machine, driven by keys and fake ticks: no
//! terminal, no runtime, no clock but the instants the tests make up.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::lesson::{pace, parse};
use crate::tui::app::WireView;
use crate::tui::fixture;
use crate::tui::keymap::LessonKeys;
use crate::tui::update::{update, Msg};
use crate::worker::Event;

const LESSON: &str = r#"
title = "Test lesson"
summary = "Two steps."

[[step]]
title = "One"
question = "What comes back?"
explanation = "200 OK."
request = { url = "{{demo}}/get?show=1", headers = ["Accept: application/json"] }
expect = { status = 200, method = "GET" }

[[step]]
title = "Two"
question = "And now?"
explanation = "A 304."
request = { url = "{{demo}}/etag/x", revalidate = true }
expect = { status = 304 }
"#;

/// An app in lesson mode at step 1's question, and what that asked for.
fn lesson_app() -> (App, Vec<Command>) {
    let mut app = fixture::app();
    let lesson = parse("test.toml", LESSON).expect("parses");
    app.lesson = Some(Box::new(LessonMode::new(lesson, |r| {
        let mut spec = RequestSpec::get(r.url.replace("{{demo}}", fixture::DEMO));
        spec.headers = vec![("Accept".into(), "application/json".into())];
        Ok(spec)
    })));
    app.theme_kind = crate::tui::theme::ThemeKind::Presenter;
    let cmds = enter_step(&mut app, 0, Scene::Question);
    (app, cmds)
}

fn outcome() -> Outcome {
    Outcome {
        exchanges: vec![fixture::exchange()],
        notes: Vec::new(),
    }
}

/// The app with step 1's run recorded.
fn recorded_app() -> App {
    let (mut app, cmds) = lesson_app();
    let Some(Command::RunStep(id, _)) = cmds.first() else {
        panic!("step 1 runs at once: {cmds:?}");
    };
    update(
        &mut app,
        Msg::Worker(Event::StepDone {
            id: *id,
            outcome: Ok(outcome()),
        }),
    );
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn l(app: &App) -> &LessonMode {
    app.lesson.as_deref().expect("a lesson")
}

/// Ticks every 50 ms for `ms` from `clock`, which moves on.
fn play(app: &mut App, clock: &mut Instant, ms: u64) {
    update(app, Msg::Tick(*clock));
    for _ in 0..ms / 50 {
        *clock += Duration::from_millis(50);
        update(app, Msg::Tick(*clock));
    }
}

#[test]
fn entering_a_step_runs_it_once_on_the_stage() {
    let (app, cmds) = lesson_app();
    assert_eq!(cmds.len(), 1);
    let Command::RunStep(id, step) = &cmds[0] else {
        panic!("{cmds:?}");
    };
    assert_eq!(step.title, "One");
    assert_eq!(l(&app).current().run, RunState::Running(*id));
    assert_eq!(app.key_state().lesson, LessonKeys::Playing);
    assert_eq!(l(&app).scene, Scene::Question);
}

#[test]
fn the_reveal_plays_bytes_then_lifecycle_then_response_and_waits() {
    let mut app = recorded_app();
    let r = l(&app).recorded().expect("recorded").clone();
    assert_eq!(r.request.len(), 5, "{:?}", r.request);
    assert_eq!(r.request[0].text, "GET /get?show=1 HTTP/1.1");
    assert_eq!(r.request[0].end, "\\r\\n");
    assert_eq!(pace::factor(r.auto_level), 200, "13.1 ms plays in 2.6 s");
    // Nothing moves on the question.
    assert!(!animating(&app));
    let mut clock = Instant::now();
    play(&mut app, &mut clock, 500);
    assert_eq!(l(&app).scene, Scene::Question);

    key(&mut app, KeyCode::Right);
    assert_eq!(l(&app).scene, Scene::Request);
    assert_eq!(reveal::request_shown(l(&app)), 1);
    assert!(animating(&app));
    play(&mut app, &mut clock, 300);
    assert_eq!(reveal::request_shown(l(&app)), 2);
    play(&mut app, &mut clock, 900);
    assert_eq!(reveal::request_shown(l(&app)), 5);
    assert_eq!(l(&app).scene, Scene::Request, "a hold before the lifecycle");
    play(&mut app, &mut clock, 1300);
    assert_eq!(l(&app).scene, Scene::Lifecycle);
    let start = reveal::lifecycle_at(l(&app)).unwrap();
    assert!(start < Duration::from_millis(1), "{start:?}");

    // One second on screen at ×200 is 5 ms of the recording.
    play(&mut app, &mut clock, 1000);
    let at = reveal::lifecycle_at(l(&app)).unwrap() - start;
    assert!(
        at >= Duration::from_micros(4_900) && at <= Duration::from_micros(5_100),
        "{at:?}"
    );
    play(&mut app, &mut clock, 3000);
    assert_eq!(l(&app).scene, Scene::Response);
    play(&mut app, &mut clock, 5000);
    let n = l(&app).recorded().unwrap().response.len();
    assert_eq!(reveal::response_shown(l(&app)), n);
    assert_eq!(l(&app).scene, Scene::Response, "the response waits");
    assert!(!animating(&app), "and then nothing needs a frame");

    key(&mut app, KeyCode::Char(' '));
    assert_eq!(l(&app).scene, Scene::Explanation);
    let facts = &l(&app).recorded().unwrap().facts;
    assert_eq!(facts.len(), 2);
    assert!(facts.iter().all(|f| f.held), "{facts:?}");
}

#[test]
fn next_skips_ahead_a_scene_at_a_time() {
    let mut app = recorded_app();
    for want in [
        Scene::Request,
        Scene::Lifecycle,
        Scene::Response,
        Scene::Explanation,
    ] {
        key(&mut app, KeyCode::Char('n'));
        assert_eq!(l(&app).scene, want);
    }
    assert_eq!(reveal::request_shown(l(&app)), 5);
}

#[test]
fn speed_keys_scale_the_lifecycle_and_say_so() {
    let mut app = recorded_app();
    assert_eq!(
        view::speed_label(l(&app)),
        "slow motion ×200 — real timings scaled"
    );
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(
        view::speed_label(l(&app)),
        "slow motion ×100 — real timings scaled"
    );
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(reveal::level(l(&app)).map(pace::factor), Some(500));
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Char('n'));
    let mut clock = Instant::now();
    play(&mut app, &mut clock, 1000);
    // One second at ×500: 2 ms of the recording.
    let at = reveal::lifecycle_at(l(&app)).unwrap();
    assert!(
        at >= Duration::from_micros(1_900) && at <= Duration::from_micros(2_100),
        "{at:?}"
    );
    for _ in 0..20 {
        key(&mut app, KeyCode::Char('+'));
    }
    assert_eq!(l(&app).slower, -7, "down to real time, no further");
    assert_eq!(view::speed_label(l(&app)), "real time ×1 — real timings");
}

#[test]
fn pause_stops_the_clock_and_the_redraws() {
    let mut app = recorded_app();
    key(&mut app, KeyCode::Right);
    let mut clock = Instant::now();
    play(&mut app, &mut clock, 300);
    key(&mut app, KeyCode::Char('.'));
    assert!(l(&app).paused && !animating(&app));
    assert!(view::speed_label(l(&app)).starts_with("PAUSED"));
    let before = frame_key(&app);
    let shown = reveal::request_shown(l(&app));
    play(&mut app, &mut clock, 2000);
    assert_eq!(reveal::request_shown(l(&app)), shown);
    assert_eq!(frame_key(&app), before, "no change, no frame");
    key(&mut app, KeyCode::Char('k'));
    assert!(!l(&app).paused);
    play(&mut app, &mut clock, 600);
    assert!(reveal::request_shown(l(&app)) > shown);
    assert_ne!(frame_key(&app), before);
}

#[test]
fn replay_starts_the_reveal_over_from_the_same_recording() {
    let mut app = recorded_app();
    for _ in 0..4 {
        key(&mut app, KeyCode::Right);
    }
    key(&mut app, KeyCode::Char('.'));
    let recording = l(&app).recorded().cloned();
    let cmds = key(&mut app, KeyCode::Char('r'));
    assert!(cmds.is_empty(), "no new run");
    assert_eq!(l(&app).scene, Scene::Request);
    assert_eq!(reveal::request_shown(l(&app)), 1);
    assert!(!l(&app).paused, "replay plays");
    assert_eq!(l(&app).recorded().cloned(), recording);
}

#[test]
fn next_and_previous_move_between_steps() {
    let mut app = recorded_app();
    for _ in 0..4 {
        key(&mut app, KeyCode::Right);
    }
    let cmds = key(&mut app, KeyCode::Right);
    assert_eq!(l(&app).index, 1);
    assert_eq!(l(&app).scene, Scene::Question);
    assert!(
        matches!(&cmds[..], [Command::RunStep(_, s)] if s.title == "Two"),
        "{cmds:?}"
    );
    // Back: the step already ran, so it shows fully revealed.
    let cmds = key(&mut app, KeyCode::Left);
    assert!(cmds.is_empty());
    assert_eq!((l(&app).index, l(&app).scene), (0, Scene::Explanation));
    key(&mut app, KeyCode::Char('p'));
    assert_eq!(app.notice.as_deref(), Some("this is the first step"));
    // Forward again: step 2 is running already, not asked for twice.
    for _ in 0..1 {
        key(&mut app, KeyCode::Char('n'));
    }
    assert_eq!(l(&app).index, 1);
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('n'));
    }
    assert!(key(&mut app, KeyCode::Char('n')).is_empty());
    assert!(app.notice.as_deref().unwrap_or("").contains("last step"));
}

#[test]
fn free_form_loads_the_steps_request_and_recording_and_f2_comes_back() {
    let mut app = recorded_app();
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Char('z'));
    key(&mut app, KeyCode::Tab);
    assert!(!l(&app).active);
    assert!(!app.zoom, "the free-form TUI has its own zoom");
    assert_eq!(app.key_state().lesson, LessonKeys::Away);
    assert_eq!(app.form.url, format!("{}/get?show=1", fixture::DEMO));
    assert_eq!(app.form.method, "GET");
    assert_eq!(app.form.headers.len(), 1);
    assert_eq!(app.form.headers[0].name, "Accept");
    assert_eq!(app.entries.len(), 1, "the recording is in the history");
    assert_eq!(app.selected, Some(0));
    assert!(app.notice.as_deref().unwrap_or("").contains("F2"));
    // Free-form keys work again; the reveal waits meanwhile.
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.wire.view, WireView::Hex);
    let mut clock = Instant::now();
    play(&mut app, &mut clock, 3000);
    assert_eq!(reveal::request_shown(l(&app)), 1);
    key(&mut app, KeyCode::F(2));
    assert!(l(&app).active);
    assert!(app.zoom, "the lesson's zoom is back");
    assert_eq!(l(&app).scene, Scene::Request, "where it was");
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.entries.len(), 1, "not added twice");
}

#[test]
fn lesson_keys_do_not_reach_the_free_form_tui() {
    let mut app = recorded_app();
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.wire.view, WireView::Text);
    let url = app.form.url.clone();
    update(&mut app, Msg::Paste("curl http://example.com/".into()));
    assert_eq!(app.form.url, url, "a paste does not load a request");
    key(&mut app, KeyCode::F(5));
    assert!(app.entries.is_empty(), "no free-form send");
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(l(&app).focus(), LessonPane::Lifecycle);
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.theme_kind, crate::tui::theme::ThemeKind::Dark);
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help.is_some());
    key(&mut app, KeyCode::Char('q'));
    assert!(app.help.is_none() && !app.quit, "q closes help first");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn late_results_are_ignored_and_failures_say_why() {
    let (mut app, cmds) = lesson_app();
    let Some(Command::RunStep(id, _)) = cmds.first() else {
        panic!("{cmds:?}");
    };
    update(
        &mut app,
        Msg::Worker(Event::StepDone {
            id: id + 100,
            outcome: Ok(outcome()),
        }),
    );
    assert_eq!(l(&app).current().run, RunState::Running(*id));
    update(
        &mut app,
        Msg::Worker(Event::StepDone {
            id: *id,
            outcome: Err("header 'x' has no ':'".into()),
        }),
    );
    assert_eq!(
        l(&app).current().run,
        RunState::Failed("header 'x' has no ':'".into())
    );
    key(&mut app, KeyCode::Char('r'));
    assert!(app.notice.as_deref().unwrap_or("").contains("did not run"));
}
