//! The HTTP/3 layer's own bytes: a wrapper around h3-quinn's connection
//! and streams that records, per QUIC stream, every byte h3 writes and
//! every byte it is handed — the decrypted stream data in which HTTP/3's
//! frames (and the control and QPACK streams) travel. h3 keeps its frames
//! to itself; this is how they become visible (`frames.rs` reads them).
//! Each stream's bytes are kept up to a cap per direction, and counted.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use h3::quic::{self, ConnectionErrorIncoming, StreamErrorIncoming, StreamId, WriteBuf};

use crate::wire::exchange::Dir;

/// One direction of one stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    pub bytes: Vec<u8>,
    pub total: u64,
    /// Ranges of `bytes` that stand for bytes the tap could not see (zeros
    /// of the right length): what h3 hands QUIC as one buffer shows only
    /// its first piece (a frame's header) without being consumed.
    pub hidden: Vec<std::ops::Range<usize>>,
}

/// Every stream's bytes, by stream id.
#[derive(Debug, Default)]
pub struct Streams {
    pub by_id: BTreeMap<u64, (Side, Side)>,
    keep: usize,
}

impl Streams {
    fn add(&mut self, id: StreamId, dir: Dir, data: &[u8]) {
        let keep = self.keep;
        let (sent, received) = self.by_id.entry(id.into_inner()).or_default();
        let side = match dir {
            Dir::Sent => sent,
            Dir::Received => received,
        };
        side.total += data.len() as u64;
        let room = keep.saturating_sub(side.bytes.len());
        side.bytes.extend_from_slice(&data[..data.len().min(room)]);
    }
}

pub type Log = Arc<Mutex<Streams>>;

pub fn log(keep: usize) -> Log {
    Arc::new(Mutex::new(Streams {
        by_id: BTreeMap::new(),
        keep,
    }))
}

fn note(log: &Log, id: StreamId, dir: Dir, buf: &impl Buf) {
    let Ok(mut l) = log.lock() else { return };
    let mut slices = [std::io::IoSlice::new(&[]); 64];
    let n = buf.chunks_vectored(&mut slices);
    let mut seen = 0;
    for s in &slices[..n] {
        l.add(id, dir, s);
        seen += s.len();
    }
    // The rest cannot be read without consuming the buffer (h3's
    // `WriteBuf` shows its frame header first, the payload after): it
    // is held by zeros of its length, marked hidden, so frames still
    // parse and views say the payload was not seen.
    let rest = buf.remaining().saturating_sub(seen);
    if rest > 0 {
        let keep = l.keep;
        let (sent, received) = l.by_id.entry(id.into_inner()).or_default();
        let side = match dir {
            Dir::Sent => sent,
            Dir::Received => received,
        };
        side.total += rest as u64;
        let start = side.bytes.len();
        let room = keep.saturating_sub(start).min(rest);
        side.bytes.resize(start + room, 0);
        side.hidden.push(start..start + room);
    }
}

/// A connection whose streams are recorded.
pub struct Tapped<C> {
    pub inner: C,
    pub log: Log,
}

/// A stream whose bytes are recorded.
pub struct Stream<S> {
    inner: S,
    log: Log,
}

impl<C> quic::Connection<Bytes> for Tapped<C>
where
    C: quic::Connection<Bytes>,
    C::OpenStreams:
        quic::OpenStreams<Bytes, SendStream = C::SendStream, BidiStream = C::BidiStream>,
{
    type RecvStream = Stream<C::RecvStream>;
    type OpenStreams = Tapped<C::OpenStreams>;

    fn poll_accept_recv(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Self::RecvStream, ConnectionErrorIncoming>> {
        self.inner.poll_accept_recv(cx).map_ok(|s| Stream {
            inner: s,
            log: self.log.clone(),
        })
    }

    fn poll_accept_bidi(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Self::BidiStream, ConnectionErrorIncoming>> {
        self.inner.poll_accept_bidi(cx).map_ok(|s| Stream {
            inner: s,
            log: self.log.clone(),
        })
    }

    fn opener(&self) -> Self::OpenStreams {
        Tapped {
            inner: self.inner.opener(),
            log: self.log.clone(),
        }
    }
}

impl<O: quic::OpenStreams<Bytes>> quic::OpenStreams<Bytes> for Tapped<O> {
    type BidiStream = Stream<O::BidiStream>;
    type SendStream = Stream<O::SendStream>;

    fn poll_open_bidi(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Self::BidiStream, StreamErrorIncoming>> {
        self.inner.poll_open_bidi(cx).map_ok(|s| Stream {
            inner: s,
            log: self.log.clone(),
        })
    }

    fn poll_open_send(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Self::SendStream, StreamErrorIncoming>> {
        self.inner.poll_open_send(cx).map_ok(|s| Stream {
            inner: s,
            log: self.log.clone(),
        })
    }

    fn close(&mut self, code: h3::error::Code, reason: &[u8]) {
        self.inner.close(code, reason)
    }
}

impl<S: quic::SendStream<Bytes>> quic::SendStream<Bytes> for Stream<S> {
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), StreamErrorIncoming>> {
        self.inner.poll_ready(cx)
    }

    fn send_data<T: Into<WriteBuf<Bytes>>>(&mut self, data: T) -> Result<(), StreamErrorIncoming> {
        let data: WriteBuf<Bytes> = data.into();
        // What h3 hands the stream is taken whole by quinn's send buffer
        // (h3-quinn writes it all or errs), so it is recorded as sent.
        note(&self.log, self.inner.send_id(), Dir::Sent, &data);
        self.inner.send_data(data)
    }

    fn poll_finish(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), StreamErrorIncoming>> {
        self.inner.poll_finish(cx)
    }

    fn reset(&mut self, reset_code: u64) {
        self.inner.reset(reset_code)
    }

    fn send_id(&self) -> StreamId {
        self.inner.send_id()
    }
}

impl<S: quic::RecvStream> quic::RecvStream for Stream<S> {
    type Buf = S::Buf;

    fn poll_data(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Option<Self::Buf>, StreamErrorIncoming>> {
        let r = self.inner.poll_data(cx);
        if let Poll::Ready(Ok(Some(buf))) = &r {
            note(&self.log, self.inner.recv_id(), Dir::Received, buf);
        }
        r
    }

    fn stop_sending(&mut self, error_code: u64) {
        self.inner.stop_sending(error_code)
    }

    fn recv_id(&self) -> StreamId {
        self.inner.recv_id()
    }
}

impl<S> quic::BidiStream<Bytes> for Stream<S>
where
    S: quic::BidiStream<Bytes>,
{
    type SendStream = Stream<S::SendStream>;
    type RecvStream = Stream<S::RecvStream>;

    fn split(self) -> (Self::SendStream, Self::RecvStream) {
        let (s, r) = self.inner.split();
        (
            Stream {
                inner: s,
                log: self.log.clone(),
            },
            Stream {
                inner: r,
                log: self.log,
            },
        )
    }
}
