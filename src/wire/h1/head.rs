//! The response head: finding its end, parsing it with httparse (with
//! errors that quote the offending line), and deciding from it how the body
//! is framed (RFC 9112 §6.3) and whether the connection survives.

use super::super::error::{ErrorPhase, WireError};
use super::super::exchange::{FieldRange, Framing};
use super::super::spec::Limits;
use super::super::warning::Warning;
use super::request::is_tchar;
use super::Reuse;
use crate::report::escape::escape_bytes;

pub(super) fn not_http(buf: &[u8]) -> WireError {
    if h2_settings(buf) {
        return WireError::new(
            ErrorPhase::StatusLine,
            "the server answered with an HTTP/2 SETTINGS frame, not an HTTP/1.x status line: it speaks only HTTP/2 here",
        )
        .with_remedy(super::super::error::Remedy::PriorKnowledge);
    }
    let shown = escape_bytes(&buf[..buf.len().min(60)]);
    WireError::new(
        ErrorPhase::StatusLine,
        format!("the reply does not start with an HTTP/1.x status line (got «{shown}»)"),
    )
}

/// The start of an HTTP/2 server's connection preface: a SETTINGS frame
/// (type 4, flags none or ACK) on stream 0 whose length is a multiple of
/// six. That is how a server speaking only HTTP/2 answers HTTP/1.1.
pub(super) fn h2_settings(buf: &[u8]) -> bool {
    match buf.get(..9) {
        Some(h) => {
            let len = u32::from_be_bytes([0, h[0], h[1], h[2]]);
            h[3] == 0x04 && h[4] & !0x01 == 0 && h[5..9] == [0, 0, 0, 0] && len.is_multiple_of(6)
        }
        None => false,
    }
}

/// Fewer than nine bytes that could still open a SETTINGS frame: worth
/// reading on before calling the reply "not HTTP".
pub(super) fn maybe_h2_settings(buf: &[u8]) -> bool {
    buf.len() < 9 && buf.get(3) == Some(&0x04) && buf[..3.min(buf.len())] < [0, 0x40, 0][..]
}

/// End of the head (index just past the blank line), searching from `from`.
pub(super) fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.min(buf.len());
    let mut i = start;
    while i < buf.len() {
        if buf[i] == b'\n' {
            if buf[..i].ends_with(b"\n") {
                return Some(i + 1);
            }
            if buf[..i].ends_with(b"\n\r") {
                return Some(i + 1);
            }
        }
        i += 1;
    }
    None
}

pub(super) struct Head {
    pub(super) version: String,
    pub(super) status: u16,
    pub(super) reason: String,
    pub(super) headers: Vec<(String, String)>,
    pub(super) raw: Vec<(Vec<u8>, Vec<u8>)>,
    /// Each field's name and value, as offsets into the parsed bytes.
    pub(super) ranges: Vec<FieldRange>,
}

pub(super) fn parse_head(
    bytes: &[u8],
    limits: Limits,
    warnings: &mut Vec<Warning>,
) -> Result<(Head, usize), WireError> {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.max_header_lines];
    let mut resp = httparse::Response::new(&mut headers);
    let parsed = httparse::ParserConfig::default()
        .allow_obsolete_multiline_headers_in_responses(true)
        .parse_response(&mut resp, bytes);
    let first_line = || {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        escape_bytes(&bytes[..end.min(100)])
    };
    let len = match parsed {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            return Err(WireError::new(
                ErrorPhase::Headers,
                "incomplete response head",
            ));
        }
        Err(httparse::Error::Version) => return Err(not_http(bytes)),
        Err(httparse::Error::Status) | Err(httparse::Error::Token) => {
            return Err(WireError::new(
                ErrorPhase::StatusLine,
                format!("malformed status line «{}»", first_line()),
            ))
        }
        Err(httparse::Error::TooManyHeaders) => {
            return Err(WireError::new(
                ErrorPhase::Headers,
                format!(
                    "more than {} header lines (the --max-headers limit)",
                    limits.max_header_lines
                ),
            ))
        }
        Err(e) => {
            return Err(WireError::new(
                ErrorPhase::Headers,
                format!("malformed header line{} ({e})", bad_header_line(bytes)),
            ))
        }
    };
    let version = match resp.version {
        Some(0) => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let mut out = Vec::with_capacity(resp.headers.len());
    let mut raw = Vec::with_capacity(resp.headers.len());
    let mut ranges = Vec::with_capacity(resp.headers.len());
    // httparse hands out slices of `bytes`: their offsets are where the
    // fields lie.
    let at = |s: &[u8]| {
        let start = (s.as_ptr() as usize).saturating_sub(bytes.as_ptr() as usize);
        start..start + s.len()
    };
    for h in resp.headers.iter() {
        ranges.push(FieldRange {
            name: at(h.name.as_bytes()),
            value: at(h.value),
        });
        // Decided on the bytes: a value's text may itself hold `\n`.
        let folded = h.value.iter().any(|&b| b == b'\r' || b == b'\n');
        if folded {
            warnings.push(Warning::ObsFold {
                name: h.name.to_string(),
            });
        }
        out.push((h.name.to_string(), field_text(h.value)));
        raw.push((h.name.as_bytes().to_vec(), h.value.to_vec()));
    }
    Ok((
        Head {
            version: version.to_string(),
            status: resp.code.unwrap_or_default(),
            reason: escape_bytes(resp.reason.unwrap_or_default().as_bytes()),
            headers: out,
            raw,
            ranges,
        },
        len,
    ))
}

/// A field value as text: obs-fold line breaks become spaces, tabs stay
/// (they are legal in values), anything else unprintable or not UTF-8 is
/// escaped. The exact bytes are kept beside it (`Response::raw_headers`).
pub(crate) fn field_text(value: &[u8]) -> String {
    let mut joined = Vec::with_capacity(value.len());
    let mut i = 0;
    while i < value.len() {
        match value[i] {
            b'\r' if value.get(i + 1) == Some(&b'\n') => {
                joined.push(b' ');
                i += 2;
                continue;
            }
            b'\r' | b'\n' => joined.push(b' '),
            b => joined.push(b),
        }
        i += 1;
    }
    joined
        .split(|&b| b == b'\t')
        .map(escape_bytes)
        .collect::<Vec<_>>()
        .join("\t")
}

/// The first header line that is not `token: value`, shown escaped.
fn bad_header_line(bytes: &[u8]) -> String {
    for line in bytes.split(|&b| b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let ok = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                i > 0
                    && line[..i].iter().all(|&b| is_tchar(b))
                    && !line.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
            }
            None => line.starts_with(b" ") || line.starts_with(b"\t"),
        };
        if !ok {
            return format!(" «{}»", escape_bytes(&line[..line.len().min(100)]));
        }
    }
    String::new()
}

/// How the body is delimited (RFC 9112 §6.3) and whether the connection
/// survives it.
pub(super) fn framing(
    head: &Head,
    head_request: bool,
    warnings: &mut Vec<Warning>,
) -> Result<(Framing, Reuse), WireError> {
    let values = |name: &str| {
        head.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    let tokens = |name: &str| {
        values(name)
            .iter()
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
    };
    let connection = tokens("connection");
    let mut reuse = match head.version.as_str() {
        "HTTP/1.0" if !connection.iter().any(|t| t == "keep-alive") => Reuse::Close,
        _ if connection.iter().any(|t| t == "close") => Reuse::Close,
        _ => Reuse::Keep,
    };
    if head_request || head.status == 204 || head.status == 304 {
        return Ok((Framing::NoBody, reuse));
    }
    let te = tokens("transfer-encoding");
    let cl_values = values("content-length");
    if !te.is_empty() {
        if !cl_values.is_empty() {
            warnings.push(Warning::TeWithContentLength);
            reuse = Reuse::Close;
        }
        // RFC 9112 §6.1: chunked may be applied once, and only last.
        let chunked = te.iter().filter(|t| *t == "chunked").count();
        if chunked > 1 {
            return Err(WireError::new(
                ErrorPhase::Headers,
                format!(
                    "Transfer-Encoding '{}' applies chunked {chunked} times; a sender must not apply it more than once (RFC 9112 §6.1), so the body's framing is unknowable",
                    te.join(", ")
                ),
            ));
        }
        if te.last().map(String::as_str) == Some("chunked") {
            return Ok((Framing::Chunked, reuse));
        }
        warnings.push(Warning::TeNotChunked {
            codings: te.join(", "),
        });
        return Ok((Framing::CloseDelimited, Reuse::Close));
    }
    if !cl_values.is_empty() {
        let mut seen: Option<u64> = None;
        for raw in cl_values.iter().flat_map(|v| v.split(',')) {
            let t = raw.trim();
            if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(WireError::new(
                    ErrorPhase::Headers,
                    format!(
                        "invalid Content-Length «{}» (only digits are allowed)",
                        escape_bytes(t.as_bytes())
                    ),
                ));
            }
            let n: u64 = t.parse().map_err(|_| {
                WireError::new(
                    ErrorPhase::Headers,
                    format!("invalid Content-Length «{}»", escape_bytes(t.as_bytes())),
                )
            })?;
            match seen {
                Some(prev) if prev != n => {
                    return Err(WireError::new(
                        ErrorPhase::Headers,
                        format!("conflicting Content-Length values {prev} and {n}: the body's end is unknowable"),
                    ))
                }
                _ => seen = Some(n),
            }
        }
        if cl_values.len() > 1 || cl_values.iter().any(|v| v.contains(',')) {
            warnings.push(Warning::ContentLengthRepeated);
        }
        return Ok((Framing::ContentLength(seen.unwrap_or(0)), reuse));
    }
    Ok((Framing::CloseDelimited, Reuse::Close))
}

/// The head outgrew `max_head_bytes`: the limit named with its flag.
pub(super) fn head_too_large(limits: &Limits) -> WireError {
    let max = limits.max_head_bytes;
    let size = if max >= 1024 && max.is_multiple_of(1024) {
        format!("{} KiB", max / 1024)
    } else {
        format!("{max} bytes")
    };
    WireError::new(
        ErrorPhase::Headers,
        format!("response head is larger than {size} (the --max-head-bytes limit)"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::error::Remedy;

    #[test]
    fn an_http2_only_server_is_named_with_each_front_ends_remedy() {
        // An empty SETTINGS frame: what an h2c-only server says first.
        let e = not_http(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
        assert_eq!(e.remedy, Some(Remedy::PriorKnowledge));
        assert!(e.cli_message().ends_with("try --http2-prior-knowledge"));
        assert!(e.tui_message().contains("HTTP version row of Options"));
        let other = not_http(b"SSH-2.0-OpenSSH_9.6\r\n");
        assert_eq!(other.remedy, None);
    }
}
