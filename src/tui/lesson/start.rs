//! Running lesson mode: a runtime, the lesson's stage on it (the demo
//! servers, http and https, and the black hole — all on loopback), a
//! worker that runs steps on that stage, and the app in lesson mode with
//! the presenter theme; then the same terminal loop as the free-form TUI.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use super::{enter_step, LessonMode, Scene};
use crate::lesson::{Lesson, Stage};
use crate::tui::app::App;
use crate::tui::term;
use crate::tui::theme::{ColorMode, ThemeKind};
use crate::wire::{Options, Session};
use crate::worker;

/// The app in lesson mode at the lesson's first question, and the
/// commands that start that step's run.
pub fn app(lesson: Lesson, stage: &Stage) -> (App, Vec<worker::Command>) {
    let demo = stage.demo_url();
    let mut app = App::new(None, Some(&demo), Options::default());
    app.theme_kind = ThemeKind::Presenter;
    app.lesson = Some(Box::new(LessonMode::new(lesson, |r| stage.spec(r))));
    let cmds = enter_step(&mut app, 0, Scene::Question);
    (app, cmds)
}

/// Plays `lesson` in the terminal until the presenter quits.
pub fn run(lesson: Lesson) -> anyhow::Result<()> {
    crate::decode::highlight::preload();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    let stage = runtime
        .block_on(Stage::start())
        .context("starting the lesson's demo servers")?;
    let stage = Arc::new(stage);
    let (mut app, cmds) = app(lesson, &stage);
    app.color = ColorMode::from_env();
    let mut worker =
        worker::spawn_with(Session::new(), Some(stage.clone())).context("starting the worker")?;
    term::dispatch(&worker, cmds);
    let result = term::drive(&mut app, &mut worker);
    worker.shutdown();
    drop(stage);
    runtime.shutdown_timeout(Duration::from_millis(200));
    result
}
