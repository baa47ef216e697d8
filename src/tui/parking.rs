//! A session of any length in bounded memory: finished exchanges past a
//! byte budget have their bytes (the transcript both ways, and a body that
//! is not a slice of it) parked in a temporary file, and read back when
//! selected or exported. Nothing of the session is dropped; what stays in
//! memory per parked exchange is its summary (method, URL, status,
//! timeline, headers).
//!
//! The writes happen on a writer thread (an exchange's bytes are handed
//! over, not copied), so parking never holds a frame; a read of parked
//! bytes waits until their write is done.
//!
//! Our own code: the file is a plain append log with positional reads
//! (`FileExt`), which no crate makes simpler.

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use bytes::Bytes;

use crate::wire::Exchange;

/// Bytes of finished exchanges kept in memory before the oldest are parked
/// (`--session-memory`).
pub const DEFAULT_BUDGET: usize = 64 << 20;

/// Where an exchange's bytes went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    sent: Range<u64>,
    received: Range<u64>,
    body: Body,
    /// The writer's job that holds these bytes.
    job: u64,
}

/// Bytes to write at an offset of the file.
type Job = (u64, Vec<(u64, Piece)>);

#[derive(Debug)]
enum Piece {
    Vec(Vec<u8>),
    Bytes(Bytes),
}

impl std::ops::Deref for Piece {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Piece::Vec(v) => v,
            Piece::Bytes(b) => b,
        }
    }
}

/// How long a read of parked bytes waits for their write.
const WRITE_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Body {
    None,
    /// The body was this slice of the received transcript.
    InReceived(Range<usize>),
    /// The body had bytes of its own (de-chunked, HTTP/2).
    Own(Range<u64>),
}

/// The last job written and the first write error, with the condition a
/// read waits on.
type Written = (Mutex<(u64, Option<String>)>, Condvar);

#[derive(Debug)]
struct Store {
    file: Arc<File>,
    end: AtomicU64,
    next_job: AtomicU64,
    jobs: Mutex<Option<Sender<Job>>>,
    written: Arc<Written>,
}

impl Drop for Store {
    fn drop(&mut self) {
        // The writer ends with its channel.
        if let Ok(mut j) = self.jobs.lock() {
            j.take();
        }
    }
}

/// The session's parking file (made when first needed) and its budget.
#[derive(Debug, Clone)]
pub struct Parking {
    store: Option<Arc<Store>>,
    pub budget: usize,
}

impl Default for Parking {
    fn default() -> Self {
        Parking {
            store: None,
            budget: DEFAULT_BUDGET,
        }
    }
}

/// Bytes an exchange holds in memory that parking would free.
pub fn weight(x: &Exchange) -> usize {
    let t = &x.transcript;
    let body = x
        .response
        .as_ref()
        .filter(|r| !t.received.holds(&r.body))
        .map_or(0, |r| r.body.len());
    t.sent.len() + t.received.len() + body
}

impl Parking {
    fn store(&mut self) -> std::io::Result<&Store> {
        if self.store.is_none() {
            let file = Arc::new(tempfile::tempfile()?);
            let (tx, rx) = mpsc::channel::<Job>();
            let written: Arc<Written> = Arc::new((Mutex::new((0, None)), Condvar::new()));
            let (f, w) = (file.clone(), written.clone());
            std::thread::Builder::new()
                .name("wirescope-parking".into())
                .spawn(move || {
                    for (id, pieces) in rx {
                        let failed = pieces
                            .iter()
                            .find_map(|(at, p)| f.write_all_at(p, *at).err());
                        let (lock, cv) = &*w;
                        if let Ok(mut g) = lock.lock() {
                            g.0 = id;
                            if let (Some(e), None) = (failed, &g.1) {
                                g.1 = Some(e.to_string());
                            }
                        }
                        cv.notify_all();
                    }
                })?;
            self.store = Some(Arc::new(Store {
                file,
                end: AtomicU64::new(0),
                next_job: AtomicU64::new(1),
                jobs: Mutex::new(Some(tx)),
                written,
            }));
        }
        self.store
            .as_deref()
            .ok_or_else(|| std::io::Error::other("no parking file"))
    }

    /// A write error the writer met, once.
    pub fn take_error(&self) -> Option<String> {
        let store = self.store.as_deref()?;
        store.written.0.lock().ok()?.1.take()
    }

    fn get(&self, r: &Range<u64>, job: u64) -> std::io::Result<Vec<u8>> {
        let store = self
            .store
            .as_deref()
            .ok_or_else(|| std::io::Error::other("the parking file is gone"))?;
        let (lock, cv) = &*store.written;
        let guard = lock
            .lock()
            .map_err(|_| std::io::Error::other("parking writer failed"))?;
        let (guard, _) = cv
            .wait_timeout_while(guard, WRITE_WAIT, |g| g.0 < job)
            .map_err(|_| std::io::Error::other("parking writer failed"))?;
        if guard.0 < job {
            return Err(std::io::Error::other(
                "the parked bytes were not written in time",
            ));
        }
        drop(guard);
        let len = usize::try_from(r.end - r.start).map_err(std::io::Error::other)?;
        let mut buf = vec![0; len];
        store.file.read_exact_at(&mut buf, r.start)?;
        Ok(buf)
    }

    /// Hands `x`'s bytes to the parking writer; `x` keeps its summary.
    pub fn park(&mut self, x: &mut Exchange) -> std::io::Result<Parked> {
        let store = self.store()?;
        let mut pieces = Vec::new();
        let mut place = |p: Piece| {
            let at = store.end.fetch_add(p.len() as u64, Ordering::SeqCst);
            let r = at..at + p.len() as u64;
            pieces.push((at, p));
            r
        };
        let t = &mut x.transcript;
        let body = match x.response.as_mut().map(|r| std::mem::take(&mut r.body)) {
            Some(b) if b.is_empty() => Body::None,
            Some(b) => match t.received.position_of(&b) {
                Some(range) => Body::InReceived(range),
                None => Body::Own(place(Piece::Bytes(b))),
            },
            None => Body::None,
        };
        let sent = place(Piece::Vec(std::mem::take(&mut t.sent)));
        // The pieces end to end: one range, read back as one slice.
        let rope = std::mem::take(&mut t.received);
        let mut received = None::<Range<u64>>;
        for p in rope.pieces() {
            let r = place(Piece::Bytes(p.clone()));
            received = Some(received.map_or(r.clone(), |all| all.start..r.end));
        }
        let received = received.unwrap_or_else(|| {
            let at = store.end.load(Ordering::SeqCst);
            at..at
        });
        let job = store.next_job.fetch_add(1, Ordering::SeqCst);
        let sent_ok = store
            .jobs
            .lock()
            .ok()
            .and_then(|j| j.as_ref().map(|tx| tx.send((job, pieces)).is_ok()));
        if sent_ok != Some(true) {
            return Err(std::io::Error::other("the parking writer is gone"));
        }
        Ok(Parked {
            sent,
            received,
            body,
            job,
        })
    }

    /// Puts the parked bytes back into `x`.
    pub fn restore(&self, x: &mut Exchange, p: &Parked) -> std::io::Result<()> {
        let sent = self.get(&p.sent, p.job)?;
        let received = Bytes::from(self.get(&p.received, p.job)?);
        let body = match &p.body {
            Body::None => Bytes::new(),
            Body::InReceived(r) if r.end <= received.len() => received.slice(r.clone()),
            Body::InReceived(_) => Bytes::new(),
            Body::Own(r) => Bytes::from(self.get(r, p.job)?),
        };
        x.transcript.sent = sent;
        x.transcript.received = received.into();
        if let Some(resp) = x.response.as_mut() {
            resp.body = body;
        }
        Ok(())
    }
}

/// Parks the oldest finished exchanges (never the one shown, never one in
/// flight) until what the session holds in memory is within the budget.
/// A parking file that cannot be written leaves them in memory, said once.
pub fn enforce(app: &mut crate::tui::app::App) {
    if let Some(err) = app.parking.take_error() {
        app.notice = Some(format!(
            "the session's parking file could not be written: {err}"
        ));
    }
    let weights: Vec<usize> = app
        .entries
        .iter()
        .map(|e| match (&e.parked, &e.exchange) {
            (None, Some(x)) => weight(x),
            _ => 0,
        })
        .collect();
    let mut total: usize = weights.iter().sum();
    for (i, w) in weights.into_iter().enumerate() {
        if total <= app.parking.budget {
            break;
        }
        if w == 0 || app.selected == Some(i) {
            continue;
        }
        let e = &mut app.entries[i];
        let Some(x) = e.exchange.as_deref_mut() else {
            continue;
        };
        match app.parking.park(x) {
            Ok(p) => {
                e.parked = Some(p);
                total -= w;
            }
            // The bytes are gone with the writer: say so, keep the summary.
            Err(err)
                if e.exchange
                    .as_ref()
                    .is_some_and(|x| x.transcript.received.is_empty()) =>
            {
                app.notice = Some(format!(
                    "the session's parking writer failed ({err}); #{}'s bytes are lost",
                    e.id
                ));
                return;
            }
            Err(err) => {
                app.notice = Some(format!(
                    "the session's parking file could not be written ({err}); exchanges stay in memory"
                ));
                return;
            }
        }
    }
}

/// Brings entry `i`'s bytes back before it is shown.
pub fn unpark(app: &mut crate::tui::app::App, i: usize) {
    let Some(e) = app.entries.get_mut(i) else {
        return;
    };
    let (Some(p), Some(x)) = (e.parked.take(), e.exchange.as_deref_mut()) else {
        return;
    };
    if let Err(err) = app.parking.restore(x, &p) {
        app.notice = Some(format!(
            "the bytes of #{} could not be read back from the session's parking file: {err}",
            e.id
        ));
    }
}

/// A whole copy of entry `e`'s exchange, its parked bytes read back (for
/// exports of the session).
pub fn whole(parking: &Parking, e: &crate::tui::entry::Entry) -> Option<Exchange> {
    let mut x = e.exchange.as_deref()?.clone();
    if let Some(p) = &e.parked {
        // A read failure exports the summary without the bytes.
        let _ = parking.restore(&mut x, p);
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixture;

    /// 60 exchanges of 1 MiB under a 4 MiB budget: every one stays in the
    /// session, memory holds about the budget, an old one comes back whole
    /// when selected, and the session's HAR has all 60 with their bytes.
    #[test]
    fn a_long_session_keeps_every_exchange_within_the_budget() {
        let mut app = fixture::app();
        app.parking.budget = 4 << 20;
        let mut first = None;
        for _ in 0..60 {
            let x = fixture::big_exchange(1 << 20);
            first.get_or_insert_with(|| x.clone());
            fixture::push_done(&mut app, x);
            enforce(&mut app);
        }
        assert_eq!(app.entries.len(), 60, "nothing dropped");
        let held: usize = app
            .entries
            .iter()
            .filter_map(|e| e.exchange.as_deref())
            .map(weight)
            .sum();
        let one = weight(first.as_ref().unwrap());
        assert!(held <= app.parking.budget + one, "{held} in memory");
        assert!(app.entries[0].parked.is_some());
        crate::tui::update::select(&mut app, 0);
        let back = app.entries[0].exchange.as_deref().unwrap();
        assert_eq!(back.transcript, first.as_ref().unwrap().transcript);
        assert_eq!(back.response, first.as_ref().unwrap().response);
        let flows = crate::tui::workflow::export::session_flows(&app);
        assert_eq!(flows.iter().map(|f| f.hops.len()).sum::<usize>(), 60);
        assert!(flows
            .iter()
            .flat_map(|f| &f.hops)
            .all(|h| h.exchange.transcript.received.len() > 1 << 20));
    }

    #[test]
    fn parked_bytes_come_back_exactly() {
        let mut p = Parking::default();
        // A body of its own, and one that is a slice of the transcript.
        let mut sliced = fixture::big_exchange(300_000);
        if let Some(r) = sliced.response.as_mut() {
            r.body = sliced
                .transcript
                .received
                .slice(r.head_len..sliced.transcript.received.len());
        }
        for mut x in [fixture::exchange(), fixture::big_exchange(300_000), sliced] {
            let before = x.clone();
            assert!(weight(&x) > 0);
            let parked = p.park(&mut x).unwrap();
            assert_eq!(weight(&x), 0);
            assert!(x.transcript.received.is_empty());
            p.restore(&mut x, &parked).unwrap();
            assert_eq!(x.transcript, before.transcript);
            assert_eq!(x.response, before.response);
        }
    }
}
