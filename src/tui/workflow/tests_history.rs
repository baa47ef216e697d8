//! The saved history through `update`: finished exchanges recorded, the
//! History pane's saved part (moving into it, `/`, Enter, `r`), a corrupt
//! file set aside and shown.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::saved::Saved;
use super::*;
use crate::formats::Redaction;
use crate::tui::fixture;
use crate::tui::update::{update, Msg};
use crate::worker::{Command, Event};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Command> {
    key(app, KeyCode::Char(c))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        ch(app, c);
    }
}

fn notice(app: &App) -> String {
    app.notice.clone().unwrap_or_default()
}

fn send_and_finish(app: &mut App) {
    let id = match &key(app, KeyCode::F(5))[..] {
        [Command::Send(id, _)] => *id,
        other => panic!("{other:?}"),
    };
    update(
        app,
        Msg::Worker(Event::Done {
            id,
            exchange: Box::new(fixture::exchange()),
        }),
    );
}

#[test]
fn finished_exchanges_are_recorded_and_the_history_pane_loads_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = fixture::app();
    app.workflow.saved = Some(Saved::open_at(dir.path()));
    send_and_finish(&mut app);
    app.form.url = "http://127.0.0.1:8080/other".into();
    send_and_finish(&mut app);
    let saved = app.workflow.saved.as_mut().unwrap();
    saved.flush();
    assert_eq!(saved.entries.len(), 2);
    assert!(dir.path().join("history.jsonl").exists());

    // j from the last session exchange goes on into the saved ones.
    app.focus = PaneId::History;
    assert_eq!(app.selected, Some(1));
    ch(&mut app, 'j');
    assert_eq!(app.workflow.saved_cursor, Some(0));
    ch(&mut app, 'k');
    assert_eq!((app.workflow.saved_cursor, app.selected), (None, Some(1)));
    ch(&mut app, 'G');
    assert_eq!(app.workflow.saved_cursor, Some(1));
    app.form.url = "changed".into();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.url, fixture::URL);
    assert_eq!(app.focus, PaneId::Request);
    assert!(
        notice(&app).contains("F5 sends it again"),
        "{}",
        notice(&app)
    );
    // The User-Agent and Accept that went out are part of the request.
    assert!(app.form.headers.iter().any(|h| h.name == "Accept"));
    assert!(!app.form.headers.iter().any(|h| h.name == "Host"));
}

#[test]
fn slash_in_the_history_pane_filters_the_saved_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = fixture::app();
    app.workflow.saved = Some(Saved::open_at(dir.path()));
    let mut x = fixture::exchange();
    x.url = "http://127.0.0.1:8080/alpha".into();
    app.workflow
        .saved
        .as_mut()
        .unwrap()
        .record(&x, Redaction::On);
    x.url = "http://127.0.0.1:8080/beta".into();
    app.workflow
        .saved
        .as_mut()
        .unwrap()
        .record(&x, Redaction::On);
    app.focus = PaneId::History;
    ch(&mut app, '/');
    typed(&mut app, "alp");
    // The list follows as you type.
    assert_eq!(history_nav::view(&app).len(), 1);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.workflow.filter, "alp");
    assert_eq!(app.workflow.saved_cursor, Some(0));
    assert!(notice(&app).contains("1 of 2"), "{}", notice(&app));
    key(&mut app, KeyCode::Enter);
    assert!(app.form.url.ends_with("/alpha"), "{}", app.form.url);
    // r: redaction off, said so in the status bar.
    app.focus = PaneId::History;
    ch(&mut app, 'r');
    assert_eq!(app.workflow.redaction, Redaction::Off);
    let spans: String = status_spans(&app)
        .iter()
        .map(|s| s.content.to_string())
        .collect();
    assert!(spans.contains("NOT redacted"), "{spans}");
}

#[test]
fn a_corrupt_history_file_is_set_aside_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("history.jsonl"), "not ours\n").unwrap();
    let saved = Saved::open_at(dir.path());
    assert!(saved.entries.is_empty());
    let note = saved.note.clone().unwrap_or_default();
    assert!(note.contains("set aside"), "{note}");
    let mut app = fixture::app();
    app.workflow.saved = Some(saved);
    let spans: String = status_spans(&app)
        .iter()
        .map(|s| s.content.to_string())
        .collect();
    assert!(spans.contains("set aside"), "{spans}");
}
