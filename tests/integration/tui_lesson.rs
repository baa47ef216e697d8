//! Lesson mode rendered with `TestBackend` at the projector size (100×30)
//! in the presenter theme, from hand-built recordings (fixed bytes, fixed
//! timelines): the question, the request bytes half revealed, the
//! lifecycle in mid slow motion, the response, the explanation with its
//! facts (✓ and ✗), several exchanges as lanes, the zoom, the help
//! overlay. Also: every lesson pane survives zero-size and tiny areas,
//! NO_COLOR means no colors, and meaning is in the text (✓/✗, badges).

use crate::common;

use common::screen::text;
use std::time::Duration;

use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::Terminal;

use wirescope::tui::app::App;
use wirescope::tui::lesson::{fixture, reveal, view as lesson_view, LessonPane, Scene};
use wirescope::tui::theme::ColorMode;
use wirescope::tui::view;

fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| {
        let area = f.area();
        view::render(app, area, f.buffer_mut());
    })
    .unwrap();
    term
}

fn screen(app: &mut App) -> String {
    text(draw(app, 100, 30).backend().buffer())
}

/// Step 1 recorded, at `scene`, `progress` into it.
fn at(scene: Scene, progress: Duration) -> App {
    let mut app = fixture::recorded_app();
    let l = app.lesson.as_deref_mut().unwrap();
    reveal::set_scene(l, scene);
    l.progress = progress;
    app
}

#[test]
fn question() {
    let mut app = fixture::recorded_app();
    let s = screen(&mut app);
    assert!(s.contains("? We send four short lines"), "{s}");
    assert!(
        !s.contains("200 OK"),
        "nothing of the answer shows yet:\n{s}"
    );
    insta::assert_snapshot!("lesson_question_100x30", s);
}

#[test]
fn request_bytes_half_revealed() {
    // 3 of the 5 request lines: 2 × 300 ms in.
    let mut app = at(Scene::Request, Duration::from_millis(600));
    let s = screen(&mut app);
    assert!(s.contains("GET /get?show=1 HTTP/1.1\\r\\n"), "{s}");
    assert!(s.contains("User-Agent: wirescope/0.1\\r\\n"), "{s}");
    assert!(!s.contains("Accept: application/json\\r\\n"), "{s}");
    insta::assert_snapshot!("lesson_request_half_100x30", s);
}

#[test]
fn lifecycle_mid_animation() {
    // 6 ms of the 13.1 ms recording: DNS, connect and send are over,
    // the wait for the first byte is running.
    let mut app = at(Scene::Lifecycle, Duration::from_millis(6));
    let s = screen(&mut app);
    assert!(s.contains("slow motion ×200 — real timings scaled"), "{s}");
    assert!(s.contains("▶") && s.contains("▲"), "{s}");
    insta::assert_snapshot!("lesson_lifecycle_mid_100x30", s);
}

#[test]
fn response_revealed() {
    let mut app = at(Scene::Response, Duration::from_secs(60));
    let s = screen(&mut app);
    assert!(
        s.contains("HTTP/1.1 200 OK") && s.contains("2xx success"),
        "{s}"
    );
    insta::assert_snapshot!("lesson_response_100x30", s);
}

#[test]
fn explanation_with_facts() {
    let mut app = at(Scene::Explanation, Duration::ZERO);
    let s = screen(&mut app);
    assert!(
        s.contains("✓ status 200") && s.contains("✓ method GET"),
        "{s}"
    );
    insta::assert_snapshot!("lesson_explanation_100x30", s);
}

#[test]
fn a_fact_that_does_not_hold_says_what_came() {
    let mut app = fixture::recorded_app();
    let cmds = wirescope::tui::lesson::enter_step(&mut app, 1, Scene::Question);
    assert_eq!(cmds.len(), 1, "step 2 runs");
    fixture::record(&mut app, fixture::outcome());
    let l = app.lesson.as_deref_mut().unwrap();
    reveal::set_scene(l, Scene::Explanation);
    let s = screen(&mut app);
    assert!(
        s.contains("✗ status 201 — expected 201, got 200") && s.contains("✓ exchanges 1"),
        "{s}"
    );
    insta::assert_snapshot!("lesson_fact_failed_100x30", s);
}

#[test]
fn several_exchanges_play_as_lanes() {
    let (mut app, _) = fixture::app();
    fixture::record(&mut app, fixture::repeat_outcome());
    let l = app.lesson.as_deref_mut().unwrap();
    reveal::set_scene(l, Scene::Lifecycle);
    l.progress = Duration::from_millis(20);
    let s = screen(&mut app);
    assert!(s.contains("3 exchanges · 1 connection"), "{s}");
    assert!(s.contains("exchange 3 of 3"), "{s}");
    insta::assert_snapshot!("lesson_lanes_100x30", s);
}

#[test]
fn zoom_fills_the_screen_with_the_focused_pane() {
    let mut app = at(Scene::Lifecycle, Duration::from_millis(13));
    app.zoom = true;
    let s = screen(&mut app);
    assert!(s.contains("▶3 Lifecycle") && !s.contains("1 Step"), "{s}");
    insta::assert_snapshot!("lesson_zoom_lifecycle_100x30", s);
}

#[test]
fn help_lists_the_lesson_keys() {
    let mut app = fixture::recorded_app();
    app.help = Some(0);
    let s = screen(&mut app);
    for k in ["Lesson mode", "next", "back", "speed", "free-form", "zoom"] {
        assert!(s.contains(k), "{k}:\n{s}");
    }
    insta::assert_snapshot!("lesson_help_100x30", s);
}

#[test]
fn the_step_still_running_says_so() {
    let (mut app, _) = fixture::app();
    let l = app.lesson.as_deref_mut().unwrap();
    reveal::set_scene(l, Scene::Request);
    let s = screen(&mut app);
    assert!(s.contains("sending to the demo server"), "{s}");
    assert!(s.contains("waiting for the demo server"), "{s}");
}

#[test]
fn tiny_and_zero_areas_do_not_panic() {
    for scene in [Scene::Question, Scene::Lifecycle, Scene::Explanation] {
        let mut app = at(scene, Duration::from_millis(5));
        for (w, h) in [(0, 0), (1, 1), (3, 2), (10, 4), (79, 23)] {
            draw(&mut app, w, h);
        }
        let l = app.lesson.as_deref().unwrap();
        for id in LessonPane::ALL {
            for area in [
                Rect::new(0, 0, 0, 0),
                Rect::new(0, 0, 1, 1),
                Rect::new(0, 0, 4, 3),
            ] {
                let mut buf = Buffer::empty(area);
                lesson_view::draw_pane(&app, l, id, area, &mut buf);
            }
        }
    }
    let mut app = fixture::recorded_app();
    let s = text(draw(&mut app, 79, 24).backend().buffer());
    assert!(s.contains("Terminal too small"), "{s}");
}

#[test]
fn no_color_means_no_colors_and_the_meaning_stays() {
    let mut app = at(Scene::Explanation, Duration::ZERO);
    app.color = ColorMode::NoColor;
    let term = draw(&mut app, 100, 30);
    let buf = term.backend().buffer();
    for cell in &buf.content {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
    }
    let s = text(buf);
    assert!(
        s.contains("✓ status 200") && s.contains("2xx success"),
        "{s}"
    );
}

#[test]
fn the_presenter_theme_has_no_dim_greys() {
    let mut app = at(Scene::Lifecycle, Duration::from_millis(6));
    let term = draw(&mut app, 100, 30);
    for cell in &term.backend().buffer().content {
        assert!(
            !matches!(cell.fg, Color::DarkGray | Color::Gray),
            "{cell:?}"
        );
        assert!(
            !cell.modifier.contains(ratatui::style::Modifier::DIM),
            "{cell:?}"
        );
    }
}

/// The real path without a terminal: the lesson's stage (demo servers on
/// loopback), a worker that runs steps on it, the app in lesson mode; the
/// step's run comes back as a recording whose facts hold, and the
/// free-form TUI gets the step's request with the stage's URL.
#[test]
fn a_step_runs_on_the_stage_through_the_worker() {
    use wirescope::lesson::{builtin, parse, Stage};
    use wirescope::tui::lesson::{start, RunState};
    use wirescope::tui::update::{update, Msg};

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let stage = std::sync::Arc::new(runtime.block_on(Stage::start()).unwrap());
    let (_, text) = builtin::find("raw-get").unwrap();
    let lesson = parse("raw-get.toml", text).unwrap();
    let (mut app, cmds) = start::app(lesson, &stage);
    assert_eq!(cmds.len(), 1, "step 1 runs at once: {cmds:?}");
    let mut worker =
        wirescope::worker::spawn_with(wirescope::wire::Session::new(), Some(stage.clone()))
            .unwrap();
    for c in cmds {
        worker.commands.send(c).unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while matches!(
        app.lesson.as_deref().unwrap().current().run,
        RunState::Running(_)
    ) {
        assert!(std::time::Instant::now() < deadline, "the step never ended");
        match worker.events.try_recv() {
            Ok(ev) => {
                update(&mut app, Msg::Worker(ev));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let l = app.lesson.as_deref().unwrap();
    let r = l.recorded().expect("recorded");
    assert!(r.facts.iter().all(|f| f.held), "{:?}", r.facts);
    assert!(r.request[0].text.starts_with("GET /get HTTP/1.1"));
    assert_eq!(r.request[0].end, "\\r\\n");
    assert_eq!(r.status.as_ref().map(|s| s.code), Some(200));

    update(
        &mut app,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            ratatui::crossterm::event::KeyCode::Tab,
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert_eq!(app.form.url, format!("{}/get", stage.demo_url()));
    assert_eq!(app.entries.len(), 1);
    worker.shutdown();
    drop(stage);
    runtime.shutdown_timeout(Duration::from_millis(200));
}
