//! Connections kept per origin: idle HTTP/1.1 connections (one exchange
//! at a time, checked for liveness before reuse) and live HTTP/2
//! connections (shared by concurrent streams), plus a gate per origin so
//! concurrent exchanges find the HTTP/2 connection the first one opened.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use tokio::io::{AsyncRead, ReadBuf};

use super::dial::Origin;
use super::exchange::{ConnectionInfo, Negotiated, TlsInfo};
use super::h2::H2Conn;
use super::spec::{HttpVersion, RequestSpec, TlsOptions};
use super::tap::{Io, Tap};

/// Idle HTTP/1.1 connections kept per origin.
const MAX_IDLE_PER_ORIGIN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct PoolKey {
    origin: Origin,
    tls: TlsOptions,
    http: HttpVersion,
}

/// An HTTP/1.1 connection: used by one exchange at a time.
pub(super) struct Conn {
    pub(super) tap: Tap<Box<dyn Io>>,
    pub(super) info: ConnectionInfo,
    pub(super) tls: Option<TlsInfo>,
    pub(super) negotiated: Negotiated,
}

#[derive(Default)]
struct Conns {
    h1: HashMap<PoolKey, Vec<Conn>>,
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

    /// An idle HTTP/1.1 connection to this origin that is still open.
    pub(super) fn checkout(&self, key: &PoolKey) -> Option<Conn> {
        loop {
            let mut conn = self.conns.lock().ok()?.h1.get_mut(key)?.pop()?;
            if still_open(&mut conn.tap) {
                return Some(conn);
            }
        }
    }

    pub(super) fn checkin(&self, key: PoolKey, conn: Conn) {
        if let Ok(mut pool) = self.conns.lock() {
            let idle = pool.h1.entry(key).or_default();
            if idle.len() < MAX_IDLE_PER_ORIGIN {
                idle.push(conn);
            }
        }
    }

    pub(super) fn insert_h2(&self, key: PoolKey, conn: H2Conn) {
        if let Ok(mut c) = self.conns.lock() {
            c.h2.insert(key, conn);
        }
    }
}

pub(super) fn key(origin: Origin, spec: &RequestSpec) -> PoolKey {
    PoolKey {
        origin,
        tls: spec.options.tls.clone(),
        http: spec.options.http,
    }
}

/// An idle connection is usable only if the server has neither closed it
/// nor sent anything unasked; a read that would block says exactly that.
/// One poll, no timer: a zero timeout would wait for the timer wheel's
/// next tick (a millisecond on every reused exchange).
fn still_open(tap: &mut Tap<Box<dyn Io>>) -> bool {
    let mut byte = [0u8; 1];
    let mut buf = ReadBuf::new(&mut byte);
    let mut cx = Context::from_waker(Waker::noop());
    matches!(Pin::new(tap).poll_read(&mut cx, &mut buf), Poll::Pending)
}
