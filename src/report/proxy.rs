//! How an exchange's connection went through a proxy, for the reports:
//! the proxy (its URL with the password masked, its kind, where it came
//! from) and what was said to it — the CONNECT and its answer as text
//! (Proxy-Authorization masked unless secrets are shown), or the SOCKS5
//! handshake's size and reply. JSON keeps the exact bytes, as it does for
//! the exchange's own.

use base64::Engine as _;
use serde_json::{json, Value};

use super::escape::{escape_bytes, sanitize_text};
use super::mask::mask_header_value;
use crate::wire::proxy::{socks5_reply_words, ProxyKind, ProxyUsed, TunnelRecord};

/// `connection.proxy` in JSON.
pub fn json(p: &ProxyUsed) -> Value {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    json!({
        "url": p.url,
        "kind": p.kind.name(),
        "from": p.from,
        "connect": p.connect.as_ref().map(|c| json!({
            "sent_b64": b64(&c.sent),
            "received_b64": b64(&c.received),
            "status": c.status,
            "socks_reply": c.socks_reply,
        })),
    })
}

/// The proxy's lines of the text report.
pub fn text(p: &ProxyUsed, show_secrets: bool) -> String {
    let mut out = format!(
        "via {} proxy {} (from {})\n",
        p.kind.name(),
        sanitize_text(&p.url),
        sanitize_text(&p.from)
    );
    match &p.connect {
        None => {
            out.push_str("  no tunnel: plain http forwarded by the proxy (absolute-form request)\n")
        }
        Some(c) if matches!(p.kind, ProxyKind::Socks5 | ProxyKind::Socks5h) => {
            let reply = match c.socks_reply {
                Some(r) => format!("reply {r} ({})", socks5_reply_words(r)),
                None => "no reply".into(),
            };
            out.push_str(&format!(
                "  SOCKS5 handshake: {} bytes sent, {} bytes received, {reply}\n",
                c.sent.len(),
                c.received.len()
            ));
        }
        Some(c) => connect_text(c, show_secrets, &mut out),
    }
    out
}

fn connect_text(c: &TunnelRecord, show_secrets: bool, out: &mut String) {
    out.push_str(&format!("  tunnel request ({} bytes):\n", c.sent.len()));
    head_lines(&c.sent, show_secrets, out);
    out.push_str(&format!("  proxy's answer ({} bytes):\n", c.received.len()));
    head_lines(&c.received, show_secrets, out);
}

/// A head as lines, each escaped; secret header values masked.
fn head_lines(bytes: &[u8], show_secrets: bool, out: &mut String) {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = match text.split_once("\r\n\r\n") {
        Some((h, b)) => (h, Some(b)),
        None => (text.as_ref(), None),
    };
    for (i, line) in head.split("\r\n").enumerate() {
        // The first line is the request or status line, not a field.
        let field = line.split_once(':').filter(|_| i > 0);
        let shown = match (show_secrets, field) {
            (false, Some((name, value))) => {
                format!("{name}: {}", mask_header_value(name, value.trim_start()))
            }
            _ => line.to_string(),
        };
        out.push_str(&format!("    {}\n", escape_bytes(shown.as_bytes())));
    }
    if let Some(b) = body.filter(|b| !b.is_empty()) {
        out.push_str(&format!("    (body) {}\n", escape_bytes(b.as_bytes())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connect_is_shown_with_its_credentials_masked() {
        let p = ProxyUsed {
            url: "http://u:****@p:1".into(),
            kind: ProxyKind::Http,
            from: "env:HTTPS_PROXY".into(),
            connect: Some(TunnelRecord {
                sent: b"CONNECT h:443 HTTP/1.1\r\nProxy-Authorization: Basic dTpw\r\n\r\n".to_vec(),
                received: b"HTTP/1.1 200 OK\r\n\r\n".to_vec(),
                status: Some(200),
                socks_reply: None,
            }),
        };
        let t = text(&p, false);
        assert!(t.contains("via http proxy http://u:****@p:1 (from env:HTTPS_PROXY)"));
        assert!(
            t.contains("CONNECT h:443 HTTP/1.1") && !t.contains("dTpw"),
            "{t}"
        );
        assert!(text(&p, true).contains("dTpw"));
        let j = json(&p);
        assert_eq!(j["connect"]["status"], 200);
        assert_eq!(j["from"], "env:HTTPS_PROXY");
    }
}
