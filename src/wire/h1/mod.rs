//! HTTP/1.1 on httparse: the request written byte for byte as specified,
//! and the response read by our own framing (Content-Length, chunked,
//! close-delimited, 1xx, no-body responses). Conflicts a careful client
//! must not guess about are errors; tolerable oddities are warnings.

mod expect;
mod head;
mod layout;
mod request;
mod write;

pub use expect::EXPECT_WAIT;
pub(crate) use expect::{asks as asks_to_continue, wait as wait_to_continue, Prefixed, Word};
pub(crate) use head::field_text;
pub use layout::{layout_of, ResponseLayout};
pub use request::{build_request, build_request_via, raw_method, USER_AGENT};
pub use write::write_request;

use head::{find_head_end, framing, head_too_large, maybe_h2_settings, not_http, parse_head};

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::time::timeout;

use super::body::BodySink;
use super::chunked::ChunkedDecoder;
use super::error::{describe_io, ErrorPhase, TimeoutKind, WireError};
use super::exchange::{Framing, Interim, Response};
use super::sendq::{SendQueue, Silence};
use super::spec::Limits;
use super::tap::Expect;
use super::warning::Warning;

/// Whether the connection can carry another exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    Keep,
    Close,
}

enum ReadFail {
    Timeout,
    Io(std::io::Error),
}

/// One read, failing after `idle` of silence: no bytes in, and none of
/// ours taken by the peer either (a server still draining our upload is
/// not silent).
async fn read_some<S: AsyncRead + SendQueue + Unpin>(
    io: &mut S,
    buf: &mut [u8],
    idle: Duration,
) -> Result<usize, ReadFail> {
    let mut quiet = Silence::new(idle);
    loop {
        match timeout(quiet.next_wait(), io.read(&mut *buf)).await {
            Ok(Ok(n)) => return Ok(n),
            Ok(Err(e)) => return Err(ReadFail::Io(e)),
            Err(_) if quiet.over(io) => return Err(ReadFail::Timeout),
            Err(_) => {}
        }
    }
}

/// What the reader needs besides the stream.
pub struct ReadCtx<'a> {
    pub head_request: bool,
    pub limits: Limits,
    pub read_timeout: Duration,
    /// Called once, when the first response byte arrives.
    pub on_first_byte: &'a mut (dyn FnMut() + Send),
    pub warnings: &'a mut Vec<Warning>,
}

/// Bytes asked of the socket per read: large reads keep syscalls (and
/// runtime wake-ups) few on fast bodies.
const READ_SIZE: usize = 256 * 1024;

/// Reads one response. The head lands in `slot` as soon as it is parsed,
/// so a failure in the body still leaves it for the user to see.
pub async fn read_response<S: AsyncRead + SendQueue + Expect + Unpin>(
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
            if end > limits.max_head_bytes {
                return Err(head_too_large(&limits));
            }
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
                        format!(
                            "more than {} interim (1xx) responses (the --max-interim limit)",
                            limits.max_interim
                        ),
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
        if buf.len() >= 5 && !buf.starts_with(b"HTTP/") && !maybe_h2_settings(&buf) {
            return Err(not_http(&buf));
        }
        if buf.len() > limits.max_head_bytes {
            return Err(head_too_large(&limits));
        }
        // Until a whole status line is in, what is missing is the status
        // line (also after an interim response).
        let waiting = if buf.contains(&b'\n') {
            ErrorPhase::Headers
        } else {
            ErrorPhase::StatusLine
        };
        let n = read_some(io, &mut scratch, read_timeout)
            .await
            .map_err(|f| match f {
                ReadFail::Timeout => WireError::timeout(
                    TimeoutKind::Read,
                    if offset + buf.len() == 0 {
                        "no response from the server"
                    } else {
                        "the response head stalled"
                    },
                    read_timeout,
                ),
                ReadFail::Io(e) => read_error(waiting, &e),
            })?;
        if n == 0 {
            if !buf.is_empty() && buf.len() < 5 && !b"HTTP/".starts_with(&buf) {
                return Err(not_http(&buf));
            }
            return Err(WireError::new(
                waiting,
                if offset + buf.len() == 0 {
                    "the server closed the connection without sending a response".to_string()
                } else if waiting == ErrorPhase::StatusLine {
                    format!("the server closed the connection in the middle of the status line ({} bytes in)", offset + buf.len())
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
        raw_headers: head.raw,
        field_ranges: head
            .ranges
            .into_iter()
            .map(|r| super::exchange::FieldRange {
                name: r.name.start + offset..r.name.end + offset,
                value: r.value.start + offset..r.value.end + offset,
            })
            .collect(),
        interim,
        head_start: offset,
        head_len,
        framing,
        body_layout: Default::default(),
        body: Default::default(),
        arriving: Vec::new(),
        body_len: 0,
        chunk_count: 0,
        body_file: None,
    });
    let mut sink = BodySink::new(&limits, framing);
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
    let stray = |warnings: &mut Vec<Warning>, n: usize| warnings.push(Warning::StrayBytes(n));

    // The body's layout is kept current as bytes arrive, so whatever ends
    // the read (a failure, or the total timeout dropping this future)
    // leaves the record of what was framed.
    let body_start = offset + head_len;
    resp.body_layout.range = body_start..body_start;
    // Every exit from the body, early or not, hands the sink's file over.
    let result = async {
    match framing {
        Framing::NoBody | Framing::Http2 | Framing::Http3 => {
            if !leftover.is_empty() {
                stray(warnings, leftover.len());
                reuse = Reuse::Close;
            }
        }
        Framing::ContentLength(len) => {
            let len_usize = usize::try_from(len).unwrap_or(usize::MAX);
            let first_part = leftover.len().min(len_usize);
            // Sized once: the kept body and the transcript hold exactly
            // what the length announces (within their caps).
            sink.expect(resp, len_usize);
            io.expect_received(len_usize - first_part);
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
            let mut dec = ChunkedDecoder::at(body_start);
            let mut capped = false;
            let mut data: &[u8] = &leftover;
            let mut owned;
            loop {
                let mut body = Vec::new();
                let fed = dec.feed(data, &mut |b| body.extend_from_slice(b), &mut resp.body_layout);
                if resp.body_layout.chunks_dropped > 0 && !capped {
                    capped = true;
                    warnings.push(Warning::ChunksCapped);
                }
                // What decoded before a framing error is kept: it arrived.
                sink.take(resp, &body);
                resp.chunk_count = dec.chunks;
                let end = fed.map_err(|m| {
                    WireError::new(
                        ErrorPhase::Body,
                        format!("{m} ({} body bytes in)", resp.body_len),
                    )
                })?;
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

/// A read failure while waiting for the head. A TLS alert (the server
/// refusing us after the handshake, e.g. for a missing client
/// certificate) belongs to phase tls, whatever we were waiting for.
fn read_error(waiting: ErrorPhase, e: &std::io::Error) -> WireError {
    if e.get_ref().is_some_and(|i| i.is::<rustls::Error>()) {
        return super::tls::handshake_error(e, "", &[], &[]);
    }
    WireError::new(waiting, format!("reading the response: {}", describe_io(e)))
}
