//! `update` without a terminal or a runtime: worker events (live progress,
//! late events), selection across panes, the mouse and the wire view.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::*;
use crate::tui::app::{PaneId, WireView};
use crate::tui::entry::EntryState;
use crate::tui::fixture;
use crate::wire::exchange::Dir;
use crate::wire::{Mark, Progress};
use crate::worker::{Command, Event};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn sent_id(cmds: &[Command]) -> u64 {
    match cmds {
        [Command::Send(id, _)] => *id,
        other => panic!("expected one Send, got {other:?}"),
    }
}

#[test]
fn late_events_of_a_cancelled_exchange_are_dropped() {
    let mut app = fixture::app();
    let id = sent_id(&key(&mut app, KeyCode::Enter));
    key(&mut app, KeyCode::Esc);
    let before = app.entries[0].clone();
    update(
        &mut app,
        Msg::Worker(Event::Progress {
            id,
            progress: Progress::Bytes {
                dir: Dir::Received,
                at: Duration::ZERO,
                len: 3,
                kept: b"abc".to_vec(),
            },
        }),
    );
    update(
        &mut app,
        Msg::Worker(Event::Done {
            id,
            exchange: Box::new(fixture::exchange()),
        }),
    );
    update(&mut app, Msg::Worker(Event::Cancelled { id }));
    assert_eq!(app.entries[0], before);
    // Events for ids never sent are dropped too.
    update(
        &mut app,
        Msg::Worker(Event::Done {
            id: 99,
            exchange: Box::new(fixture::exchange()),
        }),
    );
    assert_eq!(app.entries.len(), 1);
}

#[test]
fn progress_builds_the_live_view_and_done_replaces_it() {
    let mut app = fixture::app();
    let id = sent_id(&key(&mut app, KeyCode::Enter));
    let ev = |progress| Msg::Worker(Event::Progress { id, progress });
    update(
        &mut app,
        ev(Progress::Connection {
            id: 4,
            reused: true,
        }),
    );
    update(
        &mut app,
        ev(Progress::Mark(Mark::RequestSent, Duration::from_millis(2))),
    );
    update(
        &mut app,
        ev(Progress::Bytes {
            dir: Dir::Sent,
            at: Duration::ZERO,
            len: 4,
            kept: b"GET ".to_vec(),
        }),
    );
    // Past the engine's keep cap, bytes are counted, not kept.
    update(
        &mut app,
        ev(Progress::Bytes {
            dir: Dir::Received,
            at: Duration::ZERO,
            len: 10,
            kept: Vec::new(),
        }),
    );
    let e = &app.entries[0];
    assert_eq!(e.live.sent, b"GET ");
    assert_eq!(e.totals(), (4, 10));
    assert!(e.timeline().reused);
    assert_eq!(e.live.connection, Some((4, true)));
    let started = e.started;
    update(&mut app, Msg::Tick(started + Duration::from_millis(50)));
    assert_eq!(app.entries[0].elapsed, Duration::from_millis(50));
    update(
        &mut app,
        Msg::Worker(Event::Done {
            id,
            exchange: Box::new(fixture::exchange()),
        }),
    );
    let e = &app.entries[0];
    assert_eq!(e.state, EntryState::Done);
    assert!(e.live.sent.is_empty(), "bytes are held once");
    assert_eq!(e.sent(), fixture::REQUEST);
    assert_eq!(e.elapsed, Duration::from_secs_f64(0.0131));
    assert!(e.preview.kind.starts_with("JSON"), "{}", e.preview.kind);
}

#[test]
fn response_header_selection_highlights_wire_bytes() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::exchange());
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.response.header, Some(1));
    assert!(app.wire.follow_highlight);
    for _ in 0..20 {
        key(&mut app, KeyCode::Down);
    }
    assert_eq!(app.response.header, Some(4), "clamped to the last header");
    crate::tui::view::prepare(&mut app, ratatui::layout::Rect::new(0, 0, 120, 40));
    let (_, hl) = app.wire.model.highlight.clone().expect("highlighted");
    assert_eq!(
        &app.entries[0].received()[hl],
        b"Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
    );
}

#[test]
fn history_selection_shows_an_older_exchange() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::exchange());
    fixture::push_done(&mut app, fixture::big_exchange(100));
    key(&mut app, KeyCode::Char('5'));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.selected, Some(0));
    key(&mut app, KeyCode::End);
    assert_eq!(app.selected, Some(1));
}

#[test]
fn mouse_click_focuses_and_wheel_scrolls_the_pane_under_it() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::big_exchange(10_000));
    update(&mut app, Msg::Resize(120, 40));
    let mouse = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // Wire is bottom-left in the wide arrangement.
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 10, 30),
    );
    assert_eq!(app.focus, PaneId::Wire);
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 10, 5),
    );
    assert_eq!(app.focus, PaneId::Request);
    update(&mut app, mouse(MouseEventKind::ScrollDown, 10, 30));
    assert_eq!(app.wire.scroll, 3);
    assert_eq!(app.focus, PaneId::Request, "the wheel does not steal focus");
    // Compact arrangement: the tab bar switches panes.
    update(&mut app, Msg::Resize(80, 24));
    update(
        &mut app,
        mouse(MouseEventKind::Down(MouseButton::Left), 13, 1),
    );
    assert_eq!(app.focus, PaneId::Wire);
}

#[test]
fn toggling_the_view_keeps_the_same_bytes_on_top() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::big_exchange(100_000));
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    key(&mut app, KeyCode::Char('x'));
    crate::tui::view::prepare(&mut app, area);
    app.wire.scroll = 1000;
    crate::tui::view::prepare(&mut app, area);
    let top = app.wire.model.byte_at_row(1000);
    key(&mut app, KeyCode::Char('x'));
    crate::tui::view::prepare(&mut app, area);
    let (dir, off) = top.unwrap();
    let row = app.wire.model.row_of(dir, off);
    assert_eq!(app.wire.scroll, row);
    assert_eq!(app.wire.view, WireView::Text);
}

#[test]
fn release_events_are_ignored() {
    let mut app = fixture::app();
    let mut ev = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    ev.kind = ratatui::crossterm::event::KeyEventKind::Release;
    assert!(update(&mut app, Msg::Key(ev)).is_empty());
    let _ = Instant::now();
}

#[test]
fn clicking_a_response_header_selects_it() {
    let mut app = fixture::app();
    fixture::push_done(&mut app, fixture::exchange());
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    crate::tui::view::prepare(&mut app, area);
    // The Response pane's first inner row is row 2 in the wide layout.
    let second_header = 2 + crate::tui::panes::response::header_line(&app, 1) as u16;
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 60,
        row: second_header,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Msg::Mouse(click));
    assert_eq!(app.focus, PaneId::Response);
    assert_eq!(app.response.header, Some(1));
    crate::tui::view::prepare(&mut app, area);
    let (_, hl) = app.wire.model.highlight.clone().expect("highlighted");
    assert!(app.entries[0].received()[hl].starts_with(b"Transfer-Encoding:"));
}
