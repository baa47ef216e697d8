//! `update` without a terminal or a runtime: flows (redirects, retries):
//! hops grouped under one request, why each happened, the flow's lints,
//! Esc cancelling the whole flow at once.

use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::tui::entry::EntryState;
use crate::tui::fixture;
use crate::tui::group::{GroupKind, GroupTag};
use crate::wire::policy::{Cause, Hop, Stop};
use crate::wire::{Mark, Progress};
use crate::worker::{Command, Event};

fn key(app: &mut App, code: KeyCode) -> Vec<Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ev(app: &mut App, event: Event) -> Vec<Command> {
    update(app, Msg::Worker(event))
}

fn hop(n: u32, cause: Cause) -> Box<Hop> {
    Box::new(Hop {
        hop: n,
        attempt: 1,
        cause,
        notes: Vec::new(),
        exchange: fixture::exchange(),
    })
}

/// Sends with redirects on; returns the flow id.
fn start_flow(app: &mut App) -> u64 {
    key(app, KeyCode::Char('L'));
    assert!(app.form.options.redirects.follow);
    let cmds = key(app, KeyCode::Enter);
    match &cmds[..] {
        [Command::Flow(id, spec)] => {
            assert!(spec.options.redirects.follow);
            *id
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_flow_groups_its_hops_under_the_request() {
    let mut app = fixture::app();
    let flow = start_flow(&mut app);
    assert_eq!(app.entries.len(), 1);
    assert!(ev(&mut app, Event::HopStarted { flow, index: 0 }).is_empty());
    assert_eq!(
        app.entries.len(),
        1,
        "the first hop is the entry of the send"
    );
    let mark = |i, m| Event::HopProgress {
        flow,
        index: i,
        progress: Progress::Mark(m, Duration::from_millis(3)),
    };
    ev(&mut app, mark(0, Mark::Done));
    assert_eq!(
        app.entries[0].live.timeline.done,
        Some(Duration::from_millis(3))
    );
    ev(&mut app, Event::HopStarted { flow, index: 1 });
    ev(&mut app, Event::HopStarted { flow, index: 2 });
    assert_eq!(app.entries.len(), 3);
    assert_eq!(app.selected, Some(2), "the selection follows the flow");
    ev(&mut app, mark(1, Mark::RequestSent));
    assert!(app.entries[1].live.timeline.request_sent.is_some());
    assert!(app.entries[0].live.timeline.request_sent.is_none());
    let redirect = || Cause::Redirect {
        status: 302,
        rule: "302: method GET kept".into(),
    };
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 0,
            hop: hop(1, Cause::First),
        },
    );
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 1,
            hop: hop(2, redirect()),
        },
    );
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 2,
            hop: hop(3, redirect()),
        },
    );
    ev(
        &mut app,
        Event::FlowDone {
            flow,
            stopped: None,
        },
    );
    for (i, e) in app.entries.iter().enumerate() {
        assert_eq!(e.state, EntryState::Done);
        assert_eq!(
            e.meta.group,
            Some(GroupTag {
                group: flow,
                part: 0,
                index: i
            })
        );
        assert_eq!(e.meta.hop.as_ref().map(|h| h.hop), Some(i as u32 + 1));
    }
    let ids: Vec<u64> = app.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids, [flow, flow + 1, flow + 2], "each hop its own id");
    assert!(!app.group(flow).unwrap().running);
}

#[test]
fn a_stopped_flow_keeps_why_and_its_lints() {
    let mut app = fixture::app();
    app.form.method = "POST".into();
    let flow = start_flow(&mut app);
    ev(&mut app, Event::HopStarted { flow, index: 1 });
    let mut second = hop(
        2,
        Cause::Redirect {
            status: 302,
            rule: "302 after POST".into(),
        },
    );
    second.exchange.method = "GET".into();
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 0,
            hop: hop(1, Cause::First),
        },
    );
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 1,
            hop: second,
        },
    );
    let stop = Stop::Redirect("stopped after 1 redirects (the limit)".into());
    ev(
        &mut app,
        Event::FlowDone {
            flow,
            stopped: Some(stop),
        },
    );
    match &app.group(flow).unwrap().kind {
        GroupKind::Flow { stopped, lints, .. } => {
            assert!(stopped.as_deref().unwrap().contains("the limit"));
            assert!(
                lints.iter().any(|l| l.code == "redirect-post-to-get"),
                "{lints:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn esc_cancels_a_flow_at_once_and_drops_its_late_events() {
    let mut app = fixture::app();
    let flow = start_flow(&mut app);
    ev(&mut app, Event::HopStarted { flow, index: 1 });
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(
        cmds.iter().filter(|c| **c == Command::Cancel(flow)).count(),
        1,
        "{cmds:?}"
    );
    assert!(app.entries.iter().all(|e| e.state == EntryState::Cancelled));
    let before = app.entries.clone();
    ev(&mut app, Event::HopStarted { flow, index: 2 });
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 1,
            hop: hop(2, Cause::First),
        },
    );
    ev(
        &mut app,
        Event::FlowDone {
            flow,
            stopped: None,
        },
    );
    ev(&mut app, Event::Cancelled { id: flow });
    assert_eq!(app.entries, before);
    assert!(app.group(flow).unwrap().cancelled);
}

/// A retry wait shows in the header, counting down, and Esc during it
/// ends the whole flow at once: the next hop never starts here.
#[test]
fn esc_during_a_retry_wait_ends_the_flow() {
    let mut app = fixture::app();
    let flow = start_flow(&mut app);
    ev(&mut app, Event::HopStarted { flow, index: 0 });
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 0,
            hop: hop(1, Cause::First),
        },
    );
    assert!(!app.in_flight(), "the first hop is done");
    ev(
        &mut app,
        Event::FlowWaiting {
            flow,
            wait: Duration::from_secs(4),
            reason: "429 Too Many Requests; Retry-After: 4".into(),
        },
    );
    assert!(app.busy());
    let screen = {
        let area = ratatui::layout::Rect::new(0, 0, 140, 40);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        crate::tui::view::render(&mut app, area, &mut buf);
        (0..area.height)
            .map(|y| {
                (0..area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
    };
    let header = &screen[0];
    // The waterfall has the wait as a lane of its own.
    let lanes = screen.join("\n");
    assert!(lanes.contains("waiting to retry"), "{lanes}");
    assert!(lanes.contains(" waiting   │▒┄"), "the wait's lane: {lanes}");
    assert!(header.contains("WAITING"), "{header}");
    assert!(
        header.contains("Retry-After: 4") && header.contains("Esc cancels"),
        "{header}"
    );
    let cmds = key(&mut app, KeyCode::Esc);
    assert!(cmds.contains(&Command::Cancel(flow)), "{cmds:?}");
    assert!(!app.busy());
    assert!(app
        .notice
        .as_deref()
        .unwrap_or_default()
        .contains("wait before retrying"));
    // What the worker may still have sent starts nothing.
    assert!(ev(&mut app, Event::HopStarted { flow, index: 1 }).is_empty());
    assert_eq!(app.entries.len(), 1);
}

#[test]
fn a_hop_decodes_under_the_sessions_limits() {
    use std::io::Write;
    let mut app = fixture::app();
    app.decode.max_codings = 0;
    let flow = start_flow(&mut app);
    ev(&mut app, Event::HopStarted { flow, index: 0 });
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(br#"{"a": 1}"#).unwrap();
    let mut hop = hop(1, Cause::First);
    let resp = hop.exchange.response.as_mut().unwrap();
    resp.headers
        .push(("Content-Encoding".into(), "gzip".into()));
    resp.body = gz.finish().unwrap().into();
    resp.body_len = resp.body.len() as u64;
    let exchange = hop.exchange.clone();
    ev(
        &mut app,
        Event::HopDone {
            flow,
            index: 0,
            hop,
        },
    );
    let limited = crate::tui::entry::preview(&exchange, app.decode);
    assert_ne!(
        limited,
        crate::tui::entry::preview(&exchange, Default::default())
    );
    assert_eq!(
        app.entries[0].preview, limited,
        "--max-codings applies to hops"
    );
}
