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

/// Resolves, connects and (for https) handshakes, marking each phase.
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
) -> Result<Dialed, WireError> {
    // TLS settings first: a bad CA file is an input error, found before
    // anything touches the network.
    let tls_config = match origin.tls {
        true => Some(trust.client_config(&opts.tls, alpn)?),
        false => None,
    };
    timeline.no_lookup = origin.host.parse::<IpAddr>().is_ok();
    let resolved = resolve(origin, opts).await?;
    mark(timeline, probe, start, Mark::DnsDone);

    let mut failed = Vec::new();
    let mut stream = None;
    for ip in &resolved {
        let addr = SocketAddr::new(*ip, origin.port);
        match timeout(opts.connect_timeout, TcpStream::connect(addr)).await {
            Ok(Ok(s)) => {
                stream = Some((s, addr));
                break;
            }
            Ok(Err(e)) => failed.push((addr, describe_io(&e))),
            Err(_) => failed.push((
                addr,
                format!("timed out after {}", human_duration(opts.connect_timeout)),
            )),
        }
    }
    let Some((tcp, remote)) = stream else {
        let all_timed_out = failed.iter().all(|(_, m)| m.starts_with("timed out"));
        let list = failed
            .iter()
            .map(|(a, m)| format!("{a}: {m}"))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(if all_timed_out {
            WireError::new(
                ErrorPhase::Timeout(TimeoutKind::Connect),
                format!("could not connect: {list}"),
            )
        } else {
            WireError::new(ErrorPhase::Connect, format!("could not connect: {list}"))
        });
    };
    // Requests are small and latency matters more than packet count.
    let _ = tcp.set_nodelay(true);
    mark(timeline, probe, start, Mark::Connected);
    let info = ConnectionInfo {
        id,
        reused: false,
        remote,
        local: tcp.local_addr().ok(),
        resolved,
        failed_attempts: failed,
    };
    let Some((config, recording)) = tls_config else {
        return Ok(Dialed {
            io: Box::new(tcp),
            info,
            tls: None,
        });
    };
    let name = ServerName::try_from(origin.host.clone()).map_err(|_| {
        WireError::new(
            ErrorPhase::Input,
            format!("'{}' is not a valid TLS server name", origin.host),
        )
    })?;
    let connector = tokio_rustls::TlsConnector::from(config);
    let handshake = connector.connect(name, RawTap::new(tcp, start));
    let mut tls_stream = match timeout(opts.connect_timeout, handshake).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            return Err(tls::handshake_error(
                &e,
                &origin.host,
                &recording.seen(),
                alpn,
            ))
        }
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Connect,
                "the TLS handshake did not finish",
                opts.connect_timeout,
            ))
        }
    };
    mark(timeline, probe, start, Mark::TlsDone);
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
        server_name: origin.host.clone(),
        chain: chain.iter().map(|c| tls::cert_info(c)).collect(),
        handshake_records: records,
        insecure: opts.tls.verify == Verify::Off,
    };
    Ok(Dialed {
        io: Box::new(tls_stream),
        info,
        tls: Some(tls_info),
    })
}

/// Every address for the host, bounded by the connect timeout.
async fn resolve(origin: &Origin, opts: &Options) -> Result<Vec<IpAddr>, WireError> {
    if let Ok(ip) = origin.host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let lookup = tokio::net::lookup_host((origin.host.as_str(), origin.port));
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
                format!("could not resolve host '{}' ({why})", origin.host),
            ));
        }
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Connect,
                &format!("DNS lookup of '{}' did not finish", origin.host),
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
            format!("host '{}' has no addresses", origin.host),
        ));
    }
    Ok(ips)
}
