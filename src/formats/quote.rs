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

/// A double-quoted literal in the C family's escapes (`\"`, `\\`, `\n`,
/// `\r`, `\t`), characters that `needs_escape` written by `other`.
fn double_quoted(s: &str, other: impl Fn(char) -> String) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&other(c)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `\u{…}`, as JavaScript and Rust write any character.
fn braced(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// A double-quoted Python 3 `str` literal.
pub fn python_str(s: &str) -> String {
    double_quoted(s, |c| unicode_escape(c, 'x', 'u', 'U'))
}

/// A `b"…"` literal, as Python 3 and Rust both read it (only ASCII may
/// appear literally).
pub fn python_bytes(b: &[u8]) -> String {
    let mut out = String::from("b\"");
    for &byte in b {
        push_ascii_byte(&mut out, byte);
    }
    out.push('"');
    out
}

/// A double-quoted JavaScript string literal (no template literal, so
/// `${` is inert; JS has no `\U`: characters past the BMP use `\u{…}`).
pub fn js_str(s: &str) -> String {
    double_quoted(s, braced)
}

/// A Rust `&str` literal.
pub fn rust_str(s: &str) -> String {
    double_quoted(s, braced)
}

/// A Rust byte-string literal `b"…"`: the same as Python's.
pub fn rust_bytes(b: &[u8]) -> String {
    python_bytes(b)
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
