//! The steps of a flow (part of `update`): the worker runs the flow
//! (`wire::policy::run`) and reports each hop as it starts and, with the
//! flow's end, why it happened; here each hop becomes its own history
//! entry under the request, and the flow's lints are worked out once.

use std::time::SystemTime;

use super::app::App;
use super::entry::{Entry, EntryState};
use super::group::{self, Group, GroupId, GroupKind, GroupTag, HopInfo};
use super::group_steps::{after_done, new_entry, push};
use super::update::select;
use crate::wire::policy::{Flow, Hop, Hop as EngineHop, Stop};
use crate::wire::{Progress, RequestSpec};
use crate::worker::Command;

/// Sends `spec` as a flow: redirects and retries as its options say.
pub(super) fn start_flow(app: &mut App, spec: RequestSpec) -> Vec<Command> {
    let gid = app.next_id;
    let tag = GroupTag {
        group: gid,
        part: 0,
        index: 0,
    };
    let (id, entry) = new_entry(app, &spec.method, &spec.url, tag);
    app.groups.push(Group {
        id: gid,
        title: format!("{} {}", spec.method, spec.url),
        kind: GroupKind::Flow {
            spec: Box::new(spec.clone()),
            stopped: None,
            lints: Vec::new(),
        },
        running: true,
        cancelled: false,
        waiting: None,
    });
    let mut cmds = push(app, entry);
    select(app, app.entries.len() - 1);
    cmds.push(Command::Flow(id, Box::new(spec)));
    cmds
}

/// The entry of hop `index` of flow `flow`, if still in flight.
fn hop_entry(app: &mut App, flow: GroupId, index: usize) -> Option<&mut Entry> {
    let tag = GroupTag {
        group: flow,
        part: 0,
        index,
    };
    app.entries
        .iter_mut()
        .find(|e| e.meta.group == Some(tag))
        .filter(|e| e.in_flight())
}

/// A hop starts: a new entry (the first exists since the send), shown
/// when the flow's previous hop was.
pub(super) fn on_hop_started(app: &mut App, flow: GroupId, index: usize) -> Vec<Command> {
    if !app.group(flow).is_some_and(|g| g.running) {
        return Vec::new();
    }
    if let Some(g) = app.group_mut(flow) {
        g.waiting = None;
    }
    let tag = |index| GroupTag {
        group: flow,
        part: 0,
        index,
    };
    if app.position_of(tag(index)).is_some() {
        return Vec::new();
    }
    let prev = index.checked_sub(1).and_then(|i| app.position_of(tag(i)));
    let (method, url) = prev
        .and_then(|p| app.entries.get(p))
        .map(|e| (e.method.clone(), e.url.clone()))
        .unwrap_or_default();
    let (_, entry) = new_entry(app, &method, &url, tag(index));
    let follow = prev.is_some() && app.selected == prev;
    let cmds = push(app, entry);
    if follow {
        select(app, app.entries.len() - 1);
    }
    cmds
}

/// The flow will wait before its next attempt: shown in the header,
/// counting down, until the next hop starts or Esc cancels the flow.
pub(super) fn on_flow_waiting(
    app: &mut App,
    flow: GroupId,
    wait: std::time::Duration,
    reason: String,
) {
    if let Some(g) = app.group_mut(flow).filter(|g| g.running) {
        g.waiting = Some(super::group::Waiting {
            since: std::time::Instant::now(),
            wait,
            reason,
        });
    }
}

pub(super) fn on_hop_progress(app: &mut App, flow: GroupId, index: usize, progress: Progress) {
    if let Some(e) = hop_entry(app, flow, index) {
        e.apply(progress);
    }
}

pub(super) fn on_hop_done(
    app: &mut App,
    flow: GroupId,
    index: usize,
    hop: Box<Hop>,
) -> Vec<Command> {
    let EngineHop {
        hop: n,
        attempt,
        cause,
        notes,
        exchange,
    } = *hop;
    // Every hop decodes under the session's limits, as any exchange does.
    let decode = app.decode;
    let Some(e) = hop_entry(app, flow, index) else {
        return Vec::new();
    };
    e.method = exchange.method.clone();
    e.url = exchange.url.clone();
    e.meta.hop = Some(HopInfo {
        hop: n,
        attempt,
        cause,
        notes,
    });
    let id = e.id;
    e.finish(Box::new(exchange), decode);
    after_done(app, id)
}

/// The flow ended: why it stopped, and its lints (`report::lints`).
pub(super) fn on_flow_done(app: &mut App, flow: GroupId, stopped: Option<Stop>) {
    let hops: Vec<Hop> = app
        .members(flow)
        .filter_map(|e| {
            let (h, x) = (e.meta.hop.as_ref()?, e.exchange.as_ref()?);
            Some(Hop {
                hop: h.hop,
                attempt: h.attempt,
                cause: h.cause.clone(),
                notes: h.notes.clone(),
                exchange: group::light(x),
            })
        })
        .collect();
    // Hops that never got a record (should not happen) stop at the end.
    for e in app
        .entries
        .iter_mut()
        .filter(|e| e.in_flight() && e.meta.group.is_some_and(|t| t.group == flow))
    {
        e.state = EntryState::Cancelled;
    }
    let Some(g) = app.group_mut(flow) else {
        return;
    };
    g.waiting = None;
    if g.cancelled {
        return;
    }
    g.running = false;
    if let GroupKind::Flow {
        spec,
        stopped: why,
        lints,
    } = &mut g.kind
    {
        *why = stopped.as_ref().map(|s| s.message().to_string());
        let f = Flow {
            hops,
            stopped,
            started_at: SystemTime::UNIX_EPOCH,
        };
        *lints = crate::report::lints::for_flow(spec, &f);
    }
}
