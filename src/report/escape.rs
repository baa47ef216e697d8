//! Terminal safety: bytes from a server never reach the terminal raw.
//! Control characters (C0, DEL, C1) are escaped; invalid UTF-8 is shown as
//! `\xNN`. Every renderer of server bytes goes through here.

use std::fmt::Write;

/// Escapes bytes for display: printable UTF-8 as is, `\r` `\n` `\t` as
/// escapes, other controls and invalid bytes as `\xNN`.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        escape_str_into(chunk.valid(), &mut out);
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Same as `escape_bytes` for text already known to be UTF-8.
pub fn escape_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_str_into(s, &mut out);
    out
}

fn escape_str_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Characters a terminal may act on: C0/C1 controls, DEL, and the bidi
/// overrides that can disguise text.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A header value or body line as safe display text, keeping tabs and
/// line breaks as they are (callers split lines first).
pub fn sanitize_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\t' {
            out.push_str("    ");
        } else if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_invalid_utf8() {
        assert_eq!(escape_bytes(b"ok\r\n"), "ok\\r\\n");
        assert_eq!(escape_bytes(b"\x1b[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape_bytes(b"a\xffb"), "a\\xffb");
        assert_eq!(escape_bytes("é\u{9b}".as_bytes()), "é\\u{9b}");
        assert!(!sanitize_text("x\u{7}y\u{202e}").chars().any(is_unsafe));
    }
}
