//! A session: connections kept per origin and reused (HTTP/1.1
//! keep-alive, HTTP/2 multiplexing), the choice of protocol, and the one
//! entry point that turns a `RequestSpec` into an `Exchange`. Every
//! exchange ends as an `Exchange`, failed ones included, with whatever was
//! recorded up to the failure.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use tokio::time::timeout;

use super::dial::{self, mark, Origin};
use super::error::{ErrorPhase, TimeoutKind, WireError};
use super::exchange::{ConnectionInfo, Exchange, Negotiated, Response, TlsInfo};
use super::h1::{self, Reuse};
use super::h2::{self, H2Conn};
use super::h2_end;
use super::jar::Jar;
use super::negotiate;
use super::policy::conditional::Validators;
use super::pool::{key, Conn, Pool, PoolKey};
use super::probe::{Probe, Progress};
use super::spec::{HttpVersion, RequestSpec, Verify};
use super::tap::{Recorder, Tap};
use super::timeline::{Mark, Timeline};
use super::tls::Trust;
use super::warning::Warning;

mod h1_exchange;
mod h3_exchange;

#[derive(Default)]
struct Inner {
    pool: Pool,
    opened: AtomicU64,
    trust: Trust,
    /// Validators of the last full response per URL (conditional requests).
    remembered: Mutex<HashMap<String, Validators>>,
    /// HTTP/3 alternatives answers announced (`Alt-Svc`), per https origin:
    /// the UDP port and until when.
    alt: Mutex<HashMap<String, (u16, Instant)>>,
    jar: Jar,
    /// `--rate`: each host's next free request slot.
    rates: Mutex<super::policy::rate::Buckets>,
}

/// How long `Session::close` waits for HTTP/2 drivers to say GOAWAY.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_millis(250);

/// Connection ids are unique in the process, so exchanges of different
/// sessions (a `--repeat --fresh` batch) never seem to share a connection.
static NEXT_CONN_ID: AtomicU64 = AtomicU64::new(1);

/// Cheap to clone; clones share the connection pool, so exchanges may run
/// concurrently from several tasks.
#[derive(Clone, Default)]
pub struct Session {
    inner: Arc<Inner>,
}

/// What an exchange has gathered so far. It lives outside the exchange's
/// future so that a total-deadline timeout still leaves a record.
struct Flight {
    timeline: Timeline,
    conn: Option<Conn>,
    h2: Option<h2_end::H2Flight>,
    connection: Option<ConnectionInfo>,
    tls: Option<TlsInfo>,
    negotiated: Option<Negotiated>,
    response: Option<Response>,
    warnings: Vec<Warning>,
    /// The pool's key for the exchange's connection (origin, settings,
    /// proxy), set once the route is known.
    key: Option<PoolKey>,
}

impl Session {
    /// Closes the session's HTTP/2 connections as a client should: once
    /// their last handle is gone the driver sends GOAWAY (NO_ERROR) and
    /// ends. Waits for that, up to `CLOSE_WAIT`, so the frame leaves before
    /// the process does. Idle HTTP/1.1 connections just close (FIN).
    pub async fn close(&self) {
        let conns = self.inner.pool.take_h2();
        let states: Vec<_> = conns.iter().map(|c| c.state.clone()).collect();
        drop(conns);
        let deadline = std::time::Instant::now() + CLOSE_WAIT;
        while states.iter().any(|s| !s.is_closed()) && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }

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
        self.inner.jar.list()
    }

    /// Sends one request and records everything about it.
    pub async fn send(&self, spec: &RequestSpec, probe: Probe) -> Exchange {
        let with_cookies = self.inner.jar.apply(spec);
        let spec = with_cookies.as_ref().unwrap_or(spec);
        let userinfo = super::userinfo::apply(spec);
        let spec = userinfo.as_ref().map_or(spec, |(s, _)| s);
        // The trust store is the process's, not the exchange's: if it is
        // still cold, wait for it before the clock starts and say so.
        // (A `--cacert` file is tried first; the system roots only if it
        // does not vouch for the server.)
        let tls = &spec.options.tls;
        let waited = match spec.url.starts_with("https:")
            && tls.verify == Verify::On
            && tls.ca_file.is_none()
        {
            true => super::tls::warm().await,
            false => std::time::Duration::ZERO,
        };
        // A rate limit's wait is the run's pacing, not the exchange's
        // time: it too comes before the clock (said in a warning).
        let paced = match &spec.options.rate {
            Some(limit) => super::policy::rate::wait_for_slot(&self.inner.rates, &spec.url, limit)
                .await
                .map(|w| Some((w, *limit))),
            None => Ok(None),
        };
        let start = Instant::now();
        let route = match (spec.options.alt_svc, spec.options.http) {
            (true, HttpVersion::Auto) => self.alt_route(&spec.url),
            _ => None,
        };
        if spec.options.http == HttpVersion::Http3 || route.is_some() {
            let note = userinfo.as_ref().map(|(_, w)| w.clone());
            return self
                .send_h3(spec, probe, start, note, waited, paced, route)
                .await;
        }
        let mut flight = Flight {
            timeline: Timeline::new(SystemTime::now()),
            conn: None,
            h2: None,
            connection: None,
            tls: None,
            negotiated: None,
            response: None,
            warnings: Vec::new(),
            key: None,
        };
        if let Some((_, w)) = &userinfo {
            flight.warnings.push(w.clone());
        }
        if waited > std::time::Duration::ZERO {
            flight.warnings.push(Warning::TrustStoreWait(waited));
        }
        if let Ok(Some((waited, limit))) = &paced {
            if !waited.is_zero() {
                flight.warnings.push(Warning::RateWait {
                    waited: *waited,
                    rate: limit.words(),
                });
            }
        }
        let total = spec.options.total_timeout;
        let result = match paced {
            Err(e) => Err(e),
            Ok(_) => match timeout(total, self.run(spec, &mut flight, start, &probe)).await {
                Ok(r) => r,
                Err(_) => Err(WireError::timeout(
                    TimeoutKind::Total,
                    "the exchange did not finish",
                    total,
                )),
            },
        };
        mark(&mut flight.timeline, &probe, start, Mark::Done);
        // HTTP/2: the connection's socket belongs to its driver task.
        let h2_kernel = flight.h2.as_ref().and_then(|f| f.kernel.facts());
        let (transcript, h2, h2_body) = match flight.h2.take() {
            Some(f) => h2_end::settle(f, start, &mut flight.timeline, result.is_ok()),
            None => (
                flight
                    .conn
                    .as_mut()
                    .map(|c| c.tap.finish())
                    .unwrap_or_default(),
                None,
                None,
            ),
        };
        if let (Some(cap), Some(resp)) = (&h2, flight.response.as_mut()) {
            h2_end::heads_in_wire_order(cap, resp);
        }
        // However the read ended (the deadline may have dropped it), the
        // kept body is settled from what arrived.
        if let Some(resp) = flight.response.as_mut() {
            let keep = spec.options.limits.max_body_kept;
            match h2_body {
                // HTTP/2: the DATA payloads the record kept, not a copy —
                // as far as the stream took them (DATA past a flow-control
                // window crossed the wire, so it stays in the transcript,
                // but the h2 crate refused it: not body).
                Some(body) => {
                    let taken = usize::try_from(resp.body_len).unwrap_or(usize::MAX);
                    resp.body = body.slice(..body.len().min(keep).min(taken));
                    resp.arriving = Vec::new();
                }
                None => super::body::settle(resp, &transcript.received, keep),
            }
        }
        let origin = url::Url::parse(&spec.url)
            .ok()
            .and_then(|u| Origin::from_url(&u).ok());
        // The kernel's account of the connection, as the exchange ends.
        if let Some(info) = flight.connection.as_mut() {
            info.tcp = match flight.conn.as_ref() {
                Some(conn) => conn.tap.get_ref().tcp_facts(),
                None => h2_kernel,
            };
        }
        if let (Ok(Reuse::Keep), Some(conn), Some(key)) =
            (&result, flight.conn.take(), flight.key.take())
        {
            self.inner.pool.checkin(key, conn);
        }
        let insecure =
            spec.options.tls.verify == Verify::Off && origin.as_ref().is_some_and(|o| o.tls);
        if insecure {
            flight.warnings.insert(0, Warning::VerifyOff);
        }
        if let Some(w) = client_cert_unused(spec, origin.as_ref(), flight.tls.as_ref()) {
            flight.warnings.push(w);
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
            h3: None,
            insecure,
            warnings: flight.warnings,
            error: result.err(),
        };
        self.inner.jar.store(spec, &ex);
        self.learn_alt(&ex);
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
        // Which proxy, if any, this URL goes through; what was set and
        // not applied is said in the warnings.
        let route = super::proxy::route(url.scheme(), &origin.host, &opts.proxy)?;
        flight.warnings.extend(route.notes.iter().cloned());
        // Plain-http HTTP/1.1 is forwarded by an HTTP proxy in
        // absolute-form; https, HTTP/2 and raw bytes (which cannot be
        // rewritten) go through a CONNECT tunnel.
        let forward = route.proxy.as_ref().is_some_and(|p| {
            p.kind.is_http()
                && !origin.tls
                && opts.http != HttpVersion::Http2PriorKnowledge
                && spec.raw.is_none()
        });
        let key = key(origin.clone(), spec, route.proxy.as_ref());
        flight.key = Some(key.clone());
        let h2_allowed = opts.http != HttpVersion::Http1 && spec.raw.is_none();
        let h1_allowed = matches!(opts.http, HttpVersion::Auto | HttpVersion::Http1);

        if h2_allowed {
            if let Some(conn) = self.inner.pool.h2_conn(&key) {
                return self
                    .run_h2(conn, true, spec, &url, flight, start, probe)
                    .await;
            }
        }
        if h1_allowed {
            let found = self.inner.pool.checkout(&key);
            flight.warnings.extend(found.stale);
            if let Some(conn) = found.conn {
                let id = conn.info.id;
                let result = self
                    .run_h1(conn, true, spec, &url, flight, start, probe)
                    .await;
                // The server closed (or reset) the kept connection as our
                // request went out, before a byte of answer: the classic
                // "connection reset after N requests". An idempotent
                // request goes out once more on a new connection; one that
                // may have taken effect does not.
                let unanswered = flight
                    .conn
                    .as_ref()
                    .is_some_and(|c| c.tap.received_total() == 0);
                let stale = matches!(&result, Err(e) if unanswered
                    && matches!(e.phase, ErrorPhase::Send | ErrorPhase::StatusLine));
                if !stale {
                    return result;
                }
                let idempotent = crate::explain::method(&spec.method).is_some_and(|m| m.idempotent);
                if !idempotent || spec.raw.is_some() {
                    flight.warnings.push(Warning::StaleNotRetried { id });
                    return result;
                }
                flight.warnings.push(Warning::StaleRetried { id });
                flight.conn = None;
                flight.response = None;
                flight.timeline.reused = false;
            }
        }
        // Only a dial that may end in HTTP/2 is worth waiting for: HTTP/1.1
        // connections are never shared, so their dials run in parallel.
        let gate = self.inner.pool.gate(&key);
        let guard = match h2_allowed {
            true => Some(gate.lock().await),
            false => None,
        };
        if h2_allowed {
            if let Some(conn) = self.inner.pool.h2_conn(&key) {
                drop(guard);
                return self
                    .run_h2(conn, true, spec, &url, flight, start, probe)
                    .await;
            }
        }
        let alpn = negotiate::offer(opts.http, h2_allowed);
        let id = NEXT_CONN_ID.fetch_add(1, Ordering::Relaxed);
        self.inner.opened.fetch_add(1, Ordering::Relaxed);
        let via = route
            .proxy
            .as_ref()
            .map(|proxy| super::proxy::Via { proxy, forward });
        let d = dial::dial(
            &origin,
            opts,
            &self.inner.trust,
            id,
            alpn,
            start,
            &mut flight.timeline,
            probe,
            via.as_ref(),
            &mut flight.connection,
        )
        .await?;
        let chosen = d.tls.as_ref().and_then(|t| t.alpn.clone());
        let (use_h2, why) =
            negotiate::outcome(&origin, opts.http, alpn, chosen.as_deref(), h1_allowed)?;
        if use_h2 {
            let limits = opts.limits;
            // One recording for the connection's life (HPACK state spans
            // it), held to the same per-direction cap as an exchange's.
            let keep = limits.max_head_bytes.saturating_add(limits.max_body_kept);
            let rec = Recorder::new(start, keep, Probe::none());
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
            self.inner.pool.insert_h2(key.clone(), conn.clone());
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
            forward: route
                .proxy
                .as_ref()
                .filter(|_| forward)
                .map(|p| super::proxy::Forward {
                    authorization: p.authorization(),
                }),
        };
        self.run_h1(conn, false, spec, &url, flight, start, probe)
            .await
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
        let token = match conn.rec.lock() {
            Ok(mut r) => r.listen(probe.clone(), start),
            Err(_) => 0,
        };
        let h2f = flight.h2.insert(h2_end::H2Flight {
            rec: conn.rec.clone(),
            token,
            stream: None,
            kernel: conn.state.kernel.clone(),
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
}

/// `--cert` given but not sent, and why: said, not dropped silently.
fn client_cert_unused(
    spec: &RequestSpec,
    origin: Option<&Origin>,
    tls: Option<&super::exchange::TlsInfo>,
) -> Option<Warning> {
    spec.options.tls.client_cert.as_ref()?;
    let why = match (origin, tls) {
        (Some(o), _) if !o.tls => "the URL is plain http (no TLS)",
        (_, Some(t)) if t.client_auth.as_ref().is_some_and(|a| !a.asked) => {
            "the server did not ask for one"
        }
        _ => return None,
    };
    Some(Warning::ClientCertUnused { why: why.into() })
}
