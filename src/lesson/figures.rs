//! The numbers a lesson's text states, made honest: `{{...}}` figures in a
//! question or explanation are filled from the recording at play time
//! ("{{sent.body_bytes}} bytes", "{{each.header:X-Item-Count}}"), and
//! every literal number left in the text must be one the run can vouch
//! for (the step's request, its `expect`, or the recording), so a wrong
//! number fails the lesson tests instead of misleading a room.
//!
//! Figures: `exchanges`, `connections`, `read_timeout`,
//! `connect_timeout`, and per exchange — `last.` (the default), `first.`
//! or `each.` (joined with " → ") — `status`, `header:NAME`,
//! `sent.body_bytes`, `sent.content_length`, `received.body_bytes`,
//! `reused`, `hpack` (the request header block's bytes on the wire),
//! `hpack.h1` (the same fields as HTTP/1.1 text).

use std::collections::BTreeSet;
use std::time::Duration;

use super::model::Step;
use super::run::Outcome;
use crate::wire::exchange::Dir;
use crate::wire::Exchange;

/// `text` with every `{{figure}}` replaced by its value in `out`; a
/// figure this run cannot give is an error that names it.
pub fn fill(text: &str, step: &Step, out: &Outcome) -> Result<String, String> {
    let mut result = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        result.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("'{{{{' without '}}}}' in {text:?}"))?;
        result.push_str(&figure(after[..end].trim(), step, out)?);
        rest = &after[end + 2..];
    }
    result.push_str(rest);
    Ok(result)
}

fn figure(name: &str, step: &Step, out: &Outcome) -> Result<String, String> {
    let r = &step.request;
    match name {
        "exchanges" => return Ok(out.exchanges.len().to_string()),
        "connections" => return Ok(connections(out).to_string()),
        "read_timeout" => return seconds(r.read_timeout_ms, name),
        "connect_timeout" => return seconds(r.connect_timeout_ms, name),
        _ => {}
    }
    let (which, what) = match name.split_once('.') {
        Some((w @ ("first" | "last" | "each"), what)) => (w, what),
        _ => ("last", name),
    };
    let values: Vec<String> = out
        .exchanges
        .iter()
        .map(|ex| per_exchange(what, ex))
        .collect::<Result<_, _>>()?;
    let picked = match which {
        "first" => values.first().cloned(),
        "each" => (!values.is_empty()).then(|| values.join(" → ")),
        _ => values.last().cloned(),
    };
    picked.ok_or_else(|| format!("{{{{{name}}}}}: the step made no exchange"))
}

fn per_exchange(what: &str, ex: &Exchange) -> Result<String, String> {
    let resp = ex.response.as_ref();
    let none = || "none".to_string();
    Ok(match what {
        "status" => resp.map_or_else(none, |r| r.status.to_string()),
        "sent.body_bytes" => sent_body(ex).len().to_string(),
        "sent.content_length" => sent_header(ex, "content-length").unwrap_or_else(none),
        "received.body_bytes" => resp.map_or_else(none, |r| r.body_len.to_string()),
        "reused" => ex
            .connection
            .as_ref()
            .map_or_else(none, |c| c.reused.to_string()),
        "warning" => ex
            .warnings
            .first()
            .map_or_else(|| "(no warning)".into(), ToString::to_string),
        "hpack" => request_block(ex).map_or_else(none, |(wire, _)| format!("{wire} B")),
        "hpack.h1" => request_block(ex).map_or_else(none, |(_, h1)| format!("{h1} B")),
        _ => match what.strip_prefix("header:") {
            Some(h) => resp
                .and_then(|r| {
                    r.headers
                        .iter()
                        .find(|(n, _)| n.eq_ignore_ascii_case(h))
                        .map(|(_, v)| v.clone())
                })
                .unwrap_or_else(|| format!("(no {h})")),
            None => return Err(format!("{{{{{what}}}}} is not a figure a lesson can show")),
        },
    })
}

fn seconds(ms: Option<u64>, name: &str) -> Result<String, String> {
    let ms = ms.ok_or_else(|| format!("{{{{{name}}}}}: the step sets no {name}_ms"))?;
    Ok(format!("{} s", Duration::from_millis(ms).as_secs_f64()))
}

fn connections(out: &Outcome) -> usize {
    let ids: BTreeSet<u64> = out
        .exchanges
        .iter()
        .filter_map(|e| e.connection.as_ref().map(|c| c.id))
        .collect();
    ids.len()
}

/// The HTTP/1 request head as sent, and the body bytes after it.
fn sent_parts(ex: &Exchange) -> (&[u8], &[u8]) {
    let sent = &ex.transcript.sent[..];
    match sent.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) if ex.h2.is_none() => (&sent[..i], &sent[i + 4..]),
        _ => (&[], &[]),
    }
}

fn sent_body(ex: &Exchange) -> &[u8] {
    sent_parts(ex).1
}

fn sent_header(ex: &Exchange, name: &str) -> Option<String> {
    let head = String::from_utf8_lossy(sent_parts(ex).0).into_owned();
    head.split("\r\n").skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// (wire bytes, HTTP/1.1-text bytes) of this exchange's request headers.
fn request_block(ex: &Exchange) -> Option<(usize, usize)> {
    let stream = ex.h2.as_ref()?.stream;
    let conn = crate::report::h2view::frames(ex)?;
    conn.items.iter().find_map(|item| match item {
        crate::decode::h2::Item::Frame(f) if f.dir == Dir::Sent && f.stream == stream => {
            f.detail.block().map(|b| (b.wire_len, b.h1_len))
        }
        _ => None,
    })
}

/// The numbers `text` states: digit runs (with a decimal point inside),
/// except those that are names rather than claims — glued to letters
/// ("h2c", "4xx", "s1"), after "HTTP/" or "RFC ", after "§" — and those in
/// `{{figures}}`, which are filled from the recording anyway.
pub fn stated_numbers(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        plain.push_str(&rest[..start]);
        plain.push(' ');
        rest = match rest[start..].find("}}") {
            Some(end) => &rest[start + end + 2..],
            None => "",
        };
    }
    plain.push_str(rest);
    let chars: Vec<char> = plain.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            i += 1;
        }
        let before: String = chars[..start].iter().collect();
        let glued = start > 0 && chars[start - 1].is_alphanumeric()
            || chars.get(i).is_some_and(|c| c.is_alphanumeric());
        let named = ["HTTP/", "RFC ", "§", "TLS ", "TLSv"]
            .iter()
            .any(|p| before.ends_with(p));
        if !glued && !named {
            found.push(chars[start..i].iter().collect());
        }
    }
    found
}

/// Every number this step's run can vouch for: its request as written,
/// its `expect`, and what the recording holds (statuses, header values
/// other than Date, sizes, counts, HTTP/2 stream ids and block sizes).
pub fn vouched_numbers(step: &Step, out: &Outcome) -> BTreeSet<String> {
    let r = &step.request;
    let mut texts: Vec<String> = vec![r.url.clone()];
    texts.extend(r.batch.iter().cloned());
    texts.extend(step.cites.iter().cloned());
    texts.extend(r.raw.clone());
    texts.extend(r.body.clone());
    texts.extend(r.headers.iter().cloned());
    texts.extend(r.rate.clone());
    let mut set: BTreeSet<String> = BTreeSet::new();
    let counts = [r.attempts.map(u64::from), r.retry_delay_ms, r.pause_ms];
    let sizes = [r.parallel, r.repeat].map(|n| n.map(|n| n as u64));
    set.extend(counts.iter().chain(&sizes).flatten().map(u64::to_string));
    for ms in [r.read_timeout_ms, r.connect_timeout_ms, r.pause_ms]
        .into_iter()
        .flatten()
    {
        set.insert(ms.to_string());
        set.insert(Duration::from_millis(ms).as_secs_f64().to_string());
    }
    let e = &step.expect;
    set.extend(e.status.map(|s| s.to_string()));
    set.extend(e.statuses.iter().flatten().map(|s| s.to_string()));
    texts.extend(e.each_header.iter().flatten().cloned());
    for ex in &out.exchanges {
        texts.extend(ex.warnings.iter().map(ToString::to_string));
    }
    set.extend(
        [e.exchanges, e.connections]
            .into_iter()
            .flatten()
            .map(|n| n.to_string()),
    );
    set.insert(out.exchanges.len().to_string());
    set.insert(connections(out).to_string());
    for ex in &out.exchanges {
        let (head, body) = sent_parts(ex);
        texts.push(String::from_utf8_lossy(head).into_owned());
        set.insert(body.len().to_string());
        if let Some(r) = &ex.response {
            set.insert(r.status.to_string());
            set.insert(r.body_len.to_string());
            for (n, v) in &r.headers {
                if !n.eq_ignore_ascii_case("date") {
                    texts.push(v.clone());
                }
            }
        }
        if let Some(h2) = &ex.h2 {
            set.insert(h2.stream.to_string());
        }
        if let Some((wire, h1)) = request_block(ex) {
            set.insert(wire.to_string());
            set.insert(h1.to_string());
        }
    }
    for t in texts {
        let digits: String = t
            .chars()
            .map(|c| {
                if c.is_ascii_digit() || c == '.' {
                    c
                } else {
                    ' '
                }
            })
            .collect();
        set.extend(
            digits
                .split_whitespace()
                .map(|s| s.trim_matches('.').to_string()),
        );
    }
    set
}

/// The numbers the step's question and explanation state that its run
/// cannot vouch for (empty: every number is backed by the recording).
pub fn unvouched(step: &Step, out: &Outcome) -> Vec<String> {
    let vouched = vouched_numbers(step, out);
    let text = format!("{}\n{}", step.question, step.explanation);
    stated_numbers(&text)
        .into_iter()
        .filter(|n| !vouched.contains(n))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_not_claims_but_counts_are() {
        let s = stated_numbers(
            "HTTP/1.1 over h2c: 4xx means 22 bytes, {{sent.body_bytes}} B, RFC 9110 §15.5, 1.5 s",
        );
        assert_eq!(s, ["22", "1.5"]);
    }
}
