//! `update` without a terminal or a runtime: each key's effect on state
//! and the commands it asks the worker for.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::tui::app::{Mode, PaneId, WireView};
use crate::tui::entry::EntryState;
use crate::tui::fixture;
use crate::tui::form::Field;
use crate::worker::Command;

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Command> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(key(app, KeyCode::Char(c)).is_empty());
    }
}

fn sent_id(cmds: &[Command]) -> u64 {
    match cmds {
        [Command::Send(id, _)] => *id,
        other => panic!("expected one Send, got {other:?}"),
    }
}

#[test]
fn enter_on_the_prefilled_url_sends_get_to_the_demo_server() {
    let mut app = fixture::app();
    assert_eq!(app.form.field, Field::Url);
    let cmds = key(&mut app, KeyCode::Enter);
    match &cmds[..] {
        [Command::Send(1, spec)] => {
            assert_eq!(spec.method, "GET");
            assert_eq!(spec.url, "http://127.0.0.1:8080/get");
            // The pre-filled X-Request-ID row is off, so it is not sent.
            assert_eq!(
                spec.headers,
                vec![("Accept".to_string(), "application/json".to_string())]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(app.in_flight());
    assert_eq!(app.selected, Some(0));
}

#[test]
fn send_keys_work_from_every_pane_and_while_typing() {
    let mut app = fixture::app();
    for pane in PaneId::ALL {
        app.focus = pane;
        sent_id(&key(&mut app, KeyCode::F(5)));
        sent_id(&ctrl(&mut app, 's'));
    }
    app.focus = PaneId::Request;
    key(&mut app, KeyCode::Char('i'));
    assert!(app.editing());
    typed(&mut app, "x");
    let cmds = ctrl(&mut app, 'r');
    sent_id(&cmds);
    match &cmds[0] {
        Command::Send(_, spec) => assert!(spec.url.ends_with("/getx"), "{}", spec.url),
        _ => unreachable!(),
    }
    assert!(
        !app.editing(),
        "sending keeps what was typed and leaves the field"
    );
}

#[test]
fn esc_cancels_the_exchange_in_flight_at_once() {
    let mut app = fixture::app();
    let id = sent_id(&key(&mut app, KeyCode::Enter));
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(cmds, vec![Command::Cancel(id)]);
    assert_eq!(app.entries[0].state, EntryState::Cancelled);
    assert!(!app.in_flight());
    assert!(app.notice.as_deref().unwrap_or("").contains("cancelled"));
    // A second Esc has nothing to cancel.
    assert!(key(&mut app, KeyCode::Esc).is_empty());
}

#[test]
fn q_quits_when_navigating_and_types_q_while_editing() {
    let mut app = fixture::app();
    key(&mut app, KeyCode::Char('e'));
    assert!(matches!(
        app.mode,
        Mode::EditLine {
            field: Field::Url,
            ..
        }
    ));
    typed(&mut app, "?q=1");
    assert!(!app.quit);
    assert!(app.help.is_none(), "? types a ? while editing");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Navigate);
    assert_eq!(app.form.url, "http://127.0.0.1:8080/get?q=1");
    key(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn number_keys_jump_only_when_not_editing() {
    let mut app = fixture::app();
    key(&mut app, KeyCode::Char('3'));
    assert_eq!(app.focus, PaneId::Response);
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('i'));
    typed(&mut app, "2");
    assert_eq!(app.focus, PaneId::Request);
    assert!(matches!(&app.mode, Mode::EditLine { editor, .. } if editor.text.ends_with("/get2")));
}

#[test]
fn tab_cycles_panes_and_leaves_editing() {
    let mut app = fixture::app();
    let mut seen = vec![app.focus];
    for _ in 0..7 {
        key(&mut app, KeyCode::Tab);
        seen.push(app.focus);
    }
    assert_eq!(
        seen,
        [
            PaneId::Request,
            PaneId::Wire,
            PaneId::Response,
            PaneId::Waterfall,
            PaneId::History,
            PaneId::Frames,
            PaneId::Body,
            PaneId::Request
        ]
    );
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, PaneId::Body);
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('i'));
    key(&mut app, KeyCode::Tab);
    assert_eq!((app.focus, app.editing()), (PaneId::Wire, false));
}

#[test]
fn headers_add_edit_toggle_delete() {
    let mut app = fixture::app();
    key(&mut app, KeyCode::Char('a'));
    typed(&mut app, "X-Trace: on");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.headers.len(), 3);
    assert_eq!(app.form.field, Field::Header(2));
    assert_eq!(
        (
            app.form.headers[2].name.as_str(),
            app.form.headers[2].value.as_str()
        ),
        ("X-Trace", "on")
    );
    // Edit it: the editor starts with "Name: value".
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "off");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.headers[2].value, "off");
    // Space switches it off without deleting it.
    key(&mut app, KeyCode::Char(' '));
    assert!(!app.form.headers[2].enabled);
    let spec = app.form.spec().unwrap();
    assert!(!spec.headers.iter().any(|(n, _)| n == "X-Trace"));
    key(&mut app, KeyCode::Char('d'));
    assert_eq!(app.form.headers.len(), 2);
    assert_eq!(app.form.field, Field::Header(1));
}

#[test]
fn methods_cycle_and_a_custom_one_can_be_typed() {
    let mut app = fixture::app();
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.form.method, "HEAD");
    key(&mut app, KeyCode::Char('M'));
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    typed(&mut app, "PURGE");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.method, "PURGE");
    assert_eq!(app.mode, Mode::Navigate);
}

#[test]
fn body_editor_takes_enter_and_esc_leaves_it() {
    let mut app = fixture::app();
    while app.form.field != Field::Body {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::EditBody);
    typed(&mut app, "{");
    key(&mut app, KeyCode::Enter);
    typed(&mut app, "}q");
    assert!(!app.quit);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Navigate);
    assert_eq!(app.form.spec().unwrap().body, Some(b"{\n}q".to_vec()));
}

#[test]
fn a_bad_timeout_keeps_the_field_open_with_a_reason() {
    let mut app = fixture::app();
    app.form.field = Field::ReadTimeout;
    key(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'u');
    typed(&mut app, "soon");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(
        app.mode,
        Mode::EditLine {
            field: Field::ReadTimeout,
            ..
        }
    ));
    assert!(app.notice.is_some());
    ctrl(&mut app, 'u');
    typed(&mut app, "250ms");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.options.read_timeout, Duration::from_millis(250));
}

#[test]
fn verify_toggle_and_sending_with_an_empty_url() {
    let mut app = fixture::app();
    app.form.field = Field::Verify;
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.form.options.tls.verify, crate::wire::Verify::Off);
    app.form.url.clear();
    assert!(key(&mut app, KeyCode::F(5)).is_empty());
    assert!(app.notice.is_some());
    key(&mut app, KeyCode::Char('D'));
    assert_eq!(app.form.url, "http://127.0.0.1:8080/get");
}

#[test]
fn view_toggles_help_overlay_and_theme() {
    let mut app = fixture::app();
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.wire.view, WireView::Hex);
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(app.theme_kind, crate::tui::theme::ThemeKind::Light);
    update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT)),
    );
    assert!(app.help.is_some());
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('q'));
    assert!(app.help.is_none() && !app.quit, "q closes help first");
}

#[test]
fn http2_opens_in_hex_until_the_user_picks_a_view() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::exchange());
    let (h2, _) = crate::tui::fixture_more::h2_exchanges();
    fixture::push_done(&mut app, h2);
    select(&mut app, 0);
    assert_eq!(app.wire.view, WireView::Text, "HTTP/1.1 reads as text");
    select(&mut app, 1);
    assert_eq!(app.wire.view, WireView::Hex, "HTTP/2 frames read as hex");
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.wire.view, WireView::Text);
    assert!(app.notice.as_deref().unwrap_or("").contains("text"));
    // The user's pick stands for every exchange after.
    select(&mut app, 0);
    select(&mut app, 1);
    assert_eq!(app.wire.view, WireView::Text);
}

#[test]
fn every_toggle_says_what_it_did() {
    let mut app = fixture::app();
    let panes = [
        PaneId::Request,
        PaneId::Request,
        PaneId::Waterfall,
        PaneId::Wire,
    ];
    let keys = [
        ('v', "TLS verification"),
        ('t', "theme"),
        ('l', "Waterfall"),
        ('x', "Wire"),
    ];
    for (pane, (k, words)) in panes.into_iter().zip(keys) {
        app.focus = pane;
        key(&mut app, KeyCode::Char(k));
        let notice = app.notice.clone().unwrap_or_default();
        assert!(notice.contains(words), "{k}: {notice:?}");
    }
}
