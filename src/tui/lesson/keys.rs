//! The lesson's keys (bound in the one key table, `bindings`): next
//! (the next scene, then the next step), previous step, replay, speed,
//! pause, focus a pane, the free-form TUI and back.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::reveal;
use super::{enter_step, LessonPane, RunState, Scene};
use crate::tui::app::App;
use crate::tui::keymap::Action;
use crate::worker::Command;

pub(super) fn perform(app: &mut App, action: Action, key: KeyEvent) -> Vec<Command> {
    let Some(l) = app.lesson.as_deref_mut() else {
        return Vec::new();
    };
    match action {
        Action::LessonNext => return next(app),
        Action::LessonPrev => {
            if l.index == 0 {
                app.notice = Some("this is the first step".into());
                return Vec::new();
            }
            let i = l.index - 1;
            let scene = match l.steps[i].run {
                RunState::Done(_) | RunState::Failed(_) => Scene::Explanation,
                _ => Scene::Question,
            };
            return enter_step(app, i, scene);
        }
        Action::LessonReplay => {
            if matches!(l.current().run, RunState::Failed(_)) {
                app.notice = Some("this step did not run: nothing to replay".into());
                return Vec::new();
            }
            l.paused = false;
            reveal::set_scene(l, Scene::Request);
        }
        Action::LessonSpeed => {
            let delta = match key.code {
                KeyCode::Char('-') => 1,
                _ => -1,
            };
            reveal::shift_speed(l, delta);
        }
        Action::LessonPause => {
            l.paused = !l.paused;
            l.last_tick = None;
        }
        Action::LessonFocus => {
            if let KeyCode::Char(c) = key.code {
                let n = c.to_digit(10).unwrap_or(0) as usize;
                if let Some(p) = LessonPane::from_number(n) {
                    l.pane = Some(p);
                }
            }
        }
        Action::LessonFreeForm => super::load::free_form(app),
        Action::LessonBack => {
            l.active = true;
            l.last_tick = None;
            std::mem::swap(&mut app.zoom, &mut l.zoom);
            app.help = None;
        }
        _ => {}
    }
    Vec::new()
}

/// The next scene; from the explanation, the next step's question.
fn next(app: &mut App) -> Vec<Command> {
    let Some(l) = app.lesson.as_deref_mut() else {
        return Vec::new();
    };
    let (index, steps) = (l.index, l.steps.len());
    match l.scene.next() {
        Some(scene) => {
            reveal::set_scene(l, scene);
            // Moving on by hand follows the reveal again.
            l.pane = None;
            Vec::new()
        }
        None if index + 1 < steps => enter_step(app, index + 1, Scene::Question),
        None => {
            app.notice = Some(
                "that was the last step · q quits · Tab opens this request in the free-form TUI"
                    .into(),
            );
            Vec::new()
        }
    }
}
