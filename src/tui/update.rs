//! `update(&mut App, Msg) -> Vec<Command>`: the only place state changes.
//! Synchronous and free of terminals and runtimes, so every key's effect is
//! a unit test. Keys go through the one key table (`keymap`); keys it does
//! not bind go to the field being edited.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent};

use super::actions;
use super::app::{App, Mode, PaneId, WireView};
use super::editor::LineEditor;
use super::entry::{Entry, EntryState};
use super::form::{Field, RequestForm};
use super::group_steps;
use super::keymap::{self, Action};
use super::motion;
use crate::worker::{Command, Event};

/// Everything that can happen to the UI.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Bracketed paste.
    Paste(String),
    Resize(u16, u16),
    Worker(Event),
    /// A frame is due; in-flight exchanges' clocks move on.
    Tick(Instant),
}

pub fn update(app: &mut App, msg: Msg) -> Vec<Command> {
    super::workflow::poll(app);
    match msg {
        Msg::Key(key) => on_key(app, key),
        // Lesson mode is driven by keys alone.
        Msg::Mouse(_) | Msg::Paste(_) if super::lesson::playing(app) => Vec::new(),
        Msg::Mouse(m) => motion::on_mouse(app, m),
        Msg::Paste(text) => {
            if super::workflow::on_paste(app, &text) {
                return Vec::new();
            }
            match &mut app.mode {
                Mode::EditLine { editor, .. } | Mode::Prompt { editor, .. } => {
                    editor.insert_str(&text)
                }
                Mode::EditBody => {
                    app.form.body.insert_str(text);
                }
                Mode::Navigate => {}
            }
            Vec::new()
        }
        Msg::Resize(w, h) => {
            app.screen = (w, h);
            Vec::new()
        }
        Msg::Worker(ev) => on_event(app, ev),
        Msg::Tick(now) => {
            // A flow's hop whose exchange ended (its record comes with the
            // flow's end) keeps its time.
            for e in app
                .entries
                .iter_mut()
                .filter(|e| e.in_flight() && e.live.timeline.done.is_none())
            {
                e.elapsed = e.elapsed.max(now.saturating_duration_since(e.started));
            }
            super::lesson::tick(app, now);
            Vec::new()
        }
    }
}

fn on_event(app: &mut App, ev: Event) -> Vec<Command> {
    // Events of an exchange that is no longer in flight (cancelled, or
    // dropped from the history) are late: drop them.
    match ev {
        Event::Progress { id, progress } => {
            if let Some(e) = app.entry_mut(id).filter(|e| e.in_flight()) {
                e.apply(progress);
            }
        }
        Event::Done { id, exchange } => {
            let decode = app.decode;
            if let Some(e) = app.entry_mut(id).filter(|e| e.in_flight()) {
                e.finish(exchange, decode);
                let cmds = actions::after_done(app, id);
                fit_wire_view(app);
                return cmds;
            }
        }
        Event::Cancelled { id } => {
            if let Some(e) = app.entry_mut(id).filter(|e| e.in_flight()) {
                e.state = EntryState::Cancelled;
            }
        }
        Event::StepDone { id, outcome } => super::lesson::on_step_done(app, id, outcome),
        other => return actions::on_event(app, other),
    }
    Vec::new()
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    app.notice = None;
    if super::workflow::on_pasted_key(app, &key) {
        return Vec::new();
    }
    match keymap::lookup(&app.key_state(), &key) {
        Some(action) => perform(app, action, key),
        None => {
            match &mut app.mode {
                Mode::EditLine { editor, .. } | Mode::Prompt { editor, .. } => {
                    editor.key(key);
                }
                Mode::EditBody => {
                    app.form.body.input(key);
                }
                Mode::Navigate => {}
            }
            Vec::new()
        }
    }
}

fn perform(app: &mut App, action: Action, key: KeyEvent) -> Vec<Command> {
    match action {
        Action::Send => {
            if matches!(app.mode, Mode::EditLine { .. }) && !stop_editing(app) {
                return Vec::new();
            }
            return send(app);
        }
        Action::Escape => {
            // Esc on the prompt closes it, never the download.
            if matches!(app.mode, Mode::Prompt { .. }) {
                app.mode = Mode::Navigate;
                return Vec::new();
            }
            if app.busy() {
                return cancel_all(app);
            }
            if app.help.is_some() || app.jar.is_some() {
                app.help = None;
                app.jar = None;
            } else {
                stop_editing(app);
            }
        }
        Action::Quit => app.quit = true,
        Action::Help => {
            if app.jar.take().is_none() {
                app.help = if app.help.is_some() { None } else { Some(0) }
            }
        }
        Action::NextPane | Action::PrevPane => {
            if stop_editing(app) {
                app.focus = super::workflow::cycle(app, action == Action::NextPane);
            }
        }
        Action::JumpToPane => {
            if let KeyCode::Char(c) = key.code {
                let n = c.to_digit(10).unwrap_or(0) as usize;
                let shown = |p: &PaneId| super::workflow::has_pane(app, *p);
                if let Some(p) = PaneId::from_number(n).filter(shown) {
                    app.focus = p;
                }
            }
        }
        Action::ToggleWireView => toggle_wire_view(app),
        Action::ToggleTheme => {
            app.theme_kind = app.theme_kind.toggled();
            app.notice = Some(format!("theme: {} (t: next)", app.theme_kind.name()));
        }
        Action::CycleMethod => app.form.cycle_method(),
        Action::CustomMethod => {
            app.form.field = Field::Method;
            start_line(app, Field::Method);
        }
        Action::Activate => match app.form.field {
            Field::Url => return send(app),
            f if RequestForm::is_toggle(f) => app.form.toggle(f),
            Field::Body => app.mode = Mode::EditBody,
            f => start_line(app, f),
        },
        Action::EditField => match app.form.field {
            f if RequestForm::is_toggle(f) => app.form.toggle(f),
            Field::Body => app.mode = Mode::EditBody,
            f => start_line(app, f),
        },
        Action::AddHeader => {
            app.form.field = Field::AddHeader;
            start_line(app, Field::AddHeader);
        }
        Action::DeleteHeader => {
            if let Field::Header(i) = app.form.field {
                if i < app.form.headers.len() {
                    app.form.headers.remove(i);
                }
                app.form.field = match app.form.headers.len() {
                    0 => Field::AddHeader,
                    n => Field::Header(i.min(n - 1)),
                };
            }
        }
        Action::ToggleHeader => match app.form.field {
            Field::Header(i) => {
                if let Some(h) = app.form.headers.get_mut(i) {
                    h.enabled = !h.enabled;
                }
            }
            f if RequestForm::is_toggle(f) => app.form.toggle(f),
            Field::Body | Field::Method | Field::Url | Field::AddHeader => {}
            _ => app.notice = Some("Space flips on/off rows; Enter edits this one".into()),
        },
        Action::ToggleVerify => {
            app.form.toggle_verify();
            app.notice = Some(match app.form.options.tls.verify {
                crate::wire::Verify::On => "TLS verification on for the next send (v: off)".into(),
                crate::wire::Verify::Off => {
                    "TLS verification OFF for the next send: any certificate is accepted (v: on)"
                        .into()
                }
            });
        }
        Action::UseDemoUrl => match &app.demo_url {
            Some(d) => {
                app.form.url = format!("{}/get", d.trim_end_matches('/'));
                app.form.field = Field::Url;
            }
            None => app.notice = Some("the demo server is not running".into()),
        },
        Action::Up => motion::move_by(app, -1, false),
        Action::Down => motion::move_by(app, 1, false),
        Action::PageUp => motion::move_by(app, -1, true),
        Action::PageDown => motion::move_by(app, 1, true),
        Action::Top => motion::move_to_end(app, false),
        Action::Bottom => motion::move_to_end(app, true),
        Action::Commit if matches!(app.mode, Mode::Prompt { .. }) => {
            if let Mode::Prompt { prompt, editor } =
                std::mem::replace(&mut app.mode, Mode::Navigate)
            {
                super::prompt::commit(app, prompt, &editor.text);
            }
        }
        Action::Commit => {
            let field = match &app.mode {
                Mode::EditLine { field, .. } => Some(*field),
                _ => None,
            };
            if stop_editing(app) && field == Some(Field::Url) {
                return send(app);
            }
        }
        Action::Parallel => return actions::parallel(app),
        Action::Repeat => return actions::repeat(app),
        Action::Revalidate => return actions::revalidate(app),
        Action::CookieJar => return actions::toggle_jar(app),
        Action::Zoom => app.zoom = !app.zoom,
        Action::Search
        | Action::SearchNext
        | Action::SearchPrev
        | Action::Save
        | Action::Filter
        | Action::ToggleBodyHex
        | Action::Left
        | Action::Right
        | Action::ShowBody => super::body_keys::perform(app, action),
        Action::ToggleLanes => {
            app.lanes = !app.lanes;
            app.notice = Some(if app.lanes {
                "Waterfall: one lane per exchange of the flow or batch (l: phases)".into()
            } else {
                "Waterfall: the selected exchange's phases (l: lanes)".into()
            });
        }
        Action::ToggleSecrets => {
            app.reveal_secrets = !app.reveal_secrets;
            super::search::secrets_toggled(app);
            app.notice = Some(if app.reveal_secrets {
                "secrets shown (credentials, cookies); press again to mask them".into()
            } else {
                "secrets masked as •".into()
            });
        }
        Action::Work(w) => return super::workflow::perform(app, w),
        Action::LessonNext
        | Action::LessonPrev
        | Action::LessonReplay
        | Action::LessonSpeed
        | Action::LessonPause
        | Action::LessonFreeForm
        | Action::LessonFocus
        | Action::LessonBack => return super::lesson::perform(app, action, key),
        Action::ToggleRedirects => {
            app.form.toggle(Field::Redirects);
            app.notice = Some(if app.form.options.redirects.follow {
                format!(
                    "redirects: followed (up to {})",
                    app.form.options.redirects.max
                )
            } else {
                "redirects: not followed".into()
            });
        }
    }
    Vec::new()
}

fn start_line(app: &mut App, field: Field) {
    let text = app.form.field_text(field);
    app.mode = Mode::EditLine {
        field,
        editor: LineEditor::new(text),
    };
}

/// Keeps what was typed and leaves editing. False (staying in the field,
/// with a notice) when the text is not acceptable, e.g. a bad timeout.
pub(super) fn stop_editing(app: &mut App) -> bool {
    match std::mem::replace(&mut app.mode, Mode::Navigate) {
        Mode::EditLine { field, editor } => {
            if let Err(e) = app.form.set_field_text(field, &editor.text) {
                app.notice = Some(e);
                app.mode = Mode::EditLine { field, editor };
                return false;
            }
            true
        }
        _ => true,
    }
}

fn send(app: &mut App) -> Vec<Command> {
    let spec = match super::workflow::spec(app) {
        Ok(s) => s,
        Err(e) => {
            app.notice = Some(e);
            return Vec::new();
        }
    };
    if app.form.is_flow() {
        return super::flow_steps::start_flow(app, spec);
    }
    let id = app.next_id;
    app.next_id += 1;
    let entry = Entry::new(id, &spec.method, &spec.url, Instant::now());
    let mut cmds = group_steps::push(app, entry);
    select(app, app.entries.len() - 1);
    cmds.push(Command::Send(id, Box::new(spec)));
    cmds
}

fn cancel_all(app: &mut App) -> Vec<Command> {
    if let Some(w) = app.waiting() {
        app.notice = Some(format!(
            "cancelled: the flow stopped during its {} wait before retrying ({})",
            super::app::fmt_ms(w.wait),
            crate::report::escape::sanitize_text(&w.reason)
        ));
    }
    let mut cmds = group_steps::on_cancel(app);
    let now = Instant::now();
    for e in app.entries.iter_mut().filter(|e| e.in_flight()) {
        e.state = EntryState::Cancelled;
        // A flow's hop that already ended keeps its own time.
        if e.live.timeline.done.is_none() {
            e.elapsed = e.elapsed.max(now.saturating_duration_since(e.started));
        }
        if !cmds.contains(&Command::Cancel(e.id)) {
            cmds.push(Command::Cancel(e.id));
        }
        app.notice = Some(format!(
            "cancelled #{} after {}",
            e.id,
            super::app::fmt_ms(e.elapsed)
        ));
    }
    cmds
}

/// Shows entry `i` in every pane.
pub(super) fn select(app: &mut App, i: usize) {
    super::parking::unpark(app, i);
    if app.selected != Some(i) {
        app.selected = Some(i);
        app.wire.scroll = 0;
        app.wire.anchor = None;
        app.response = Default::default();
        app.frames.selected = 0;
        app.frames.scroll = 0;
        app.frames.picked = false;
    }
    fit_wire_view(app);
}

/// Until the user picks a view, the shown exchange's own: hex for an
/// HTTP/2 transcript (binary frames read as `\u{0}\u{0}\u{6}…` in text),
/// text otherwise.
fn fit_wire_view(app: &mut App) {
    if app.wire.chosen {
        return;
    }
    let h2 = app
        .entry()
        .and_then(|e| e.exchange.as_ref())
        .is_some_and(|x| x.h2.is_some() || x.h3.is_some());
    app.wire.view = if h2 { WireView::Hex } else { WireView::Text };
}

/// Flips text/hex and keeps the same bytes at the top of the pane.
fn toggle_wire_view(app: &mut App) {
    app.wire.anchor = app.wire.model.byte_at_row(app.wire.scroll);
    app.wire.view = match app.wire.view {
        WireView::Text => WireView::Hex,
        WireView::Hex => WireView::Text,
    };
    app.wire.chosen = true;
    app.notice = Some(match app.wire.view {
        WireView::Text => "Wire shows text, CR LF visible (x: hex)".into(),
        WireView::Hex => "Wire shows hex (x: text)".into(),
    });
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "update_event_tests.rs"]
mod event_tests;

#[cfg(test)]
#[path = "update_group_tests.rs"]
mod group_tests;

#[cfg(test)]
#[path = "update_flow_tests.rs"]
mod flow_tests;
