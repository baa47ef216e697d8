//! Lesson mode: a workshop lesson played in the TUI, step by step. Each
//! step asks its question; the next key sends the request (for real: the
//! worker runs the step on the lesson's `Stage`, as the headless runner
//! does) and reveals what it recorded — the request's bytes line by line,
//! the lifecycle in slow motion (the real timings, scaled and labelled so),
//! the response, then the explanation with its facts checked.
//!
//! The state is plain data in `App::lesson`; `reveal` moves it on with
//! ticks (pure: a test gives it fake instants), `keys` answers the lesson's
//! keys, `load` opens a step's request in the free-form TUI, `view` and
//! `panes::lesson*` draw it. Nothing here touches a terminal or a runtime
//! (`start` owns those, like `term` does for the free-form TUI).

use std::time::{Duration, Instant};

use super::app::App;
use super::keymap::Action;
use crate::lesson::{Lesson, Outcome, Step};
use crate::wire::RequestSpec;
use crate::worker::{Command, ExchangeId};

pub mod fixture;
mod keys;
pub mod layout;
mod load;
pub mod recorded;
pub mod reveal;
pub mod start;
pub mod view;

pub use layout::LessonPane;
pub use recorded::Recorded;

/// The stages of a step's reveal, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scene {
    /// The question to the room; nothing of the answer shows.
    Question,
    /// The request's bytes, line by line.
    Request,
    /// The phases of the exchange(s), in slow motion.
    Lifecycle,
    /// The response's status, head and body start, line by line.
    Response,
    /// The explanation and the facts checked.
    Explanation,
}

impl Scene {
    pub const ALL: [Scene; 5] = [
        Scene::Question,
        Scene::Request,
        Scene::Lifecycle,
        Scene::Response,
        Scene::Explanation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scene::Question => "question",
            Scene::Request => "request",
            Scene::Lifecycle => "lifecycle",
            Scene::Response => "response",
            Scene::Explanation => "explanation",
        }
    }

    pub fn next(self) -> Option<Scene> {
        Scene::ALL.get(self as usize + 1).copied()
    }
}

/// Where a step's run stands.
#[derive(Debug, Clone, PartialEq)]
pub enum RunState {
    /// Not asked for yet.
    Idle,
    /// The worker runs it under this id.
    Running(ExchangeId),
    Done(Box<Recorded>),
    /// The step could not run (a bad request in the lesson file...).
    Failed(String),
}

/// One step of the lesson with what it needs and what it did.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonStep {
    pub step: Step,
    /// The step's request as a spec (for the free-form TUI).
    pub spec: Result<RequestSpec, String>,
    pub run: RunState,
    /// Its exchanges were added to the free-form history already.
    pub in_history: bool,
}

/// The lesson mode's state.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonMode {
    pub title: String,
    pub summary: String,
    pub steps: Vec<LessonStep>,
    /// The step shown.
    pub index: usize,
    pub scene: Scene,
    /// How far the scene got: screen time at the base pace for the line
    /// by line scenes, real time of the recording for the lifecycle.
    pub progress: Duration,
    /// Time since the scene finished, at the base pace (a short hold
    /// before the next scene starts on its own).
    pub held: Duration,
    /// Speed steps slower (positive) or faster than the step's default.
    pub slower: i32,
    pub paused: bool,
    /// Lesson mode on screen (false: the free-form TUI, F2 comes back).
    pub active: bool,
    /// The pane the presenter picked (1–4); `None`: the one the reveal is at.
    pub pane: Option<LessonPane>,
    /// The zoom of the side not on screen (`App::zoom` is the one shown):
    /// the lesson and the free-form TUI each keep their own.
    pub zoom: bool,
    /// The last tick's instant (the reveal moves by the time between ticks).
    pub last_tick: Option<Instant>,
}

impl LessonMode {
    /// A lesson at its first step's question; `spec` turns a step's
    /// request into a spec (the stage's `Stage::spec`).
    pub fn new(
        lesson: Lesson,
        spec: impl Fn(&crate::lesson::StepRequest) -> Result<RequestSpec, String>,
    ) -> Self {
        LessonMode {
            steps: lesson
                .steps
                .into_iter()
                .map(|step| LessonStep {
                    spec: spec(&step.request),
                    step,
                    run: RunState::Idle,
                    in_history: false,
                })
                .collect(),
            title: lesson.title,
            summary: lesson.summary,
            index: 0,
            scene: Scene::Question,
            progress: Duration::ZERO,
            held: Duration::ZERO,
            slower: 0,
            paused: false,
            active: true,
            pane: None,
            zoom: false,
            last_tick: None,
        }
    }

    pub fn current(&self) -> &LessonStep {
        &self.steps[self.index.min(self.steps.len().saturating_sub(1))]
    }

    /// The current step's recording, once it came.
    pub fn recorded(&self) -> Option<&Recorded> {
        match &self.current().run {
            RunState::Done(r) => Some(r),
            _ => None,
        }
    }

    /// The pane in focus: the presenter's pick, else the reveal's.
    pub fn focus(&self) -> LessonPane {
        self.pane.unwrap_or(match self.scene {
            Scene::Question | Scene::Explanation => LessonPane::Text,
            Scene::Request => LessonPane::Request,
            Scene::Lifecycle => LessonPane::Lifecycle,
            Scene::Response => LessonPane::Response,
        })
    }
}

/// Lesson mode is on screen.
pub fn playing(app: &App) -> bool {
    app.lesson.as_ref().is_some_and(|l| l.active)
}

/// The reveal is moving: ticks are due.
pub fn animating(app: &App) -> bool {
    app.lesson
        .as_ref()
        .is_some_and(|l| l.active && reveal::moving(l))
}

/// What the lesson screen shows, in brief: a redraw is due only when it
/// changes (no redraws of an unchanged screen, so nothing flickers).
pub fn frame_key(app: &App) -> Option<reveal::FrameKey> {
    app.lesson.as_deref().map(reveal::frame_key)
}

/// Moves the reveal on to `now` (it waits while the free-form TUI is
/// on screen).
pub fn tick(app: &mut App, now: Instant) {
    if let Some(l) = app.lesson.as_deref_mut().filter(|l| l.active) {
        reveal::tick(l, now);
    }
}

/// A step's run ended: keep its recording for the reveal.
pub fn on_step_done(app: &mut App, id: ExchangeId, outcome: Result<Outcome, String>) {
    let Some(l) = app.lesson.as_deref_mut() else {
        return;
    };
    let Some(s) = l.steps.iter_mut().find(|s| s.run == RunState::Running(id)) else {
        return;
    };
    s.run = match outcome {
        Ok(o) => RunState::Done(Box::new(Recorded::new(o, &s.step))),
        Err(e) => RunState::Failed(e),
    };
    l.last_tick = None;
}

/// The lesson's keys (`keys`).
pub fn perform(
    app: &mut App,
    action: Action,
    key: ratatui::crossterm::event::KeyEvent,
) -> Vec<Command> {
    keys::perform(app, action, key)
}

/// Shows step `index` at `scene` and asks for its run if it has none.
pub fn enter_step(app: &mut App, index: usize, scene: Scene) -> Vec<Command> {
    let next_id = &mut app.next_id;
    let Some(l) = app.lesson.as_deref_mut() else {
        return Vec::new();
    };
    if index >= l.steps.len() {
        return Vec::new();
    }
    l.index = index;
    reveal::set_scene(l, scene);
    l.pane = None;
    let s = &mut l.steps[index];
    if s.run != RunState::Idle {
        return Vec::new();
    }
    let id = *next_id;
    *next_id += 1;
    s.run = RunState::Running(id);
    vec![Command::RunStep(id, Box::new(s.step.clone()))]
}

#[cfg(test)]
mod tests;
