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
/// lines (also before `\r\n`, for commands copied on Windows). Nothing
/// is expanded and `|`, `>`, `;` are ordinary bytes.
pub fn split(line: &str) -> Result<Vec<Vec<u8>>, ShellError> {
    split_with(line, None).map(|w| w.words)
}

/// A pasted command as a shell would hand it to its program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    pub words: Vec<Vec<u8>>,
    /// The variables expanded, by name, in order of first use.
    pub expanded: Vec<String>,
    /// What followed the command and is not part of it (`| jq .`,
    /// `> out.json`, `; echo done`), as written.
    pub rest: Option<String>,
}

/// Looks a variable up (the environment, in use).
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// `split`, as a shell would run the line: `$NAME` and `${NAME}` expanded
/// outside single quotes (unquoted values split at whitespace, as a shell
/// does), an unset variable an error naming it, command substitution an
/// error (the command is data here, never run), and the line cut at the
/// first unquoted `|`, `;`, `&`, `>` or `<` (a redirect's descriptor
/// number, `2>`, goes with it). Windows' `^` line continuation joins lines
/// as `\` does.
pub fn split_expanding(line: &str, var: Lookup<'_>) -> Result<Words, ShellError> {
    split_with(line, Some(var))
}

fn split_with(line: &str, var: Option<Lookup<'_>>) -> Result<Words, ShellError> {
    let b = line.as_bytes();
    let mut out = Words::default();
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
                    out.words.push(std::mem::take(&mut cur));
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
            b'^' if var.is_some()
                && matches!(b.get(i + 1..), Some([b'\n', ..] | [b'\r', b'\n', ..])) =>
            {
                i += if b.get(i + 1) == Some(&b'\r') { 3 } else { 2 };
            }
            b'\'' => {
                let end = find(b, i + 1, b'\'').ok_or_else(|| unterminated("'"))?;
                cur.extend_from_slice(&b[i + 1..end]);
                in_word = true;
                i = end + 1;
            }
            b'"' => {
                i = double_quoted(b, i + 1, &mut cur, var, &mut out.expanded)?;
                in_word = true;
            }
            b'$' if b.get(i + 1) == Some(&b'\'') => {
                i = ansi_c(b, i + 2, &mut cur)?;
                in_word = true;
            }
            b'$' | b'`' if var.is_some() => {
                let Some(var) = var else { break };
                let Some((value, next)) = expansion(b, i, var, &mut out.expanded)? else {
                    cur.push(c);
                    in_word = true;
                    i += 1;
                    continue;
                };
                i = next;
                // Unquoted: the value splits at whitespace into words.
                let mut pieces = value.split(|ch: char| ch.is_ascii_whitespace());
                if let Some(first) = pieces.next() {
                    cur.extend_from_slice(first.as_bytes());
                    in_word |= !first.is_empty();
                }
                for piece in pieces {
                    if in_word {
                        out.words.push(std::mem::take(&mut cur));
                    }
                    cur.extend_from_slice(piece.as_bytes());
                    in_word = !piece.is_empty();
                }
            }
            b'|' | b';' | b'&' | b'>' | b'<' if var.is_some() => {
                // `2>/dev/null`: the digits before a redirect name a
                // descriptor, not a word of the command.
                let fd = matches!(c, b'>' | b'<')
                    && !cur.is_empty()
                    && cur.iter().all(u8::is_ascii_digit);
                let from = if fd { i - cur.len() } else { i };
                if fd {
                    cur.clear();
                    in_word = false;
                }
                out.rest = Some(String::from_utf8_lossy(&b[from..]).trim().to_string());
                break;
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
        out.words.push(cur);
    }
    Ok(out)
}

/// The `$NAME`, `${NAME}` (or a refused substitution) at `b[i]`: its value
/// and where the text goes on; `None` for a `$` that starts no expansion
/// (it stays a `$`, as in a shell).
fn expansion(
    b: &[u8],
    i: usize,
    var: Lookup<'_>,
    expanded: &mut Vec<String>,
) -> Result<Option<(String, usize)>, ShellError> {
    let refuse = |what: &str| {
        ShellError(format!(
            "{what} is not run: the command is imported, not executed; put the value in"
        ))
    };
    if b[i] == b'`' {
        return Err(refuse("command substitution `…`"));
    }
    let name_char = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let (name, next) = match b.get(i + 1) {
        Some(b'(') => return Err(refuse("command substitution $(…)")),
        Some(b'{') => {
            let end = find(b, i + 2, b'}').ok_or_else(|| unterminated("${"))?;
            let name = &b[i + 2..end];
            if name.is_empty() || name[0].is_ascii_digit() || !name.iter().all(name_char) {
                return Err(ShellError(format!(
                    "${{{}}}: only ${{NAME}} and $NAME are expanded",
                    String::from_utf8_lossy(name)
                )));
            }
            (name, end + 1)
        }
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
            let len = b[i + 1..].iter().take_while(|c| name_char(c)).count();
            (&b[i + 1..i + 1 + len], i + 1 + len)
        }
        _ => return Ok(None),
    };
    let name = String::from_utf8_lossy(name).into_owned();
    let value = var(&name).ok_or_else(|| {
        ShellError(format!(
            "${name} is not set: set it in the environment (export {name}=…) or put the value in the command"
        ))
    })?;
    if !expanded.contains(&name) {
        expanded.push(name);
    }
    Ok(Some((value, next)))
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

/// Inside `"…"` a backslash escapes only `$ \` " \\` and newline; with
/// `var`, `$NAME` and `${NAME}` expand (not split into words).
fn double_quoted(
    b: &[u8],
    mut i: usize,
    out: &mut Vec<u8>,
    var: Option<Lookup<'_>>,
    expanded: &mut Vec<String>,
) -> Result<usize, ShellError> {
    while i < b.len() {
        match b[i] {
            b'"' => return Ok(i + 1),
            b'$' | b'`' if var.is_some() => {
                let Some(var) = var else { break };
                match expansion(b, i, var, expanded)? {
                    Some((value, next)) => {
                        out.extend_from_slice(value.as_bytes());
                        i = next;
                    }
                    None => {
                        out.push(b'$');
                        i += 1;
                    }
                }
            }
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

    fn expanding(s: &str) -> Result<Words, String> {
        let env = |n: &str| match n {
            "TOKEN" => Some("sk-1".to_string()),
            "TWO" => Some("a b".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        split_expanding(s, &env).map_err(|e| e.0)
    }

    fn texts(w: &Words) -> Vec<String> {
        w.words
            .iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[test]
    fn variables_expand_outside_single_quotes() {
        let w = expanding(
            r#"curl -H "Authorization: Bearer $TOKEN" '$TOKEN' ${TOKEN}x $TWO "$TWO" $EMPTY z"#,
        )
        .unwrap();
        assert_eq!(
            texts(&w),
            [
                "curl",
                "-H",
                "Authorization: Bearer sk-1",
                "$TOKEN",
                "sk-1x",
                "a",
                "b",
                "a b",
                "z"
            ]
        );
        assert_eq!(w.expanded, ["TOKEN", "TWO", "EMPTY"]);
        assert_eq!(w.rest, None);
        // `$` that starts no name, and an escaped one, stay.
        assert_eq!(
            texts(&expanding(r#"a$ "$1" \$TOKEN "\$TOKEN""#).unwrap()),
            ["a$", "$1", "$TOKEN", "$TOKEN"]
        );
    }

    #[test]
    fn unset_variables_and_substitutions_are_errors() {
        let e = expanding("curl -H \"X: $NOPE\" u").unwrap_err();
        assert!(e.contains("$NOPE is not set"), "{e}");
        assert!(expanding("curl $(cat f)").unwrap_err().contains("$(…)"));
        assert!(expanding("curl `cat f`").unwrap_err().contains("`…`"));
        assert!(expanding("curl ${TOKEN:-x}")
            .unwrap_err()
            .contains("only ${NAME}"));
    }

    #[test]
    fn the_line_ends_at_a_pipe_redirect_or_separator() {
        let w = expanding("curl -s https://x/ | jq .").unwrap();
        assert_eq!(texts(&w), ["curl", "-s", "https://x/"]);
        assert_eq!(w.rest.as_deref(), Some("| jq ."));
        let w = expanding("curl u 2>/dev/null").unwrap();
        assert_eq!(texts(&w), ["curl", "u"]);
        assert_eq!(w.rest.as_deref(), Some("2>/dev/null"));
        let w = expanding("curl u>o.json").unwrap();
        assert_eq!(texts(&w), ["curl", "u"]);
        assert_eq!(
            texts(&expanding("curl 'a|b' \"c>d\"").unwrap()),
            ["curl", "a|b", "c>d"]
        );
        // Windows' cmd continuation.
        assert_eq!(
            texts(&expanding("curl ^\r\n  -s u").unwrap()),
            ["curl", "-s", "u"]
        );
    }
}
