//! String and byte literals for generated code. Every exporter quotes
//! through here so that hostile input (quotes, backslashes, `$`, `${`,
//! newlines, bidi overrides, bytes that are not UTF-8) comes out as a
//! literal that means exactly those bytes and nothing else.

/// Characters written as escapes rather than as themselves: controls, and
/// the invisible ones that make code read differently from what it does
/// (bidi overrides, zero-width marks, line separators JavaScript once
/// treated as newlines).
pub fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c as u32,
            0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2069 | 0xfeff | 0xfff9..=0xfffb)
}

/// A double-quoted Python 3 `str` literal.
pub fn python_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&unicode_escape(c, 'x', 'u', 'U')),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Python 3 `bytes` literal (only ASCII may appear literally).
pub fn python_bytes(b: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &byte in b {
        push_ascii_byte(&mut out, byte);
    }
    out.push('"');
    out
}

/// A double-quoted JavaScript string literal (no template literal, so
/// `${` is inert).
pub fn js_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                // JS has no \U: characters past the BMP use \u{…}.
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rust `&str` literal.
pub fn rust_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rust byte-string literal `b"…"`.
pub fn rust_bytes(b: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &byte in b {
        push_ascii_byte(&mut out, byte);
    }
    out.push('"');
    out
}

/// One byte inside a `b"…"` literal; the escapes are the same in Python
/// and Rust.
fn push_ascii_byte(out: &mut String, byte: u8) {
    match byte {
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        b'\n' => out.push_str("\\n"),
        b'\r' => out.push_str("\\r"),
        b'\t' => out.push_str("\\t"),
        0x20..=0x7e => out.push(byte as char),
        _ => out.push_str(&format!("\\x{byte:02x}")),
    }
}

/// Python's `\xNN`, `\uNNNN`, `\UNNNNNNNN` by code point size.
fn unicode_escape(c: char, x: char, u: char, big_u: char) -> String {
    let n = c as u32;
    if n < 0x100 {
        format!("\\{x}{n:02x}")
    } else if n < 0x1_0000 {
        format!("\\{u}{n:04x}")
    } else {
        format!("\\{big_u}{n:08x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_strings_are_escaped() {
        let s = "a\"b\\c\n$d ${e} \u{202e}\u{1b}é";
        assert_eq!(python_str(s), r#""a\"b\\c\n$d ${e} \u202e\x1bé""#);
        assert_eq!(js_str(s), r#""a\"b\\c\n$d ${e} \u{202e}\u{1b}é""#);
        assert_eq!(rust_str(s), r#""a\"b\\c\n$d ${e} \u{202e}\u{1b}é""#);
        assert_eq!(python_bytes(b"\xff\"a"), r#"b"\xff\"a""#);
    }
}
