//! `Expect: 100-continue`, as curl does it: the head goes out, then the
//! body waits (up to `EXPECT_WAIT`) for the server's word. A 100 lets it
//! go; a final answer first (417, 401, 413...) means the body is never
//! sent; silence means it goes anyway. What was read while waiting is
//! handed to the response reader ahead of the socket (`Prefixed`), so the
//! 100 is recorded as the interim response it is.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};
use tokio::time::timeout;

use super::super::error::{describe_io, ErrorPhase, WireError};
use super::super::sendq::SendQueue;
use super::super::tap::Expect;
use super::head::find_head_end;

/// How long the body waits for a 100 Continue unless told
/// (`Options::expect_wait`).
pub const EXPECT_WAIT: Duration = Duration::from_secs(1);

/// The request asks the server before its body comes.
pub fn asks(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("expect") && v.trim().eq_ignore_ascii_case("100-continue")
    })
}

/// What the server said before the body.
pub enum Word {
    /// 100 Continue (or nothing in time): send the body.
    Continue { timed_out: bool },
    /// A final status first: the body must not be sent.
    Final(u16),
    /// Not an HTTP head (or one larger than a head may be): the body is
    /// not sent, and the response reader says what came.
    Unreadable,
}

/// Most bytes kept while waiting: a peer streaming anything but a head
/// must not make memory grow with what it sends.
const MAX_WAIT_BYTES: usize = 256 * 1024;

/// Reads what the server says within `limit`, keeping the bytes.
pub async fn wait<S: AsyncRead + Unpin>(
    io: &mut S,
    got: &mut Vec<u8>,
    limit: Duration,
) -> Result<Word, WireError> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut chunk = [0u8; 8192];
    // Heads are looked at in order: another 1xx (102, 103) is passed over.
    let mut from = 0;
    loop {
        while let Some(end) = find_head_end(&got[from..], 0) {
            match status_of(&got[from..from + end]) {
                Some(100) => return Ok(Word::Continue { timed_out: false }),
                Some(s) if s >= 200 => return Ok(Word::Final(s)),
                Some(_) => from += end,
                // Not a status line: the reader will say what it is.
                None => return Ok(Word::Unreadable),
            }
        }
        if got.len() > MAX_WAIT_BYTES {
            return Ok(Word::Unreadable);
        }
        if !read_more(io, got, &mut chunk, deadline).await? {
            return Ok(Word::Continue { timed_out: true });
        }
    }
}

/// One read before `deadline`: false when it passed.
async fn read_more<S: AsyncRead + Unpin>(
    io: &mut S,
    got: &mut Vec<u8>,
    chunk: &mut [u8],
    deadline: tokio::time::Instant,
) -> Result<bool, WireError> {
    match timeout(
        deadline.saturating_duration_since(tokio::time::Instant::now()),
        io.read(chunk),
    )
    .await
    {
        Err(_) => Ok(false),
        Ok(Ok(0)) => Err(WireError::new(
            ErrorPhase::StatusLine,
            "the server closed the connection while we waited for 100 Continue",
        )),
        Ok(Ok(n)) => {
            got.extend_from_slice(&chunk[..n]);
            Ok(true)
        }
        Ok(Err(e)) => Err(WireError::new(
            ErrorPhase::StatusLine,
            format!("waiting for 100 Continue: {}", describe_io(&e)),
        )),
    }
}

/// The status code of the first head in `head`.
fn status_of(head: &[u8]) -> Option<u16> {
    let line = head.split(|&b| b == b'\n').next()?;
    let code = line.split(|&b| b == b' ').nth(1)?;
    std::str::from_utf8(code).ok()?.trim().parse().ok()
}

/// Bytes already read, then the stream.
pub struct Prefixed<'a, S> {
    pub prefix: Vec<u8>,
    pub at: usize,
    pub inner: &'a mut S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<'_, S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.at < self.prefix.len() {
            let n = (self.prefix.len() - self.at).min(buf.remaining());
            let at = self.at;
            buf.put_slice(&self.prefix[at..at + n]);
            self.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut *self.inner).poll_read(cx, buf)
    }
}

impl<S: SendQueue> SendQueue for Prefixed<'_, S> {
    fn unsent(&self) -> Option<usize> {
        self.inner.unsent()
    }
}

impl<S: Expect> Expect for Prefixed<'_, S> {
    fn expect_received(&mut self, more: usize) {
        self.inner.expect_received(more);
    }
}
