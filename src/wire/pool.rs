//! Connections kept per origin: idle HTTP/1.1 connections (one exchange
//! at a time, checked for liveness before reuse) and live HTTP/2
//! connections (shared by concurrent streams), plus a gate per origin so
//! concurrent exchanges find the HTTP/2 connection the first one opened.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use tokio::io::{AsyncRead, ReadBuf};

use super::dial::Origin;
use super::exchange::{ConnectionInfo, Negotiated, TlsInfo};
use super::h2::H2Conn;
use super::proxy::{Forward, Proxy};
use super::spec::{HttpVersion, RequestSpec, TlsOptions};
use super::tap::{Io, Tap};
use super::warning::{IdleEnd, Warning};

/// Idle HTTP/1.1 connections kept per origin.
const MAX_IDLE_PER_ORIGIN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct PoolKey {
    origin: Origin,
    tls: TlsOptions,
    http: HttpVersion,
    /// The proxy's identity (`Proxy::pool_id`): a connection through a
    /// proxy is never reused for another route.
    proxy: Option<String>,
}

/// An HTTP/1.1 connection: used by one exchange at a time.
pub(super) struct Conn {
    pub(super) tap: Tap<Box<dyn Io>>,
    pub(super) info: ConnectionInfo,
    pub(super) tls: Option<TlsInfo>,
    pub(super) negotiated: Negotiated,
    /// Set when requests on it go to an HTTP proxy in absolute-form.
    pub(super) forward: Option<Forward>,
}

#[derive(Default)]
struct Conns {
    h1: HashMap<PoolKey, Vec<(Conn, Instant)>>,
    h2: HashMap<PoolKey, H2Conn>,
}

/// The session's connections.
#[derive(Default)]
pub(super) struct Pool {
    conns: Mutex<Conns>,
    gates: Mutex<HashMap<PoolKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl Pool {
    pub(super) fn gate(&self, key: &PoolKey) -> Arc<tokio::sync::Mutex<()>> {
        match self.gates.lock() {
            Ok(mut g) => g.entry(key.clone()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// The live HTTP/2 connection to this origin, if any.
    pub(super) fn h2_conn(&self, key: &PoolKey) -> Option<H2Conn> {
        let mut pool = self.conns.lock().ok()?;
        match pool.h2.get(key) {
            Some(c) if c.state.is_closed() => {
                pool.h2.remove(key);
                None
            }
            other => other.cloned(),
        }
    }

    /// An idle HTTP/1.1 connection to this origin that is still open, and
    /// in words the idle ones found dead on the way (the exchange's
    /// warning: a kept connection the server had closed is what becomes
    /// "connection reset" in clients that do not look).
    pub(super) fn checkout(&self, key: &PoolKey) -> Checkout {
        let mut dead = Vec::new();
        let conn = loop {
            let popped = self
                .conns
                .lock()
                .ok()
                .and_then(|mut p| p.h1.get_mut(key).and_then(Vec::pop));
            let Some((mut conn, since)) = popped else {
                break None;
            };
            match readiness(&mut conn.tap) {
                Readiness::Open => break Some(conn),
                ended => dead.push((conn.info.id, since.elapsed(), ended)),
            }
        };
        let stale = dead
            .into_iter()
            .map(|(id, idle, ended)| Warning::StaleConnection {
                id,
                idle,
                ended: match ended {
                    Readiness::Closed => IdleEnd::Closed,
                    Readiness::Reset => IdleEnd::Reset,
                    _ => IdleEnd::Unsolicited,
                },
                then_kept: conn.is_some(),
            })
            .collect();
        Checkout { conn, stale }
    }

    pub(super) fn checkin(&self, key: PoolKey, conn: Conn) {
        if let Ok(mut pool) = self.conns.lock() {
            let idle = pool.h1.entry(key).or_default();
            if idle.len() < MAX_IDLE_PER_ORIGIN {
                idle.push((conn, Instant::now()));
            }
        }
    }

    /// Every live HTTP/2 connection, taken out of the pool to be closed.
    pub(super) fn take_h2(&self) -> Vec<H2Conn> {
        match self.conns.lock() {
            Ok(mut c) => c.h2.drain().map(|(_, conn)| conn).collect(),
            Err(_) => Vec::new(),
        }
    }

    pub(super) fn insert_h2(&self, key: PoolKey, conn: H2Conn) {
        if let Ok(mut c) = self.conns.lock() {
            c.h2.insert(key, conn);
        }
    }
}

/// What `Pool::checkout` found.
pub(super) struct Checkout {
    pub(super) conn: Option<Conn>,
    /// One per idle connection found dead and dropped.
    pub(super) stale: Vec<Warning>,
}

/// What a non-blocking read of an idle connection says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Readiness {
    /// Nothing to read: still usable.
    Open,
    /// EOF: the server closed it.
    Closed,
    /// The read failed (a reset, usually).
    Reset,
    /// Bytes nobody asked for: unusable for a new exchange.
    Unasked,
}

pub(super) fn key(origin: Origin, spec: &RequestSpec, proxy: Option<&Proxy>) -> PoolKey {
    PoolKey {
        origin,
        tls: spec.options.tls.clone(),
        http: spec.options.http,
        proxy: proxy.map(Proxy::pool_id),
    }
}

/// An idle connection is usable only if the server has neither closed it
/// nor sent anything unasked; a read that would block says exactly that.
/// One poll, no timer: a zero timeout would wait for the timer wheel's
/// next tick (a millisecond on every reused exchange).
fn readiness(tap: &mut Tap<Box<dyn Io>>) -> Readiness {
    let mut byte = [0u8; 1];
    let mut buf = ReadBuf::new(&mut byte);
    let mut cx = Context::from_waker(Waker::noop());
    match Pin::new(tap).poll_read(&mut cx, &mut buf) {
        Poll::Pending => Readiness::Open,
        Poll::Ready(Ok(())) if buf.filled().is_empty() => Readiness::Closed,
        Poll::Ready(Ok(())) => Readiness::Unasked,
        Poll::Ready(Err(_)) => Readiness::Reset,
    }
}
