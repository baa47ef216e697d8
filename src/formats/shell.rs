//! POSIX-shell words as a pasted command line has them: the splitting and
//! quoting a shell would do before curl sees its argv, and the reverse —
//! quoting bytes so that a shell hands them back unchanged.
//!
//! Words are bytes, not strings: `$'\xff'` is a legal way to put a
//! non-UTF-8 byte into a request body. No expansion is done (`$HOME`
//! stays `$HOME`): the command is data here, never run.

use std::fmt;

/// Why a command line could not be split into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellError(pub String);

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Splits `line` into words: whitespace separates; `'…'`, `"…"`,
/// `$'…'` (ANSI-C) and backslash escapes quote; backslash-newline joins
/// lines (also before `\r\n`, for commands copied on Windows).
pub fn split(line: &str) -> Result<Vec<Vec<u8>>, ShellError> {
    let b = line.as_bytes();
    let mut words = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    // A word can be empty yet present (`''`), so track "in a word" apart
    // from the buffer's length.
    let mut in_word = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
                i += 1;
            }
            b'\\' => {
                i += 1;
                match (b.get(i), b.get(i + 1)) {
                    (Some(b'\n'), _) => i += 1,
                    (Some(b'\r'), Some(b'\n')) => i += 2,
                    (Some(&n), _) => {
                        cur.push(n);
                        in_word = true;
                        i += 1;
                    }
                    (None, _) => {}
                }
            }
            b'\'' => {
                let end = find(b, i + 1, b'\'').ok_or_else(|| unterminated("'"))?;
                cur.extend_from_slice(&b[i + 1..end]);
                in_word = true;
                i = end + 1;
            }
            b'"' => {
                i = double_quoted(b, i + 1, &mut cur)?;
                in_word = true;
            }
            b'$' if b.get(i + 1) == Some(&b'\'') => {
                i = ansi_c(b, i + 2, &mut cur)?;
                in_word = true;
            }
            b'#' if !in_word => {
                // A comment runs to the end of the line.
                i = find(b, i, b'\n').unwrap_or(b.len());
            }
            _ => {
                cur.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

fn unterminated(q: &str) -> ShellError {
    ShellError(format!("unterminated {q} quote"))
}

fn find(b: &[u8], from: usize, want: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == want)
        .map(|p| p + from)
}

/// Inside `"…"` a backslash escapes only `$ \` " \\` and newline.
fn double_quoted(b: &[u8], mut i: usize, out: &mut Vec<u8>) -> Result<usize, ShellError> {
    while i < b.len() {
        match b[i] {
            b'"' => return Ok(i + 1),
            b'\\' => match b.get(i + 1) {
                Some(b'\n') => i += 2,
                Some(&n @ (b'$' | b'`' | b'"' | b'\\')) => {
                    out.push(n);
                    i += 2;
                }
                _ => {
                    out.push(b'\\');
                    i += 1;
                }
            },
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(unterminated("\""))
}

/// `$'…'`: bash's ANSI-C quoting, the form Chrome's "Copy as cURL" uses
/// for bodies with control characters.
fn ansi_c(b: &[u8], mut i: usize, out: &mut Vec<u8>) -> Result<usize, ShellError> {
    while i < b.len() {
        let c = b[i];
        if c == b'\'' {
            return Ok(i + 1);
        }
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = b.get(i + 1) else {
            break;
        };
        i += 2;
        let simple = match e {
            b'n' => Some(b'\n'),
            b't' => Some(b'\t'),
            b'r' => Some(b'\r'),
            b'a' => Some(7),
            b'b' => Some(8),
            b'e' | b'E' => Some(0x1b),
            b'f' => Some(0x0c),
            b'v' => Some(0x0b),
            b'\\' | b'\'' | b'"' | b'?' => Some(e),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            continue;
        }
        let (radix, max) = match e {
            b'x' => (16, 2),
            b'u' => (16, 4),
            b'U' => (16, 8),
            b'0'..=b'7' => {
                i -= 1; // the first octal digit is part of the number
                (8, 3)
            }
            _ => {
                // Unknown escapes stay as written, as bash keeps them.
                out.extend_from_slice(&[b'\\', e]);
                continue;
            }
        };
        let digits: Vec<u8> = b[i..]
            .iter()
            .take(max)
            .take_while(|d| (**d as char).is_digit(radix))
            .copied()
            .collect();
        i += digits.len();
        let text = std::str::from_utf8(&digits).unwrap_or("0");
        let n = u32::from_str_radix(text, radix).unwrap_or(0);
        if digits.is_empty() {
            out.extend_from_slice(&[b'\\', e]);
        } else if matches!(e, b'u' | b'U') {
            let ch = char::from_u32(n).unwrap_or('\u{fffd}');
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
        } else {
            out.push((n & 0xff) as u8);
        }
    }
    Err(unterminated("$'"))
}

/// Quotes bytes as one shell word that evaluates back to exactly them.
/// Plain text gets single quotes; anything with control characters or
/// bytes that are not UTF-8 gets `$'…'` so that nothing invisible (an
/// escape sequence, a carriage return) lands in a terminal when pasted.
pub fn quote(bytes: &[u8]) -> String {
    let plain = std::str::from_utf8(bytes)
        .ok()
        .filter(|s| !s.chars().any(super::quote::needs_escape));
    match plain {
        Some(s) if !s.is_empty() && s.bytes().all(is_bare) => s.to_string(),
        Some(s) => format!("'{}'", s.replace('\'', r"'\''")),
        None => ansi_c_quote(bytes),
    }
}

/// Bytes that need no quoting at all in any POSIX shell.
fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b)
}

fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                c if (c as u32) < 0x80 && c.is_control() => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c if super::quote::needs_escape(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        split(s)
            .map(|w| {
                w.iter()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .collect()
            })
            .unwrap_or_else(|e| vec![format!("ERR {e}")])
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            words(r#"a 'b c' "d \"e\" \$f \x" g\ h"#),
            ["a", "b c", "d \"e\" $f \\x", "g h"]
        );
        assert_eq!(words("a \\\n  b \\\r\n c"), ["a", "b", "c"]);
        assert_eq!(words("x '' y"), ["x", "", "y"]);
        assert_eq!(words(r"$'a\nb\x41\u00e9\'\101'"), ["a\nbAé'A"]);
        assert_eq!(words("'open"), ["ERR unterminated ' quote"]);
    }

    #[test]
    fn quote_round_trips() {
        for s in [
            &b"plain"[..],
            b"it's",
            b"a\nb\x1b[31m",
            b"\xff\xfe",
            b"",
            b"$HOME `x` \\",
            "caf\u{e9} \u{202e}".as_bytes(),
        ] {
            let q = quote(s);
            let back = split(&q).unwrap_or_default();
            assert_eq!(back, vec![s.to_vec()], "{q}");
        }
    }
}
