//! `Server-Timing` (W3C Server Timing): the server's own account of where
//! its time went, `db;dur=53, app;dur=47.2;desc="render"`. The waterfall
//! draws each duration inside the waiting phase, beside what the client
//! measured; a metric longer than the whole wait is said, since the server
//! cannot have spent more time on the answer than the client waited for
//! it (other than by counting work done before the request arrived).
//!
//! Our own: the grammar is a few lines (RFC 9110 lists of `token *( ";"
//! param )`, quoted-string values), and no crate parses it. Pure, bounded:
//! at most `MAX_METRICS` metrics, names and descriptions cut to
//! `MAX_TEXT` characters. Lists and quoted strings are split as every
//! other header's are (`explain::text`).

use super::text::{split_outside_quotes, unquote};

/// Metrics kept from one response; more are counted, not kept.
pub const MAX_METRICS: usize = 16;
/// Longest name or description kept, in characters.
const MAX_TEXT: usize = 64;

/// One metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    pub name: String,
    /// Milliseconds, when given (`dur=`).
    pub dur: Option<f64>,
    pub desc: Option<String>,
}

/// The metrics of every `Server-Timing` value, in order, and how many more
/// there were past the cap.
pub fn parse<'a>(values: impl IntoIterator<Item = &'a str>) -> (Vec<Metric>, usize) {
    let mut out = Vec::new();
    let mut more = 0;
    for value in values {
        for item in split_outside_quotes(value, ',') {
            // Empty pieces are dropped by the split: a metric without a
            // name (`;dur=5`) would show its first parameter where the name
            // goes, and a token has no `=`.
            let mut parts = split_outside_quotes(item, ';').into_iter();
            let name = parts.next().unwrap_or_default().trim();
            if name.is_empty() || item.trim_start().starts_with(';') || name.contains('=') {
                continue;
            }
            if out.len() >= MAX_METRICS {
                more += 1;
                continue;
            }
            let mut m = Metric {
                name: cut(name),
                dur: None,
                desc: None,
            };
            for p in parts {
                let Some((k, v)) = p.split_once('=') else {
                    continue;
                };
                let v = unquote(v.trim());
                match k.trim().to_ascii_lowercase().as_str() {
                    "dur" => m.dur = v.parse::<f64>().ok().filter(|d| d.is_finite() && *d >= 0.0),
                    "desc" => m.desc = Some(cut(&v)),
                    _ => {}
                }
            }
            out.push(m);
        }
    }
    (out, more)
}

/// The metrics of a response's `Server-Timing` fields (name, value).
pub fn of_headers(headers: &[(String, String)]) -> (Vec<Metric>, usize) {
    parse(
        headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("server-timing"))
            .map(|(_, v)| v.as_str()),
    )
}

/// One line for the Response pane: "db 53 ms, app 47.2 ms (render)".
pub fn reading(value: &str) -> Option<String> {
    let (metrics, more) = parse([value]);
    if metrics.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = metrics.iter().map(label).collect();
    if more > 0 {
        parts.push(format!("{more} more"));
    }
    Some(format!("server's own timings: {}", parts.join(", ")))
}

/// "db 53 ms (query)", "cache (hit)", "app".
pub fn label(m: &Metric) -> String {
    let mut s = m.name.clone();
    if let Some(d) = m.dur {
        s.push_str(&format!(" {} ms", trim_ms(d)));
    }
    if let Some(desc) = m.desc.as_deref().filter(|d| !d.is_empty()) {
        s.push_str(&format!(" ({desc})"));
    }
    s
}

fn trim_ms(d: f64) -> String {
    let s = format!("{d:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// Cut to `MAX_TEXT` characters, control characters made visible.
fn cut(s: &str) -> String {
    let s: String = s.chars().take(MAX_TEXT).collect();
    crate::report::escape::sanitize_text(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_parse_as_the_spec_writes_them() {
        let (m, more) = parse([
            r#"db;dur=53, app;dur=47.2;desc="App, \"rendering\"""#,
            "cache;desc=hit, miss",
        ]);
        assert_eq!(more, 0);
        assert_eq!(
            m,
            vec![
                Metric {
                    name: "db".into(),
                    dur: Some(53.0),
                    desc: None
                },
                Metric {
                    name: "app".into(),
                    dur: Some(47.2),
                    desc: Some(r#"App, "rendering""#.into())
                },
                Metric {
                    name: "cache".into(),
                    dur: None,
                    desc: Some("hit".into())
                },
                Metric {
                    name: "miss".into(),
                    dur: None,
                    desc: None
                },
            ]
        );
        assert_eq!(
            reading("db;dur=53, app;dur=47.2;desc=render").as_deref(),
            Some("server's own timings: db 53 ms, app 47.2 ms (render)")
        );
    }

    #[test]
    fn hostile_values_are_bounded_and_never_panic() {
        let flood = "m;dur=1,".repeat(10_000);
        let (m, more) = parse([flood.as_str()]);
        assert_eq!((m.len(), more), (MAX_METRICS, 10_000 - MAX_METRICS));
        let (m, _) = parse([r#"x;dur=-5;desc="unterminated, y;dur=NaN, z;dur=1e999"#]);
        assert_eq!(m.len(), 1, "the open quote runs to the end: {m:?}");
        assert_eq!(m[0].dur, None, "a negative duration is not one");
        let (m, _) = parse(["a;dur=inf, \u{1b}[2J;dur=1"]);
        assert_eq!(m[0].dur, None);
        assert!(!m[1].name.contains('\u{1b}'));
        assert_eq!(parse([""]).0, vec![]);
        assert_eq!(parse([";;;,,,"]).0, vec![]);
        assert!(parse([&"é".repeat(500)[..]]).0[0].name.chars().count() <= MAX_TEXT);
    }
}
