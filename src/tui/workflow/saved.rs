//! The history that survives restarts, as the TUI holds it: a copy of the
//! stored entries for the History pane (and its search), and a writer
//! thread that owns the `History` file. Recording an exchange never
//! blocks the UI: the entry is shown at once, and the file (rewritten
//! atomically by `formats::history`, up to its size cap) is written off
//! the UI thread. A file that could not be read was set aside by
//! `History`; its note is kept here for the status bar.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::formats::{History, HistoryEntry, HistoryLimits, Redaction};
use crate::wire::Exchange;

/// Where tests (and people who want it elsewhere) put the history.
pub const DIR_VAR: &str = crate::formats::history::HISTORY_DIR_VAR;

enum Job {
    Record(Box<HistoryEntry>),
    Flush(Sender<()>),
}

/// What the writer answers after each record.
struct Reply {
    /// Entries the file holds now (older ones were dropped by the bounds).
    kept: usize,
    error: Option<String>,
}

#[derive(Debug)]
struct Writer {
    jobs: Mutex<Option<Sender<Job>>>,
    replies: Mutex<Receiver<Reply>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Writer {
    /// Lets the thread finish what it was given, so nothing recorded is
    /// lost when the app ends.
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
        if let Some(t) = self.thread.lock().ok().and_then(|mut t| t.take()) {
            let _ = t.join();
        }
    }
}

/// The persisted history, as shown.
#[derive(Debug, Clone)]
pub struct Saved {
    /// Oldest first, as the file keeps them, without their wire bytes.
    pub entries: Vec<HistoryEntry>,
    /// A file set aside, a write that failed: for the status bar.
    pub note: Option<String>,
    pub path: PathBuf,
    /// Records sent to the writer and not answered yet.
    pending: usize,
    writer: Arc<Writer>,
}

impl Saved {
    /// The history in `WIRESCOPE_HISTORY_DIR` when set, else in the
    /// platform's data directory. Never fails: when there is nowhere to
    /// keep it, the note says so and nothing is written.
    pub fn open_default() -> Result<Saved, String> {
        History::open_user().map(Saved::from_history)
    }

    /// The history kept in `dir`.
    pub fn open_at(dir: &Path) -> Saved {
        let (h, _) = History::open_at(dir, HistoryLimits::default());
        Saved::from_history(h)
    }

    fn from_history(h: History) -> Saved {
        let entries = h.entries().iter().cloned().map(light).collect();
        let note = h.note().map(str::to_string);
        let path = h.path();
        let (jobs, rx) = mpsc::channel::<Job>();
        let (tx, replies) = mpsc::channel::<Reply>();
        let thread = std::thread::Builder::new()
            .name("wirescope-history".into())
            .spawn(move || run(h, rx, tx))
            .ok();
        let note = match (&thread, note) {
            (None, n) => Some(n.map_or_else(
                || "history not saved: cannot start its writer".to_string(),
                |n| format!("{n}; history not saved: cannot start its writer"),
            )),
            (_, n) => n,
        };
        Saved {
            entries,
            note,
            path,
            pending: 0,
            writer: Arc::new(Writer {
                jobs: Mutex::new(thread.as_ref().map(|_| jobs)),
                replies: Mutex::new(replies),
                thread: Mutex::new(thread),
            }),
        }
    }

    /// Shows `ex` at once and has it written.
    pub fn record(&mut self, ex: &Exchange, redaction: Redaction) {
        // One entry (its bytes capped) for both the list and the writer:
        // the exchange itself, bodies and all, is never copied.
        let entry = HistoryEntry::from_exchange(ex, redaction);
        self.entries.push(light(entry.clone()));
        let sent = self
            .writer
            .jobs
            .lock()
            .ok()
            .and_then(|jobs| jobs.as_ref().map(|j| j.send(Job::Record(Box::new(entry)))));
        if matches!(sent, Some(Ok(()))) {
            self.pending += 1;
        }
        self.poll();
    }

    /// Takes the writer's answers: drops what the file's bounds dropped,
    /// keeps the last error for the status bar.
    pub fn poll(&mut self) {
        let Ok(rx) = self.writer.replies.lock() else {
            return;
        };
        while let Ok(r) = rx.try_recv() {
            self.pending = self.pending.saturating_sub(1);
            let want = r.kept + self.pending;
            if self.entries.len() > want {
                self.entries.drain(..self.entries.len() - want);
            }
            if let Some(e) = r.error {
                self.note = Some(e);
            }
        }
    }

    /// Waits (a few seconds at most) until everything recorded is on disk.
    pub fn flush(&mut self) {
        let (tx, rx) = mpsc::channel();
        let sent = self
            .writer
            .jobs
            .lock()
            .ok()
            .and_then(|j| j.as_ref().map(|j| j.send(Job::Flush(tx))));
        if matches!(sent, Some(Ok(()))) {
            let _ = rx.recv_timeout(Duration::from_secs(10));
        }
        self.poll();
    }

    /// Entry indices (into `entries`) matching `query`, newest first.
    pub fn view(&self, query: &str) -> Vec<usize> {
        let q = query.trim();
        (0..self.entries.len())
            .rev()
            .filter(|&i| q.is_empty() || self.entries[i].matches(q))
            .collect()
    }
}

/// What the pane needs of an entry: the wire bytes stay in the file (and
/// the writer's copy), not twice more in memory. The request (headers and
/// body) is kept: it is what Enter loads.
fn light(mut e: HistoryEntry) -> HistoryEntry {
    e.sent = Vec::new();
    e.received = Vec::new();
    e
}

fn run(mut h: History, jobs: Receiver<Job>, replies: Sender<Reply>) {
    for job in jobs {
        match job {
            Job::Record(entry) => {
                let error = h.record_entry(*entry).err();
                let kept = h.entries().len();
                if replies.send(Reply { kept, error }).is_err() {
                    return;
                }
            }
            Job::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}
