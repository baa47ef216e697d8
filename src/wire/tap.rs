//! The tap: recording `AsyncRead`/`AsyncWrite` wrappers. `Tap` sits above
//! TLS and records every chunk of plaintext both ways into the current
//! exchange's (or, for HTTP/2, connection's) `Recorder` (`RawTap`, in
//! `rawtap`, sits below TLS). What is shown as "sent" or "received" comes
//! only from here.

use bytes::Bytes;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::exchange::{ChunkMark, Dir, Transcript};
use super::probe::{Probe, Progress};
use super::sendq::SendQueue;

/// Any byte stream the engine can tap: a TCP socket, or TLS over one.
pub trait Io: AsyncRead + AsyncWrite + SendQueue + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + SendQueue + Unpin + Send> Io for T {}

/// Chunk marks kept per recording; past this they are only counted.
const MAX_CHUNK_MARKS: usize = 100_000;

/// What an HTTP/2 connection's own recording keeps of each direction
/// (its frames are kept per stream, by the book).
const CONNECTION_HEAD: usize = 4096;

/// Someone watching bytes live, with their own clock.
#[derive(Debug)]
struct Listener {
    token: u64,
    probe: Probe,
    start: Instant,
    /// Bytes still to be copied to it, [sent, received] (a listener is one
    /// exchange, held to an exchange's cap; later bytes are only counted).
    left: [usize; 2],
}

/// Collects bytes. HTTP/1.1 gives each exchange a fresh recorder; an
/// HTTP/2 connection keeps one for its whole life (HPACK state spans the
/// connection), which decodes its frames as they cross and files them per
/// stream (`h2_record`) for each exchange to take when it ends.
#[derive(Debug)]
pub struct Recorder {
    start: Instant,
    keep: usize,
    /// What a listener is sent per direction (an exchange's cap, even on
    /// an HTTP/2 connection whose own recording keeps less).
    listener_keep: usize,
    listeners: Vec<Listener>,
    next_token: u64,
    /// Everything but the received bytes, which grow in `received` and
    /// join it (shared, as `Bytes`) when the recording ends.
    transcript: Transcript,
    received: Vec<u8>,
    /// For an HTTP/2 connection: its frames, decoded and filed per stream
    /// as they cross (`h2_record`).
    book: Option<Box<super::h2_record::StreamBook>>,
    /// Marks kept even past the chunk-list cap.
    last_write: Option<Duration>,
    first_read: Option<Duration>,
}

impl Recorder {
    /// `keep`: bytes kept per direction; the rest are counted.
    pub fn new(start: Instant, keep: usize, probe: Probe) -> Self {
        let mut r = Recorder {
            start,
            keep,
            listener_keep: keep,
            listeners: Vec::new(),
            next_token: 0,
            transcript: Transcript::default(),
            received: Vec::new(),
            book: None,
            last_write: None,
            first_read: None,
        };
        r.listen(probe, start);
        r
    }

    pub fn start(&self) -> Instant {
        self.start
    }

    /// Decodes HTTP/2 frames as they cross and files them, with their
    /// bytes, per stream (each stream keeping what an exchange keeps);
    /// the recording itself keeps only the connection's first bytes,
    /// which say what the peer spoke when it was not HTTP/2.
    pub fn keep_streams(&mut self) {
        self.book = Some(Box::new(super::h2_record::StreamBook::new(self.keep)));
        self.keep = self.keep.min(CONNECTION_HEAD);
    }

    /// The per-stream record, for an HTTP/2 connection's recorder.
    pub fn book(&mut self) -> Option<&mut super::h2_record::StreamBook> {
        self.book.as_deref_mut()
    }

    /// Adds a live listener whose times count from `start`.
    pub fn listen(&mut self, probe: Probe, start: Instant) -> u64 {
        self.next_token += 1;
        if probe.is_listening() {
            self.listeners.push(Listener {
                token: self.next_token,
                probe,
                start,
                left: [self.listener_keep; 2],
            });
        }
        self.next_token
    }

    pub fn unlisten(&mut self, token: u64) {
        self.listeners.retain(|l| l.token != token);
    }

    fn record(&mut self, dir: Dir, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        let now = Instant::now();
        let at = now.saturating_duration_since(self.start);
        match dir {
            Dir::Sent => self.last_write = Some(at),
            Dir::Received => {
                self.first_read.get_or_insert(at);
            }
        }
        let t = &mut self.transcript;
        let (buf, total) = match dir {
            Dir::Sent => (&mut t.sent, &mut t.sent_total),
            Dir::Received => (&mut self.received, &mut t.received_total),
        };
        *total += bytes.len() as u64;
        let room = self.keep.saturating_sub(buf.len());
        let kept = &bytes[..bytes.len().min(room)];
        buf.extend_from_slice(kept);
        if let Some(book) = self.book.as_deref_mut() {
            book.feed(dir, at, bytes);
        }
        if t.chunks.len() < MAX_CHUNK_MARKS {
            t.chunks.push(ChunkMark {
                dir,
                at,
                len: bytes.len(),
            });
        } else {
            t.chunks_dropped += 1;
        }
        self.listeners.retain(|l| l.probe.is_listening());
        for l in &mut self.listeners {
            let left = &mut l.left[usize::from(dir == Dir::Received)];
            let shown = &bytes[..bytes.len().min(*left)];
            *left -= shown.len();
            l.probe.send(Progress::Bytes {
                dir,
                at: now.saturating_duration_since(l.start),
                len: bytes.len(),
                kept: shown.to_vec(),
            });
        }
    }

    /// Makes room, once, for `more` received bytes a reader knows are
    /// coming (a Content-Length), within the cap: the transcript is sized
    /// once instead of growing by doubling and copying.
    pub fn expect_received(&mut self, more: usize) {
        let buf = &mut self.received;
        let room = self.keep.saturating_sub(buf.len());
        buf.reserve_exact(more.min(room));
    }

    /// Bytes received so far (kept or not).
    pub fn received_total(&self) -> u64 {
        self.transcript.received_total
    }

    /// What was recorded so far, on the recorder's own clock (the
    /// received bytes as they stand, not yet shared).
    pub fn so_far(&self) -> SoFar<'_> {
        SoFar {
            sent: &self.transcript.sent,
            received: &self.received,
            chunks: &self.transcript.chunks,
            sent_total: self.transcript.sent_total,
        }
    }

    pub fn into_transcript(mut self) -> Transcript {
        self.transcript.received = Bytes::from(self.received).into();
        self.transcript
    }
}

/// A recording in progress, borrowed.
pub struct SoFar<'a> {
    pub sent: &'a [u8],
    pub received: &'a [u8],
    pub chunks: &'a [ChunkMark],
    pub sent_total: u64,
}

impl Transcript {
    /// A finished transcript seen as a recording (fixtures, whole captures).
    pub fn so_far(&self) -> SoFar<'_> {
        SoFar {
            sent: &self.sent,
            received: &self.received,
            chunks: &self.chunks,
            sent_total: self.sent_total,
        }
    }
}

/// A recorder shared between a connection's tap and the exchanges on it.
pub type SharedRecorder = Arc<Mutex<Recorder>>;

/// Records plaintext both ways into the current `Recorder`.
pub struct Tap<S> {
    inner: S,
    rec: SharedRecorder,
}

impl<S> Tap<S> {
    pub fn new(inner: S, rec: Recorder) -> Self {
        Tap {
            inner,
            rec: Arc::new(Mutex::new(rec)),
        }
    }

    /// The recorder, for whoever needs to read windows of it while the tap
    /// is owned elsewhere (an HTTP/2 connection task).
    pub fn shared(&self) -> SharedRecorder {
        self.rec.clone()
    }

    /// Starts recording a new exchange; returns the previous recording.
    pub fn begin(&mut self, rec: Recorder) -> Transcript {
        match self.rec.lock() {
            Ok(mut r) => std::mem::replace(&mut *r, rec).into_transcript(),
            Err(_) => Transcript::default(),
        }
    }

    /// Ends the current recording (an empty one takes its place).
    pub fn finish(&mut self) -> Transcript {
        let idle = Recorder::new(Instant::now(), 0, Probe::none());
        self.begin(idle)
    }

    /// When the latest write returned, on the recording's clock.
    pub fn last_write_at(&self) -> Option<Duration> {
        let r = self.rec.lock().ok()?;
        r.last_write
    }

    /// Bytes received in this recording so far (kept or not).
    pub fn received_total(&self) -> u64 {
        self.rec.lock().map_or(0, |r| r.received_total())
    }

    /// When the first read of this recording returned.
    pub fn first_read_at(&self) -> Option<Duration> {
        let r = self.rec.lock().ok()?;
        r.first_read
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }
}

/// What a reader may tell the stream it reads about what is coming.
pub trait Expect {
    /// `more` bytes of this message are still to come.
    fn expect_received(&mut self, _more: usize) {}
}

impl<S> Expect for Tap<S> {
    fn expect_received(&mut self, more: usize) {
        if let Ok(mut r) = self.rec.lock() {
            r.expect_received(more);
        }
    }
}

/// Bytes in memory (the fuzzing entry points): nothing to prepare.
impl Expect for &[u8] {}

impl<S> Tap<S> {
    fn record(&self, dir: Dir, bytes: &[u8]) {
        if let Ok(mut r) = self.rec.lock() {
            r.record(dir, bytes);
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let res = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &res {
            this.record(Dir::Received, &buf.filled()[before..]);
        }
        res
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tap<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let res = Pin::new(&mut this.inner).poll_write(cx, data);
        if let Poll::Ready(Ok(n)) = &res {
            this.record(Dir::Sent, &data[..(*n).min(data.len())]);
        }
        res
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let res = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &res {
            // Only the first `n` bytes across the slices went out.
            let mut left = *n;
            for b in bufs {
                if left == 0 {
                    break;
                }
                let take = left.min(b.len());
                this.record(Dir::Sent, &b[..take]);
                left -= take;
            }
        }
        res
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn vectored_writes_record_only_what_was_accepted() {
        // A sink that accepts at most 5 bytes per call.
        struct Small(Vec<u8>);
        impl AsyncWrite for Small {
            fn poll_write(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
                d: &[u8],
            ) -> Poll<io::Result<usize>> {
                let n = d.len().min(5);
                self.0.extend_from_slice(&d[..n]);
                Poll::Ready(Ok(n))
            }
            fn poll_write_vectored(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                let mut n = 0;
                for b in bufs {
                    let take = (5 - n).min(b.len());
                    self.0.extend_from_slice(&b[..take]);
                    n += take;
                }
                Poll::Ready(Ok(n))
            }
            fn is_write_vectored(&self) -> bool {
                true
            }
            fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }
            fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }
        }
        impl AsyncRead for Small {
            fn poll_read(
                self: Pin<&mut Self>,
                _: &mut Context<'_>,
                _: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }
        }
        let rec = Recorder::new(Instant::now(), 1024, Probe::none());
        let mut tap = Tap::new(Small(Vec::new()), rec);
        let n = tap
            .write_vectored(&[IoSlice::new(b"abc"), IoSlice::new(b"defgh")])
            .await
            .unwrap();
        assert_eq!(n, 5);
        tap.write_all(b"XYZ").await.unwrap();
        let written = tap.get_ref().0.clone();
        let t = tap.finish();
        assert_eq!(t.sent, b"abcdeXYZ");
        assert_eq!(t.sent, written);
    }

    #[test]
    fn keeps_up_to_the_cap_and_counts_the_rest() {
        let mut rec = Recorder::new(Instant::now(), 4, Probe::none());
        rec.record(Dir::Received, b"abcdef");
        rec.record(Dir::Received, b"gh");
        let t = rec.into_transcript();
        assert_eq!(&t.received[..], b"abcd");
        assert_eq!(t.received_total, 8);
        assert_eq!(t.received_dropped(), 4);
        assert_eq!(t.chunks.len(), 2);
    }
}
