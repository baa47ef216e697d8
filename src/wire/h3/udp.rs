//! The UDP socket under a QUIC connection, recorded: every datagram sent
//! and received, with its time and size, its bytes kept up to a cap.
//! QUIC encrypts its packets, so these bytes are what crossed the wire
//! but not readable as HTTP; what the first byte shows without keys — a
//! long header (Initial, 0-RTT, Handshake, Retry) or a short one (1-RTT)
//! — is named per datagram (RFC 9000 §17).

use std::fmt::Debug;
use std::io::{self, IoSliceMut};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use quinn::udp::{RecvMeta, Transmit};
use quinn::{AsyncUdpSocket, UdpPoller};

use crate::wire::exchange::{ChunkMark, Dir, Transcript};

/// Datagrams kept per direction, beyond which they are only counted.
const MAX_DATAGRAMS: usize = 100_000;

/// One datagram, as far as it can be read without keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Datagram {
    pub dir: Dir,
    pub at: Duration,
    pub len: usize,
    /// "Initial", "0-RTT", "Handshake", "Retry" or "1-RTT" (its first
    /// packet's header; more may be coalesced behind it).
    pub kind: &'static str,
}

/// What the socket saw.
#[derive(Debug, Default)]
pub struct DatagramLog {
    pub datagrams: Vec<Datagram>,
    pub dropped: u64,
    pub sent: Vec<u8>,
    pub received: Vec<u8>,
    pub sent_total: u64,
    pub received_total: u64,
}

/// The packet kind a datagram's first byte announces (RFC 9000 §17.2;
/// QUIC v1 long packet types).
pub fn kind(first: u8) -> &'static str {
    if first & 0x80 == 0 {
        return "1-RTT";
    }
    match (first >> 4) & 0x03 {
        0 => "Initial",
        1 => "0-RTT",
        2 => "Handshake",
        _ => "Retry",
    }
}

impl DatagramLog {
    fn add(&mut self, dir: Dir, at: Duration, bytes: &[u8], keep: usize) {
        let (buf, total) = match dir {
            Dir::Sent => (&mut self.sent, &mut self.sent_total),
            Dir::Received => (&mut self.received, &mut self.received_total),
        };
        *total += bytes.len() as u64;
        let room = keep.saturating_sub(buf.len());
        buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
        if self.datagrams.len() >= MAX_DATAGRAMS {
            self.dropped += 1;
            return;
        }
        self.datagrams.push(Datagram {
            dir,
            at,
            len: bytes.len(),
            kind: bytes.first().map_or("empty", |b| kind(*b)),
        });
    }

    /// Datagrams sent so far.
    pub fn sent_count(&self) -> usize {
        self.datagrams.iter().filter(|d| d.dir == Dir::Sent).count()
    }

    /// The datagrams as a transcript: their bytes laid end to end per
    /// direction (moved out, not copied), one chunk mark per datagram.
    pub fn take_transcript(&mut self) -> Transcript {
        Transcript {
            sent: std::mem::take(&mut self.sent),
            received: crate::wire::rope::Rope::from_pieces([bytes::Bytes::from(std::mem::take(
                &mut self.received,
            ))]),
            sent_total: self.sent_total,
            received_total: self.received_total,
            chunks: self
                .datagrams
                .iter()
                .map(|d| ChunkMark {
                    dir: d.dir,
                    at: d.at,
                    len: d.len,
                })
                .collect(),
            chunks_dropped: self.dropped,
        }
    }
}

/// A UDP socket that records what passes through it.
#[derive(Debug)]
pub struct Recorded {
    inner: Arc<dyn AsyncUdpSocket>,
    pub log: Arc<Mutex<DatagramLog>>,
    start: Instant,
    keep: usize,
}

impl Recorded {
    pub fn new(inner: Arc<dyn AsyncUdpSocket>, start: Instant, keep: usize) -> Recorded {
        Recorded {
            inner,
            log: Arc::default(),
            start,
            keep,
        }
    }

    fn record(&self, dir: Dir, bytes: &[u8], segment: Option<usize>) {
        let at = self.start.elapsed();
        let Ok(mut log) = self.log.lock() else { return };
        // Several datagrams in one buffer (GSO/GRO) are several datagrams.
        let step = segment.filter(|s| *s > 0).unwrap_or(bytes.len().max(1));
        for one in bytes.chunks(step) {
            log.add(dir, at, one, self.keep);
        }
    }
}

impl AsyncUdpSocket for Recorded {
    fn create_io_poller(self: Arc<Self>) -> Pin<Box<dyn UdpPoller>> {
        self.inner.clone().create_io_poller()
    }

    fn try_send(&self, transmit: &Transmit) -> io::Result<()> {
        let r = self.inner.try_send(transmit);
        if r.is_ok() {
            self.record(Dir::Sent, transmit.contents, transmit.segment_size);
        }
        r
    }

    fn poll_recv(
        &self,
        cx: &mut Context,
        bufs: &mut [IoSliceMut<'_>],
        meta: &mut [RecvMeta],
    ) -> Poll<io::Result<usize>> {
        let r = self.inner.poll_recv(cx, bufs, meta);
        if let Poll::Ready(Ok(n)) = &r {
            for (buf, m) in bufs.iter().zip(meta.iter()).take(*n) {
                let len = m.len.min(buf.len());
                self.record(Dir::Received, &buf[..len], Some(m.stride));
            }
        }
        r
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// One datagram per send, so each is recorded as sent.
    fn max_transmit_segments(&self) -> usize {
        1
    }

    fn max_receive_segments(&self) -> usize {
        self.inner.max_receive_segments()
    }

    fn may_fragment(&self) -> bool {
        self.inner.may_fragment()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packet_kinds_from_the_first_byte() {
        assert_eq!(kind(0xc3), "Initial");
        assert_eq!(kind(0xd0), "0-RTT");
        assert_eq!(kind(0xe1), "Handshake");
        assert_eq!(kind(0xf0), "Retry");
        assert_eq!(kind(0x41), "1-RTT");
    }

    #[test]
    fn the_log_keeps_bytes_up_to_its_cap_and_counts_the_rest() {
        let mut log = DatagramLog::default();
        log.add(Dir::Sent, Duration::ZERO, &[0xc0; 1200], 1000);
        log.add(Dir::Received, Duration::from_millis(1), &[0x40; 50], 1000);
        assert_eq!(log.sent.len(), 1000);
        assert_eq!(log.sent_total, 1200);
        let t = log.take_transcript();
        assert_eq!(t.chunks.len(), 2);
        assert_eq!(t.chunks[0].len, 1200);
        assert_eq!(log.datagrams[1].kind, "1-RTT");
    }
}
