//! The upstream leg: the program's request, in origin-form, sent to the
//! real server over the engine's own dialing (`wire::dial`: DNS, connect,
//! TLS verified normally, each phase timed) and read back by the engine's
//! own HTTP/1.1 reader (`wire::read_response`), both through a `Tap`, so
//! the upstream leg is recorded exactly as `send` records its exchanges.
//! `Session`/`RequestSpec.raw` is not used: it returns the response only
//! once it is whole, and the program must get each byte as it arrives.
//! So the reader reads through `Tee`, which hands every chunk to the
//! program as it reads on: the response streams, and a program that reads
//! slowly slows the upstream reads (flow control is TCP's, end to end);
//! no more than `AHEAD` bytes wait between the two.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Instant, SystemTime};

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};

use crate::wire::exchange::{ConnectionInfo, Response, TlsInfo, Transcript};
use crate::wire::probe::Probe;
use crate::wire::spec::Options;
use crate::wire::tap::{Expect, Io, Recorder, Tap};
use crate::wire::timeline::{Mark, Timeline};
use crate::wire::tls::Trust;
use crate::wire::{ErrorPhase, Origin, Reuse, SendQueue, WireError};

/// One upstream connection, kept for the client connection's next
/// request to the same origin (as the program's keep-alive intends).
pub struct Upstream {
    pub origin: Origin,
    tap: Tap<Box<dyn Io>>,
    pub info: ConnectionInfo,
    pub tls: Option<TlsInfo>,
}

/// The upstream leg of one exchange, as recorded.
pub struct Leg {
    pub transcript: Transcript,
    pub timeline: Timeline,
    pub connection: Option<ConnectionInfo>,
    pub tls: Option<TlsInfo>,
}

/// What forwarding one request produced.
pub struct Forwarded {
    pub leg: Leg,
    pub response: Option<Response>,
    pub warnings: Vec<crate::wire::Warning>,
    /// Whether the upstream connection (and so the program's) can carry
    /// another exchange.
    pub reuse: Reuse,
    pub error: Option<WireError>,
    /// Bytes of the response already passed to the program (a failure
    /// after the first can no longer be answered with a 502).
    pub relayed: u64,
}

/// Bytes an exchange's recording keeps per direction.
pub fn keep(opts: &Options) -> usize {
    opts.limits.max_head_bytes + opts.limits.max_body_kept
}

/// Sends `head` (and `body_len` bytes taken first from `body_start`, then
/// from `client`) upstream, and streams the response to `client`.
#[allow(clippy::too_many_arguments)]
pub async fn forward<C: AsyncRead + AsyncWrite + Unpin>(
    slot: &mut Option<Upstream>,
    origin: &Origin,
    opts: &Options,
    trust: &Trust,
    conn_id: u64,
    head: &[u8],
    body: &mut BodySource<'_, C>,
    head_request: bool,
) -> Forwarded {
    let start = Instant::now();
    let mut timeline = Timeline::new(SystemTime::now());
    timeline.tls = origin.tls;
    let reused = matches!(slot, Some(u) if &u.origin == origin);
    if !reused {
        *slot = None;
        let probe = Probe::none();
        match crate::wire::dial(
            origin,
            opts,
            trust,
            conn_id,
            &[b"http/1.1"],
            start,
            &mut timeline,
            &probe,
            // The upstream leg goes direct: wirescope's own proxy
            // variables are said to be unused at start (mod.rs).
            None,
            &mut None,
        )
        .await
        {
            Ok(d) => {
                let rec = Recorder::new(start, keep(opts), Probe::none());
                *slot = Some(Upstream {
                    origin: origin.clone(),
                    tap: Tap::new(d.io, rec),
                    info: d.info,
                    tls: d.tls,
                });
            }
            Err(e) => {
                return Forwarded {
                    leg: Leg {
                        transcript: Transcript::default(),
                        timeline,
                        connection: None,
                        tls: None,
                    },
                    response: None,
                    warnings: Vec::new(),
                    reuse: Reuse::Close,
                    error: Some(e),
                    relayed: 0,
                }
            }
        }
    }
    let Some(up) = slot.as_mut() else {
        unreachable!("an upstream connection was just put in the slot")
    };
    if reused {
        up.tap
            .begin(Recorder::new(start, keep(opts), Probe::none()));
        up.info.reused = true;
        timeline.reused = true;
    }
    timeline.mark(Mark::Ready, start.elapsed());

    let mut warnings = Vec::new();
    let mut response = None;
    let mut relayed = 0;
    let result = async {
        send(&mut up.tap, head, body).await?;
        let sent_at = up.tap.last_write_at().unwrap_or_else(|| start.elapsed());
        timeline.mark(Mark::RequestSent, sent_at);
        let mut tee = Tee {
            up: &mut up.tap,
            client: &mut *body.client,
            pending: Vec::new(),
            at: 0,
            relayed: 0,
        };
        let mut first = || {};
        let ctx = crate::wire::ReadCtx {
            head_request,
            limits: opts.limits,
            read_timeout: opts.read_timeout,
            on_first_byte: &mut first,
            warnings: &mut warnings,
        };
        let r = crate::wire::read_response(&mut tee, ctx, &mut response).await;
        let drained = tee.drain().await;
        relayed = tee.relayed;
        let reuse = r?;
        drained.map_err(|e| {
            WireError::new(
                ErrorPhase::Body,
                format!("passing the response to the program: {e}"),
            )
        })?;
        Ok::<Reuse, WireError>(reuse)
    }
    .await;
    if let Some(at) = up.tap.first_read_at() {
        timeline.mark(Mark::FirstByte, at);
    }
    timeline.mark(Mark::Done, start.elapsed());
    let transcript = up
        .tap
        .begin(Recorder::new(Instant::now(), 0, Probe::none()));
    let leg = Leg {
        transcript,
        timeline,
        connection: Some(up.info.clone()),
        tls: up.tls.clone(),
    };
    let (reuse, error) = match result {
        Ok(r) => (r, None),
        Err(e) => (Reuse::Close, Some(e)),
    };
    if reuse == Reuse::Close {
        *slot = None;
    }
    Forwarded {
        leg,
        response,
        warnings,
        reuse,
        error,
        relayed,
    }
}

/// Where a request body comes from: what was read with the head, then
/// the program's connection, `left` bytes in all (Content-Length).
pub struct BodySource<'a, C> {
    pub buffered: &'a mut Vec<u8>,
    pub client: &'a mut C,
    pub left: u64,
}

async fn send<C: AsyncRead + Unpin>(
    up: &mut Tap<Box<dyn Io>>,
    head: &[u8],
    body: &mut BodySource<'_, C>,
) -> Result<(), WireError> {
    use tokio::io::AsyncReadExt;
    let send_err = |e: io::Error| {
        WireError::new(
            ErrorPhase::Send,
            format!("sending the request upstream: {e}"),
        )
    };
    up.write_all(head).await.map_err(send_err)?;
    let now = (body.left as usize).min(body.buffered.len());
    up.write_all(&body.buffered[..now])
        .await
        .map_err(send_err)?;
    body.buffered.drain(..now);
    body.left -= now as u64;
    let mut scratch = vec![0u8; 64 * 1024];
    while body.left > 0 {
        let want = (body.left as usize).min(scratch.len());
        let n = body.client.read(&mut scratch[..want]).await.map_err(|e| {
            WireError::new(
                ErrorPhase::Send,
                format!("reading the request body from the program: {e}"),
            )
        })?;
        if n == 0 {
            return Err(WireError::new(
                ErrorPhase::Send,
                format!(
                    "the program closed its connection with {} request body bytes still to send",
                    body.left
                ),
            ));
        }
        up.write_all(&scratch[..n]).await.map_err(send_err)?;
        body.left -= n as u64;
    }
    up.flush().await.map_err(send_err)
}

/// How far upstream reads may run ahead of the program taking the bytes.
const AHEAD: usize = 512 * 1024;

/// Reads upstream and hands the bytes read to the program, at most
/// `AHEAD` behind: what the engine's reader takes, the program gets, byte
/// for byte, in the same order.
struct Tee<'a, U, C> {
    up: &'a mut U,
    client: &'a mut C,
    pending: Vec<u8>,
    at: usize,
    relayed: u64,
}

impl<U, C: AsyncWrite + Unpin> Tee<'_, U, C> {
    fn poll_pass(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.at < self.pending.len() {
            let n = match Pin::new(&mut *self.client).poll_write(cx, &self.pending[self.at..]) {
                Poll::Ready(Ok(0)) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "the program stopped taking the response",
                    )))
                }
                Poll::Ready(Ok(n)) => n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            };
            self.at += n;
            self.relayed += n as u64;
        }
        self.pending.clear();
        self.at = 0;
        Pin::new(&mut *self.client).poll_flush(cx)
    }

    /// Passes on what the last read brought.
    async fn drain(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_pass(cx)).await
    }
}

impl<U: AsyncRead + Unpin, C: AsyncWrite + Unpin> AsyncRead for Tee<'_, U, C> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match this.poll_pass(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(e)) => {
                return Poll::Ready(Err(io::Error::new(
                    e.kind(),
                    format!("passing the response to the program: {e}"),
                )))
            }
            // The program is still taking the last bytes: read on while
            // they are fewer than `AHEAD`, so upstream reads and writes to
            // the program overlap; past it, wait for the program.
            Poll::Pending if this.pending.len() - this.at >= AHEAD => return Poll::Pending,
            Poll::Pending => {}
        }
        let before = buf.filled().len();
        let res = Pin::new(&mut *this.up).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &res {
            if this.at > 0 {
                this.pending.drain(..this.at);
                this.at = 0;
            }
            this.pending.extend_from_slice(&buf.filled()[before..]);
        }
        res
    }
}

impl<U: SendQueue, C> SendQueue for Tee<'_, U, C> {
    fn unsent(&self) -> Option<usize> {
        self.up.unsent()
    }
}

impl<U: Expect, C> Expect for Tee<'_, U, C> {
    fn expect_received(&mut self, more: usize) {
        self.up.expect_received(more)
    }
}
