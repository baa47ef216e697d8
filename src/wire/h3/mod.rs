//! HTTP/3 over QUIC (`--http3`), on quinn + h3 + h3-quinn with rustls
//! (ring provider) and the same trust as every other exchange
//! (`tls::Trust`: system roots, `--cacert`, `-k`, client certificates,
//! `SSLKEYLOGFILE`). h3 calls itself experimental, so it sits behind our
//! record: the exchange is an `Exchange` like any other, its transcript the
//! UDP datagrams exactly as they crossed the socket (`udp.rs`; encrypted,
//! so shown as bytes with each packet's kind), its timeline DNS → QUIC
//! handshake (transport and TLS 1.3 together) → sent → waiting → download,
//! its response decoded from what h3 hands us.
//!
//! One QUIC connection per exchange for now: no pooling, 0-RTT or
//! Alt-Svc discovery yet (said in the README), and no view of the HTTP/3
//! frames or QPACK below the decoded fields.

pub mod alt_svc;
pub mod frames;
mod handshake;
mod request;
pub mod tap;
mod udp;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use tokio::time::timeout;

use super::dial::{self, mark, Origin};
use super::error::{ErrorPhase, TimeoutKind, WireError};
use super::exchange::{ConnectionInfo, Exchange, Negotiated, Response, TlsInfo};
use super::probe::Probe;
use super::spec::{RequestSpec, Verify};
use super::timeline::{Mark, Timeline};
use super::tls::Trust;
use super::warning::Warning;

pub use udp::{kind as packet_kind, Datagram};

/// What an HTTP/3 exchange records beside its datagrams' bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct H3Record {
    /// The request's fields as h3 encoded them (QPACK, on the request
    /// stream's HEADERS frame): pseudo-headers first.
    pub request: Vec<(String, String)>,
    /// Every UDP datagram, in order, with what its first byte shows.
    pub datagrams: Vec<Datagram>,
    pub datagrams_dropped: u64,
    /// quinn's smoothed RTT estimate for the connection as it ended.
    pub rtt: Duration,
    /// Each QUIC stream's decrypted bytes as h3 wrote and read them, with
    /// the HTTP/3 frames found in them (`frames.rs`).
    pub streams: Vec<frames::StreamRecord>,
}

/// Where an exchange goes over QUIC when not the URL's own port (an
/// `Alt-Svc` alternative), and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub port: u16,
    pub why: String,
}

/// Sends `spec` over a new QUIC connection; `id` names the connection.
pub async fn exchange(
    spec: &RequestSpec,
    trust: &Trust,
    id: u64,
    start: Instant,
    probe: &Probe,
    route: Option<Route>,
) -> Exchange {
    let mut timeline = Timeline::new(SystemTime::now());
    timeline.tls = true;
    timeline.quic = true;
    let mut st = State::default();
    let total = spec.options.total_timeout;
    let result = match timeout(
        total,
        run(
            spec,
            trust,
            id,
            start,
            probe,
            &mut timeline,
            &mut st,
            route.as_ref(),
        ),
    )
    .await
    {
        Ok(r) => r,
        Err(_) => Err(WireError::timeout(
            TimeoutKind::Total,
            "the exchange did not finish",
            total,
        )),
    };
    mark(&mut timeline, probe, start, Mark::Done);
    if let (Some(c), Some(log)) = (&st.conn, &st.log) {
        // Close at once (the connection is this exchange's alone) and let
        // the CONNECTION_CLOSE leave, so it is on the record; not the
        // whole drain period (3 PTOs), which would only cost time.
        let before = log.lock().map_or(0, |l| l.sent_count());
        c.close(quinn::VarInt::from_u32(0), b"done");
        for _ in 0..50 {
            if log.lock().map_or(true, |l| l.sent_count() > before) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    drop(st.endpoint.take());
    let (transcript, datagrams, dropped) = st
        .log
        .as_ref()
        .and_then(|l| {
            l.lock().ok().map(|mut l| {
                // The transcript's chunk marks come from the datagrams:
                // made first, then the list moves to the record.
                let transcript = l.take_transcript();
                (transcript, std::mem::take(&mut l.datagrams), l.dropped)
            })
        })
        .unwrap_or_default();
    let rtt = st
        .conn
        .as_ref()
        .map(quinn::Connection::rtt)
        .unwrap_or_default();
    if let Some(resp) = st.response.as_mut() {
        super::body::settle(
            resp,
            &transcript.received,
            spec.options.limits.max_body_kept,
        );
    }
    let insecure = spec.options.tls.verify == Verify::Off;
    if insecure {
        st.warnings.insert(0, Warning::VerifyOff);
    }
    Exchange {
        method: spec.method.clone(),
        url: spec.url.clone(),
        transcript,
        timeline,
        response: st.response,
        connection: st.info,
        tls: st.tls,
        negotiated: Some(Negotiated {
            version: "HTTP/3",
            why: route.map_or_else(|| "--http3: QUIC over UDP, ALPN h3".into(), |r| r.why),
        }),
        h2: None,
        h3: Some(H3Record {
            request: st.request_fields,
            datagrams,
            datagrams_dropped: dropped,
            rtt,
            streams: st
                .streams
                .as_ref()
                .and_then(|s| s.lock().ok().map(|s| frames::records(&s.by_id)))
                .unwrap_or_default(),
        }),
        insecure,
        warnings: st.warnings,
        error: result.err(),
    }
}

/// An exchange that never started (the rate limit refused its slot).
pub fn exchange_refused(spec: &RequestSpec, error: WireError) -> Exchange {
    Exchange {
        method: spec.method.clone(),
        url: spec.url.clone(),
        transcript: Default::default(),
        timeline: Timeline::new(SystemTime::now()),
        response: None,
        connection: None,
        tls: None,
        negotiated: None,
        h2: None,
        h3: None,
        insecure: false,
        warnings: Vec::new(),
        error: Some(error),
    }
}

#[derive(Default)]
struct State {
    endpoint: Option<quinn::Endpoint>,
    conn: Option<quinn::Connection>,
    log: Option<Arc<std::sync::Mutex<udp::DatagramLog>>>,
    info: Option<ConnectionInfo>,
    tls: Option<TlsInfo>,
    response: Option<Response>,
    warnings: Vec<Warning>,
    request_fields: Vec<(String, String)>,
    streams: Option<tap::Log>,
}

#[allow(clippy::too_many_arguments)]
async fn run(
    spec: &RequestSpec,
    trust: &Trust,
    id: u64,
    start: Instant,
    probe: &Probe,
    timeline: &mut Timeline,
    st: &mut State,
    route: Option<&Route>,
) -> Result<(), WireError> {
    let input = |m: String| WireError::new(ErrorPhase::Input, m);
    let opts = &spec.options;
    if spec.raw.is_some() {
        return Err(input(
            "--raw sends HTTP/1.1 bytes; it cannot go over HTTP/3".into(),
        ));
    }
    if opts.proxy.flag.as_deref().is_some_and(|p| !p.is_empty()) {
        return Err(input(
            "--http3 does not go through proxies (QUIC is UDP; -x tunnels TCP)".into(),
        ));
    }
    let url = url::Url::parse(&spec.url).map_err(|e| input(format!("bad URL: {e}")))?;
    let origin = Origin::from_url(&url)?;
    if !origin.tls {
        return Err(input(
            "HTTP/3 needs an https:// URL (QUIC always encrypts)".into(),
        ));
    }
    // TLS first: a bad CA or client certificate is an input error, found
    // before anything touches the network.
    let (tls_config, recording) = trust.client_config(&opts.tls, &[b"h3"])?;
    let quic_tls = quinn::crypto::rustls::QuicClientConfig::try_from(tls_config)
        .map_err(|e| WireError::new(ErrorPhase::Tls, format!("TLS for QUIC: {e}")))?;
    let mut client_config = quinn::ClientConfig::new(Arc::new(quic_tls));
    let mut transport = quinn::TransportConfig::default();
    transport.max_idle_timeout(quinn::IdleTimeout::try_from(opts.read_timeout).ok());
    client_config.transport_config(Arc::new(transport));

    timeline.no_lookup = origin.host.parse::<IpAddr>().is_ok();
    let resolved = dial::resolve(&origin.host, origin.port, opts, "host").await?;
    mark(timeline, probe, start, Mark::DnsDone);
    let ip = *resolved
        .first()
        .ok_or_else(|| WireError::new(ErrorPhase::Dns, "no address".to_string()))?;
    let remote = SocketAddr::new(ip, route.map_or(origin.port, |r| r.port));
    let bind: SocketAddr = match ip {
        IpAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let connect_err = |m: String| WireError::new(ErrorPhase::Connect, m);
    let socket = std::net::UdpSocket::bind(bind)
        .map_err(|e| connect_err(format!("opening a UDP socket: {e}")))?;
    let runtime: Arc<dyn quinn::Runtime> = Arc::new(quinn::TokioRuntime);
    let wrapped = runtime
        .wrap_udp_socket(socket)
        .map_err(|e| connect_err(format!("opening a UDP socket: {e}")))?;
    let keep = opts
        .limits
        .max_head_bytes
        .saturating_add(opts.limits.max_body_kept);
    let recorded = Arc::new(udp::Recorded::new(wrapped, start, keep));
    st.log = Some(recorded.log.clone());
    let local = quinn::AsyncUdpSocket::local_addr(&*recorded).ok();
    let endpoint = quinn::Endpoint::new_with_abstract_socket(
        quinn::EndpointConfig::default(),
        None,
        recorded,
        runtime,
    )
    .map_err(|e| connect_err(format!("starting QUIC: {e}")))?;
    st.endpoint = Some(endpoint.clone());
    st.info = Some(ConnectionInfo {
        id,
        reused: false,
        remote,
        local,
        resolved: resolved.clone(),
        failed_attempts: Vec::new(),
        proxy: None,
        tcp: None,
    });
    let connecting = endpoint
        .connect_with(client_config, remote, &origin.host)
        .map_err(|e| input(format!("cannot connect over QUIC to {remote}: {e}")))?;
    let conn = match timeout(opts.connect_timeout, connecting).await {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return Err(handshake::handshake_error(e, &recording, &origin.host)),
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Connect,
                &format!(
                "no QUIC handshake with {remote} (UDP): nothing answered, or a firewall drops UDP"
            ),
                opts.connect_timeout,
            ))
        }
    };
    mark(timeline, probe, start, Mark::Connected);
    mark(timeline, probe, start, Mark::TlsDone);
    st.conn = Some(conn.clone());
    st.tls = Some(handshake::tls_info(
        &conn,
        &recording,
        &origin.host,
        opts.tls.verify,
    ));

    let streams = tap::log(keep);
    st.streams = Some(streams.clone());
    let h3_conn = tap::Tapped {
        inner: h3_quinn::Connection::new(conn),
        log: streams,
    };
    let (mut driver, mut send) = h3::client::new(h3_conn)
        .await
        .map_err(|e| WireError::new(ErrorPhase::Send, format!("HTTP/3 setup: {e}")))?;
    let drive = tokio::spawn(async move {
        let _ = std::future::poll_fn(|cx| driver.poll_close(cx)).await;
    });
    mark(timeline, probe, start, Mark::Ready);
    let result = request::request(spec, &url, &mut send, timeline, probe, start, st).await;
    drive.abort();
    result
}
