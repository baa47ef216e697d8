//! Dialing, timed: DNS (every address kept), TCP connect (each address in
//! turn, each attempt bounded), then the TLS handshake with the raw bytes
//! below TLS recorded so its records can be listed.

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::time::timeout;

use super::error::{describe_io, human_duration, ErrorPhase, TimeoutKind, WireError};
use super::exchange::{ConnectionInfo, TlsInfo};
use super::probe::{Probe, Progress};
use super::rawtap::RawTap;
use super::spec::{Options, Verify};
use super::tap::Io;
use super::timeline::{Mark, Timeline};
use super::tls::{self, Trust};

/// Where to connect: the origin of a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub tls: bool,
    /// Host without IPv6 brackets.
    pub host: String,
    pub port: u16,
}

impl Origin {
    pub fn from_url(url: &url::Url) -> Result<Origin, WireError> {
        let input = |m: String| WireError::new(ErrorPhase::Input, m);
        let tls = match url.scheme() {
            "http" => false,
            "https" => true,
            other => {
                return Err(input(format!(
                    "unsupported scheme '{other}' (use http or https)"
                )))
            }
        };
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            None => return Err(input(format!("URL has no host: {url}"))),
        };
        let port = url
            .port_or_known_default()
            .ok_or_else(|| input(format!("URL has no port: {url}")))?;
        Ok(Origin { tls, host, port })
    }
}

/// A freshly dialed connection, before the tap goes on.
pub struct Dialed {
    pub io: Box<dyn Io>,
    pub info: ConnectionInfo,
    pub tls: Option<TlsInfo>,
}

/// Mark on the timeline and tell the probe.
pub fn mark(timeline: &mut Timeline, probe: &Probe, start: Instant, m: Mark) {
    let at = start.elapsed();
    timeline.mark(m, at);
    probe.send(Progress::Mark(m, at));
}

/// Resolves, connects and (for https) handshakes, marking each phase;
/// through `via`'s proxy when there is one (then `seen` holds what is
/// known of the connection as it goes, so a refusal still shows it).
#[allow(clippy::too_many_arguments)]
pub async fn dial(
    origin: &Origin,
    opts: &Options,
    trust: &Trust,
    id: u64,
    alpn: &[&[u8]],
    start: Instant,
    timeline: &mut Timeline,
    probe: &Probe,
    via: Option<&super::proxy::Via<'_>>,
    seen: &mut Option<ConnectionInfo>,
) -> Result<Dialed, WireError> {
    if let Some(via) = via {
        let ctx = DialCtx {
            opts,
            trust,
            id,
            alpn,
            start,
            probe,
        };
        return super::proxy::dial_via(via, origin, &ctx, timeline, seen).await;
    }
    // TLS settings first: a bad CA file is an input error, found before
    // anything touches the network.
    let tls_config = match origin.tls {
        true => Some(trust.client_config(&opts.tls, alpn)?),
        false => None,
    };
    timeline.no_lookup = origin.host.parse::<IpAddr>().is_ok();
    let resolved = resolve(&origin.host, origin.port, opts, "host").await?;
    mark(timeline, probe, start, Mark::DnsDone);
    let (tcp, remote, failed) = connect_any(&resolved, origin.port, opts, "").await?;
    mark(timeline, probe, start, Mark::Connected);
    let info = ConnectionInfo {
        id,
        reused: false,
        remote,
        local: tcp.local_addr().ok(),
        resolved,
        failed_attempts: failed,
        proxy: None,
        tcp: None,
    };
    let Some((config, recording)) = tls_config else {
        return Ok(Dialed {
            io: Box::new(tcp),
            info,
            tls: None,
        });
    };
    let (io, tls_info) =
        handshake(tcp, &origin.host, config, &recording, opts, alpn, start).await?;
    mark(timeline, probe, start, Mark::TlsDone);
    Ok(Dialed {
        io,
        info,
        tls: Some(tls_info),
    })
}

/// What a dial through a proxy needs of `dial`'s arguments.
pub struct DialCtx<'a> {
    pub opts: &'a Options,
    pub trust: &'a Trust,
    pub id: u64,
    pub alpn: &'a [&'a [u8]],
    pub start: Instant,
    pub probe: &'a Probe,
}

/// A failed connect, as `connect_any` reports it.
pub type Failed = Vec<(SocketAddr, String)>;

/// Connects to each address in turn (each attempt bounded). `what`
/// prefixes the error ("proxy 10.0.0.1:3128: ").
pub async fn connect_any(
    ips: &[IpAddr],
    port: u16,
    opts: &Options,
    what: &str,
) -> Result<(TcpStream, SocketAddr, Failed), WireError> {
    let mut failed = Vec::new();
    // Whether every attempt timed out (a connect timeout) or one was
    // refused or unreachable (a connect error): decided as they happen.
    let mut all_timed_out = true;
    for ip in ips {
        let addr = SocketAddr::new(*ip, port);
        match timeout(opts.connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                // Requests are small and latency matters more than
                // packet count.
                let _ = s.set_nodelay(true);
                return Ok((s, addr, failed));
            }
            Ok(Err(e)) => {
                all_timed_out = false;
                failed.push((addr, describe_io(&e)));
            }
            Err(_) => failed.push((
                addr,
                format!("timed out after {}", human_duration(opts.connect_timeout)),
            )),
        }
    }
    let list = failed
        .iter()
        .map(|(a, m)| format!("{a}: {m}"))
        .collect::<Vec<_>>()
        .join("; ");
    Err(if all_timed_out {
        WireError::new(
            ErrorPhase::Timeout(TimeoutKind::Connect),
            format!("{what}could not connect: {list}"),
        )
    } else {
        WireError::new(
            ErrorPhase::Connect,
            format!("{what}could not connect: {list}"),
        )
    })
}

/// The TLS handshake with `host` over `io`, bounded by the connect
/// timeout, with the records below TLS listed.
pub async fn handshake<S>(
    io: S,
    host: &str,
    config: std::sync::Arc<rustls::ClientConfig>,
    recording: &tls::Recording,
    opts: &Options,
    alpn: &[&[u8]],
    start: Instant,
) -> Result<(Box<dyn Io>, TlsInfo), WireError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    tokio_rustls::client::TlsStream<RawTap<S>>: Io,
{
    let name = ServerName::try_from(host.to_string()).map_err(|_| {
        WireError::new(
            ErrorPhase::Input,
            format!("'{host}' is not a valid TLS server name"),
        )
    })?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let handshake = connector.connect(name, RawTap::new(io, start));
    let mut tls_stream = match timeout(opts.connect_timeout, handshake).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(tls::handshake_error(&e, host, &recording.seen(), alpn)),
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Connect,
                "the TLS handshake did not finish",
                opts.connect_timeout,
            ))
        }
    };
    let records = tls_stream.get_mut().0.stop();
    let conn = tls_stream.get_ref().1;
    let chain = conn
        .peer_certificates()
        .map(|c| c.to_vec())
        .unwrap_or_else(|| recording.seen());
    let tls_info = TlsInfo {
        version: conn
            .protocol_version()
            .map(tls::version_name)
            .unwrap_or_default(),
        cipher: conn
            .negotiated_cipher_suite()
            .map(|c| format!("{:?}", c.suite()))
            .unwrap_or_default(),
        alpn: conn
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        server_name: host.to_string(),
        chain: chain.iter().map(|c| tls::cert_info(c)).collect(),
        handshake_records: records,
        insecure: opts.tls.verify == Verify::Off,
        client_auth: recording.client_auth(),
    };
    Ok((Box::new(tls_stream), tls_info))
}

/// Every address for `host`, bounded by the connect timeout. `what`
/// names it in messages ("host", "proxy host").
pub async fn resolve(
    host: &str,
    port: u16,
    opts: &Options,
    what: &str,
) -> Result<Vec<IpAddr>, WireError> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let lookup = tokio::net::lookup_host((host, port));
    let addrs = match timeout(opts.connect_timeout, lookup).await {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            let why = e.to_string();
            let why = why
                .strip_prefix("failed to lookup address information: ")
                .unwrap_or(&why)
                .to_string();
            return Err(WireError::new(
                ErrorPhase::Dns,
                format!("could not resolve {what} '{host}' ({why})"),
            ));
        }
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Connect,
                &format!("DNS lookup of '{host}' did not finish"),
                opts.connect_timeout,
            ))
        }
    };
    let mut ips: Vec<IpAddr> = Vec::new();
    for a in addrs {
        if !ips.contains(&a.ip()) {
            ips.push(a.ip());
        }
    }
    if ips.is_empty() {
        return Err(WireError::new(
            ErrorPhase::Dns,
            format!("{what} '{host}' has no addresses"),
        ));
    }
    Ok(ips)
}
