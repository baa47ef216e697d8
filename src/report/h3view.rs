//! An HTTP/3 exchange's datagrams in words: each UDP datagram's direction,
//! time, size and the packet kind its first byte shows (QUIC encrypts the
//! rest), and a count per kind — the handshake's Initial and Handshake
//! packets against the 1-RTT ones that carry the request and response.

use std::fmt::Write as _;

use crate::report::escape::sanitize_text;
use crate::wire::exchange::Dir;
use crate::wire::h3::H3Record;

/// The listing (`--print frames` for an HTTP/3 exchange).
pub fn datagrams(h3: &H3Record) -> String {
    let mut out = String::new();
    let sent = h3.datagrams.iter().filter(|d| d.dir == Dir::Sent).count();
    let _ = writeln!(
        out,
        "QUIC datagrams: {} ({sent} sent, {} received), RTT {:.2} ms — packet kinds from each first header, the rest is encrypted:",
        h3.datagrams.len(),
        h3.datagrams.len() - sent,
        h3.rtt.as_secs_f64() * 1e3
    );
    for d in &h3.datagrams {
        let arrow = if d.dir == Dir::Sent { "→" } else { "←" };
        let _ = writeln!(
            out,
            "  {arrow} {:>9.3} ms  {:>5} B  {}",
            d.at.as_secs_f64() * 1e3,
            d.len,
            d.kind
        );
    }
    if h3.datagrams_dropped > 0 {
        let _ = writeln!(out, "  … {} more not listed", h3.datagrams_dropped);
    }
    out.push_str(&streams(h3));
    out
}

/// A field section's lines: each field, how QPACK wrote it, its bytes
/// against the same field as HTTP/1.1 text, and the totals.
pub fn qpack_lines(block: &[u8]) -> String {
    let s = crate::decode::qpack::decode(block);
    let mut out = String::new();
    let mut text = 0;
    for l in &s.lines {
        let field = match (&l.name, &l.value) {
            (Some(n), Some(v)) => format!("{}: {}", sanitize_text(n), sanitize_text(v)),
            (None, Some(v)) => format!("(a dynamic-table name): {}", sanitize_text(v)),
            _ => "(a dynamic-table entry)".into(),
        };
        text += l.text_len.unwrap_or(0);
        let _ = writeln!(
            out,
            "        {field}  · {}{} · {} B{}",
            l.repr.words(),
            if l.huffman { ", Huffman" } else { "" },
            l.wire_len,
            l.text_len
                .map_or(String::new(), |t| format!(" (HTTP/1.1 text: {t} B)"))
        );
    }
    let _ = writeln!(
        out,
        "        {} fields in {} B of QPACK against {text} B as HTTP/1.1 text{}",
        s.lines.len(),
        block.len(),
        s.error.as_ref().map_or(String::new(), |e| format!(
            " · stopped: {}",
            sanitize_text(e)
        ))
    );
    out
}

/// Each QUIC stream with the HTTP/3 frames in its decrypted bytes.
pub fn streams(h3: &H3Record) -> String {
    let mut out = String::new();
    if h3.streams.is_empty() {
        return out;
    }
    out.push_str("HTTP/3 streams (the decrypted stream bytes h3 wrote and read):\n");
    for s in &h3.streams {
        let _ = writeln!(
            out,
            "  stream {} · {} · {} B sent, {} B received",
            s.id,
            sanitize_text(&s.kind),
            s.sent_total,
            s.received_total
        );
        for (dir, frames) in crate::wire::h3::frames::dirs(s) {
            let arrow = if dir == Dir::Sent { "→" } else { "←" };
            for f in frames {
                let detail = match f.detail.is_empty() {
                    true => String::new(),
                    false => format!(" · {}", sanitize_text(&f.detail)),
                };
                let cut = if f.cut {
                    " (cut by the recording cap)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "    {arrow} {} {} B @{}{detail}{cut}",
                    sanitize_text(&f.name),
                    f.len,
                    f.at
                );
                if let Some(block) = &f.block {
                    out.push_str(&qpack_lines(block));
                }
            }
        }
    }
    out
}
