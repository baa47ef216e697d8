//! One exchange of the session as the UI knows it: live while in flight
//! (marks and bytes from the worker's progress events), then the engine's
//! `Exchange` record once done. The history is a list of these.

use crate::decode::coding::DecodeLimits;
use std::time::{Duration, Instant, SystemTime};

use crate::wire::exchange::Dir;
use crate::wire::timeline::Span;
use crate::wire::{Exchange, Progress, Response, Timeline};
use crate::worker::ExchangeId;

/// Where an exchange stands, as the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryState {
    InFlight,
    /// Ended; the record says whether with an error.
    Done,
    /// Cancelled by the user; what was seen until then is kept.
    Cancelled,
}

/// What progress events told so far. Byte buffers grow only while the
/// engine still sends `kept` bytes, so they are capped by the engine's cap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    pub timeline: Timeline,
    pub sent: Vec<u8>,
    pub received: Vec<u8>,
    pub sent_total: u64,
    pub received_total: u64,
    pub connection: Option<(u64, bool)>,
}

/// A body preview, computed once when the exchange ends.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    /// What the preview is ("JSON, pretty-printed", "text", "binary").
    pub kind: String,
    /// Lines safe to print (escaped).
    pub lines: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: ExchangeId,
    pub method: String,
    pub url: String,
    pub state: EntryState,
    /// When the UI sent it (elapsed time while in flight comes from here).
    pub started: Instant,
    /// Time since `started`, updated every frame while in flight.
    pub elapsed: Duration,
    pub live: Live,
    pub exchange: Option<Box<Exchange>>,
    pub preview: Preview,
    /// Group, hop, revalidation (`group::Meta`).
    pub meta: super::group::Meta,
    /// Its bytes are in the session's parking file (`parking`).
    pub parked: Option<super::parking::Parked>,
}

impl Entry {
    pub fn new(id: ExchangeId, method: &str, url: &str, started: Instant) -> Self {
        let mut timeline = Timeline::new(SystemTime::now());
        timeline.tls = url
            .trim_start()
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        Entry {
            id,
            method: method.into(),
            url: url.into(),
            state: EntryState::InFlight,
            started,
            elapsed: Duration::ZERO,
            live: Live {
                timeline,
                sent: Vec::new(),
                received: Vec::new(),
                sent_total: 0,
                received_total: 0,
                connection: None,
            },
            exchange: None,
            preview: Preview::default(),
            meta: Default::default(),
            parked: None,
        }
    }

    pub fn in_flight(&self) -> bool {
        self.state == EntryState::InFlight
    }

    pub fn apply(&mut self, progress: Progress) {
        let live = &mut self.live;
        match progress {
            Progress::Mark(mark, at) => {
                live.timeline.mark(mark, at);
                self.elapsed = self.elapsed.max(at);
            }
            Progress::Bytes { dir, len, kept, .. } => {
                let (buf, total) = match dir {
                    Dir::Sent => (&mut live.sent, &mut live.sent_total),
                    Dir::Received => (&mut live.received, &mut live.received_total),
                };
                buf.extend_from_slice(&kept);
                *total += len as u64;
            }
            Progress::Connection { id, reused } => {
                live.timeline.reused = reused;
                live.connection = Some((id, reused));
            }
        }
    }

    /// Takes the engine's record; the live buffers are dropped so the bytes
    /// are held once.
    /// `decode`: how far the body preview may undo content codings.
    pub fn finish(&mut self, exchange: Box<Exchange>, decode: DecodeLimits) {
        self.elapsed = exchange.timeline.done.unwrap_or(self.elapsed);
        self.preview = preview(&exchange, decode);
        self.live.sent = Vec::new();
        self.live.received = Vec::new();
        self.exchange = Some(exchange);
        self.state = EntryState::Done;
    }

    pub fn timeline(&self) -> &Timeline {
        self.exchange
            .as_ref()
            .map_or(&self.live.timeline, |x| &x.timeline)
    }

    /// The waterfall; a cancelled exchange's open phase ends at the cancel.
    pub fn spans(&self) -> Vec<Span> {
        match self.state {
            EntryState::Done => self.timeline().spans(None),
            _ => self.timeline().spans(Some(self.elapsed)),
        }
    }

    pub fn sent(&self) -> &[u8] {
        self.exchange
            .as_ref()
            .map_or(&self.live.sent, |x| &x.transcript.sent)
    }

    pub fn received(&self) -> &[u8] {
        self.exchange
            .as_ref()
            .map_or(&self.live.received, |x| &x.transcript.received)
    }

    pub fn totals(&self) -> (u64, u64) {
        match &self.exchange {
            Some(x) => (x.transcript.sent_total, x.transcript.received_total),
            None => (self.live.sent_total, self.live.received_total),
        }
    }

    pub fn response(&self) -> Option<&Response> {
        self.exchange.as_ref().and_then(|x| x.response.as_ref())
    }

    pub fn insecure(&self) -> bool {
        self.exchange.as_ref().is_some_and(|x| x.insecure)
    }

    /// The bytes are final (no more will arrive).
    pub fn complete(&self) -> bool {
        self.state != EntryState::InFlight
    }
}

/// Body preview: content codings undone, JSON pretty-printed in key
/// order, text as text, binary summarised; bounded work (`body_preview`).
pub fn preview(exchange: &Exchange, decode: DecodeLimits) -> Preview {
    super::body_preview::preview(exchange, decode)
}
