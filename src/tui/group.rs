//! Exchanges that belong together, as plain state: a flow (the hops and
//! attempts one request turned into through redirects and retries) and a
//! batch set (the same request N times, in parts that compare HTTP/2 with
//! HTTP/1.1, or one kept connection with a new one each time). Each
//! exchange is its own history entry with its own id; its `Meta` says
//! which group it belongs to. The steps that start and advance groups are
//! in `group_steps`.

use std::time::Duration;

use super::app::App;
use super::entry::Entry;
use crate::explain::Lint;
use crate::wire::policy::conditional::Validators;
use crate::wire::policy::Cause;
use crate::wire::{Exchange, HttpVersion, RequestSpec};
use crate::worker::ExchangeId;

/// A group is named by the id of its first exchange.
pub type GroupId = ExchangeId;

/// What the UI knows about an exchange beyond the exchange itself.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    pub group: Option<GroupTag>,
    /// A flow's hop, once the engine said why it happened.
    pub hop: Option<HopInfo>,
    /// A revalidation: the validators it sent.
    pub revalidation: Option<Validators>,
    /// HTTP/2: when this stream's DATA frames arrived (exchange clock),
    /// computed once when the exchange ends, for the lanes view.
    pub data_ticks: Vec<Duration>,
}

/// Where an exchange sits in its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupTag {
    pub group: GroupId,
    /// The batch part (0 for a flow).
    pub part: usize,
    /// Hop index in a flow, position in a batch part.
    pub index: usize,
}

/// Why a hop of a flow happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopInfo {
    pub hop: u32,
    pub attempt: u32,
    pub cause: Cause,
    /// What the engine changed on the user's behalf (credentials dropped…).
    pub notes: Vec<String>,
}

/// How a batch part runs its N requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    /// All at once on one session of the part's own (HTTP/2: N streams on
    /// one connection; HTTP/1.1: N connections).
    AtOnce,
    /// One after another on one session of the part's own: one kept
    /// connection.
    OneAfterAnother,
    /// One after another, each on a new session: a new connection each.
    Fresh,
}

/// One batch of a batch set.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub http: HttpVersion,
    pub mode: BatchMode,
    /// Exchanges asked of the worker.
    pub started: usize,
    pub done: usize,
    /// One after another: the ids the worker runs in order (it runs the
    /// series itself, so no UI latency lands between two requests).
    pub ids: Vec<ExchangeId>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum GroupKind {
    Flow {
        spec: Box<RequestSpec>,
        /// Why the flow ended before a final answer (escaped later).
        stopped: Option<String>,
        /// `report::lints::for_flow`, once the flow is done.
        lints: Vec<Lint>,
    },
    Batches {
        spec: Box<RequestSpec>,
        n: usize,
        parts: Vec<Part>,
        /// The part running (or the last one).
        current: usize,
    },
    /// What a captured program sent on one of its connections
    /// (`wirescope capture`), in order.
    Captured {
        connection: u64,
        /// The TLS the program spoke to the proxy, in words.
        tls: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: GroupId,
    /// "GET http://…/get ×6" — user text, escaped when drawn.
    pub title: String,
    pub kind: GroupKind,
    pub running: bool,
    pub cancelled: bool,
    /// A flow waiting before its next attempt (retry backoff, Retry-After).
    pub waiting: Option<Waiting>,
}

/// A wait the flow announced: shown counting down, cancelled by Esc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub since: std::time::Instant,
    pub wait: std::time::Duration,
    /// The engine's words ("503 Service Unavailable; Retry-After: 4").
    pub reason: String,
}

impl Group {
    pub fn is_flow(&self) -> bool {
        matches!(self.kind, GroupKind::Flow { .. })
    }

    /// The session key of batch part `part` (unique per group and part).
    pub fn session_key(&self, part: usize) -> u64 {
        self.id.wrapping_mul(16).wrapping_add(part as u64)
    }
}

impl App {
    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn group_mut(&mut self, id: GroupId) -> Option<&mut Group> {
        self.groups.iter_mut().find(|g| g.id == id)
    }

    /// The group of the exchange shown, if it has one.
    pub fn shown_group(&self) -> Option<&Group> {
        self.group(self.entry()?.meta.group?.group)
    }

    /// The exchanges of group `id` still in the history, in order.
    pub fn members(&self, id: GroupId) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(move |e| e.meta.group.is_some_and(|t| t.group == id))
    }

    /// Index in `entries` of the exchange at `tag`.
    pub fn position_of(&self, tag: GroupTag) -> Option<usize> {
        self.entries.iter().position(|e| e.meta.group == Some(tag))
    }
}

/// "HTTP/2" or "HTTP/1.1", as the part's exchanges negotiated it (or as
/// asked, before any answered).
pub fn part_version(app: &App, group: &Group, part: usize) -> &'static str {
    let asked = match &group.kind {
        GroupKind::Batches { parts, .. } => parts.get(part).map(|p| p.http),
        GroupKind::Flow { .. } | GroupKind::Captured { .. } => None,
    };
    app.members(group.id)
        .filter(|e| e.meta.group.is_some_and(|t| t.part == part))
        .find_map(|e| e.exchange.as_ref()?.negotiated.as_ref().map(|n| n.version))
        .unwrap_or(match asked {
            Some(HttpVersion::Http2 | HttpVersion::Http2PriorKnowledge) => "HTTP/2",
            Some(HttpVersion::Http1) => "HTTP/1.1",
            _ => "HTTP",
        })
}

/// Distinct connections the part's exchanges used.
pub fn part_connections(app: &App, group: GroupId, part: usize) -> usize {
    let mut ids: Vec<u64> = app
        .members(group)
        .filter(|e| e.meta.group.is_some_and(|t| t.part == part))
        .filter_map(|e| match &e.exchange {
            Some(x) => x.connection.as_ref().map(|c| c.id),
            None => e.live.connection.map(|c| c.0),
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The part's name in words, e.g. "HTTP/2, 6 at once on 1 connection".
pub fn part_name(app: &App, group: &Group, part: usize) -> String {
    let GroupKind::Batches { parts, n, .. } = &group.kind else {
        return String::new();
    };
    let Some(p) = parts.get(part) else {
        return String::new();
    };
    let version = part_version(app, group, part);
    let conns = part_connections(app, group.id, part);
    let on = match conns {
        0 => String::new(),
        1 => " on 1 connection".to_string(),
        c => format!(" on {c} connections"),
    };
    match p.mode {
        BatchMode::AtOnce => format!("{version}, {n} at once{on}"),
        BatchMode::OneAfterAnother => format!("{version}, {n} one after another{on}"),
        BatchMode::Fresh => format!("{version}, {n} each on a new connection"),
    }
}

/// The part's name in a few words, e.g. "HTTP/2 at once".
pub fn part_short(app: &App, group: &Group, part: usize) -> String {
    let mode = match &group.kind {
        GroupKind::Batches { parts, .. } => parts.get(part).map(|p| p.mode),
        GroupKind::Flow { .. } | GroupKind::Captured { .. } => None,
    };
    let how = match mode {
        Some(BatchMode::AtOnce) => "at once",
        Some(BatchMode::OneAfterAnother) => "in turn",
        Some(BatchMode::Fresh) => "new conns",
        None => "",
    };
    format!("{} {how}", part_version(app, group, part))
}

/// An exchange without its bytes and bodies: enough for the flow lints,
/// which read methods, statuses and headers.
pub fn light(ex: &Exchange) -> Exchange {
    Exchange {
        method: ex.method.clone(),
        url: ex.url.clone(),
        transcript: Default::default(),
        timeline: ex.timeline.clone(),
        response: ex.response.as_ref().map(|r| {
            // The body is cloned once and dropped: the flow's end only.
            let mut r = r.clone();
            r.body = Default::default();
            r
        }),
        connection: None,
        tls: None,
        negotiated: ex.negotiated.clone(),
        h2: None,
        h3: None,
        insecure: ex.insecure,
        warnings: Vec::new(),
        error: ex.error.clone(),
    }
}

/// When this exchange's DATA frames arrived (HTTP/2 only), as
/// `report::lanes` marks them.
pub fn data_ticks(ex: &Exchange) -> Vec<Duration> {
    let (Some(cap), Some(conn)) = (&ex.h2, crate::report::h2view::frames(ex)) else {
        return Vec::new();
    };
    conn.items
        .iter()
        .filter_map(|i| i.frame())
        .filter(|f| {
            f.stream == cap.stream
                && f.type_name == "DATA"
                && f.dir == crate::wire::exchange::Dir::Received
        })
        .map(|f| f.at)
        .collect()
}
