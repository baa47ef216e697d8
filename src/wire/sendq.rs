//! The kernel's send queue of a TCP socket: bytes written to it and not
//! yet acknowledged by the peer. A queue that shrinks is the peer reading,
//! which is progress even while none of our reads or writes completes
//! (the kernel wakes a blocked writer only when a good part of the buffer
//! frees; a server still draining a large upload has not begun to answer).
//! The read timeout is the longest silence, so it counts as progress.

use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use super::rawtap::RawTap;
use super::tap::{Io, Tap};

/// A stream that can tell how much of what we wrote the peer has yet to
/// take (`None`: it cannot tell).
/// It can also tell the kernel's account of the connection (`TCP_INFO`).
pub trait SendQueue {
    fn unsent(&self) -> Option<usize>;
    fn tcp_facts(&self) -> Option<super::tcp_info::TcpFacts> {
        None
    }
    /// The TCP socket's descriptor, for a `TcpWatch`.
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        None
    }
}

impl SendQueue for TcpStream {
    fn unsent(&self) -> Option<usize> {
        unsent(self)
    }
    fn tcp_facts(&self) -> Option<super::tcp_info::TcpFacts> {
        super::tcp_info::read(self)
    }
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        Some(self.as_raw_fd())
    }
}

impl SendQueue for tokio_rustls::client::TlsStream<RawTap<TcpStream>> {
    fn unsent(&self) -> Option<usize> {
        unsent(self.get_ref().0.get_ref())
    }
    fn tcp_facts(&self) -> Option<super::tcp_info::TcpFacts> {
        super::tcp_info::read(self.get_ref().0.get_ref())
    }
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        self.get_ref().0.get_ref().raw_fd()
    }
}

/// TLS inside a proxy's tunnel (or to an https:// proxy).
impl SendQueue for tokio_rustls::client::TlsStream<RawTap<Box<dyn Io>>> {
    fn unsent(&self) -> Option<usize> {
        self.get_ref().0.get_ref().unsent()
    }
    fn tcp_facts(&self) -> Option<super::tcp_info::TcpFacts> {
        self.get_ref().0.get_ref().tcp_facts()
    }
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        self.get_ref().0.get_ref().raw_fd()
    }
}

impl SendQueue for Box<dyn Io> {
    fn unsent(&self) -> Option<usize> {
        (**self).unsent()
    }
    fn tcp_facts(&self) -> Option<super::tcp_info::TcpFacts> {
        (**self).tcp_facts()
    }
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        (**self).raw_fd()
    }
}

impl<S: SendQueue> SendQueue for Tap<S> {
    fn unsent(&self) -> Option<usize> {
        self.get_ref().unsent()
    }
    fn tcp_facts(&self) -> Option<super::tcp_info::TcpFacts> {
        self.get_ref().tcp_facts()
    }
    fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        self.get_ref().raw_fd()
    }
}

/// Bytes in memory (the fuzzing entry points): nothing is ever queued.
impl SendQueue for &[u8] {
    fn unsent(&self) -> Option<usize> {
        None
    }
}

/// How often a waiting read or write looks at the send queue, while there
/// is something in it.
const QUEUE_POLL: Duration = Duration::from_millis(50);

/// The silence before a read or write times out, where the send queue
/// shrinking counts as progress. Use: wait `next_wait()` for the (cancel-
/// safe) read or write; when that runs out, ask `over()`. The queue is
/// first looked at when a wait runs out, so a read or write that completes
/// quickly (a fast download) costs no extra system call.
pub struct Silence {
    limit: Duration,
    last_progress: Instant,
    /// The queue when last looked at (`None`: not looked at yet).
    queued: Option<Option<usize>>,
}

impl Silence {
    pub fn new(limit: Duration) -> Self {
        Silence {
            limit,
            last_progress: Instant::now(),
            queued: None,
        }
    }

    /// How long to wait before looking again.
    pub fn next_wait(&self) -> Duration {
        let left = self.limit.saturating_sub(self.last_progress.elapsed());
        match self.queued {
            // Not looked yet, or bytes queued: look again soon.
            None | Some(Some(1..)) => QUEUE_POLL.min(left),
            // Nothing queued (or no way to tell): one wait for all of it.
            Some(_) => left,
        }
    }

    /// After a wait ran out: whether the silence has lasted `limit`.
    pub fn over(&mut self, io: &impl SendQueue) -> bool {
        let now = io.unsent();
        if matches!((self.queued, now), (Some(Some(before)), Some(after)) if after < before) {
            self.last_progress = Instant::now();
        }
        self.queued = Some(now);
        self.last_progress.elapsed() >= self.limit
    }
}

/// Bytes in `s`'s send queue (Linux: SIOCOUTQ); `None` where the
/// platform does not tell.
#[cfg(target_os = "linux")]
pub fn unsent(s: &TcpStream) -> Option<usize> {
    use std::os::fd::AsRawFd;
    let mut queued: libc::c_int = 0;
    // SAFETY: the descriptor is `s`'s own and stays open while `s` is
    // borrowed; TIOCOUTQ (= SIOCOUTQ for sockets) writes one c_int.
    let r = unsafe { libc::ioctl(s.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
    if r == 0 {
        usize::try_from(queued).ok()
    } else {
        None
    }
}

#[cfg(not(target_os = "linux"))]
pub fn unsent(_: &TcpStream) -> Option<usize> {
    None
}

#[cfg(test)]
mod silence_tests {
    use std::cell::Cell;

    use super::*;

    /// A queue that drains by `step` bytes each time it is looked at.
    struct Draining {
        left: Cell<usize>,
        step: usize,
    }

    impl SendQueue for Draining {
        fn unsent(&self) -> Option<usize> {
            let n = self.left.get();
            self.left.set(n.saturating_sub(self.step));
            Some(n)
        }
    }

    /// Waits out `quiet`'s waits as a blocked read or write would, until
    /// it says the silence is over (or `cap` passes).
    fn wait_out(quiet: &mut Silence, q: &impl SendQueue, cap: Duration) -> Duration {
        let start = Instant::now();
        while start.elapsed() < cap {
            std::thread::sleep(quiet.next_wait());
            if quiet.over(q) {
                break;
            }
        }
        start.elapsed()
    }

    #[test]
    fn a_draining_queue_is_progress_a_stuck_one_is_not() {
        let limit = Duration::from_millis(150);
        // Draining for ~10 looks (about 500 ms): well past the limit.
        let draining = Draining {
            left: Cell::new(10_000),
            step: 1000,
        };
        let took = wait_out(&mut Silence::new(limit), &draining, Duration::from_secs(5));
        assert!(took >= Duration::from_millis(450), "{took:?}");
        // Stuck: over once the limit passes.
        let stuck = Draining {
            left: Cell::new(10_000),
            step: 0,
        };
        let took = wait_out(&mut Silence::new(limit), &stuck, Duration::from_secs(5));
        assert!(took >= limit && took < Duration::from_secs(1), "{took:?}");
        // Nothing queued: one wait for the whole silence after the first look.
        let mut quiet = Silence::new(limit);
        assert_eq!(quiet.next_wait(), QUEUE_POLL);
        let empty = Draining {
            left: Cell::new(0),
            step: 0,
        };
        assert!(!quiet.over(&empty));
        assert!(quiet.next_wait() > QUEUE_POLL);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn the_queue_holds_what_the_peer_has_not_taken() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        assert_eq!(super::unsent(&client), Some(0));
        // The server does not read: fill its receive buffer and our send
        // buffer until the socket takes no more.
        let chunk = vec![b'q'; 64 * 1024];
        let mut written = 0usize;
        while let Ok(n) = client.try_write(&chunk) {
            written += n;
        }
        let queued = super::unsent(&client).unwrap();
        assert!(queued > 0 && queued <= written, "{queued} of {written}");
        // The server reads it all: the queue empties.
        let mut buf = vec![0u8; 256 * 1024];
        let mut got = 0;
        while got < written {
            got += server.read(&mut buf).await.unwrap();
        }
        let mut q = super::unsent(&client);
        for _ in 0..200 {
            if q == Some(0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            q = super::unsent(&client);
        }
        assert_eq!(q, Some(0));
    }
}
