//! The reveal's clock: ticks move the current scene on — request lines
//! one by one, the lifecycle at the step's slow-motion factor, response
//! lines one by one — with a short hold between scenes. The response
//! waits for the presenter (the room compares it with their guess) and so
//! does the explanation. Pure: the time between ticks is all it uses.

use std::time::{Duration, Instant};

use super::{LessonMode, Scene};
use crate::lesson::pace;

/// One request line appears every this long (at the base pace).
pub const REQUEST_LINE: Duration = Duration::from_millis(300);
/// One response line appears every this long (at the base pace).
pub const RESPONSE_LINE: Duration = Duration::from_millis(150);
/// The hold after a scene before the next one starts on its own.
pub const HOLD: Duration = Duration::from_millis(1200);
/// The most one tick moves (a stalled frame does not skip the reveal).
const MAX_TICK: Duration = Duration::from_millis(100);
/// How far the speed can go from a step's default, each way, before
/// the step is recorded.
pub const MAX_SHIFT: i32 = 6;

/// What the screen shows, in brief (equal keys: equal screens).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameKey {
    index: usize,
    scene: Scene,
    request: usize,
    response: usize,
    lifecycle: u32,
    paused: bool,
    slower: i32,
    recorded: bool,
}

pub fn frame_key(l: &LessonMode) -> FrameKey {
    let permille = match (l.recorded(), lifecycle_at(l)) {
        (Some(r), Some(at)) => (at.as_secs_f64() / r.total.as_secs_f64().max(1e-9) * 1000.0) as u32,
        _ => 0,
    };
    FrameKey {
        index: l.index,
        scene: l.scene,
        request: request_shown(l),
        response: response_shown(l),
        lifecycle: permille,
        paused: l.paused,
        slower: l.slower,
        recorded: l.recorded().is_some(),
    }
}

/// Starts `scene` from its beginning.
pub fn set_scene(l: &mut LessonMode, scene: Scene) {
    l.scene = scene;
    l.progress = Duration::ZERO;
    l.held = Duration::ZERO;
    l.last_tick = None;
}

/// The pace multiplier of line-by-line scenes and holds (2 = half as
/// fast); bounded, as lines need no ×1000.
fn pace_of(l: &LessonMode) -> f64 {
    2f64.powi(l.slower.clamp(-3, 3))
}

/// Moves the speed `delta` steps slower (negative: faster), as far as the
/// ladder goes for the step recorded.
pub fn shift_speed(l: &mut LessonMode, delta: i32) {
    let (low, high) = match l.recorded() {
        Some(r) => (
            -(r.auto_level as i32),
            (pace::LADDER.len() - 1 - r.auto_level) as i32,
        ),
        None => (-MAX_SHIFT, MAX_SHIFT),
    };
    l.slower = (l.slower + delta).clamp(low, high);
}

/// The slow-motion ladder step of the current step.
pub fn level(l: &LessonMode) -> Option<usize> {
    l.recorded().map(|r| pace::shifted(r.auto_level, l.slower))
}

/// When the line-by-line scene has shown all its `n` lines.
fn lines_done(n: usize, every: Duration) -> Duration {
    every.saturating_mul(n.saturating_sub(1) as u32)
}

fn lines_at(progress: Duration, n: usize, every: Duration) -> usize {
    let k = (progress.as_nanos() / every.as_nanos().max(1)) as usize;
    n.min(k + 1)
}

/// Request lines on screen.
pub fn request_shown(l: &LessonMode) -> usize {
    let n = l.recorded().map_or(0, |r| r.request.len());
    match l.scene {
        Scene::Question => 0,
        Scene::Request => lines_at(l.progress, n, REQUEST_LINE),
        _ => n,
    }
}

/// Response lines on screen.
pub fn response_shown(l: &LessonMode) -> usize {
    let n = l.recorded().map_or(0, |r| r.response.len());
    match l.scene {
        Scene::Response => lines_at(l.progress, n, RESPONSE_LINE),
        Scene::Explanation => n,
        _ => 0,
    }
}

/// The lifecycle's clock (real time of the recording), once it started.
pub fn lifecycle_at(l: &LessonMode) -> Option<Duration> {
    let total = l.recorded()?.total;
    match l.scene {
        Scene::Question | Scene::Request => None,
        Scene::Lifecycle => Some(l.progress.min(total)),
        _ => Some(total),
    }
}

/// The reveal moves by itself (ticks are due).
pub fn moving(l: &LessonMode) -> bool {
    let Some(r) = l.recorded() else {
        return false;
    };
    !l.paused
        && match l.scene {
            Scene::Request | Scene::Lifecycle => true,
            Scene::Response => l.progress < lines_done(r.response.len(), RESPONSE_LINE),
            Scene::Question | Scene::Explanation => false,
        }
}

/// A tick at `now`: moves the reveal by the time since the last one.
pub fn tick(l: &mut LessonMode, now: Instant) {
    let dt = match l.last_tick.replace(now) {
        Some(before) => now.saturating_duration_since(before).min(MAX_TICK),
        None => Duration::ZERO,
    };
    if moving(l) {
        advance(l, dt);
    }
}

/// Moves the reveal by `dt` of screen time.
pub fn advance(l: &mut LessonMode, dt: Duration) {
    let Some(r) = l.recorded() else {
        return;
    };
    let (n_req, n_resp, total) = (r.request.len(), r.response.len(), r.total);
    let Some(level) = level(l) else {
        return;
    };
    let base = dt.div_f64(pace_of(l));
    let finished = match l.scene {
        Scene::Request => {
            let end = lines_done(n_req, REQUEST_LINE);
            l.progress = (l.progress + base).min(end);
            l.progress >= end
        }
        Scene::Lifecycle => {
            l.progress = (l.progress + pace::real_time(dt, level)).min(total);
            l.progress >= total
        }
        Scene::Response => {
            let end = lines_done(n_resp, RESPONSE_LINE);
            l.progress = (l.progress + base).min(end);
            // The response stays until the presenter moves on.
            false
        }
        Scene::Question | Scene::Explanation => false,
    };
    if finished {
        l.held += base;
        if l.held >= HOLD {
            if let Some(next) = l.scene.next() {
                let last = l.last_tick;
                set_scene(l, next);
                l.last_tick = last;
            }
        }
    }
}
