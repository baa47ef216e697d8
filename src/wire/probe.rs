//! Live reports from an exchange in flight. The engine pushes plain data
//! into a channel; whoever listens (the worker, a test) decides what to do
//! with it. A probe without a listener costs nothing.

use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::exchange::Dir;
use super::timeline::Mark;

/// Something that just happened in an exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    Mark(Mark, Duration),
    /// A read or write. `kept` holds the bytes while under the keep cap
    /// (empty past it), so a listener's memory stays bounded too.
    Bytes {
        dir: Dir,
        at: Duration,
        len: usize,
        kept: Vec<u8>,
    },
    /// The connection being used (new or reused).
    Connection {
        id: u64,
        reused: bool,
    },
}

/// Where live progress goes, if anywhere.
#[derive(Debug, Clone, Default)]
pub struct Probe(Option<UnboundedSender<Progress>>);

impl Probe {
    pub fn new(tx: UnboundedSender<Progress>) -> Self {
        Probe(Some(tx))
    }

    pub fn none() -> Self {
        Probe(None)
    }

    pub fn is_listening(&self) -> bool {
        self.0.as_ref().is_some_and(|tx| !tx.is_closed())
    }

    pub fn send(&self, p: Progress) {
        if let Some(tx) = &self.0 {
            // A listener that went away is not the exchange's problem.
            let _ = tx.send(p);
        }
    }
}
