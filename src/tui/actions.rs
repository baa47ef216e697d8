//! The actions beyond one exchange (part of `update`: state changes and
//! worker commands, no terminal): parallel batches, kept-vs-new connection
//! batches, revalidation, the cookie jar view, and the worker events that
//! answer them and flows.

use std::time::Instant;

use super::app::{App, JarView};
use super::entry::{Entry, EntryState};
use super::flow_steps;
use super::group_steps::{self as steps, parallel_plan, repeat_plan};
use super::update::select;
use crate::wire::RequestSpec;
use crate::worker::{Command, Event};

fn spec(app: &mut App) -> Option<RequestSpec> {
    match super::workflow::spec(app) {
        Ok(s) => Some(s),
        Err(e) => {
            app.notice = Some(e);
            None
        }
    }
}

/// `P`: the request N times at once over HTTP/2, then over HTTP/1.1 one
/// after another and at once, side by side.
pub(super) fn parallel(app: &mut App) -> Vec<Command> {
    let Some(spec) = spec(app) else {
        return Vec::new();
    };
    let (plan, note) = parallel_plan(&spec);
    let n = app.form.parallel;
    let cmds = steps::start_batches(app, spec, n, plan, "parallel: HTTP/2 vs HTTP/1.1");
    app.notice = note;
    cmds
}

/// `S`: the request N times over one kept connection, then each on a new
/// connection (a fresh session per request), side by side.
pub(super) fn repeat(app: &mut App) -> Vec<Command> {
    let Some(spec) = spec(app) else {
        return Vec::new();
    };
    let plan = repeat_plan(&spec);
    let n = app.form.parallel;
    steps::start_batches(app, spec, n, plan, "one kept connection vs a new one each")
}

/// `R`: the request again, conditional on what the session remembers of
/// the URL (the worker adds If-None-Match / If-Modified-Since).
pub(super) fn revalidate(app: &mut App) -> Vec<Command> {
    let Some(mut spec) = spec(app) else {
        return Vec::new();
    };
    spec.options.redirects.follow = false;
    spec.options.retry.attempts = 1;
    let id = app.next_id;
    app.next_id += 1;
    let entry = Entry::new(id, &spec.method, &spec.url, Instant::now());
    let mut cmds = steps::push(app, entry);
    select(app, app.entries.len() - 1);
    cmds.push(Command::Revalidate(id, Box::new(spec)));
    cmds
}

/// `c`: opens the cookie jar view (asking the worker for its content), or
/// closes it.
pub(super) fn toggle_jar(app: &mut App) -> Vec<Command> {
    if app.jar.take().is_some() {
        return Vec::new();
    }
    app.jar = Some(JarView::default());
    vec![Command::Cookies]
}

/// The jar view, when open, is refreshed after every exchange.
fn refresh_jar(app: &App) -> Vec<Command> {
    if app.jar.is_some() {
        vec![Command::Cookies]
    } else {
        Vec::new()
    }
}

/// Worker events of flows, revalidations and the jar.
pub(super) fn on_event(app: &mut App, ev: Event) -> Vec<Command> {
    match ev {
        Event::HopStarted { flow, index } => flow_steps::on_hop_started(app, flow, index),
        Event::Started { id } => steps::on_started(app, id),
        Event::HopProgress {
            flow,
            index,
            progress,
        } => {
            flow_steps::on_hop_progress(app, flow, index, progress);
            Vec::new()
        }
        Event::HopDone { flow, index, hop } => flow_steps::on_hop_done(app, flow, index, hop),
        Event::FlowWaiting { flow, wait, reason } => {
            flow_steps::on_flow_waiting(app, flow, wait, reason);
            Vec::new()
        }
        Event::FlowDone { flow, stopped } => {
            flow_steps::on_flow_done(app, flow, stopped);
            refresh_jar(app)
        }
        Event::Revalidating { id, validators } => {
            let Some(at) = app
                .entries
                .iter()
                .position(|e| e.id == id && e.state == EntryState::InFlight)
            else {
                return Vec::new();
            };
            match validators {
                Some(v) => app.entries[at].meta.revalidation = Some(v),
                None => {
                    app.entries.remove(at);
                    app.selected = match app.entries.len() {
                        0 => None,
                        n => Some(app.selected.unwrap_or(0).min(n - 1)),
                    };
                    app.notice = Some(
                        "nothing to revalidate: no ETag or Last-Modified remembered for this URL; send it once first (try /etag/abc or /cache)".into(),
                    );
                }
            }
            Vec::new()
        }
        Event::Cookies(jar) => {
            if let Some(view) = &mut app.jar {
                view.cookies = Some(jar);
            }
            Vec::new()
        }
        Event::Captured { exchange, client } => super::captured::on_captured(app, exchange, client),
        Event::Note(n) => {
            app.notice = Some(n);
            Vec::new()
        }
        Event::Done { .. }
        | Event::Progress { .. }
        | Event::Cancelled { .. }
        | Event::StepDone { .. } => Vec::new(),
    }
}

/// What `update` does after an exchange's `Done`.
pub(super) fn after_done(app: &mut App, id: crate::worker::ExchangeId) -> Vec<Command> {
    let mut cmds = steps::after_done(app, id);
    cmds.extend(refresh_jar(app));
    cmds
}
