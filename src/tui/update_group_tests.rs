//! `update` without a terminal or a runtime: batch sets (parts sequenced,
//! each exchange its own id), revalidation, the cookie jar, the new
//! options and keys, picking HTTP/2 frames. Flows: `update_flow_tests`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::tui::app::PaneId;
use crate::tui::entry::EntryState;
use crate::tui::fixture;
use crate::tui::form::Field;
use crate::tui::group::GroupKind;
use crate::wire::policy::conditional::Validators;
use crate::wire::HttpVersion;
use crate::worker::{Command, Event, SessionChoice};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ev(app: &mut App, event: Event) -> Vec<Command> {
    update(app, Msg::Worker(event))
}

fn done(app: &mut App, id: u64) -> Vec<Command> {
    ev(
        app,
        Event::Done {
            id,
            exchange: Box::new(fixture::exchange()),
        },
    )
}

/// The ids and sessions of the `SendIn`s among `cmds`.
fn sends(cmds: &[Command]) -> Vec<(u64, SessionChoice, HttpVersion)> {
    cmds.iter()
        .filter_map(|c| match c {
            Command::SendIn { id, spec, session } => Some((*id, *session, spec.options.http)),
            _ => None,
        })
        .collect()
}

/// The ids and session of the `SendSeries` among `cmds`.
fn series(cmds: &[Command]) -> Option<(Vec<u64>, SessionChoice, HttpVersion)> {
    cmds.iter().find_map(|c| match c {
        Command::SendSeries { ids, spec, session } => {
            Some((ids.clone(), *session, spec.options.http))
        }
        _ => None,
    })
}

/// The worker runs a series: each exchange starts, then ends.
fn run_series(app: &mut App, ids: &[u64]) -> Vec<Command> {
    let mut last = Vec::new();
    for id in ids {
        assert!(ev(app, Event::Started { id: *id }).is_empty());
        assert!(app.entries.iter().any(|e| e.id == *id && e.in_flight()));
        last = done(app, *id);
    }
    last
}

#[test]
fn parallel_runs_an_h2_batch_then_http1_batches_each_exchange_its_own_id() {
    let mut app = fixture::app();
    app.form.options.http = HttpVersion::Http2PriorKnowledge;
    app.form.parallel = 3;
    let cmds = key(&mut app, KeyCode::Char('P'));
    let first = sends(&cmds);
    assert_eq!(first.len(), 3, "{cmds:?}");
    let gid = first[0].0;
    let key0 = match first[0].1 {
        SessionChoice::Batch(k) => k,
        other => panic!("{other:?}"),
    };
    assert!(first.iter().all(
        |(_, s, v)| *s == SessionChoice::Batch(key0) && *v == HttpVersion::Http2PriorKnowledge
    ));
    let ids: Vec<u64> = first.iter().map(|s| s.0).collect();
    assert_eq!(ids, [gid, gid + 1, gid + 2]);
    assert_eq!(app.entries.len(), 3);
    assert!(app
        .entries
        .iter()
        .all(|e| e.meta.group.is_some_and(|t| t.group == gid && t.part == 0)));
    assert_eq!(app.shown_group().map(|g| g.id), Some(gid));
    // Two of three done: nothing new yet.
    assert!(done(&mut app, ids[0]).is_empty());
    assert!(done(&mut app, ids[1]).is_empty());
    // The last one ends the part: its session goes, part 2 starts: one
    // after another over HTTP/1.1, run by the worker as a series.
    let cmds = done(&mut app, ids[2]);
    assert!(cmds.contains(&Command::EndSession(key0)));
    let (ids2, session, http) = series(&cmds).expect("a series");
    assert_eq!(ids2, [gid + 3, gid + 4, gid + 5]);
    assert!(matches!(session, SessionChoice::Batch(k) if k != key0));
    assert_eq!(http, HttpVersion::Http1);
    assert_eq!(app.entries.len(), 3, "entries appear as each starts");
    // Part 3: all at once over HTTP/1.1.
    let cmds = run_series(&mut app, &ids2);
    let third = sends(&cmds);
    assert_eq!(third.len(), 3);
    assert!(third.iter().all(|s| s.2 == HttpVersion::Http1));
    for (id, ..) in &third {
        done(&mut app, *id);
    }
    let g = app.group(gid).unwrap();
    assert!(!g.running && !g.cancelled);
    assert_eq!(app.members(gid).count(), 9);
    let parts: Vec<usize> = app
        .members(gid)
        .map(|e| e.meta.group.unwrap().part)
        .collect();
    assert_eq!(parts, [0, 0, 0, 1, 1, 1, 2, 2, 2]);
    match &g.kind {
        GroupKind::Batches { parts, .. } => {
            assert!(parts.iter().all(|p| p.started == 3 && p.done == 3))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn parallel_over_plain_http_says_why_there_is_no_h2_batch() {
    let mut app = fixture::app();
    let cmds = key(&mut app, KeyCode::Char('P'));
    let (ids, ..) = series(&cmds).expect("HTTP/1.1 one after another first");
    assert_eq!(ids.len(), 6);
    assert!(app
        .notice
        .as_deref()
        .unwrap_or("")
        .contains("h2c prior knowledge"));
}

#[test]
fn kept_vs_new_connection_uses_a_fresh_session_per_request_in_part_two() {
    let mut app = fixture::app();
    app.form.parallel = 2;
    let (ids, session, _) = series(&key(&mut app, KeyCode::Char('S'))).unwrap();
    assert!(matches!(session, SessionChoice::Batch(_)));
    let cmds = run_series(&mut app, &ids);
    let (ids, session, _) = series(&cmds).expect("part two");
    assert_eq!(session, SessionChoice::Fresh);
    let cmds = run_series(&mut app, &ids);
    assert!(series(&cmds).is_none() && sends(&cmds).is_empty());
    assert!(!app.groups[0].running);
    assert_eq!(app.entries.len(), 4);
}

#[test]
fn esc_stops_a_batch_set_where_it_is() {
    let mut app = fixture::app();
    app.form.parallel = 2;
    let (ids, ..) = series(&key(&mut app, KeyCode::Char('S'))).unwrap();
    ev(&mut app, Event::Started { id: ids[0] });
    let cmds = key(&mut app, KeyCode::Esc);
    assert!(cmds.contains(&Command::Cancel(ids[0])));
    assert!(cmds.iter().any(|c| matches!(c, Command::EndSession(_))));
    // Late events start nothing.
    assert!(done(&mut app, ids[0]).is_empty());
    assert!(ev(&mut app, Event::Started { id: ids[1] }).is_empty());
    assert_eq!(app.entries.len(), 1);
    assert_eq!(app.entries[0].state, EntryState::Cancelled);
    assert!(app.groups[0].cancelled);
}

#[test]
fn revalidate_asks_the_worker_and_shows_what_it_sent() {
    let mut app = fixture::app();
    let cmds = key(&mut app, KeyCode::Char('R'));
    let id = match &cmds[..] {
        [Command::Revalidate(id, spec)] => {
            assert_eq!(spec.url, "http://127.0.0.1:8080/get");
            *id
        }
        other => panic!("{other:?}"),
    };
    // Nothing remembered: the entry goes, a notice says why.
    ev(
        &mut app,
        Event::Revalidating {
            id,
            validators: None,
        },
    );
    assert!(app.entries.is_empty() && app.selected.is_none());
    assert!(app
        .notice
        .as_deref()
        .unwrap()
        .contains("nothing to revalidate"));
    let cmds = key(&mut app, KeyCode::Char('R'));
    let Command::Revalidate(id, _) = &cmds[0] else {
        panic!("{cmds:?}")
    };
    let v = Validators {
        etag: Some("\"abc\"".into()),
        last_modified: None,
        body_len: 81,
    };
    ev(
        &mut app,
        Event::Revalidating {
            id: *id,
            validators: Some(v.clone()),
        },
    );
    done(&mut app, *id);
    assert_eq!(app.entries[0].meta.revalidation, Some(v));
    assert_eq!(app.entries[0].state, EntryState::Done);
}

#[test]
fn the_cookie_jar_view_asks_and_closes_with_esc() {
    let mut app = fixture::app();
    let id = match &key(&mut app, KeyCode::F(5))[..] {
        [Command::Send(id, _)] => *id,
        other => panic!("{other:?}"),
    };
    assert_eq!(key(&mut app, KeyCode::Char('c')), [Command::Cookies]);
    assert!(app.jar.is_some() && app.key_state().help);
    let c = crate::worker::Cookie {
        name: "flavor".into(),
        value: "oatmeal-raisin".into(),
        domain: "127.0.0.1".into(),
        path: "/".into(),
    };
    ev(&mut app, Event::Cookies(vec![c.clone()]));
    assert_eq!(app.jar.as_ref().unwrap().cookies, Some(vec![c]));
    // While open, a finished exchange refreshes it.
    assert!(done(&mut app, id).contains(&Command::Cookies));
    key(&mut app, KeyCode::Esc);
    assert!(app.jar.is_none() && app.help.is_none());
    assert!(!done(&mut app, 99).contains(&Command::Cookies));
}

#[test]
fn options_rows_toggle_and_keys_zoom_and_reach_frames() {
    let mut app = fixture::app();
    app.form.field = Field::Http;
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.options.http, HttpVersion::Http1);
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.form.options.http, HttpVersion::Http2);
    app.form.field = Field::Parallel;
    key(&mut app, KeyCode::Enter);
    assert!(app.editing());
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Char('9'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.form.parallel, 9);
    key(&mut app, KeyCode::Char('6'));
    assert_eq!(app.focus, PaneId::Frames);
    key(&mut app, KeyCode::Char('z'));
    assert!(app.zoom);
}

#[test]
fn picking_a_frame_lights_up_its_bytes() {
    let mut app = crate::tui::fixture_more::h2_app();
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    crate::tui::view::prepare(&mut app, area);
    assert!(app.frames.model.ready);
    key(&mut app, KeyCode::Char('6'));
    key(&mut app, KeyCode::Down);
    crate::tui::view::prepare(&mut app, area);
    let (dir, range) = app.wire.model.highlight.clone().expect("a frame picked");
    let e = &app.entries[1];
    let bytes = match dir {
        crate::wire::exchange::Dir::Sent => e.sent(),
        crate::wire::exchange::Dir::Received => e.received(),
    };
    // A frame's first 3 bytes are its payload length.
    let len = u32::from_be_bytes([
        0,
        bytes[range.start],
        bytes[range.start + 1],
        bytes[range.start + 2],
    ]);
    assert_eq!(range.len(), 9 + len as usize);
    // A response header of an HTTP/2 exchange lights up its HEADERS frame.
    key(&mut app, KeyCode::Char('3'));
    key(&mut app, KeyCode::Down);
    crate::tui::view::prepare(&mut app, area);
    assert!(!app.frames.picked);
    let (dir, range) = app.wire.model.highlight.clone().expect("a header picked");
    assert_eq!(dir, crate::wire::exchange::Dir::Received);
    assert_eq!(
        app.entries[1].received()[range.start + 3],
        0x1,
        "a HEADERS frame"
    );
}
