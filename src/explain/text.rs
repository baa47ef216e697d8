//! Small text helpers shared by readings and lints: sanitising echoed
//! values, splitting header lists, numbers and durations for people.
//! Everything here must accept any `&str` without panicking, because header
//! values come straight off the wire.

/// How many list items a reading spells out before summarising the rest,
/// so a hostile 1 MB header does not become a 1 MB line.
pub(crate) const LIST_MAX: usize = 12;

/// Makes a wire string safe to put on one terminal line: control and bidi
/// characters are escaped (they could move the cursor or reorder text) and
/// the result is cut at `max` characters.
pub(crate) fn clean(s: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n >= max {
            out.push('…');
            break;
        }
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a comma-separated header list, keeping commas inside quoted
/// strings (RFC 9110 §5.6.1); empty elements are dropped as the RFC says.
pub(crate) fn split_list(value: &str) -> Vec<&str> {
    split_outside_quotes(value, ',')
}

/// Splits on `sep` wherever it is not inside a quoted string.
pub(crate) fn split_outside_quotes(value: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut in_quotes, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        if escaped {
            escaped = false;
        } else if in_quotes && c == '\\' {
            escaped = true;
        } else if c == '"' {
            in_quotes = !in_quotes;
        } else if c == sep && !in_quotes {
            parts.push(&value[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&value[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits `name=value` (value optional), trimming both; the name is lowercased
/// because directive and parameter names are case-insensitive.
pub(crate) fn name_value(item: &str) -> (String, Option<&str>) {
    match item.split_once('=') {
        Some((n, v)) => (n.trim().to_ascii_lowercase(), Some(v.trim())),
        None => (item.trim().to_ascii_lowercase(), None),
    }
}

/// Removes the quotes of a quoted-string and its backslash escapes; a bare
/// token is returned as is.
pub(crate) fn unquote(v: &str) -> String {
    let v = v.trim();
    match v.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut escaped = false;
            for c in inner.chars() {
                if escaped || c != '\\' {
                    out.push(c);
                    escaped = false;
                } else {
                    escaped = true;
                }
            }
            out
        }
        None => v.to_string(),
    }
}

/// Parses delta-seconds: digits only (no sign, no spaces), as RFC 9111 says.
pub(crate) fn delta_seconds(v: &str) -> Option<u64> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // RFC 9111 §1.2.2: a too-large delta means "the greatest representable".
    Some(v.parse().unwrap_or(u64::MAX))
}

/// `1234567` → `"1,234,567"`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds for people: `"60 s"`, `"120 s (2 min)"`, `"31,536,000 s (1 year)"`.
/// Below two minutes the bare number is already readable.
pub(crate) fn seconds(n: u64) -> String {
    const UNITS: [(u64, &str, &str); 4] = [
        (31_536_000, "year", "years"),
        (86_400, "day", "days"),
        (3_600, "h", "h"),
        (60, "min", "min"),
    ];
    for (size, one, many) in UNITS {
        if n >= size && n >= 120 {
            let tenths = (n as u128 * 10 / size as u128) as u64;
            let (whole, frac) = (tenths / 10, tenths % 10);
            let unit = if tenths == 10 { one } else { many };
            let amount = if frac == 0 {
                thousands(whole)
            } else {
                format!("{}.{frac}", thousands(whole))
            };
            return format!("{} s ({amount} {unit})", thousands(n));
        }
    }
    format!("{n} s")
}

/// Bytes for people: `"1,234 bytes (1.2 KiB)"`.
pub(crate) fn bytes(n: u64) -> String {
    if n == 1 {
        return "1 byte".into();
    }
    let exact = format!("{} bytes", thousands(n));
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut unit = None;
    let mut scaled = n as f64;
    for u in UNITS {
        if scaled < 1024.0 {
            break;
        }
        scaled /= 1024.0;
        unit = Some(u);
    }
    match unit {
        Some(u) => format!("{exact} ({scaled:.1} {u})"),
        None => exact,
    }
}

/// Joins up to `LIST_MAX` items and says how many were left out.
pub(crate) fn join_capped(items: Vec<String>, sep: &str) -> String {
    let total = items.len();
    let mut out = items
        .into_iter()
        .take(LIST_MAX)
        .collect::<Vec<_>>()
        .join(sep);
    if total > LIST_MAX {
        out.push_str(&format!("{sep}… and {} more", total - LIST_MAX));
    }
    out
}

/// True for an RFC 9110 token (field names, schemes, directive names).
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_and_truncates() {
        assert_eq!(clean("a\r\nb", 10), "a\\r\\nb");
        assert_eq!(clean("\u{1b}[2J", 10), "\\u{1b}[2J");
        assert_eq!(clean("abcdef", 3), "abc…");
        assert_eq!(clean("héllo", 10), "héllo");
        assert_eq!(clean("\u{202E}x", 10), "\\u{202e}x");
    }

    #[test]
    fn lists_respect_quotes() {
        assert_eq!(split_list(r#"a, "b,c", ,d"#), vec!["a", r#""b,c""#, "d"]);
        assert_eq!(split_list(r#"x="\",y", z"#), vec![r#"x="\",y""#, "z"]);
        assert!(split_list("").is_empty());
        assert!(split_list(" , ,").is_empty());
        assert_eq!(unquote(r#""a\"b""#), "a\"b");
        assert_eq!(unquote("tok"), "tok");
        assert_eq!(unquote("\""), "\"");
    }

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(seconds(45), "45 s");
        assert_eq!(seconds(60), "60 s");
        assert_eq!(seconds(119), "119 s");
        assert_eq!(seconds(120), "120 s (2 min)");
        assert_eq!(seconds(5400), "5,400 s (1.5 h)");
        assert_eq!(seconds(31_536_000), "31,536,000 s (1 year)");
        assert!(seconds(u64::MAX).contains("years"));
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(1234), "1,234 bytes (1.2 KiB)");
        assert_eq!(bytes(512), "512 bytes");
        assert!(bytes(u64::MAX).contains("EiB"));
        assert_eq!(delta_seconds("60"), Some(60));
        assert_eq!(delta_seconds("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(delta_seconds("-1"), None);
        assert_eq!(delta_seconds(""), None);
    }

    #[test]
    fn join_caps_long_lists() {
        let items: Vec<String> = (0..20).map(|i| i.to_string()).collect();
        let s = join_capped(items, ", ");
        assert!(s.ends_with("… and 8 more"));
    }
}
