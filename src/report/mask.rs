//! Secrets masked on screen: the values of `Authorization`,
//! `Proxy-Authorization`, `Cookie` and `Set-Cookie` are shown as `•` until
//! the user reveals them (the TUI's `U`, `send --show-secrets`). Pure
//! functions: header lists use `mask_header_value`, byte views the ranges
//! of `secret_ranges` (HTTP/1 heads) and `h2_secrets` (HPACK literals),
//! drawn a `•` per byte so offsets stay as they are; decoded HTTP/2 views
//! take a `mask_connection`ed copy.

use std::ops::Range;

use crate::decode::h1::{Region, RegionKind};
use crate::decode::h2::{Connection, Detail, HeaderBlock, TableState};
use crate::decode::wire_regions::{protocol_of, regions, Framed, Protocol};
use crate::report::escape::escape_bytes;
use crate::wire::exchange::{Dir, H2Capture};
use crate::wire::Exchange;

/// What a masked byte or character is drawn as.
pub const DOT: char = '•';
/// A masked value in the header lists: always this many dots, so its
/// length does not show either.
const DOTS: &str = "••••••••";
/// A masked cookie value in the header lists.
const COOKIE_DOTS: &str = "••••";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Secret {
    /// `Scheme credentials`: the scheme word stays.
    Auth,
    /// `a=1; b=2`: the names stay.
    Cookie,
    /// `name=value; Path=/`: the name and the attributes stay.
    SetCookie,
}

fn secret(name: &str) -> Option<Secret> {
    let name = name.trim().trim_end_matches(':').trim();
    if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        Some(Secret::Auth)
    } else if name.eq_ignore_ascii_case("cookie") {
        Some(Secret::Cookie)
    } else if name.eq_ignore_ascii_case("set-cookie") {
        Some(Secret::SetCookie)
    } else {
        None
    }
}

/// Whether the header's value is masked on screen.
pub fn is_secret(name: &str) -> bool {
    secret(name).is_some()
}

/// The value as the header lists show it: masked for the secret headers,
/// as is for the others.
pub fn mask_header_value(name: &str, value: &str) -> String {
    let Some(kind) = secret(name) else {
        return value.to_string();
    };
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    match kind {
        Secret::Auth => match value.split_once(char::is_whitespace) {
            Some((scheme, rest)) if !rest.trim().is_empty() => format!("{scheme} {DOTS}"),
            _ => DOTS.to_string(),
        },
        Secret::Cookie => value
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(mask_pair)
            .collect::<Vec<_>>()
            .join("; "),
        Secret::SetCookie => {
            let mut parts = value.split(';').map(str::trim);
            let first = mask_pair(parts.next().unwrap_or_default());
            std::iter::once(first)
                .chain(parts.filter(|p| !p.is_empty()).map(str::to_string))
                .collect::<Vec<_>>()
                .join("; ")
        }
    }
}

fn mask_pair(pair: &str) -> String {
    match pair.split_once('=') {
        Some((n, _)) => format!("{}={COOKIE_DOTS}", n.trim()),
        None => COOKIE_DOTS.to_string(),
    }
}

/// The bytes of `value` (a header value as on the wire, leading space
/// included) to mask, relative to its start.
pub fn value_secret_spans(name: &str, value: &[u8]) -> Vec<Range<usize>> {
    let Some(kind) = secret(name) else {
        return Vec::new();
    };
    let ws = |b: &u8| matches!(b, b' ' | b'\t');
    let start = value.iter().position(|b| !ws(b)).unwrap_or(value.len());
    let end = value.iter().rposition(|b| !ws(b)).map_or(start, |i| i + 1);
    let mut out = Vec::new();
    match kind {
        Secret::Auth => {
            // Keep the scheme word when credentials follow it.
            let scheme_end = value[start..end].iter().position(ws).map(|i| start + i);
            let from = scheme_end
                .and_then(|s| value[s..end].iter().position(|b| !ws(b)).map(|i| s + i))
                .unwrap_or(start);
            out.push(from..end);
        }
        Secret::Cookie | Secret::SetCookie => {
            let mut at = start;
            for part in value[start..end].split(|&b| b == b';') {
                let p_end = at + part.len();
                let eq = part.iter().position(|&b| b == b'=');
                let from = eq.map_or(at, |i| at + i + 1);
                let lead = value[from..p_end].iter().position(|b| !ws(b));
                let trail = value[from..p_end].iter().rposition(|b| !ws(b));
                if let (Some(l), Some(t)) = (lead, trail) {
                    out.push(from + l..from + t + 1);
                }
                if kind == Secret::SetCookie {
                    break;
                }
                at = p_end + 1;
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// The byte ranges of a stream to draw masked, from its regions: the
/// secret parts of the values of secret headers (HTTP/1.x heads; HTTP/2
/// headers are HPACK-coded and not plain on the wire).
pub fn secret_ranges(bytes: &[u8], regions: &[Region]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut name: Option<&[u8]> = None;
    for r in regions {
        let range = r.range.start.min(bytes.len())..r.range.end.min(bytes.len());
        match r.kind {
            RegionKind::HeaderName => name = Some(&bytes[range]),
            RegionKind::HeaderValue => {
                if let Some(n) = name {
                    let n = String::from_utf8_lossy(n);
                    let spans = value_secret_spans(&n, &bytes[range.clone()]);
                    out.extend(
                        spans
                            .into_iter()
                            .map(|s| range.start + s.start..range.start + s.end),
                    );
                }
            }
            RegionKind::Crlf => {}
            _ => name = None,
        }
    }
    out
}

/// The bytes of an HTTP/2 exchange's transcript [sent, received] that
/// hold literal values of secret headers, in order: the spans HPACK
/// recorded, moved into the exchange's window of the connection (it
/// starts at `window`).
pub fn h2_secrets(conn: &Connection, cap: &H2Capture) -> [Vec<Range<usize>>; 2] {
    let mut out: [Vec<Range<usize>>; 2] = Default::default();
    for f in conn.items.iter().filter_map(|i| i.frame()) {
        let Some(b) = f.detail.block() else { continue };
        let side = match f.dir {
            Dir::Sent => 0,
            Dir::Received => 1,
        };
        let spans = b
            .fields
            .iter()
            .filter(|x| is_secret(&x.name))
            .filter_map(|x| x.value_span.clone());
        for span in spans {
            // Connection offsets, mapped into the exchange's transcript.
            for r in b.stream_ranges(span) {
                if let Some(r) = cap.to_exchange(f.dir, r) {
                    out[side].push(r);
                }
            }
        }
    }
    for s in &mut out {
        s.sort_by_key(|r| r.start);
    }
    out
}

/// The bytes of `ex`'s transcript [sent, received] to mask; `h2` is its
/// decoded connection when it is an HTTP/2 exchange.
pub fn exchange_secrets(ex: &Exchange, h2: Option<&Connection>) -> [Vec<Range<usize>>; 2] {
    if let (Some(conn), Some(cap)) = (h2, &ex.h2) {
        return h2_secrets(conn, cap);
    }
    let t = &ex.transcript;
    if protocol_of(&t.sent) == Protocol::Http2 {
        return Default::default();
    }
    let head = ex.method.eq_ignore_ascii_case("HEAD");
    [
        secret_ranges(
            &t.sent,
            &regions(&t.sent, Dir::Sent, Protocol::Http1, Framed::of(None, false)),
        ),
        secret_ranges(
            &t.received,
            &regions(
                &t.received,
                Dir::Received,
                Protocol::Http1,
                Framed::of(ex.response.as_ref(), head),
            ),
        ),
    ]
}

/// A decoded connection with every secret value masked, in header blocks
/// and in the dynamic tables they leave behind: for the views that list
/// decoded fields.
pub fn mask_connection(conn: &mut Connection) {
    for item in &mut conn.items {
        let crate::decode::h2::Item::Frame(f) = item else {
            continue;
        };
        let block = match &mut f.detail {
            Detail::Headers { block, .. }
            | Detail::Continuation { block }
            | Detail::PushPromise { block, .. } => block.as_mut(),
            _ => None,
        };
        if let Some(b) = block {
            mask_block(b);
        }
    }
    for t in &mut conn.tables {
        mask_table(t);
    }
}

fn mask_block(b: &mut HeaderBlock) {
    for f in &mut b.fields {
        f.value = mask_header_value(&f.name, &f.value);
    }
    mask_table(&mut b.table_after);
}

fn mask_table(t: &mut TableState) {
    for (n, v) in &mut t.entries {
        *v = mask_header_value(n, v);
    }
}

/// `bytes` (which start at offset `base` of their stream) escaped as
/// `escape_bytes` does, with each byte inside `secrets` drawn as a `•`.
pub fn escape_masked(bytes: &[u8], base: usize, secrets: &[Range<usize>]) -> String {
    let end = base + bytes.len();
    let mut out = String::with_capacity(bytes.len());
    let mut at = base;
    for r in secrets.iter().filter(|r| r.end > base && r.start < end) {
        let (from, to) = (r.start.max(at), r.end.min(end));
        if from > at {
            out.push_str(&escape_bytes(&bytes[at - base..from - base]));
        }
        if to > from {
            out.extend(std::iter::repeat_n(DOT, to - from));
            at = to;
        }
    }
    out.push_str(&escape_bytes(&bytes[at - base..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_only_secret_headers() {
        assert_eq!(mask_header_value("Accept", "text/html"), "text/html");
        assert_eq!(
            mask_header_value("Authorization", "Bearer abc.def"),
            "Bearer ••••••••"
        );
        assert_eq!(
            mask_header_value("proxy-authorization", "Basic dXNlcjpwdw=="),
            "Basic ••••••••"
        );
        assert_eq!(mask_header_value("AUTHORIZATION", "token"), "••••••••");
        assert_eq!(mask_header_value("Authorization", ""), "");
        assert_eq!(
            mask_header_value("Cookie", "a=1; session=xyz"),
            "a=••••; session=••••"
        );
        assert_eq!(
            mask_header_value("Set-Cookie", "session=xyz; Path=/; HttpOnly"),
            "session=••••; Path=/; HttpOnly"
        );
        assert!(is_secret("set-cookie") && !is_secret("Content-Type"));
    }

    #[test]
    fn wire_spans_keep_scheme_names_and_attributes() {
        let v = b" Bearer abc.def";
        let s = value_secret_spans("Authorization:", v);
        assert_eq!(s, vec![8..15]);
        assert_eq!(value_secret_spans("Authorization", b" tok"), vec![1..4]);
        let v = b" a=1; sid=xyz ";
        let s = value_secret_spans("Cookie", v);
        assert_eq!(
            s.iter().map(|r| &v[r.clone()]).collect::<Vec<_>>(),
            [b"1".as_slice(), b"xyz"]
        );
        let v = b" sid=xyz; Path=/";
        let s = value_secret_spans("Set-Cookie", v);
        assert_eq!(s, vec![5..8]);
        assert!(value_secret_spans("Accept", b" x").is_empty());
    }

    #[test]
    fn wire_ranges_come_from_the_regions() {
        use crate::decode::wire_regions::{regions, Framed, Protocol};
        use crate::wire::exchange::Dir;
        let bytes = b"GET / HTTP/1.1\r\nAuthorization: Basic Zm9v\r\nCookie: a=b\r\nX: y\r\n\r\n";
        let regs = regions(bytes, Dir::Sent, Protocol::Http1, Framed::of(None, false));
        let got: Vec<&[u8]> = secret_ranges(bytes, &regs)
            .into_iter()
            .map(|r| &bytes[r])
            .collect();
        assert_eq!(got, [b"Zm9v".as_slice(), b"b"]);
    }
}
