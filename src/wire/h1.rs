//! HTTP/1.1 on httparse: the request written byte for byte as specified,
//! and the response read by our own framing (Content-Length, chunked,
//! close-delimited, 1xx, no-body responses). Conflicts a careful client
//! must not guess about are errors; tolerable oddities are warnings.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::timeout;

use super::body::BodySink;
use super::chunked::ChunkedDecoder;
use super::error::{describe_io, ErrorPhase, TimeoutKind, WireError};
use super::exchange::{Framing, Interim, Response};
use super::spec::{Limits, RequestSpec};
use crate::report::escape::escape_bytes;

/// Whether the connection can carry another exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    Keep,
    Close,
}

/// The `User-Agent` sent when the user gives none (as curl does).
pub const USER_AGENT: &str = concat!("wirescope/", env!("CARGO_PKG_VERSION"));

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The request's bytes: start line, `Host` first when absent, then
/// `User-Agent` and `Accept` when absent, the user's headers in their order
/// and case, `Content-Length` for a body, the blank line, the body.
pub fn build_request(spec: &RequestSpec, url: &url::Url) -> Result<Vec<u8>, WireError> {
    let input = |m: String| WireError::new(ErrorPhase::Input, m);
    if spec.method.is_empty() || !spec.method.bytes().all(is_tchar) {
        return Err(input(format!(
            "'{}' is not a valid method name (letters, digits and !#$%&'*+-.^_`|~ only)",
            escape_bytes(spec.method.as_bytes())
        )));
    }
    for (name, value) in &spec.headers {
        if name.is_empty() || !name.bytes().all(is_tchar) {
            return Err(input(format!(
                "header name '{}' is not a valid token (use --raw to send malformed bytes)",
                escape_bytes(name.as_bytes())
            )));
        }
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(input(format!(
                "header '{name}' has CR, LF or NUL in its value (use --raw to send malformed bytes)"
            )));
        }
    }
    let has = |n: &str| spec.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let mut out = Vec::with_capacity(256 + spec.body.as_ref().map_or(0, Vec::len));
    out.extend_from_slice(format!("{} {} HTTP/1.1\r\n", spec.method, target).as_bytes());
    let mut line = |n: &str, v: &str| {
        out.extend_from_slice(n.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    };
    if !has("host") {
        let host = url.host_str().unwrap_or_default();
        let host = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        line("Host", &host);
    }
    if !has("user-agent") {
        line("User-Agent", USER_AGENT);
    }
    if !has("accept") {
        line("Accept", "*/*");
    }
    for (n, v) in &spec.headers {
        line(n, v);
    }
    if let Some(body) = &spec.body {
        if !has("content-length") && !has("transfer-encoding") {
            line("Content-Length", &body.len().to_string());
        }
    }
    out.extend_from_slice(b"\r\n");
    if let Some(body) = &spec.body {
        out.extend_from_slice(body);
    }
    Ok(out)
}

/// The method of a raw request (its first token), to know whether the
/// response can have a body.
pub fn raw_method(raw: &[u8]) -> String {
    let end = raw
        .iter()
        .position(|&b| b == b' ' || b == b'\r' || b == b'\n');
    String::from_utf8_lossy(&raw[..end.unwrap_or(raw.len()).min(64)]).into_owned()
}

enum ReadFail {
    Timeout,
    Io(std::io::Error),
}

async fn read_some<S: AsyncRead + Unpin>(
    io: &mut S,
    buf: &mut [u8],
    idle: Duration,
) -> Result<usize, ReadFail> {
    match timeout(idle, io.read(buf)).await {
        Ok(Ok(n)) => Ok(n),
        Ok(Err(e)) => Err(ReadFail::Io(e)),
        Err(_) => Err(ReadFail::Timeout),
    }
}

/// What the reader needs besides the stream.
pub struct ReadCtx<'a> {
    pub head_request: bool,
    pub limits: Limits,
    pub read_timeout: Duration,
    /// Called once, when the first response byte arrives.
    pub on_first_byte: &'a mut (dyn FnMut() + Send),
    pub warnings: &'a mut Vec<String>,
}

const READ_SIZE: usize = 64 * 1024;

/// Reads one response. The head lands in `slot` as soon as it is parsed,
/// so a failure in the body still leaves it for the user to see.
pub async fn read_response<S: AsyncRead + Unpin>(
    io: &mut S,
    ctx: ReadCtx<'_>,
    slot: &mut Option<Response>,
) -> Result<Reuse, WireError> {
    let ReadCtx {
        head_request,
        limits,
        read_timeout,
        on_first_byte,
        warnings,
    } = ctx;
    let mut scratch = vec![0u8; READ_SIZE];
    let mut buf: Vec<u8> = Vec::new();
    let mut offset = 0usize; // where `buf` starts in the received transcript
    let mut interim = Vec::new();
    let mut first = true;
    let mut scanned = 0usize;

    let (head, head_len) = loop {
        if let Some(end) = find_head_end(&buf, scanned) {
            let (head, len) = parse_head(&buf[..end], limits, warnings)?;
            if (100..200).contains(&head.status) {
                if head.status == 101 {
                    return Err(WireError::new(
                        ErrorPhase::StatusLine,
                        "the server switched protocols (101) though no upgrade was asked for",
                    ));
                }
                interim.push(Interim {
                    status: head.status,
                    reason: head.reason,
                    headers: head.headers,
                });
                if interim.len() > limits.max_interim {
                    return Err(WireError::new(
                        ErrorPhase::Headers,
                        format!("more than {} interim (1xx) responses", limits.max_interim),
                    ));
                }
                buf.drain(..len);
                offset += len;
                scanned = 0;
                continue;
            }
            break (head, len);
        }
        scanned = buf.len().saturating_sub(3);
        if buf.len() >= 5 && !buf.starts_with(b"HTTP/") {
            return Err(not_http(&buf));
        }
        if buf.len() > limits.max_head_bytes {
            return Err(WireError::new(
                ErrorPhase::Headers,
                format!(
                    "response head is larger than {} KiB",
                    limits.max_head_bytes / 1024
                ),
            ));
        }
        let waiting = if offset + buf.len() == 0 {
            ErrorPhase::StatusLine
        } else {
            ErrorPhase::Headers
        };
        let n = read_some(io, &mut scratch, read_timeout)
            .await
            .map_err(|f| match f {
                ReadFail::Timeout => WireError::timeout(
                    TimeoutKind::Read,
                    if waiting == ErrorPhase::StatusLine {
                        "no response from the server"
                    } else {
                        "the response head stalled"
                    },
                    read_timeout,
                ),
                ReadFail::Io(e) => WireError::new(
                    waiting,
                    format!("reading the response: {}", describe_io(&e)),
                ),
            })?;
        if n == 0 {
            if !buf.is_empty() && buf.len() < 5 && !b"HTTP/".starts_with(&buf) {
                return Err(not_http(&buf));
            }
            return Err(WireError::new(
                waiting,
                if waiting == ErrorPhase::StatusLine {
                    "the server closed the connection without sending a response".to_string()
                } else {
                    format!("the server closed the connection in the middle of the response head ({} bytes in)", offset + buf.len())
                },
            ));
        }
        if first {
            first = false;
            on_first_byte();
        }
        buf.extend_from_slice(&scratch[..n]);
    };

    let (framing, mut reuse) = framing(&head, head_request, warnings)?;
    let leftover = buf.split_off(head_len);
    let resp = slot.insert(Response {
        version: head.version,
        status: head.status,
        reason: head.reason,
        headers: head.headers,
        interim,
        head_start: offset,
        head_len,
        framing,
        body: Vec::new(),
        body_len: 0,
        chunk_count: 0,
        body_file: None,
    });
    let mut sink = BodySink::new(&limits);
    let body_fail = |resp: &Response, f: ReadFail| match f {
        ReadFail::Timeout => WireError::timeout(
            TimeoutKind::Read,
            &format!("the body stalled ({} bytes in)", resp.body_len),
            read_timeout,
        ),
        ReadFail::Io(e) => WireError::new(
            ErrorPhase::Body,
            format!(
                "reading the body ({} bytes in): {}",
                resp.body_len,
                describe_io(&e)
            ),
        ),
    };
    let stray = |warnings: &mut Vec<String>, n: usize| {
        warnings.push(format!(
            "{n} unexpected bytes after the end of the response; the connection will not be reused"
        ));
    };

    // Every exit from the body, early or not, hands the sink's file over.
    let result = async {
    match framing {
        Framing::NoBody | Framing::Http2 => {
            if !leftover.is_empty() {
                stray(warnings, leftover.len());
                reuse = Reuse::Close;
            }
        }
        Framing::ContentLength(len) => {
            let first_part = leftover
                .len()
                .min(usize::try_from(len).unwrap_or(usize::MAX));
            sink.take(resp, &leftover[..first_part]);
            if leftover.len() > first_part {
                stray(warnings, leftover.len() - first_part);
                reuse = Reuse::Close;
            }
            while resp.body_len < len {
                let want = usize::try_from(len - resp.body_len)
                    .unwrap_or(usize::MAX)
                    .min(READ_SIZE);
                let n = read_some(io, &mut scratch[..want], read_timeout)
                    .await
                    .map_err(|f| body_fail(resp, f))?;
                if n == 0 {
                    return Err(WireError::new(
                        ErrorPhase::Body,
                        format!(
                            "the server closed the connection after {} of {} body bytes (Content-Length)",
                            resp.body_len, len
                        ),
                    ));
                }
                sink.take(resp, &scratch[..n]);
            }
        }
        Framing::Chunked => {
            let mut dec = ChunkedDecoder::default();
            let mut data: &[u8] = &leftover;
            let mut owned;
            loop {
                let mut body = Vec::new();
                let end = dec
                    .feed(data, &mut |b| body.extend_from_slice(b))
                    .map_err(|m| WireError::new(ErrorPhase::Body, m))?;
                sink.take(resp, &body);
                resp.chunk_count = dec.chunks;
                if let Some(end) = end {
                    if end < data.len() {
                        stray(warnings, data.len() - end);
                        reuse = Reuse::Close;
                    }
                    break;
                }
                let n = read_some(io, &mut scratch, read_timeout)
                    .await
                    .map_err(|f| body_fail(resp, f))?;
                if n == 0 {
                    return Err(WireError::new(
                        ErrorPhase::Body,
                        format!(
                            "the server closed the connection in the middle of the chunked body ({} bytes in)",
                            resp.body_len
                        ),
                    ));
                }
                owned = scratch[..n].to_vec();
                data = &owned;
            }
        }
        Framing::CloseDelimited => {
            sink.take(resp, &leftover);
            loop {
                let n = read_some(io, &mut scratch, read_timeout)
                    .await
                    .map_err(|f| body_fail(resp, f))?;
                if n == 0 {
                    break;
                }
                sink.take(resp, &scratch[..n]);
            }
        }
    }
    Ok(reuse)
    }
    .await;
    sink.finish(resp, warnings);
    result
}

fn not_http(buf: &[u8]) -> WireError {
    let shown = escape_bytes(&buf[..buf.len().min(60)]);
    WireError::new(
        ErrorPhase::StatusLine,
        format!("the reply does not start with an HTTP/1.x status line (got «{shown}»)"),
    )
}

/// End of the head (index just past the blank line), searching from `from`.
fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
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

struct Head {
    version: String,
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
}

fn parse_head(
    bytes: &[u8],
    limits: Limits,
    warnings: &mut Vec<String>,
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
                format!("more than {} header lines", limits.max_header_lines),
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
    for h in resp.headers.iter() {
        let mut value = escape_bytes(h.value);
        if value.contains("\\r\\n") || value.contains("\\n") {
            warnings.push(format!(
                "header '{}' uses obsolete line folding; joined with spaces",
                h.name
            ));
            value = value.replace("\\r\\n", " ").replace("\\n", " ");
        }
        out.push((h.name.to_string(), value.replace("\\t", "\t")));
    }
    Ok((
        Head {
            version: version.to_string(),
            status: resp.code.unwrap_or_default(),
            reason: escape_bytes(resp.reason.unwrap_or_default().as_bytes()),
            headers: out,
        },
        len,
    ))
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
                    && !line.iter().any(|&b| b == 0 || b == b'\r')
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
fn framing(
    head: &Head,
    head_request: bool,
    warnings: &mut Vec<String>,
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
            warnings.push(
                "both Transfer-Encoding and Content-Length were sent: Transfer-Encoding wins, \
                 Content-Length is ignored and the connection will not be reused (RFC 9112 §6.3)"
                    .into(),
            );
            reuse = Reuse::Close;
        }
        if te.last().map(String::as_str) == Some("chunked") {
            return Ok((Framing::Chunked, reuse));
        }
        warnings.push(format!(
            "Transfer-Encoding '{}' does not end in chunked: the body runs until the server closes",
            te.join(", ")
        ));
        return Ok((Framing::CloseDelimited, Reuse::Close));
    }
    if !cl_values.is_empty() {
        let mut seen: Option<u64> = None;
        for raw in cl_values.iter().flat_map(|v| v.split(',')) {
            let t = raw.trim();
            if t.is_empty() || t.len() > 19 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(WireError::new(
                    ErrorPhase::Headers,
                    format!("invalid Content-Length «{t}» (only digits are allowed)"),
                ));
            }
            let n: u64 = t.parse().map_err(|_| {
                WireError::new(ErrorPhase::Headers, format!("invalid Content-Length «{t}»"))
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
            warnings.push("Content-Length was repeated (with the same value)".into());
        }
        return Ok((Framing::ContentLength(seen.unwrap_or(0)), reuse));
    }
    Ok((Framing::CloseDelimited, Reuse::Close))
}
