//! `update(&mut App, Msg) -> Vec<Command>`: the only place state changes.
//! Synchronous and free of terminals and runtimes, so every key's effect is
//! a unit test. Keys go through the one key table (`keymap`); keys it does
//! not bind go to the field being edited.

use std::time::Instant;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, MouseEvent};

use super::app::{App, Mode, PaneId, WireView, MAX_HISTORY};
use super::editor::LineEditor;
use super::entry::{Entry, EntryState};
use super::form::Field;
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
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Mouse(m) => motion::on_mouse(app, m),
        Msg::Paste(text) => {
            match &mut app.mode {
                Mode::EditLine { editor, .. } => editor.insert_str(&text),
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
        Msg::Worker(ev) => {
            on_event(app, ev);
            Vec::new()
        }
        Msg::Tick(now) => {
            for e in app.entries.iter_mut().filter(|e| e.in_flight()) {
                e.elapsed = e.elapsed.max(now.saturating_duration_since(e.started));
            }
            Vec::new()
        }
    }
}

fn on_event(app: &mut App, ev: Event) {
    // Events of an exchange that is no longer in flight (cancelled, or
    // dropped from the history) are late: drop them.
    match ev {
        Event::Progress { id, progress } => {
            if let Some(e) = app.entry_mut(id).filter(|e| e.in_flight()) {
                e.apply(progress);
            }
        }
        Event::Done { id, exchange } => {
            if let Some(e) = app.entry_mut(id).filter(|e| e.in_flight()) {
                e.finish(exchange);
            }
        }
        Event::Cancelled { id } => {
            if let Some(e) = app.entry_mut(id).filter(|e| e.in_flight()) {
                e.state = EntryState::Cancelled;
            }
        }
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    app.notice = None;
    match keymap::lookup(&app.key_state(), &key) {
        Some(action) => perform(app, action, key),
        None => {
            match &mut app.mode {
                Mode::EditLine { editor, .. } => {
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
            if app.in_flight() {
                return cancel_all(app);
            }
            if app.help.is_some() {
                app.help = None;
            } else {
                stop_editing(app);
            }
        }
        Action::Quit => app.quit = true,
        Action::Help => app.help = if app.help.is_some() { None } else { Some(0) },
        Action::NextPane | Action::PrevPane => {
            if stop_editing(app) {
                app.focus = match action {
                    Action::NextPane => app.focus.next(),
                    _ => app.focus.prev(),
                };
            }
        }
        Action::JumpToPane => {
            if let KeyCode::Char(c) = key.code {
                let n = c.to_digit(10).unwrap_or(0) as usize;
                if let Some(p) = PaneId::from_number(n) {
                    app.focus = p;
                }
            }
        }
        Action::ToggleWireView => toggle_wire_view(app),
        Action::ToggleTheme => app.theme_kind = app.theme_kind.toggled(),
        Action::CycleMethod => app.form.cycle_method(),
        Action::CustomMethod => {
            app.form.field = Field::Method;
            start_line(app, Field::Method);
        }
        Action::Activate => match app.form.field {
            Field::Url => return send(app),
            Field::Verify => app.form.toggle_verify(),
            Field::Body => app.mode = Mode::EditBody,
            f => start_line(app, f),
        },
        Action::EditField => match app.form.field {
            Field::Verify => app.form.toggle_verify(),
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
            Field::Verify => app.form.toggle_verify(),
            _ => {}
        },
        Action::ToggleVerify => app.form.toggle_verify(),
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
        Action::Commit => {
            let field = match &app.mode {
                Mode::EditLine { field, .. } => Some(*field),
                _ => None,
            };
            if stop_editing(app) && field == Some(Field::Url) {
                return send(app);
            }
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
    let spec = match app.form.spec() {
        Ok(s) => s,
        Err(e) => {
            app.notice = Some(e);
            return Vec::new();
        }
    };
    let mut cmds = Vec::new();
    let id = app.next_id;
    app.next_id += 1;
    app.entries
        .push(Entry::new(id, &spec.method, &spec.url, Instant::now()));
    while app.entries.len() > MAX_HISTORY {
        let at = app.entries.iter().position(|e| !e.in_flight()).unwrap_or(0);
        let gone = app.entries.remove(at);
        if gone.in_flight() {
            cmds.push(Command::Cancel(gone.id));
        }
    }
    select(app, app.entries.len() - 1);
    cmds.push(Command::Send(id, Box::new(spec)));
    cmds
}

fn cancel_all(app: &mut App) -> Vec<Command> {
    let mut cmds = Vec::new();
    let now = Instant::now();
    for e in app.entries.iter_mut().filter(|e| e.in_flight()) {
        e.state = EntryState::Cancelled;
        e.elapsed = e.elapsed.max(now.saturating_duration_since(e.started));
        cmds.push(Command::Cancel(e.id));
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
    if app.selected != Some(i) {
        app.selected = Some(i);
        app.wire.scroll = 0;
        app.wire.anchor = None;
        app.response = Default::default();
    }
}

/// Flips text/hex and keeps the same bytes at the top of the pane.
fn toggle_wire_view(app: &mut App) {
    app.wire.anchor = app.wire.model.byte_at_row(app.wire.scroll);
    app.wire.view = match app.wire.view {
        WireView::Text => WireView::Hex,
        WireView::Hex => WireView::Text,
    };
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "update_event_tests.rs"]
mod event_tests;
