//! The recording stream under hyper, and the cursor that finds each
//! HTTP/1 request's exact bytes in the recording.
//!
//! Owns: `Recorder` (an AsyncRead/AsyncWrite pass-through that appends
//! every byte read to a per-connection `Recording`) and
//! `Recording::take_request`, which slices one request — head as received
//! plus body as framed on the wire — off the front of the recording.
//! `/echo-raw` answers with that slice, so it is never rebuilt from parsed
//! parts. Must not import hyper's internals or anything else of ours.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// More than the largest body we accept (64 MiB) plus chunked framing of
/// reasonable chunks; past this the recording stops rather than growing.
const RECORD_CAP: usize = 96 * 1024 * 1024;
/// hyper's default is 100 headers; leave room so we never fail where it did not.
const MAX_HEADERS: usize = 256;

/// Whether `take_request` copies the request's bytes out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    Bytes,
    HeadersOnly,
}

/// One request as it crossed the socket.
pub(crate) struct RawRequest {
    /// Request line, headers, blank line and body framing, byte for byte
    /// (empty when taken with `Keep::HeadersOnly`).
    pub bytes: Bytes,
    /// Header fields in wire order and original case.
    pub headers: Vec<(String, String)>,
}

enum Mode {
    Recording,
    /// Why this connection no longer has per-request bytes.
    Off(&'static str),
}

struct State {
    /// Bytes read but not yet attributed to a request; index 0 is always
    /// the start of the next request (the cursor), because attributed
    /// bytes are drained.
    buf: Vec<u8>,
    mode: Mode,
}

/// Per-connection record of every byte read from the client.
pub(crate) struct Recording {
    state: Mutex<State>,
    /// Set on the first byte read, recording on or off.
    has_read: AtomicBool,
}

impl Recording {
    pub(crate) fn new() -> Arc<Recording> {
        Arc::new(Recording {
            state: Mutex::new(State {
                buf: Vec::new(),
                mode: Mode::Recording,
            }),
            has_read: AtomicBool::new(false),
        })
    }

    /// Whether the client has sent anything yet.
    pub(crate) fn has_read(&self) -> bool {
        self.has_read.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means another handler panicked mid-update;
        // the bytes are still bytes, so keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn append(&self, data: &[u8]) {
        self.has_read.store(true, Ordering::Relaxed);
        let mut st = self.lock();
        if let Mode::Off(_) = st.mode {
            return;
        }
        if st.buf.len() + data.len() > RECORD_CAP {
            st.turn_off("the request was too large to record");
            return;
        }
        st.buf.extend_from_slice(data);
    }

    /// Stops recording for good: used for HTTP/2 (no per-request bytes)
    /// and whenever the cursor can no longer be trusted.
    pub(crate) fn disable(&self, reason: &'static str) {
        self.lock().turn_off(reason);
    }

    /// Slices the request at the cursor off the recording. Call it once
    /// per HTTP/1 request, after the request body has been read to its
    /// end (so all its framing bytes have been read and recorded).
    pub(crate) fn take_request(&self, keep: Keep) -> Result<RawRequest, &'static str> {
        let mut st = self.lock();
        if let Mode::Off(reason) = st.mode {
            return Err(reason);
        }
        let located = locate(&st.buf);
        match located {
            Ok(Located { end, headers }) => {
                let bytes = match keep {
                    Keep::Bytes => Bytes::copy_from_slice(&st.buf[..end]),
                    Keep::HeadersOnly => Bytes::new(),
                };
                st.buf.drain(..end);
                // A large upload leaves a large allocation behind; give it
                // back so a long keep-alive connection stays small.
                if st.buf.capacity() > 1024 * 1024 && st.buf.len() < st.buf.capacity() / 4 {
                    let keep = st.buf.len().max(64 * 1024);
                    st.buf.shrink_to(keep);
                }
                Ok(RawRequest { bytes, headers })
            }
            Err(reason) => {
                // Once one request is mis-located, every later slice would
                // be wrong too; refuse rather than answer with garbage.
                st.turn_off(reason);
                Err(reason)
            }
        }
    }
}

impl State {
    fn turn_off(&mut self, reason: &'static str) {
        self.mode = Mode::Off(reason);
        self.buf = Vec::new();
    }
}

/// Where the request at the start of the recording ends, and its fields.
struct Located {
    end: usize,
    headers: Vec<(String, String)>,
}

/// Finds the end of the request at the start of `buf` (head plus body as
/// framed) and its header fields in wire order.
fn locate(buf: &[u8]) -> Result<Located, &'static str> {
    let mut slots = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut slots);
    let head_len = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("the request head was not fully recorded"),
        Err(_) => return Err("the recorded request head did not parse"),
    };
    let mut chunked = false;
    let mut content_length: Option<u64> = None;
    let mut headers = Vec::with_capacity(req.headers.len());
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("transfer-encoding") {
            // hyper rejects any Transfer-Encoding whose last coding is not
            // chunked, so a request that reached us with one is chunked.
            chunked = true;
        } else if h.name.eq_ignore_ascii_case("content-length") && content_length.is_none() {
            let text = std::str::from_utf8(h.value).map_err(|_| "bad Content-Length")?;
            // hyper accepts a list of equal values ("5, 5"); any one will do.
            let first = text.split(',').next().unwrap_or("").trim();
            content_length = Some(first.parse().map_err(|_| "bad Content-Length")?);
        }
        headers.push((
            h.name.to_string(),
            String::from_utf8_lossy(h.value).into_owned(),
        ));
    }
    let end = if chunked {
        chunked_end(buf, head_len)?
    } else {
        let len = usize::try_from(content_length.unwrap_or(0)).map_err(|_| "body too large")?;
        head_len.checked_add(len).ok_or("body too large")?
    };
    if end > buf.len() {
        return Err("the request body was not fully recorded");
    }
    Ok(Located { end, headers })
}

/// Walks chunked framing from `pos` (chunk sizes, extensions, data, the
/// last chunk and trailers) and returns the offset just past it. Mirrors
/// hyper's decoder, which is strict about CRLF, so we agree on the end.
fn chunked_end(buf: &[u8], mut pos: usize) -> Result<usize, &'static str> {
    const SHORT: &str = "the chunked body was not fully recorded";
    let byte_at = |i: usize| buf.get(i).copied().ok_or(SHORT);
    loop {
        // Size line: hex digits, optional whitespace/extension, CRLF.
        let mut size: u64 = 0;
        let mut digits = 0;
        while let Some(d) = buf.get(pos).and_then(|b| (*b as char).to_digit(16)) {
            size = size
                .checked_mul(16)
                .and_then(|s| s.checked_add(u64::from(d)))
                .ok_or("chunk size overflow")?;
            digits += 1;
            pos += 1;
        }
        if digits == 0 {
            return Err("bad chunk size line");
        }
        while byte_at(pos)? != b'\r' {
            if byte_at(pos)? == b'\n' {
                return Err("bad chunk size line");
            }
            pos += 1;
        }
        if byte_at(pos + 1)? != b'\n' {
            return Err("bad chunk size line");
        }
        pos += 2;
        if size == 0 {
            break;
        }
        let size = usize::try_from(size).map_err(|_| "chunk too large")?;
        pos = pos.checked_add(size).ok_or("chunk too large")?;
        if byte_at(pos)? != b'\r' || byte_at(pos + 1)? != b'\n' {
            return Err("bad chunk data terminator");
        }
        pos += 2;
    }
    // Trailer fields, each ending in CRLF, then the final empty line.
    loop {
        if byte_at(pos)? == b'\r' {
            if byte_at(pos + 1)? != b'\n' {
                return Err("bad chunked body end");
            }
            return Ok(pos + 2);
        }
        while byte_at(pos)? != b'\r' {
            pos += 1;
        }
        if byte_at(pos + 1)? != b'\n' {
            return Err("bad trailer line");
        }
        pos += 2;
    }
}

/// Pass-through stream that records every byte read into a `Recording`.
/// Sits under hyper and above TLS, so it sees plaintext HTTP.
pub(crate) struct Recorder<S> {
    inner: S,
    recording: Arc<Recording>,
}

impl<S> Recorder<S> {
    pub(crate) fn new(inner: S, recording: Arc<Recording>) -> Self {
        Recorder { inner, recording }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recorder<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let fresh = &buf.filled()[before..];
            if !fresh.is_empty() {
                self.recording.append(fresh);
            }
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recorder<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_content_length_and_chunked_requests() {
        let a = b"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
        let b = b"POST /b HTTP/1.1\r\nhost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n";
        let c = b"GET /c HTTP/1.1\r\nHost: x\r\n\r\n";
        let rec = Recording::new();
        rec.append(a);
        rec.append(b);
        rec.append(c);
        assert_eq!(&rec.take_request(Keep::Bytes).unwrap().bytes[..], &a[..]);
        let second = rec.take_request(Keep::Bytes).unwrap();
        assert_eq!(&second.bytes[..], &b[..]);
        assert_eq!(second.headers[0], ("host".into(), "x".into()));
        assert_eq!(&rec.take_request(Keep::Bytes).unwrap().bytes[..], &c[..]);
        assert!(rec.take_request(Keep::Bytes).is_err());
    }

    #[test]
    fn truncated_chunked_body_is_an_error_not_a_panic() {
        let buf = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nab";
        assert!(locate(buf).is_err());
        assert!(chunked_end(b"zz\r\n", 0).is_err());
        let listed = b"POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\nok";
        assert_eq!(locate(listed).map(|l| l.end), Ok(listed.len()));
        assert!(chunked_end(b"ffffffffffffffffffff\r\n", 0).is_err());
    }
}
