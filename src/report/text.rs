//! The `send` text report: request bytes with CR LF visible, the response
//! head as received, a body preview, TLS and connection facts, warnings and
//! the waterfall. Everything from the wire is escaped on the way out.

use std::fmt::Write;
use std::ops::Range;

use super::escape::sanitize_text;
use super::mask::{escape_masked, exchange_secrets, mask_connection};
use super::{body, hex, waterfall};
use crate::decode::coding::DecodeLimits;
use crate::wire::exchange::Dir;
use crate::wire::Exchange;

/// Which parts of the report to print (`--print`), and how far the body
/// preview decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sections {
    pub request: bool,
    pub response: bool,
    pub body: bool,
    pub tls: bool,
    pub timing: bool,
    pub hex: bool,
    /// HTTP/2 frames with decoded HPACK fields.
    pub frames: bool,
    /// `--max-decoded`, `--max-codings` for the body preview.
    pub decode: DecodeLimits,
    /// `--show-secrets`: credential values as they are, not masked.
    pub show_secrets: bool,
}

impl Default for Sections {
    fn default() -> Self {
        Sections {
            request: true,
            response: true,
            body: true,
            tls: true,
            timing: true,
            hex: false,
            frames: false,
            decode: DecodeLimits::default(),
            show_secrets: false,
        }
    }
}

impl Sections {
    pub const NAMES: &'static [&'static str] = &[
        "request", "response", "body", "tls", "timing", "hex", "frames", "all",
    ];

    /// Parses `request,response,hex` (or `all`).
    pub fn parse(list: &str) -> Result<Sections, String> {
        let mut s = Sections {
            request: false,
            response: false,
            body: false,
            tls: false,
            timing: false,
            hex: false,
            frames: false,
            decode: DecodeLimits::default(),
            show_secrets: false,
        };
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "request" => s.request = true,
                "response" => s.response = true,
                "body" => s.body = true,
                "tls" => s.tls = true,
                "timing" => s.timing = true,
                "hex" => s.hex = true,
                "frames" => s.frames = true,
                "all" => {
                    s = Sections {
                        hex: true,
                        frames: true,
                        ..Sections::default()
                    }
                }
                other => {
                    return Err(format!(
                        "unknown section '{other}' (choose from {})",
                        Sections::NAMES.join(", ")
                    ))
                }
            }
        }
        Ok(s)
    }
}

/// Bytes shown of a request body before eliding the rest.
const MAX_SHOWN_BODY: usize = 2048;
const BODY_PREVIEW_LINES: usize = 40;

/// Wire bytes as lines with their line ends made visible, each prefixed.
pub fn wire_lines(bytes: &[u8], prefix: &str, out: &mut String) {
    masked_lines(bytes, 0, &[], prefix, out);
}

/// `wire_lines` for bytes at offset `base` of their stream, the bytes of
/// `secrets` drawn as `•`.
fn masked_lines(
    bytes: &[u8],
    base: usize,
    secrets: &[Range<usize>],
    prefix: &str,
    out: &mut String,
) {
    let mut at = base;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let _ = writeln!(out, "{prefix}{}", escape_masked(line, at, secrets));
        at += line.len();
    }
}

/// Where a request's head ends (just past the blank line), if it does.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| i + 4)
}

pub fn render(ex: &Exchange, sections: &Sections) -> String {
    let mut out = String::new();
    if ex.insecure {
        out.push_str("!! INSECURE: TLS certificate verification was OFF for this exchange !!\n\n");
    }
    let t = &ex.transcript;
    let mut h2 = ex
        .h2
        .as_ref()
        .and_then(|cap| super::h2view::frames(ex).map(|c| (cap.stream, c)));
    // Credentials are masked unless asked for: bytes by where they lie,
    // decoded HTTP/2 fields by name.
    let [sent_secrets, received_secrets] = match sections.show_secrets {
        true => Default::default(),
        false => exchange_secrets(ex, h2.as_ref().map(|(_, c)| c)),
    };
    if let (false, Some((_, conn))) = (sections.show_secrets, &mut h2) {
        mask_connection(conn);
    }
    if let Some((stream, conn)) = &h2 {
        // HTTP/2 heads are HPACK-compressed binary: show them decoded, as
        // the frames carried them (`--print frames,hex` shows the bytes).
        for (wanted, dir, prefix) in [
            (sections.request, Dir::Sent, "> "),
            (sections.response, Dir::Received, "< "),
        ] {
            if wanted {
                for line in super::h2view::head_lines(conn, *stream, dir) {
                    let _ = writeln!(out, "{prefix}{line}");
                }
                out.push('\n');
            }
        }
    } else if let Some(h3) = &ex.h3 {
        // HTTP/3: the datagrams are encrypted; the heads are shown as the
        // fields h3 encoded (sent) and decoded (received).
        if sections.request {
            for (n, v) in &h3.request {
                let v = match sections.show_secrets {
                    true => v.clone(),
                    false => crate::formats::redact::header_value(n, v),
                };
                let _ = writeln!(out, "> {}: {}", sanitize_text(n), sanitize_text(&v));
            }
            out.push('\n');
        }
        if let (true, Some(r)) = (sections.response, &ex.response) {
            let _ = writeln!(out, "< :status: {}", r.status);
            for (n, v) in &r.headers {
                let v = match sections.show_secrets {
                    true => v.clone(),
                    false => crate::formats::redact::header_value(n, v),
                };
                let _ = writeln!(out, "< {}: {}", sanitize_text(n), sanitize_text(&v));
            }
            out.push('\n');
        }
    } else {
        if sections.request && !t.sent.is_empty() {
            let end = head_end(&t.sent).unwrap_or(t.sent.len());
            masked_lines(&t.sent[..end], 0, &sent_secrets, "> ", &mut out);
            let body = &t.sent[end..];
            if !body.is_empty() {
                wire_lines(&body[..body.len().min(MAX_SHOWN_BODY)], "> ", &mut out);
                let hidden = t
                    .sent_total
                    .saturating_sub((end + body.len().min(MAX_SHOWN_BODY)) as u64);
                if hidden > 0 {
                    let _ = writeln!(out, "> … {hidden} more body bytes");
                }
            }
            out.push('\n');
        }
        if sections.response {
            let shown = match &ex.response {
                Some(r) => (r.head_start + r.head_len).min(t.received.len()),
                None => t.received.len().min(MAX_SHOWN_BODY),
            };
            if shown > 0 {
                masked_lines(&t.received[..shown], 0, &received_secrets, "< ", &mut out);
                out.push('\n');
            }
        }
    }
    if let (true, Some(h3)) = (sections.frames, &ex.h3) {
        out.push_str(&super::h3view::datagrams(h3));
        out.push('\n');
    }
    if sections.frames {
        if let Some((stream, conn)) = &h2 {
            let _ = writeln!(
                out,
                "HTTP/2 frames of stream {stream} (and of the connection, stream 0):"
            );
            out.push_str(&super::frames::text(conn, None));
            out.push('\n');
        }
    }
    if sections.body {
        if let Some(r) = &ex.response {
            let lines = body::preview(r, BODY_PREVIEW_LINES, sections.decode);
            if !lines.is_empty() {
                for l in lines {
                    let _ = writeln!(out, "{l}");
                }
                out.push('\n');
            }
        }
    }
    if sections.hex && ex.h3.is_some() {
        out.push_str("UDP datagrams, as sent and received (QUIC packets, encrypted):\n");
    }
    if sections.hex {
        let _ = writeln!(out, "sent ({} bytes):", t.sent_total);
        out.push_str(&hex::dump_masked(&t.sent, &sent_secrets));
        let _ = writeln!(out, "received ({} bytes):", t.received_total);
        out.push_str(&hex::dump_masked(&t.received, &received_secrets));
        if t.truncated() {
            let _ = writeln!(
                out,
                "[not kept: {} sent, {} received bytes]",
                t.sent_dropped(),
                t.received_dropped()
            );
        }
        out.push('\n');
    }
    if sections.tls {
        connection_facts(ex, sections.show_secrets, &mut out);
    }
    for w in &ex.warnings {
        let _ = writeln!(out, "warning: {}", sanitize_text(&w.to_string()));
    }
    if sections.timing && ex.connection.is_some() {
        out.push('\n');
        let server = ex
            .response
            .as_ref()
            .map(|r| crate::explain::server_timing::of_headers(&r.headers).0)
            .unwrap_or_default();
        out.push_str(&waterfall::render(&ex.timeline, &server));
    }
    out
}

fn connection_facts(ex: &Exchange, show_secrets: bool, out: &mut String) {
    if let Some(c) = &ex.connection {
        let resolved = c
            .resolved
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "connection #{} ({}) to {} · resolved {}",
            c.id,
            if c.reused { "reused" } else { "new" },
            c.remote,
            resolved
        );
        if let Some(tcp) = &c.tcp {
            let _ = writeln!(out, "kernel (TCP_INFO): {}", tcp.summary());
        }
        if let Some(n) = &ex.negotiated {
            let _ = writeln!(out, "protocol {} · {}", n.version, n.why);
        }
        for (addr, why) in &c.failed_attempts {
            let _ = writeln!(out, "  tried {addr}: {why}");
        }
        // The proxy before the TLS inside its tunnel, as on the wire.
        if let Some(p) = &c.proxy {
            out.push_str(&super::proxy::text(p, show_secrets));
        }
    }
    if let Some(tls) = &ex.tls {
        let _ = writeln!(
            out,
            "TLS {} · {} · ALPN {}{}",
            tls.version,
            tls.cipher,
            tls.alpn.as_deref().unwrap_or("none"),
            if tls.insecure {
                " · NOT VERIFIED (--insecure)"
            } else {
                ""
            }
        );
        if let Some(a) = &tls.client_auth {
            let _ = writeln!(out, "  client certificate: {}", sanitize_text(&a.summary()));
        }
        for (i, c) in tls.chain.iter().enumerate() {
            let _ = writeln!(out, "  cert {i}: {}", sanitize_text(&c.subject));
            let _ = writeln!(out, "    issuer: {}", sanitize_text(&c.issuer));
            let _ = writeln!(out, "    valid:  {} → {}", c.not_before, c.not_after);
            if !c.san.is_empty() {
                let _ = writeln!(out, "    names:  {}", sanitize_text(&c.san.join(", ")));
            }
        }
        if !tls.handshake_records.is_empty() {
            let sent: usize = tls
                .handshake_records
                .iter()
                .filter(|r| r.dir == Dir::Sent)
                .map(|r| r.len)
                .sum();
            let recv: usize = tls
                .handshake_records
                .iter()
                .filter(|r| r.dir == Dir::Received)
                .map(|r| r.len)
                .sum();
            let _ = writeln!(
                out,
                "  handshake: {} records, {sent} bytes sent, {recv} bytes received",
                tls.handshake_records.len()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_unless_shown() {
        // (Not the body: the demo server echoes request headers in it,
        // and bodies are shown as they are.)
        let all = Sections::parse("request,response,frames,hex").unwrap();
        let shown = Sections {
            show_secrets: true,
            ..all
        };
        // HTTP/2: decoded heads, frames and hex (HPACK literals located).
        let (_, h2) = crate::tui::fixture_more::h2_exchanges();
        let masked = render(&h2, &all);
        assert!(!masked.contains("demo-token-123"), "{masked}");
        assert!(
            masked.contains("authorization: Bearer ••••••••"),
            "{masked}"
        );
        assert!(render(&h2, &shown).contains("authorization: Bearer demo-token-123"));
        let plain = crate::tui::fixture_more::h2_plain_secrets_exchange();
        let masked = render(&plain, &all);
        for secret in ["t0ken", "c00kie", "74 30 6b", "63 30 30"] {
            assert!(!masked.contains(secret), "{secret}: {masked}");
        }
        let revealed = render(&plain, &shown);
        assert!(
            revealed.contains("t0ken") && revealed.contains("63 30 30"),
            "{revealed}"
        );
    }

    #[test]
    fn sections_parse() {
        assert!(Sections::parse("hex").unwrap().hex);
        assert!(!Sections::parse("hex").unwrap().request);
        assert!(Sections::parse("all").unwrap().timing);
        assert!(Sections::parse("bogus").is_err());
    }

    #[test]
    fn wire_lines_show_line_ends() {
        let mut s = String::new();
        wire_lines(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "> ", &mut s);
        assert_eq!(s, "> GET / HTTP/1.1\\r\\n\n> Host: x\\r\\n\n> \\r\\n\n");
    }
}
