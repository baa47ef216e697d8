//! Below TLS: `RawTap` records the raw bytes of the handshake so its
//! records (ClientHello, ServerHello, certificates, ...) can be listed by
//! direction, time and size. It stops recording once the handshake is done.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use super::exchange::{Dir, TlsRecord};

/// Handshake bytes kept below TLS; a handshake is a few KiB.
const MAX_HANDSHAKE_BYTES: usize = 256 * 1024;

/// Below TLS: records raw bytes while `recording`, for the handshake view.
pub struct RawTap<S> {
    inner: S,
    start: Instant,
    recording: bool,
    log: Vec<(Dir, Duration, Vec<u8>)>,
    logged: usize,
}

impl<S> RawTap<S> {
    pub fn new(inner: S, start: Instant) -> Self {
        RawTap {
            inner,
            start,
            recording: true,
            log: Vec::new(),
            logged: 0,
        }
    }

    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Stops recording and returns the TLS records seen so far.
    pub fn stop(&mut self) -> Vec<TlsRecord> {
        self.recording = false;
        tls_records(&std::mem::take(&mut self.log))
    }

    fn record(&mut self, dir: Dir, bytes: &[u8]) {
        if self.recording && !bytes.is_empty() && self.logged < MAX_HANDSHAKE_BYTES {
            self.logged += bytes.len();
            self.log.push((dir, self.start.elapsed(), bytes.to_vec()));
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for RawTap<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let res = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &res {
            let got = buf.filled()[before..].to_vec();
            this.record(Dir::Received, &got);
        }
        res
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for RawTap<S> {
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

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Splits each direction's raw bytes into TLS records (5-byte headers),
/// timed by the chunk in which each record began.
pub fn tls_records(log: &[(Dir, Duration, Vec<u8>)]) -> Vec<TlsRecord> {
    let mut out = Vec::new();
    for dir in [Dir::Sent, Dir::Received] {
        // (offset where the chunk starts, time)
        let mut starts = Vec::new();
        let mut stream = Vec::new();
        for (d, at, bytes) in log.iter().filter(|(d, ..)| *d == dir) {
            let _ = d;
            starts.push((stream.len(), *at));
            stream.extend_from_slice(bytes);
        }
        let mut pos = 0;
        while pos + 5 <= stream.len() {
            let content_type = match stream[pos] {
                20 => "change_cipher_spec",
                21 => "alert",
                22 => "handshake",
                23 => "application_data",
                _ => "unknown",
            };
            let len = u16::from_be_bytes([stream[pos + 3], stream[pos + 4]]) as usize;
            let at = starts
                .iter()
                .rev()
                .find(|(off, _)| *off <= pos)
                .map(|(_, at)| *at)
                .unwrap_or_default();
            out.push(TlsRecord {
                dir,
                at,
                content_type,
                len: len + 5,
            });
            pos += 5 + len;
        }
    }
    out.sort_by_key(|r| r.at);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_tls_records_across_chunks() {
        let ms = Duration::from_millis;
        let log = vec![
            (Dir::Sent, ms(1), vec![22, 3, 1, 0, 2, 9, 9]),
            (Dir::Received, ms(3), vec![22, 3, 3, 0, 1]),
            (Dir::Received, ms(4), vec![7, 20, 3, 3, 0, 1, 1]),
        ];
        let r = tls_records(&log);
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].dir, r[0].len), (Dir::Sent, 7));
        assert_eq!((r[1].content_type, r[1].at), ("handshake", ms(3)));
        assert_eq!((r[2].content_type, r[2].at), ("change_cipher_spec", ms(4)));
    }
}
