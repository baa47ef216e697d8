//! The SOCKS5 handshake (RFC 1928), with username/password auth (RFC
//! 1929) when there are credentials. Written here rather than taken from
//! a crate (tokio-socks would fit the protocol): every byte must go into
//! the `TunnelRecord` exactly as it crossed, each failure must name its
//! step in words (and the reply code in RFC terms), and the handshake is
//! a few fixed-size messages — smaller than the adapter a crate would
//! need around it.

use std::net::IpAddr;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::super::error::{describe_io, ErrorPhase, WireError};
use super::{authority, Proxy, TunnelRecord};

/// Where the tunnel goes: an address we resolved (`socks5://`) or a name
/// the proxy resolves (`socks5h://`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Ip(IpAddr),
    Name(String),
}

fn proxy_err(m: String) -> WireError {
    WireError::new(ErrorPhase::Proxy, m)
}

/// The RFC 1928 reply codes, in words.
pub fn reply_words(code: u8) -> &'static str {
    match code {
        0 => "succeeded",
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unknown reply code",
    }
}

/// The CONNECT request's bytes for `target:port`.
pub fn connect_request(target: &Target, port: u16) -> Result<Vec<u8>, WireError> {
    let mut out = vec![5, 1, 0];
    match target {
        Target::Ip(IpAddr::V4(ip)) => {
            out.push(1);
            out.extend_from_slice(&ip.octets());
        }
        Target::Ip(IpAddr::V6(ip)) => {
            out.push(4);
            out.extend_from_slice(&ip.octets());
        }
        Target::Name(name) => {
            let len = u8::try_from(name.len()).map_err(|_| {
                WireError::new(
                    ErrorPhase::Input,
                    format!("host name '{name}' is longer than the 255 bytes SOCKS5 can carry"),
                )
            })?;
            out.push(3);
            out.push(len);
            out.extend_from_slice(name.as_bytes());
        }
    }
    out.extend_from_slice(&port.to_be_bytes());
    Ok(out)
}

/// A recording reader/writer for the handshake's messages.
struct Wire<'a, S> {
    io: &'a mut S,
    rec: &'a mut TunnelRecord,
    who: String,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Wire<'_, S> {
    async fn send(&mut self, bytes: &[u8], step: &str) -> Result<(), WireError> {
        self.rec.sent.extend_from_slice(bytes);
        let res = match self.io.write_all(bytes).await {
            Ok(()) => self.io.flush().await,
            Err(e) => Err(e),
        };
        res.map_err(|e| {
            proxy_err(format!(
                "{}: could not send the {step}: {}",
                self.who,
                describe_io(&e)
            ))
        })
    }

    async fn take(&mut self, n: usize, step: &str) -> Result<Vec<u8>, WireError> {
        let mut buf = vec![0u8; n];
        let mut got = 0;
        while got < n {
            let r = self.io.read(&mut buf[got..]).await.map_err(|e| {
                proxy_err(format!(
                    "{}: reading its {step}: {}",
                    self.who,
                    describe_io(&e)
                ))
            })?;
            if r == 0 {
                return Err(proxy_err(format!(
                    "{} closed the connection before its {step} was complete ({got} of {n} bytes)",
                    self.who
                )));
            }
            self.rec.received.extend_from_slice(&buf[got..got + r]);
            got += r;
        }
        Ok(buf)
    }
}

/// Greets the proxy, authenticates if asked, and asks for a tunnel to
/// `target:port`.
pub async fn open<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    proxy: &Proxy,
    target: &Target,
    port: u16,
    rec: &mut TunnelRecord,
) -> Result<(), WireError> {
    let request = connect_request(target, port)?;
    let mut w = Wire {
        io,
        rec,
        who: format!("SOCKS5 proxy {}", proxy.authority()),
    };
    // No authentication, plus username/password when we have them.
    let greeting: &[u8] = match proxy.credentials.is_some() {
        true => &[5, 2, 0, 2],
        false => &[5, 1, 0],
    };
    w.send(greeting, "greeting").await?;
    let choice = w.take(2, "method choice").await?;
    if choice[0] != 5 {
        return Err(proxy_err(format!(
            "{} answered with version {} (not SOCKS5)",
            w.who, choice[0]
        )));
    }
    match (choice[1], &proxy.credentials) {
        (0, _) => {}
        (2, Some((user, pass))) => {
            let (Ok(ul), Ok(pl)) = (u8::try_from(user.len()), u8::try_from(pass.len())) else {
                return Err(WireError::new(
                    ErrorPhase::Input,
                    "SOCKS5 user names and passwords are at most 255 bytes",
                ));
            };
            let mut auth = vec![1, ul];
            auth.extend_from_slice(user.as_bytes());
            auth.push(pl);
            auth.extend_from_slice(pass.as_bytes());
            w.send(&auth, "username/password").await?;
            let status = w.take(2, "authentication answer").await?;
            if status[1] != 0 {
                return Err(proxy_err(format!(
                    "{} refused the username/password for user '{user}' (status {})",
                    w.who, status[1]
                )));
            }
        }
        (0xff, None) => {
            let why = "it may want credentials, and none were sent";
            let e = proxy_err(format!(
                "{} accepts none of the methods offered: {why}",
                w.who
            ));
            return Err(e.with_remedy(super::super::error::Remedy::ProxyCredentials));
        }
        (0xff, Some(_)) => {
            return Err(proxy_err(format!(
                "{} accepts neither no authentication nor username/password",
                w.who
            )))
        }
        (m, _) => {
            return Err(proxy_err(format!(
                "{} chose authentication method {m}, which was not offered",
                w.who
            )))
        }
    }
    w.send(&request, "CONNECT request").await?;
    let head = w.take(4, "reply").await?;
    w.rec.socks_reply = Some(head[1]);
    let rest = match head[3] {
        1 => 4,
        4 => 16,
        3 => usize::from(w.take(1, "reply").await?[0]),
        t => {
            return Err(proxy_err(format!(
                "{} replied with address type {t}, which SOCKS5 does not define",
                w.who
            )))
        }
    };
    w.take(rest + 2, "reply").await?;
    if head[1] != 0 {
        let to = match target {
            Target::Ip(ip) => authority(&ip.to_string(), port),
            Target::Name(n) => authority(n, port),
        };
        return Err(proxy_err(format!(
            "{} refused the tunnel to {to}: reply {} ({})",
            w.who,
            head[1],
            reply_words(head[1])
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_carry_an_address_or_a_name() {
        let ip = connect_request(&Target::Ip("127.0.0.1".parse().unwrap()), 80).unwrap();
        assert_eq!(ip, [5, 1, 0, 1, 127, 0, 0, 1, 0, 80]);
        let name = connect_request(&Target::Name("ab".into()), 443).unwrap();
        assert_eq!(name, [5, 1, 0, 3, 2, b'a', b'b', 1, 187]);
        assert!(connect_request(&Target::Name("x".repeat(256)), 1).is_err());
    }

    #[tokio::test]
    async fn a_refused_connect_is_a_proxy_error_with_the_reply_in_words() {
        let p = Proxy::parse("socks5://s:1080", "flag").unwrap();
        let (mut a, mut b) = tokio::io::duplex(4096);
        let peer = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            let _ = b.read(&mut buf).await;
            b.write_all(&[5, 0]).await.unwrap();
            let _ = b.read(&mut buf).await;
            b.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await.unwrap();
            b
        });
        let mut rec = TunnelRecord::default();
        let t = Target::Name("h".into());
        let e = open(&mut a, &p, &t, 80, &mut rec).await.unwrap_err();
        let _b = peer.await;
        assert_eq!(e.phase, ErrorPhase::Proxy);
        assert!(e.message.contains("connection refused"), "{}", e.message);
        assert_eq!(rec.socks_reply, Some(5));
        assert_eq!(rec.received.len(), 12);
        assert_eq!(
            rec.sent,
            [&[5, 1, 0][..], &[5, 1, 0, 3, 1, b'h', 0, 80]].concat()
        );
    }
}
