//! The HTTP CONNECT handshake (RFC 9110 §9.3.6), as curl sends it: the
//! request line, `Host`, `Proxy-Authorization` when there are
//! credentials, `User-Agent`, `Proxy-Connection: Keep-Alive`. Any 2xx
//! opens the tunnel; anything else is the proxy refusing, shown with its
//! status and (a bounded part of) its body. Every byte both ways goes
//! into the `TunnelRecord` as it crosses.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::timeout;

use super::super::error::{describe_io, ErrorPhase, WireError};
use super::{authority, Proxy, TunnelRecord};
use crate::report::escape::escape_bytes;

/// Largest CONNECT answer head accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Body bytes of a refusal kept for the message and the record.
const MAX_REFUSAL_BODY: usize = 16 * 1024;
/// How long a refusal's body is waited for, in all (it is only for
/// display; a proxy that trickles it must not hold the error back).
const REFUSAL_BODY_WAIT: Duration = Duration::from_secs(1);
/// Characters of a refusal's body quoted in the error message.
const QUOTED: usize = 300;

fn proxy_err(m: String) -> WireError {
    WireError::new(ErrorPhase::Proxy, m)
}

/// The CONNECT request's bytes.
pub fn request(proxy: &Proxy, host: &str, port: u16) -> Vec<u8> {
    let target = authority(host, port);
    let mut out = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(auth) = proxy.authorization() {
        out.push_str(&format!("Proxy-Authorization: {auth}\r\n"));
    }
    out.push_str(&format!(
        "User-Agent: {}\r\nProxy-Connection: Keep-Alive\r\n\r\n",
        super::super::h1_user_agent()
    ));
    out.into_bytes()
}

/// Asks the proxy for a tunnel to `host:port`. Returns the bytes read
/// past the proxy's answer (the origin's first bytes, if it spoke first).
pub async fn open<S: AsyncRead + AsyncWrite + Unpin>(
    io: &mut S,
    proxy: &Proxy,
    host: &str,
    port: u16,
    rec: &mut TunnelRecord,
) -> Result<Vec<u8>, WireError> {
    let who = format!("proxy {}", proxy.authority());
    let req = request(proxy, host, port);
    rec.sent.extend_from_slice(&req);
    io.write_all(&req).await.map_err(|e| {
        proxy_err(format!(
            "{who}: could not send CONNECT: {}",
            describe_io(&e)
        ))
    })?;
    io.flush().await.map_err(|e| {
        proxy_err(format!(
            "{who}: could not send CONNECT: {}",
            describe_io(&e)
        ))
    })?;
    let head_end = read_head(io, rec, &who).await?;
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Response::new(&mut headers);
    let status = match parsed.parse(&rec.received[..head_end]) {
        Ok(httparse::Status::Complete(_)) => parsed.code.unwrap_or(0),
        Ok(httparse::Status::Partial) | Err(_) => {
            let first = rec
                .received
                .split(|&b| b == b'\n')
                .next()
                .unwrap_or_default();
            return Err(proxy_err(format!(
                "{who} answered CONNECT with something that is not an HTTP response: '{}'",
                escape_bytes(&first[..first.len().min(120)])
            )));
        }
    };
    rec.status = Some(status);
    let reason = parsed.reason.unwrap_or("").to_string();
    if (200..300).contains(&status) {
        // What follows the head is the origin's, not the proxy's.
        return Ok(rec.received.split_off(head_end));
    }
    let length = parsed
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    read_refusal_body(io, rec, head_end, length).await;
    let body = &rec.received[head_end..];
    let text = String::from_utf8_lossy(&body[..body.len().min(QUOTED)]);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = match text.is_empty() {
        true => String::new(),
        false => format!("; it said: \"{}\"", escape_bytes(text.as_bytes())),
    };
    let hint = match (status, proxy.credentials.is_some()) {
        (407, false) => " (the proxy wants credentials; none were sent)",
        (407, true) => " (the proxy refused the credentials sent)",
        _ => "",
    };
    let err = proxy_err(format!(
        "{who} refused the tunnel to {}: {status} {reason}{hint}{said}",
        authority(host, port)
    ));
    Err(match (status, proxy.credentials.is_some()) {
        (407, false) => err.with_remedy(super::super::error::Remedy::ProxyCredentials),
        _ => err,
    })
}

/// Reads until the end of the answer's head; returns where it ends.
async fn read_head<S: AsyncRead + Unpin>(
    io: &mut S,
    rec: &mut TunnelRecord,
    who: &str,
) -> Result<usize, WireError> {
    let mut buf = [0u8; 4096];
    loop {
        if let Some(i) = rec.received.windows(4).position(|w| w == b"\r\n\r\n") {
            return Ok(i + 4);
        }
        if rec.received.len() > MAX_HEAD {
            return Err(proxy_err(format!(
                "{who}: its answer to CONNECT has no end of head within {} KiB",
                MAX_HEAD / 1024
            )));
        }
        let n = io.read(&mut buf).await.map_err(|e| {
            proxy_err(format!(
                "{who}: reading its answer to CONNECT: {}",
                describe_io(&e)
            ))
        })?;
        if n == 0 {
            return Err(proxy_err(match rec.received.is_empty() {
                true => format!("{who} closed the connection without answering CONNECT"),
                false => {
                    format!("{who} closed the connection in the middle of its answer to CONNECT")
                }
            }));
        }
        rec.received.extend_from_slice(&buf[..n]);
    }
}

/// Reads what there is of a refusal's body, briefly and bounded: it is
/// shown to the user, never needed to go on.
async fn read_refusal_body<S: AsyncRead + Unpin>(
    io: &mut S,
    rec: &mut TunnelRecord,
    head_end: usize,
    length: Option<usize>,
) {
    let want = length.unwrap_or(MAX_REFUSAL_BODY).min(MAX_REFUSAL_BODY);
    let mut buf = [0u8; 4096];
    let read = async {
        while rec.received.len() - head_end < want {
            match io.read(&mut buf).await {
                Ok(n) if n > 0 => rec.received.extend_from_slice(&buf[..n]),
                _ => break,
            }
        }
    };
    // Whatever arrived by then is kept (the record is filled as it reads).
    let _ = timeout(REFUSAL_BODY_WAIT, read).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connect_request_is_what_curl_sends() {
        let mut p = Proxy::parse("http://u:p@proxy:3128", "flag").unwrap();
        let r = String::from_utf8(request(&p, "::1", 443)).unwrap();
        assert!(r.starts_with(
            "CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\nProxy-Authorization: Basic dTpw\r\n"
        ));
        assert!(r.ends_with("Proxy-Connection: Keep-Alive\r\n\r\n"));
        p.credentials = None;
        let r = String::from_utf8(request(&p, "h", 8443)).unwrap();
        assert!(!r.contains("Proxy-Authorization"));
    }

    #[tokio::test]
    async fn a_refusal_names_the_status_and_the_body() {
        let p = Proxy::parse("http://proxy:3128", "flag").unwrap();
        let answer =
            b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 9\r\n\r\nlogin now";
        let (mut a, mut b) = tokio::io::duplex(4096);
        let peer = tokio::spawn(async move {
            let mut got = vec![0u8; 512];
            let _ = b.read(&mut got).await;
            b.write_all(answer).await.unwrap();
            b
        });
        let mut rec = TunnelRecord::default();
        let e = open(&mut a, &p, "h", 443, &mut rec).await.unwrap_err();
        let _b = peer.await;
        assert_eq!(e.phase, ErrorPhase::Proxy);
        assert!(
            e.message.contains("407 Proxy Authentication Required"),
            "{}",
            e.message
        );
        assert!(e.message.contains("login now") && e.message.contains("none were sent"));
        assert_eq!(
            e.remedy,
            Some(super::super::super::error::Remedy::ProxyCredentials)
        );
        assert!(e.cli_message().contains("--proxy-user") && e.tui_message().contains("proxy row"));
        assert_eq!(rec.status, Some(407));
        assert_eq!(rec.received, answer);
    }

    #[tokio::test]
    async fn bytes_past_the_answer_are_handed_back() {
        let p = Proxy::parse("http://proxy:3128", "flag").unwrap();
        let (mut a, mut b) = tokio::io::duplex(4096);
        let peer = tokio::spawn(async move {
            let mut got = vec![0u8; 512];
            let _ = b.read(&mut got).await;
            b.write_all(b"HTTP/1.1 200 Connection established\r\n\r\nSERVER-FIRST")
                .await
                .unwrap();
            b
        });
        let mut rec = TunnelRecord::default();
        let rest = open(&mut a, &p, "h", 80, &mut rec).await.unwrap();
        let _b = peer.await;
        assert_eq!(rest, b"SERVER-FIRST");
        assert_eq!(rec.status, Some(200));
    }
}
