//! A session: connections kept per origin and reused (HTTP/1.1
//! keep-alive, HTTP/2 multiplexing), the choice of protocol, and the one
//! entry point that turns a `RequestSpec` into an `Exchange`. Every
//! exchange ends as an `Exchange`, failed ones included, with whatever was
//! recorded up to the failure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::timeout;

use super::dial::{self, mark, Origin};
use super::error::{describe_io, ErrorPhase, TimeoutKind, WireError};
use super::exchange::{
    ConnectionInfo, Dir, Exchange, H2Capture, Negotiated, Response, TlsInfo, Transcript,
};
use super::h1::{self, ReadCtx, Reuse};
use super::h2::{self, H2Conn};
use super::policy::conditional::Validators;
use super::probe::{Probe, Progress};
use super::spec::{CookieJar, HttpVersion, RequestSpec, TlsOptions, Verify};
use super::tap::{self, Io, Recorder, SharedRecorder, Tap};
use super::timeline::{Mark, Timeline};
use super::tls::Trust;

/// Idle HTTP/1.1 connections kept per origin.
const MAX_IDLE_PER_ORIGIN: usize = 8;
/// Bytes an HTTP/2 connection's recording keeps (both directions each).
const H2_KEEP: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PoolKey {
    origin: Origin,
    tls: TlsOptions,
    http: HttpVersion,
}

/// An HTTP/1.1 connection: used by one exchange at a time.
struct Conn {
    tap: Tap<Box<dyn Io>>,
    info: ConnectionInfo,
    tls: Option<TlsInfo>,
    negotiated: Negotiated,
}

#[derive(Default)]
struct Pool {
    h1: HashMap<PoolKey, Vec<Conn>>,
    h2: HashMap<PoolKey, H2Conn>,
}

#[derive(Default)]
struct Inner {
    pool: Mutex<Pool>,
    /// One dial at a time per origin, so concurrent exchanges find the
    /// HTTP/2 connection the first of them opened instead of each dialing.
    gates: Mutex<HashMap<PoolKey, Arc<tokio::sync::Mutex<()>>>>,
    opened: AtomicU64,
    trust: Trust,
    /// Validators of the last full response per URL (conditional requests).
    remembered: Mutex<HashMap<String, Validators>>,
    jar: Mutex<cookie_store::CookieStore>,
}

/// Connection ids are unique in the process, so exchanges of different
/// sessions (a `--repeat --fresh` batch) never seem to share a connection.
static NEXT_CONN_ID: AtomicU64 = AtomicU64::new(1);

/// Cheap to clone; clones share the connection pool, so exchanges may run
/// concurrently from several tasks.
#[derive(Clone, Default)]
pub struct Session {
    inner: Arc<Inner>,
}

/// An HTTP/2 exchange in flight: enough to cut its window even if the
/// exchange's future is dropped at the deadline.
struct H2Flight {
    rec: SharedRecorder,
    from: tap::Mark,
    token: u64,
    stream: Option<u32>,
}

/// What an exchange has gathered so far. It lives outside the exchange's
/// future so that a total-deadline timeout still leaves a record.
struct Flight {
    timeline: Timeline,
    conn: Option<Conn>,
    h2: Option<H2Flight>,
    connection: Option<ConnectionInfo>,
    tls: Option<TlsInfo>,
    negotiated: Option<Negotiated>,
    response: Option<Response>,
    warnings: Vec<String>,
}

impl Session {
    pub fn new() -> Self {
        Session::default()
    }

    /// TCP connections this session has opened.
    pub fn connections_opened(&self) -> u64 {
        self.inner.opened.load(Ordering::Relaxed)
    }

    /// What this session remembers of `url`'s last full response.
    pub fn validators(&self, url: &str) -> Option<Validators> {
        self.inner.remembered.lock().ok()?.get(url).cloned()
    }

    /// The cookies in the session's jar: (name, value, domain, path).
    pub fn cookies(&self) -> Vec<(String, String, String, String)> {
        let Ok(jar) = self.inner.jar.lock() else {
            return Vec::new();
        };
        jar.iter_unexpired()
            .map(|c| {
                let domain = match &c.domain {
                    cookie_store::CookieDomain::HostOnly(d)
                    | cookie_store::CookieDomain::Suffix(d) => d.clone(),
                    _ => String::new(),
                };
                (
                    c.name().to_string(),
                    c.value().to_string(),
                    domain,
                    String::from(&c.path),
                )
            })
            .collect()
    }

    /// `spec` with the jar's matching cookies added as a `Cookie` header
    /// (unless the user wrote one), so they go out visibly on the wire.
    fn with_cookies(&self, spec: &RequestSpec) -> Option<RequestSpec> {
        if spec.options.cookies == CookieJar::Off || spec.raw.is_some() {
            return None;
        }
        if spec
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            return None;
        }
        let url = url::Url::parse(&spec.url).ok()?;
        let jar = self.inner.jar.lock().ok()?;
        let value = jar
            .get_request_values(&url)
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if value.is_empty() {
            return None;
        }
        let mut with = spec.clone();
        with.headers.push(("Cookie".into(), value));
        Some(with)
    }

    fn store_cookies(&self, spec: &RequestSpec, ex: &Exchange) {
        let (Some(r), Ok(url), CookieJar::On) =
            (&ex.response, url::Url::parse(&ex.url), spec.options.cookies)
        else {
            return;
        };
        if let Ok(mut jar) = self.inner.jar.lock() {
            for (_, v) in r
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            {
                let _ = jar.parse(v, &url);
            }
        }
    }

    /// Sends one request and records everything about it.
    pub async fn send(&self, spec: &RequestSpec, probe: Probe) -> Exchange {
        let with_cookies = self.with_cookies(spec);
        let spec = with_cookies.as_ref().unwrap_or(spec);
        let start = Instant::now();
        let mut flight = Flight {
            timeline: Timeline::new(SystemTime::now()),
            conn: None,
            h2: None,
            connection: None,
            tls: None,
            negotiated: None,
            response: None,
            warnings: Vec::new(),
        };
        let total = spec.options.total_timeout;
        let result = match timeout(total, self.run(spec, &mut flight, start, &probe)).await {
            Ok(r) => r,
            Err(_) => Err(WireError::timeout(
                TimeoutKind::Total,
                "the exchange did not finish",
                total,
            )),
        };
        mark(&mut flight.timeline, &probe, start, Mark::Done);
        let (transcript, h2) = match flight.h2.take() {
            Some(f) => h2_window(f, start, &mut flight.timeline),
            None => (
                flight
                    .conn
                    .as_mut()
                    .map(|c| c.tap.finish())
                    .unwrap_or_default(),
                None,
            ),
        };
        let origin = url::Url::parse(&spec.url)
            .ok()
            .and_then(|u| Origin::from_url(&u).ok());
        if let (Ok(Reuse::Keep), Some(conn), Some(origin)) =
            (&result, flight.conn.take(), origin.clone())
        {
            self.checkin(key(origin, spec), conn);
        }
        let insecure = spec.options.tls.verify == Verify::Off && origin.is_some_and(|o| o.tls);
        if insecure {
            flight.warnings.insert(
                0,
                "TLS certificate verification was OFF (--insecure): anyone on the path could have read or changed this exchange".into(),
            );
        }
        let ex = Exchange {
            method: match &spec.raw {
                Some(raw) => h1::raw_method(raw),
                None => spec.method.clone(),
            },
            url: spec.url.clone(),
            transcript,
            timeline: flight.timeline,
            response: flight.response,
            connection: flight.connection,
            tls: flight.tls,
            negotiated: flight.negotiated,
            h2,
            insecure,
            warnings: flight.warnings,
            error: result.err(),
        };
        self.store_cookies(spec, &ex);
        if let (Some(v), Ok(mut m)) = (Validators::of(&ex), self.inner.remembered.lock()) {
            if m.len() < 10_000 {
                m.insert(ex.url.clone(), v);
            }
        }
        ex
    }

    async fn run(
        &self,
        spec: &RequestSpec,
        flight: &mut Flight,
        start: Instant,
        probe: &Probe,
    ) -> Result<Reuse, WireError> {
        let url = url::Url::parse(&spec.url).map_err(|e| {
            WireError::new(
                ErrorPhase::Input,
                format!("invalid URL '{}': {e}", spec.url),
            )
        })?;
        let origin = Origin::from_url(&url)?;
        flight.timeline.tls = origin.tls;
        let opts = &spec.options;
        if opts.http == HttpVersion::Http2 && !origin.tls {
            return Err(WireError::new(
                ErrorPhase::Input,
                "--http2 negotiates h2 by ALPN, which needs https; for cleartext h2c use --http2-prior-knowledge",
            ));
        }
        if spec.raw.is_some() && opts.http != HttpVersion::Http1 && opts.http != HttpVersion::Auto {
            return Err(WireError::new(
                ErrorPhase::Input,
                "raw mode sends HTTP/1.1 bytes; it cannot be combined with HTTP/2",
            ));
        }
        let key = key(origin.clone(), spec);
        let h2_allowed = opts.http != HttpVersion::Http1 && spec.raw.is_none();
        let h1_allowed = matches!(opts.http, HttpVersion::Auto | HttpVersion::Http1);

        if h2_allowed {
            if let Some(conn) = self.h2_conn(&key) {
                return self
                    .run_h2(conn, true, spec, &url, flight, start, probe)
                    .await;
            }
        }
        if h1_allowed {
            if let Some(conn) = self.checkout(&key).await {
                return self
                    .run_h1(conn, true, spec, &url, flight, start, probe)
                    .await;
            }
        }
        // Only a dial that may end in HTTP/2 is worth waiting for: HTTP/1.1
        // connections are never shared, so their dials run in parallel.
        let gate = self.gate(&key);
        let guard = match h2_allowed {
            true => Some(gate.lock().await),
            false => None,
        };
        if h2_allowed {
            if let Some(conn) = self.h2_conn(&key) {
                drop(guard);
                return self
                    .run_h2(conn, true, spec, &url, flight, start, probe)
                    .await;
            }
        }
        let alpn: &[&[u8]] = match (opts.http, h2_allowed) {
            (HttpVersion::Http1, _) | (_, false) => &[b"http/1.1"],
            (HttpVersion::Auto, true) => &[b"h2", b"http/1.1"],
            _ => &[b"h2"],
        };
        let id = NEXT_CONN_ID.fetch_add(1, Ordering::Relaxed);
        self.inner.opened.fetch_add(1, Ordering::Relaxed);
        let d = dial::dial(
            &origin,
            opts,
            &self.inner.trust,
            id,
            alpn,
            start,
            &mut flight.timeline,
            probe,
        )
        .await?;
        let chosen = d.tls.as_ref().and_then(|t| t.alpn.clone());
        let use_h2 = match origin.tls {
            true => chosen.as_deref() == Some("h2"),
            false => opts.http == HttpVersion::Http2PriorKnowledge,
        };
        let offered = alpn
            .iter()
            .map(|p| String::from_utf8_lossy(p))
            .collect::<Vec<_>>()
            .join(", ");
        let why = match (origin.tls, &chosen) {
            (false, _) if use_h2 => {
                "prior knowledge: h2 from the first byte over plain TCP (h2c)".to_string()
            }
            (false, _) => {
                "plain http speaks HTTP/1.1 (for h2c use --http2-prior-knowledge)".to_string()
            }
            (true, Some(p)) => format!("ALPN: offered {offered}; the server chose {p}"),
            (true, None) => format!("ALPN: offered {offered}; the server chose none, so HTTP/1.1"),
        };
        if origin.tls && !h1_allowed && !use_h2 {
            return Err(WireError::new(
                ErrorPhase::Tls,
                format!("the server refused HTTP/2 ({why}); try without --http2"),
            ));
        }
        if use_h2 {
            let limits = opts.limits;
            let rec = Recorder::new(start, H2_KEEP, Probe::none());
            let (send, rec, state) = h2::handshake(d.io, rec, limits).await?;
            let conn = H2Conn {
                send,
                rec,
                info: d.info,
                tls: d.tls,
                negotiated: Negotiated {
                    version: "HTTP/2",
                    why,
                },
                state,
            };
            if let Ok(mut pool) = self.inner.pool.lock() {
                pool.h2.insert(key.clone(), conn.clone());
            }
            drop(guard);
            return self
                .run_h2(conn, false, spec, &url, flight, start, probe)
                .await;
        }
        drop(guard);
        let limits = opts.limits;
        let recorder = Recorder::new(
            start,
            limits.max_head_bytes + limits.max_body_kept,
            probe.clone(),
        );
        let conn = Conn {
            tap: Tap::new(d.io, recorder),
            info: d.info,
            tls: d.tls,
            negotiated: Negotiated {
                version: "HTTP/1.1",
                why,
            },
        };
        self.run_h1(conn, false, spec, &url, flight, start, probe)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_h1(
        &self,
        mut conn: Conn,
        reused: bool,
        spec: &RequestSpec,
        url: &url::Url,
        flight: &mut Flight,
        start: Instant,
        probe: &Probe,
    ) -> Result<Reuse, WireError> {
        let opts = &spec.options;
        let limits = opts.limits;
        let (bytes, method) = match &spec.raw {
            Some(raw) => (raw.clone(), h1::raw_method(raw)),
            None => (h1::build_request(spec, url)?, spec.method.clone()),
        };
        if reused {
            conn.tap.begin(Recorder::new(
                start,
                limits.max_head_bytes + limits.max_body_kept,
                probe.clone(),
            ));
            conn.info.reused = true;
            flight.timeline.reused = true;
        }
        self.connected(
            flight,
            &conn.info,
            &conn.tls,
            &conn.negotiated,
            start,
            probe,
        );

        let Flight {
            timeline,
            conn: slot,
            response,
            warnings,
            ..
        } = flight;
        let tap = &mut slot.insert(conn).tap;
        let write = async {
            tap.write_all(&bytes).await?;
            tap.flush().await
        };
        match timeout(opts.read_timeout, write).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                return Err(WireError::new(
                    ErrorPhase::Send,
                    format!("sending the request: {}", describe_io(&e)),
                ))
            }
            Err(_) => {
                return Err(WireError::timeout(
                    TimeoutKind::Read,
                    "the server stopped accepting request bytes",
                    opts.read_timeout,
                ))
            }
        }
        mark(timeline, probe, start, Mark::RequestSent);
        let mut first_byte = || mark(timeline, probe, start, Mark::FirstByte);
        let ctx = ReadCtx {
            head_request: method.eq_ignore_ascii_case("HEAD"),
            limits,
            read_timeout: opts.read_timeout,
            on_first_byte: &mut first_byte,
            warnings,
        };
        h1::read_response(tap, ctx, response).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn run_h2(
        &self,
        conn: H2Conn,
        reused: bool,
        spec: &RequestSpec,
        url: &url::Url,
        flight: &mut Flight,
        start: Instant,
        probe: &Probe,
    ) -> Result<Reuse, WireError> {
        let mut info = conn.info.clone();
        info.reused = reused;
        flight.timeline.reused = reused;
        self.connected(flight, &info, &conn.tls, &conn.negotiated, start, probe);
        let (from, token) = match conn.rec.lock() {
            // A new connection's first exchange owns its first bytes (the
            // preface and SETTINGS), even those written before this point.
            Ok(mut r) => (
                if reused {
                    r.mark()
                } else {
                    tap::Mark::default()
                },
                r.listen(probe.clone(), start),
            ),
            Err(_) => (tap::Mark::default(), 0),
        };
        let h2f = flight.h2.insert(H2Flight {
            rec: conn.rec.clone(),
            from,
            token,
            stream: None,
        });
        let Flight {
            timeline,
            response,
            warnings,
            ..
        } = flight;
        let mut marks = |m: Mark| mark(timeline, probe, start, m);
        let opts = &spec.options;
        h2::exchange(
            &conn,
            spec,
            url,
            opts.read_timeout,
            opts.limits,
            &mut marks,
            response,
            warnings,
            &mut h2f.stream,
        )
        .await?;
        Ok(Reuse::Keep)
    }

    /// Marks the connection as ready for the exchange and says so.
    fn connected(
        &self,
        flight: &mut Flight,
        info: &ConnectionInfo,
        tls: &Option<TlsInfo>,
        negotiated: &Negotiated,
        start: Instant,
        probe: &Probe,
    ) {
        probe.send(Progress::Connection {
            id: info.id,
            reused: info.reused,
        });
        flight.connection = Some(info.clone());
        flight.tls = tls.clone();
        flight.negotiated = Some(negotiated.clone());
        mark(&mut flight.timeline, probe, start, Mark::Ready);
    }

    fn gate(&self, key: &PoolKey) -> Arc<tokio::sync::Mutex<()>> {
        match self.inner.gates.lock() {
            Ok(mut g) => g.entry(key.clone()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    /// The live HTTP/2 connection to this origin, if any.
    fn h2_conn(&self, key: &PoolKey) -> Option<H2Conn> {
        let mut pool = self.inner.pool.lock().ok()?;
        match pool.h2.get(key) {
            Some(c) if c.state.is_closed() => {
                pool.h2.remove(key);
                None
            }
            other => other.cloned(),
        }
    }

    /// An idle HTTP/1.1 connection to this origin that is still open.
    async fn checkout(&self, key: &PoolKey) -> Option<Conn> {
        loop {
            let mut conn = self.inner.pool.lock().ok()?.h1.get_mut(key)?.pop()?;
            if still_open(&mut conn.tap).await {
                return Some(conn);
            }
        }
    }

    fn checkin(&self, key: PoolKey, conn: Conn) {
        if let Ok(mut pool) = self.inner.pool.lock() {
            let idle = pool.h1.entry(key).or_default();
            if idle.len() < MAX_IDLE_PER_ORIGIN {
                idle.push(conn);
            }
        }
    }
}

fn key(origin: Origin, spec: &RequestSpec) -> PoolKey {
    PoolKey {
        origin,
        tls: spec.options.tls.clone(),
        http: spec.options.http,
    }
}

/// Cuts an HTTP/2 exchange's window out of its connection's recording and
/// keeps the whole connection (rebased to the exchange's clock) for frame
/// decoding. The request-sent mark moves to when the last request byte
/// actually left (the connection task writes after `send_request`).
fn h2_window(
    f: H2Flight,
    start: Instant,
    timeline: &mut Timeline,
) -> (Transcript, Option<H2Capture>) {
    let Ok(mut rec) = f.rec.lock() else {
        return (Transcript::default(), None);
    };
    rec.unlisten(f.token);
    let window = rec.window(f.from, start);
    let whole = rec.window(tap::Mark::default(), start);
    drop(rec);
    if let (Some(sent), Some(first)) = (timeline.request_sent, timeline.first_byte) {
        let last_write = window
            .chunks
            .iter()
            .filter(|c| c.dir == Dir::Sent && c.at <= first)
            .map(|c| c.at)
            .max();
        if let Some(at) = last_write.filter(|at| *at > sent) {
            timeline.request_sent = Some(at);
        }
    }
    let capture = f.stream.map(|stream| H2Capture {
        stream,
        connection: Arc::new(whole),
        window: (f.from.sent, f.from.received),
    });
    (window, capture)
}

/// An idle connection is usable only if the server has neither closed it
/// nor sent anything unasked; a read that would block says exactly that.
async fn still_open(tap: &mut Tap<Box<dyn Io>>) -> bool {
    let mut byte = [0u8; 1];
    timeout(Duration::ZERO, tap.read(&mut byte)).await.is_err()
}
