//! Connecting through a proxy, phase by phase on the exchange's clock:
//! DNS (the proxy's name, and for `socks5://` the origin's), TCP connect
//! to the proxy, then the "tunnel" phase — TLS to an `https://` proxy and
//! the CONNECT or SOCKS5 handshake — and last the TLS handshake with the
//! origin, inside the tunnel. What the proxy said is kept in
//! `ConnectionInfo::proxy` as it goes, so a refusal still shows it.

use std::net::IpAddr;

use tokio::time::timeout;

use super::super::dial::{connect_any, handshake, mark, resolve, DialCtx, Dialed, Origin};
use super::super::error::WireError;
use super::super::exchange::ConnectionInfo;
use super::super::tap::Io;
use super::super::timeline::{Mark, Timeline};
use super::prefixed::Prefixed;
use super::socks5::Target;
use super::{connect, socks5, Proxy, ProxyKind, ProxyUsed, TunnelRecord};

/// A dial through `proxy`. `forward`: the request will be forwarded in
/// absolute-form (plain-http HTTP/1.1 to an HTTP proxy), so no tunnel is
/// opened.
pub struct Via<'a> {
    pub proxy: &'a Proxy,
    pub forward: bool,
}

pub async fn dial_via(
    via: &Via<'_>,
    origin: &Origin,
    ctx: &DialCtx<'_>,
    timeline: &mut Timeline,
    seen: &mut Option<ConnectionInfo>,
) -> Result<Dialed, WireError> {
    let (proxy, opts) = (via.proxy, ctx.opts);
    let forward = via.forward && proxy.kind.is_http() && !origin.tls;
    // TLS settings first: a bad CA file is an input error, found before
    // anything touches the network. The proxy's certificate is checked
    // with the same trust settings as the origin's.
    let origin_tls = match origin.tls {
        true => Some(ctx.trust.client_config(&opts.tls, ctx.alpn)?),
        false => None,
    };
    let proxy_tls = match proxy.kind {
        ProxyKind::Https => Some(ctx.trust.client_config(&opts.tls, &[b"http/1.1"])?),
        _ => None,
    };
    let origin_ip = origin.host.parse::<IpAddr>().ok();
    let local_dns = proxy.kind == ProxyKind::Socks5 && origin_ip.is_none();
    timeline.no_lookup = proxy.host.parse::<IpAddr>().is_ok() && !local_dns;
    let resolved = resolve(&proxy.host, proxy.port, opts, "proxy host").await?;
    // socks5:// (not socks5h://) sends the proxy an address: the name is
    // resolved here, and only the first address is asked for, as curl.
    let target = match (proxy.kind, origin_ip) {
        (ProxyKind::Socks5, Some(ip)) => Target::Ip(ip),
        (ProxyKind::Socks5, None) => {
            let ips = resolve(&origin.host, origin.port, opts, "host").await?;
            // `resolve` never returns an empty list; said, not assumed.
            let first = ips.first().copied().ok_or_else(|| {
                WireError::new(
                    super::super::error::ErrorPhase::Dns,
                    format!("host '{}' has no addresses", origin.host),
                )
            })?;
            Target::Ip(first)
        }
        _ => Target::Name(origin.host.clone()),
    };
    mark(timeline, ctx.probe, ctx.start, Mark::DnsDone);
    let who = format!("proxy {}: ", proxy.authority());
    let (tcp, remote, failed) = connect_any(&resolved, proxy.port, opts, &who).await?;
    mark(timeline, ctx.probe, ctx.start, Mark::Connected);
    let mut info = ConnectionInfo {
        id: ctx.id,
        reused: false,
        remote,
        local: tcp.local_addr().ok(),
        resolved,
        failed_attempts: failed,
        tcp: None,
        proxy: Some(ProxyUsed {
            url: proxy.display_url(),
            kind: proxy.kind,
            from: proxy.from.clone(),
            connect: None,
        }),
    };
    *seen = Some(info.clone());
    timeline.tunnel = !forward || proxy_tls.is_some();
    let mut io: Box<dyn Io> = match proxy_tls {
        Some((config, recording)) => {
            let (io, _) = handshake(
                tcp,
                &proxy.host,
                config,
                &recording,
                opts,
                &[b"http/1.1"],
                ctx.start,
            )
            .await
            .map_err(|e| WireError::new(e.phase, format!("TLS with {who}{}", e.message)))?;
            io
        }
        None => Box::new(tcp),
    };
    if forward {
        if timeline.tunnel {
            mark(timeline, ctx.probe, ctx.start, Mark::TunnelDone);
        }
        return Ok(Dialed {
            io,
            info,
            tls: None,
        });
    }
    let mut rec = TunnelRecord::default();
    let opened = timeout(
        opts.connect_timeout,
        tunnel(&mut io, proxy, &target, origin, &mut rec),
    )
    .await;
    let result = match opened {
        Ok(r) => r,
        Err(_) => Err(WireError::timeout(
            super::super::error::TimeoutKind::Connect,
            &match proxy.kind.is_http() {
                true => format!("{who}no answer to CONNECT (is it an HTTP proxy?)"),
                false => {
                    format!("{who}the SOCKS5 handshake did not finish (is it a SOCKS5 proxy?)")
                }
            },
            opts.connect_timeout,
        )),
    };
    if let Some(p) = info.proxy.as_mut() {
        p.connect = Some(rec);
    }
    *seen = Some(info.clone());
    let rest = result?;
    mark(timeline, ctx.probe, ctx.start, Mark::TunnelDone);
    if !rest.is_empty() {
        io = Box::new(Prefixed::new(rest, io));
    }
    let Some((config, recording)) = origin_tls else {
        return Ok(Dialed {
            io,
            info,
            tls: None,
        });
    };
    let (io, tls_info) = handshake(
        io,
        &origin.host,
        config,
        &recording,
        opts,
        ctx.alpn,
        ctx.start,
    )
    .await?;
    mark(timeline, ctx.probe, ctx.start, Mark::TlsDone);
    Ok(Dialed {
        io,
        info,
        tls: Some(tls_info),
    })
}

/// The tunnel's handshake; returns bytes read past it (the origin's).
async fn tunnel(
    io: &mut Box<dyn Io>,
    proxy: &Proxy,
    target: &Target,
    origin: &Origin,
    rec: &mut TunnelRecord,
) -> Result<Vec<u8>, WireError> {
    match proxy.kind {
        ProxyKind::Http | ProxyKind::Https => {
            connect::open(io, proxy, &origin.host, origin.port, rec).await
        }
        ProxyKind::Socks5 | ProxyKind::Socks5h => {
            socks5::open(io, proxy, target, origin.port, rec).await?;
            Ok(Vec::new())
        }
    }
}
