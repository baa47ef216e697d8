//! How long a kept-alive connection lives on the demo server, and how it
//! ends: the knobs (`--keep-alive-timeout`, `--max-requests-per-connection`)
//! and the routes that end an idle connection without a word (FIN) or with
//! a reset (RST, via SO_LINGER 0) — what a real server, proxy or load
//! balancer does to the client that tries to reuse it.
//!
//! Owns: the per-connection activity record (`ConnState`), the stream
//! wrapper that feeds it (`Active`), the watchdog that ends the
//! connection, and `/keep-alive/close` `/keep-alive/reset`.
//! Must not import the engine (see DESIGN.md).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::StatusCode;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

use super::response::{self, Resp};
use super::routes::Req;

/// Quiet time after the last response of a connection that has served
/// its `--max-requests-per-connection` before it is closed: the response
/// must be on the wire first.
const LAST_RESPONSE_GRACE: Duration = Duration::from_millis(20);
/// Longest idle time a route may ask for.
const MAX_IDLE: Duration = Duration::from_secs(60);

/// Server-wide connection knobs, from `DemoConfig`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnPolicy {
    /// Close (FIN, no Connection: close) a connection idle this long.
    pub keep_alive_timeout: Option<Duration>,
    /// Close an HTTP/1.1 connection once it has answered this many
    /// requests, without saying so; a further request on it is reset.
    pub max_requests_per_connection: Option<u64>,
}

/// How a connection is ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// An orderly close: the client reads EOF.
    Close,
    /// SO_LINGER 0, then close: the client reads "connection reset".
    Reset,
}

/// What one connection has done, in microseconds since it was accepted.
pub(crate) struct ConnState {
    started: Instant,
    last_activity: AtomicU64,
    last_write: AtomicU64,
    last_return: AtomicU64,
    in_flight: AtomicU64,
    requests: AtomicU64,
    /// Asked for by a route or by the request limit.
    idle_end: Mutex<Option<(Duration, Ending)>>,
    abort: AtomicBool,
    changed: Notify,
    #[cfg(unix)]
    fd: Option<std::os::fd::RawFd>,
}

impl ConnState {
    pub(crate) fn new(#[cfg(unix)] fd: Option<std::os::fd::RawFd>) -> Arc<ConnState> {
        Arc::new(ConnState {
            started: Instant::now(),
            last_activity: AtomicU64::new(0),
            last_write: AtomicU64::new(0),
            last_return: AtomicU64::new(0),
            in_flight: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            idle_end: Mutex::new(None),
            abort: AtomicBool::new(false),
            changed: Notify::new(),
            #[cfg(unix)]
            fd,
        })
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    fn touch(&self, wrote: bool) {
        let now = self.now();
        self.last_activity.store(now, Ordering::Relaxed);
        if wrote {
            self.last_write.store(now, Ordering::Relaxed);
        }
    }

    /// A request arrived: counts it and returns its number on this
    /// connection (from 1). Drop the guard when the handler returns.
    pub(crate) fn begin(self: &Arc<Self>) -> (u64, InFlight) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        let n = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
        self.touch(false);
        (n, InFlight(self.clone()))
    }

    /// End this connection once it has been idle for `after`.
    pub(crate) fn end_when_idle(&self, after: Duration, how: Ending) {
        let mut slot = self.idle_end.lock().unwrap_or_else(|e| e.into_inner());
        *slot = Some((after, how));
        drop(slot);
        self.changed.notify_one();
    }

    /// Reset the connection now, whatever is in flight.
    pub(crate) fn reset_now(&self) {
        self.set_linger_zero();
        self.abort.store(true, Ordering::Relaxed);
        self.changed.notify_one();
    }

    #[cfg(unix)]
    fn set_linger_zero(&self) {
        let Some(fd) = self.fd else { return };
        let l = libc::linger {
            l_onoff: 1,
            l_linger: 0,
        };
        // SAFETY: `fd` is this connection's socket, which stays open while
        // its task runs; every caller runs inside that task (a handler or
        // the watchdog). The pointer and length describe `l`.
        let rc = unsafe {
            libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_LINGER,
                (&l as *const libc::linger).cast(),
                std::mem::size_of::<libc::linger>() as libc::socklen_t,
            )
        };
        // A failure leaves an orderly close, which the client also sees
        // as a dead connection; nothing else to do from here.
        let _ = rc;
    }

    #[cfg(not(unix))]
    fn set_linger_zero(&self) {}
}

/// Marks a request as being handled until dropped.
pub(crate) struct InFlight(Arc<ConnState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = self.0.now();
        self.0.last_return.store(now, Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.changed.notify_one();
    }
}

/// Applies the request limit to request number `n` of an HTTP/1.1
/// connection: the last allowed one closes the connection after its
/// response; one beyond it (a client that reused the closed connection
/// before it saw the FIN) is reset unanswered. True when `n` must not be
/// answered.
pub(crate) fn over_limit(conn: &ConnState, policy: &ConnPolicy, n: u64) -> bool {
    let Some(max) = policy.max_requests_per_connection else {
        return false;
    };
    if n > max {
        conn.reset_now();
        return true;
    }
    if n == max {
        conn.end_when_idle(LAST_RESPONSE_GRACE, Ending::Close);
    }
    false
}

/// Completes when the connection must end (after setting SO_LINGER 0 for
/// a reset); the caller then drops it.
pub(crate) async fn watchdog(conn: &ConnState, policy: ConnPolicy) {
    loop {
        let changed = conn.changed.notified();
        tokio::pin!(changed);
        changed.as_mut().enable();
        if conn.abort.load(Ordering::Relaxed) {
            return;
        }
        let asked = *conn.idle_end.lock().unwrap_or_else(|e| e.into_inner());
        let limit = match (asked, policy.keep_alive_timeout) {
            (Some(a), Some(t)) if t < a.0 => Some((t, Ending::Close)),
            (Some(a), _) => Some(a),
            (None, t) => t.map(|t| (t, Ending::Close)),
        };
        let Some((after, how)) = limit else {
            changed.await;
            continue;
        };
        let now = conn.now();
        let idle = Duration::from_micros(now - conn.last_activity.load(Ordering::Relaxed).min(now));
        let busy = conn.in_flight.load(Ordering::Relaxed) > 0
            || conn.last_write.load(Ordering::Relaxed) < conn.last_return.load(Ordering::Relaxed);
        if !busy && idle >= after {
            if how == Ending::Reset {
                conn.set_linger_zero();
            }
            return;
        }
        let wait = if busy { after } else { after - idle };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = changed => {}
        }
    }
}

/// Pass-through stream that records when bytes moved, for the watchdog.
pub(crate) struct Active<S> {
    inner: S,
    conn: Arc<ConnState>,
}

impl<S> Active<S> {
    pub(crate) fn new(inner: S, conn: Arc<ConnState>) -> Self {
        Active { inner, conn }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Active<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            if buf.filled().len() > before {
                self.conn.touch(false);
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Active<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = polled {
            if n > 0 {
                self.conn.touch(true);
            }
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = polled {
            if n > 0 {
                self.conn.touch(true);
            }
        }
        polled
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

/// /keep-alive/close?idle=S and /keep-alive/reset?idle=S: an ordinary 200
/// (kept alive, no Connection: close), after which the server ends the
/// connection once it has been idle S seconds (default 1, at most 60).
pub(crate) fn keep_alive(req: &Req, conn: &ConnState, how: Ending) -> Resp {
    let idle = match req.query("idle") {
        None => Duration::from_secs(1),
        Some(v) => match v
            .parse::<f64>()
            .ok()
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
        {
            Some(d) if d <= MAX_IDLE => d,
            _ => {
                return response::error(
                    StatusCode::BAD_REQUEST,
                    "idle must be a number of seconds from 0 to 60",
                )
            }
        },
    };
    conn.end_when_idle(idle, how);
    let ending = match how {
        Ending::Close => "closed without a word (FIN, no Connection: close)",
        Ending::Reset => "reset (RST: SO_LINGER 0, then close)",
    };
    response::json(
        StatusCode::OK,
        &json!({
            "kept_alive": true,
            "idle_seconds": idle.as_secs_f64(),
            "then": format!("this connection will be {ending} once idle that long"),
        }),
    )
}
