//! The kernel's own account of a TCP connection (Linux `TCP_INFO`), read
//! when an exchange ends: smoothed round-trip time and its variance,
//! retransmissions, the congestion window, the delivery rate, and the
//! bytes the kernel moved each way — facts no user-space recording has
//! (a retransmission is invisible above the socket).

use std::io;
use std::os::fd::RawFd;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

use super::sendq::SendQueue;

/// What `TCP_INFO` said, in plain units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TcpFacts {
    /// Smoothed round-trip time and its mean deviation, µs.
    pub rtt_us: u32,
    pub rttvar_us: u32,
    pub min_rtt_us: u32,
    /// Segments retransmitted over the connection's life, and those the
    /// kernel thinks lost now.
    pub retransmits: u32,
    pub lost: u32,
    /// Congestion window, in segments of `mss` bytes.
    pub cwnd: u32,
    pub mss: u32,
    /// The kernel's latest delivery-rate estimate, bytes per second.
    pub delivery_rate: u64,
    /// Payload bytes: acknowledged by the peer, received from it, and
    /// retransmitted (connection's life so far).
    pub bytes_acked: u64,
    pub bytes_received: u64,
    pub bytes_retrans: u64,
    pub segs_out: u32,
    pub segs_in: u32,
}

/// `s`'s `TCP_INFO`; `None` where the platform does not tell.
#[cfg(target_os = "linux")]
pub fn read(s: &TcpStream) -> Option<TcpFacts> {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is `s`'s own while it is borrowed.
    unsafe { read_fd(s.as_raw_fd()) }
}

/// `TCP_INFO` of the socket `fd`.
///
/// # Safety
/// `fd` must be an open descriptor for as long as the call lasts (a
/// closed and reused number would describe another socket).
#[cfg(target_os = "linux")]
unsafe fn read_fd(fd: std::os::fd::RawFd) -> Option<TcpFacts> {
    // SAFETY: zeroes are a valid `tcp_info` (plain integers); the kernel
    // fills at most `len` bytes of it, an older kernel fewer (the rest
    // stay zero); the caller keeps `fd` open.
    let mut info: libc::tcp_info = unsafe { std::mem::zeroed() };
    let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&mut info as *mut libc::tcp_info).cast(),
            &mut len,
        )
    };
    (r == 0).then(|| TcpFacts {
        rtt_us: info.tcpi_rtt,
        rttvar_us: info.tcpi_rttvar,
        min_rtt_us: info.tcpi_min_rtt,
        retransmits: info.tcpi_total_retrans,
        lost: info.tcpi_lost,
        cwnd: info.tcpi_snd_cwnd,
        mss: info.tcpi_snd_mss,
        delivery_rate: info.tcpi_delivery_rate,
        // The kernel counts sequence numbers, and our SYN took one: what
        // it acknowledged of our payload is one less (read before we send
        // a FIN, which would take another).
        bytes_acked: info.tcpi_bytes_acked.saturating_sub(1),
        bytes_received: info.tcpi_bytes_received,
        bytes_retrans: info.tcpi_bytes_retrans,
        segs_out: info.tcpi_segs_out,
        segs_in: info.tcpi_segs_in,
    })
}

#[cfg(not(target_os = "linux"))]
pub fn read(_: &TcpStream) -> Option<TcpFacts> {
    None
}

/// The socket of a connection another task owns (an HTTP/2 connection's
/// driver), readable while it is open: the owner's stream is wrapped in
/// `Watched`, which forgets the descriptor under the lock before closing
/// it, so a read holding the lock always has an open descriptor.
#[derive(Debug, Clone, Default)]
pub struct TcpWatch(Arc<Mutex<Option<RawFd>>>);

impl TcpWatch {
    pub fn new(fd: Option<RawFd>) -> TcpWatch {
        TcpWatch(Arc::new(Mutex::new(fd)))
    }

    /// The kernel's account now; `None` once the connection has closed.
    pub fn facts(&self) -> Option<TcpFacts> {
        let fd = self.0.lock().ok()?;
        #[cfg(target_os = "linux")]
        {
            // SAFETY: while the lock is held `Watched::drop` cannot
            // forget the descriptor, so it is still open.
            fd.and_then(|fd| unsafe { read_fd(fd) })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = fd;
            None
        }
    }
}

/// A stream whose descriptor a `TcpWatch` may read until it is dropped.
pub struct Watched<S> {
    inner: S,
    watch: TcpWatch,
}

impl<S> Watched<S> {
    pub fn new(inner: S, watch: TcpWatch) -> Self {
        Watched { inner, watch }
    }
}

impl<S> Drop for Watched<S> {
    fn drop(&mut self) {
        // Before `inner` (a field, dropped after this) closes the socket.
        if let Ok(mut fd) = self.watch.0.lock() {
            *fd = None;
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Watched<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Watched<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
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

impl<S: SendQueue> SendQueue for Watched<S> {
    fn unsent(&self) -> Option<usize> {
        self.inner.unsent()
    }
    fn tcp_facts(&self) -> Option<TcpFacts> {
        self.inner.tcp_facts()
    }
    fn raw_fd(&self) -> Option<RawFd> {
        self.inner.raw_fd()
    }
}

impl TcpFacts {
    /// One line for people: "RTT 0.05 ms (± 0.02), 0 retransmits, cwnd 10
    /// × 65483 B, 12.3 MB/s".
    pub fn summary(&self) -> String {
        format!(
            "RTT {:.2} ms (± {:.2}), {} retransmit{}, cwnd {} × {} B, delivery {}",
            f64::from(self.rtt_us) / 1000.0,
            f64::from(self.rttvar_us) / 1000.0,
            self.retransmits,
            if self.retransmits == 1 { "" } else { "s" },
            self.cwnd,
            self.mss,
            rate(self.delivery_rate)
        )
    }
}

fn rate(bytes_per_s: u64) -> String {
    let b = bytes_per_s as f64;
    if b >= 1e9 {
        format!("{:.1} GB/s", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB/s", b / 1e6)
    } else {
        format!("{:.1} kB/s", b / 1e3)
    }
}
