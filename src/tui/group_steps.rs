//! The steps that start and advance groups (part of `update`: state
//! changes and worker commands, no terminal). A flow is run by the worker
//! and reported hop by hop; a batch set's parts are sequenced here (a part
//! starts when the one before it ended), while a one-after-another part is
//! run by the worker as a series, so no UI latency lands between its
//! requests and its wall time is the network's.

use std::time::Instant;

use super::app::App;
use super::entry::Entry;
use super::group::{self, BatchMode, Group, GroupId, GroupKind, GroupTag, Part};
use super::update::select;
use crate::wire::{HttpVersion, RequestSpec};
use crate::worker::{Command, ExchangeId, SessionChoice};

/// Most exchanges a batch part sends.
pub const MAX_BATCH: usize = 16;

/// Adds `entry` to the session. Every exchange stays (numbered, grouped);
/// memory is bounded by parking the oldest ones' bytes (`parking`).
pub(super) fn push(app: &mut App, entry: Entry) -> Vec<Command> {
    app.entries.push(entry);
    Vec::new()
}

pub(super) fn new_entry(
    app: &mut App,
    method: &str,
    url: &str,
    tag: GroupTag,
) -> (ExchangeId, Entry) {
    let id = app.next_id;
    app.next_id += 1;
    let mut e = Entry::new(id, method, url, Instant::now());
    e.meta.group = Some(tag);
    (id, e)
}

/// `--parallel N`'s plan: N at once over HTTP/2 when it applies, then
/// over HTTP/1.1 one after another and at once; and a note when HTTP/2
/// does not apply.
pub fn parallel_plan(spec: &RequestSpec) -> (Vec<(HttpVersion, BatchMode)>, Option<String>) {
    let tls = spec
        .url
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("https://");
    let h2 = match spec.options.http {
        HttpVersion::Http1 => None,
        HttpVersion::Http2PriorKnowledge => Some(HttpVersion::Http2PriorKnowledge),
        v if tls => Some(v),
        _ => None,
    };
    let mut plan = Vec::new();
    let note = match h2 {
        Some(v) => {
            plan.push((v, BatchMode::AtOnce));
            None
        }
        None => Some(
            "no HTTP/2 batch: plain http needs 'h2c prior knowledge' (Request options) and https auto or http2".to_string(),
        ),
    };
    plan.push((HttpVersion::Http1, BatchMode::OneAfterAnother));
    plan.push((HttpVersion::Http1, BatchMode::AtOnce));
    (plan, note)
}

/// `--repeat N`'s plan: one kept connection, then a new one each time.
pub fn repeat_plan(spec: &RequestSpec) -> Vec<(HttpVersion, BatchMode)> {
    let http = spec.options.http;
    vec![(http, BatchMode::OneAfterAnother), (http, BatchMode::Fresh)]
}

/// Starts a batch set: `n` times `spec` per part of `plan`, part by part.
/// Batches send plain exchanges: no redirects, no retries.
pub(super) fn start_batches(
    app: &mut App,
    mut spec: RequestSpec,
    n: usize,
    plan: Vec<(HttpVersion, BatchMode)>,
    what: &str,
) -> Vec<Command> {
    spec.options.redirects.follow = false;
    spec.options.retry.attempts = 1;
    let n = n.clamp(1, MAX_BATCH);
    let gid = app.next_id;
    app.groups.push(Group {
        id: gid,
        title: format!("{} {} ×{n}: {what}", spec.method, spec.url),
        kind: GroupKind::Batches {
            spec: Box::new(spec),
            n,
            parts: plan
                .into_iter()
                .map(|(http, mode)| Part {
                    http,
                    mode,
                    started: 0,
                    done: 0,
                    ids: Vec::new(),
                })
                .collect(),
            current: 0,
        },
        running: true,
        cancelled: false,
        waiting: None,
    });
    let first = app.entries.len();
    let cmds = start_part(app, gid, 0);
    if app.entries.len() > first {
        select(app, first);
    }
    cmds
}

/// Starts part `k`: all N at once, or a series the worker runs in order
/// (its entries appear as each starts: `on_started`).
fn start_part(app: &mut App, gid: GroupId, k: usize) -> Vec<Command> {
    let (mode, n) = match app.group(gid).map(|g| &g.kind) {
        Some(GroupKind::Batches { parts, n, .. }) => match parts.get(k) {
            Some(p) => (p.mode, *n),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    if mode == BatchMode::AtOnce {
        if let Some(GroupKind::Batches { current, .. }) = app.group_mut(gid).map(|g| &mut g.kind) {
            *current = k;
        }
        return (0..n).flat_map(|_| send_next(app, gid, k)).collect();
    }
    let ids: Vec<ExchangeId> = (0..n as u64).map(|i| app.next_id + i).collect();
    app.next_id += n as u64;
    let Some(g) = app.group_mut(gid) else {
        return Vec::new();
    };
    let key = g.session_key(k);
    let GroupKind::Batches {
        spec,
        parts,
        current,
        ..
    } = &mut g.kind
    else {
        return Vec::new();
    };
    *current = k;
    let part = &mut parts[k];
    part.started = n;
    part.ids = ids.clone();
    let mut spec = spec.clone();
    spec.options.http = part.http;
    let session = match mode {
        BatchMode::Fresh => SessionChoice::Fresh,
        _ => SessionChoice::Batch(key),
    };
    vec![Command::SendSeries { ids, spec, session }]
}

/// The worker started exchange `id` of a series: its entry appears.
pub(super) fn on_started(app: &mut App, id: ExchangeId) -> Vec<Command> {
    let found = app.groups.iter().find_map(|g| match &g.kind {
        GroupKind::Batches { parts, spec, .. } if g.running => {
            parts.iter().enumerate().find_map(|(k, p)| {
                let index = p.ids.iter().position(|i| *i == id)?;
                Some((g.id, k, index, spec.method.clone(), spec.url.clone()))
            })
        }
        _ => None,
    });
    let Some((gid, part, index, method, url)) = found else {
        return Vec::new();
    };
    let mut e = Entry::new(id, &method, &url, Instant::now());
    e.meta.group = Some(GroupTag {
        group: gid,
        part,
        index,
    });
    let first = app.members(gid).next().is_none();
    let cmds = push(app, e);
    if first {
        select(app, app.entries.len() - 1);
    }
    cmds
}

/// Sends the next exchange of part `k`.
fn send_next(app: &mut App, gid: GroupId, k: usize) -> Vec<Command> {
    let Some(g) = app.group(gid) else {
        return Vec::new();
    };
    let key = g.session_key(k);
    let GroupKind::Batches { spec, parts, .. } = &g.kind else {
        return Vec::new();
    };
    let Some(part) = parts.get(k) else {
        return Vec::new();
    };
    let mut spec = spec.clone();
    spec.options.http = part.http;
    let session = match part.mode {
        BatchMode::Fresh => SessionChoice::Fresh,
        _ => SessionChoice::Batch(key),
    };
    let tag = GroupTag {
        group: gid,
        part: k,
        index: part.started,
    };
    if let Some(GroupKind::Batches { parts, .. }) = app.group_mut(gid).map(|g| &mut g.kind) {
        parts[k].started += 1;
    }
    let (id, entry) = new_entry(app, &spec.method, &spec.url, tag);
    let mut cmds = push(app, entry);
    cmds.push(Command::SendIn { id, spec, session });
    cmds
}

/// After exchange `id` ended: computes what the lanes view needs and, in
/// a batch set, sends the next request or starts the next part.
pub(super) fn after_done(app: &mut App, id: ExchangeId) -> Vec<Command> {
    super::workflow::record(app, id);
    super::parking::enforce(app);
    let Some(e) = app.entries.iter_mut().find(|e| e.id == id) else {
        return Vec::new();
    };
    let Some(tag) = e.meta.group else {
        return Vec::new();
    };
    if let Some(x) = &e.exchange {
        e.meta.data_ticks = group::data_ticks(x);
    }
    let Some(g) = app.group_mut(tag.group) else {
        return Vec::new();
    };
    if g.cancelled || !g.running {
        return Vec::new();
    }
    let key = g.session_key(tag.part);
    let GroupKind::Batches { parts, n, .. } = &mut g.kind else {
        return Vec::new();
    };
    let n = *n;
    let Some(part) = parts.get_mut(tag.part) else {
        return Vec::new();
    };
    part.done += 1;
    if part.done < n {
        return Vec::new();
    }
    let mut cmds = vec![Command::EndSession(key)];
    let next = tag.part + 1;
    let more = parts.len() > next;
    if more {
        cmds.extend(start_part(app, tag.group, next));
    } else {
        g.running = false;
    }
    cmds
}

/// Esc: running groups stop where they are (no next part or request);
/// flows are aborted as a whole, batch sessions dropped.
pub(super) fn on_cancel(app: &mut App) -> Vec<Command> {
    let mut cmds = Vec::new();
    for g in app.groups.iter_mut().filter(|g| g.running) {
        g.running = false;
        g.cancelled = true;
        match &g.kind {
            GroupKind::Flow { .. } => cmds.push(Command::Cancel(g.id)),
            GroupKind::Batches { parts, .. } => {
                for k in 0..parts.len() {
                    cmds.push(Command::EndSession(g.session_key(k)));
                }
            }
            // Never running: the program runs its own requests.
            GroupKind::Captured { .. } => {}
        }
    }
    cmds
}
