//! HTTP/2 over the tap, with the `h2` crate: one connection per origin,
//! shared by concurrent exchanges (each its own stream). The connection's
//! recorder lives for the whole connection and files its frames per
//! stream as they cross (`h2_record`); an exchange takes its own when it
//! ends (`h2_end`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use h2::client::SendRequest;
use tokio::time::timeout;

use super::body::BodySink;
use super::error::{ErrorPhase, TimeoutKind, WireError};
use super::exchange::{ConnectionInfo, Framing, Negotiated, Response, TlsInfo};
use super::h2_why::{self, describe};
use super::sendq::SendQueue;
use super::spec::{Limits, RequestSpec};
use super::tap::{Io, Recorder, SharedRecorder, Tap};
use super::tcp_info::{TcpWatch, Watched};
use super::timeline::Mark;
use super::warning::Warning;

/// The connection's fate, written by its driver task.
#[derive(Debug, Default)]
pub struct ConnState {
    closed: AtomicBool,
    error: Mutex<Option<String>>,
    /// The connection ended with a GOAWAY (sent or received): streams that
    /// failed with it failed because of it.
    goaway: AtomicBool,
    /// The socket, readable for `TCP_INFO` while the driver owns it.
    pub kernel: TcpWatch,
}

impl ConnState {
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Why the connection ended, if it ended badly.
    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }

    /// Why the connection ended, if a GOAWAY ended it.
    pub fn goaway(&self) -> Option<String> {
        self.goaway
            .load(Ordering::Acquire)
            .then(|| self.error())
            .flatten()
    }
}

/// Flow-control windows we announce (RFC 9113 §6.9): per stream, and for
/// the connection.
const H2_STREAM_WINDOW: u32 = 8 << 20;
const H2_CONNECTION_WINDOW: u32 = 16 << 20;

/// A live HTTP/2 connection; clones share it.
#[derive(Clone)]
pub struct H2Conn {
    pub send: SendRequest<Bytes>,
    pub rec: SharedRecorder,
    pub info: ConnectionInfo,
    pub tls: Option<TlsInfo>,
    pub negotiated: Negotiated,
    pub state: Arc<ConnState>,
}

/// Starts HTTP/2 on a dialed stream: the tap goes on, the preface and
/// SETTINGS go out, and a task drives the connection from then on.
pub async fn handshake(
    io: Box<dyn Io>,
    rec: Recorder,
    limits: Limits,
) -> Result<(SendRequest<Bytes>, SharedRecorder, Arc<ConnState>), WireError> {
    let mut rec = rec;
    rec.keep_streams();
    let kernel = TcpWatch::new(io.raw_fd());
    let io: Box<dyn Io> = Box::new(Watched::new(io, kernel.clone()));
    let tap = Tap::new(io, rec);
    let shared = tap.shared();
    let (send, conn) = h2::client::Builder::new()
        // We never accept pushes: say so in our SETTINGS (RFC 9113 §8.4).
        .enable_push(false)
        .max_header_list_size(u32::try_from(limits.max_head_bytes).unwrap_or(u32::MAX))
        .max_concurrent_reset_streams(50)
        // The spec's 64 KiB windows cost a WINDOW_UPDATE round trip per
        // 64 KiB: a big body would crawl. Large windows, as curl and
        // browsers announce (we read promptly, so little is buffered).
        .initial_window_size(H2_STREAM_WINDOW)
        .initial_connection_window_size(H2_CONNECTION_WINDOW)
        .handshake::<_, Bytes>(tap)
        .await
        .map_err(|e| {
            WireError::new(
                ErrorPhase::Send,
                format!("HTTP/2 handshake: {}", describe(&e)),
            )
        })?;
    let state = Arc::new(ConnState {
        kernel,
        ..ConnState::default()
    });
    let st = state.clone();
    let rec = shared.clone();
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            let mut why = describe(&e);
            if e.is_go_away() && !e.is_remote() {
                // The h2 crate keeps its reason in the GOAWAY it sent, or
                // it never saw HTTP/2 at all; the recording tells.
                if let Ok(mut r) = rec.lock() {
                    let head = r.so_far().received.to_vec();
                    let ours = r.book().and_then(|b| b.our_goaway().map(str::to_string));
                    why = h2_why::our_goaway(why, &head, ours.as_deref());
                }
            }
            st.goaway.store(e.is_go_away(), Ordering::Release);
            if let Ok(mut slot) = st.error.lock() {
                *slot = Some(why);
            }
        }
        st.closed.store(true, Ordering::Release);
    });
    Ok((send, shared, state))
}

/// How often a wait for the head looks at what the driver has written.
const UPLOAD_POLL: Duration = Duration::from_millis(50);

/// Waits for the response head, failing after `silence` without progress.
/// While the driver still writes a request body (as the server grants
/// window) we are not silent: our bytes on the connection growing counts.
async fn await_head(
    conn: &H2Conn,
    mut response: h2::client::ResponseFuture,
    silence: Duration,
    uploading: bool,
) -> Result<Result<http::Response<h2::RecvStream>, h2::Error>, tokio::time::error::Elapsed> {
    if !uploading {
        return timeout(silence, response).await;
    }
    let sent = || conn.rec.lock().map_or(0, |r| r.so_far().sent_total);
    let mut seen = sent();
    let mut last_progress = std::time::Instant::now();
    loop {
        let wait = UPLOAD_POLL.min(silence.saturating_sub(last_progress.elapsed()));
        match timeout(wait, &mut response).await {
            Ok(r) => return Ok(r),
            Err(elapsed) => {
                let now = sent();
                if now > seen {
                    seen = now;
                    last_progress = std::time::Instant::now();
                }
                if last_progress.elapsed() >= silence {
                    return Err(elapsed);
                }
            }
        }
    }
}

/// The session's hook to mark the exchange's timeline.
pub type Marks<'a> = &'a mut (dyn FnMut(Mark) + Send);

/// Runs one exchange as a stream on `conn`. The head lands in `slot` as
/// soon as it arrives. Returns the stream id.
#[allow(clippy::too_many_arguments)]
pub async fn exchange(
    conn: &H2Conn,
    spec: &RequestSpec,
    url: &url::Url,
    read_timeout: Duration,
    limits: Limits,
    marks: Marks<'_>,
    slot: &mut Option<Response>,
    warnings: &mut Vec<Warning>,
    stream_id: &mut Option<u32>,
) -> Result<(), WireError> {
    let req = super::fields::request(spec, url, http::Version::HTTP_2, warnings)?;
    let result = run_stream(
        conn,
        req,
        spec,
        read_timeout,
        limits,
        marks,
        slot,
        stream_id,
        warnings,
    )
    .await;
    match result {
        Err(e)
            if matches!(
                e.phase,
                ErrorPhase::Send | ErrorPhase::Headers | ErrorPhase::Body
            ) =>
        {
            // A stream error is often the echo of what ended the connection
            // (a GOAWAY); give the driver a moment to say so.
            for _ in 0..20 {
                if conn.state.is_closed() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            match conn.state.goaway() {
                Some(why) => Err(WireError::new(e.phase, why)),
                None => Err(e),
            }
        }
        other => other,
    }
}

#[allow(clippy::too_many_arguments)]
async fn run_stream(
    conn: &H2Conn,
    req: http::Request<()>,
    spec: &RequestSpec,
    read_timeout: Duration,
    limits: Limits,
    marks: Marks<'_>,
    slot: &mut Option<Response>,
    stream_id: &mut Option<u32>,
    warnings: &mut Vec<Warning>,
) -> Result<(), WireError> {
    let closed = |fallback: String| conn.state.error().unwrap_or(fallback);
    let mut send = match timeout(read_timeout, conn.send.clone().ready()).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(WireError::new(ErrorPhase::Send, closed(describe(&e)))),
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Read,
                "the server allowed no new stream",
                read_timeout,
            ))
        }
    };
    let body = spec.body.clone().map(Bytes::from);
    let uploading = body.is_some();
    let (response, mut stream) = send
        .send_request(req, body.is_none())
        .map_err(|e| WireError::new(ErrorPhase::Send, closed(describe(&e))))?;
    *stream_id = Some(response.stream_id().as_u32());
    if let Some(body) = body {
        stream
            .send_data(body, true)
            .map_err(|e| WireError::new(ErrorPhase::Send, closed(describe(&e))))?;
    }
    marks(Mark::RequestSent);
    let head = match await_head(conn, response, read_timeout, uploading).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => {
            let mut why = closed(describe(&e));
            // The h2 crate resets a stream whose header list is past
            // SETTINGS_MAX_HEADER_LIST_SIZE without saying so: name it.
            if e.is_reset() && !e.is_remote() {
                let over = match (conn.rec.lock(), *stream_id) {
                    (Ok(mut r), Some(id)) => r.book().and_then(|b| {
                        h2_why::oversize_header_list(b.frames(id), limits.max_head_bytes)
                    }),
                    _ => None,
                };
                if let Some(size) = over {
                    why = format!(
                        "the response header list is {size} bytes, larger than the {} byte limit (--max-head-bytes); {why}",
                        limits.max_head_bytes
                    );
                }
            }
            return Err(WireError::new(ErrorPhase::Headers, why));
        }
        Err(_) => {
            return Err(WireError::timeout(
                TimeoutKind::Read,
                "no response from the server",
                read_timeout,
            ))
        }
    };
    marks(Mark::FirstByte);
    let (parts, mut body) = head.into_parts();
    let resp = slot.insert(Response::from_fields(
        "HTTP/2",
        parts.status.as_u16(),
        &parts.headers,
        Framing::Http2,
    ));
    let mut sink = BodySink::new(&limits, Framing::Http2);
    // A length announced is room made once (within the cap), not growth
    // by doubling; a lying length only sizes the buffer, never the read.
    if let Some(n) = resp
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        sink.expect(resp, n);
        // The stream's record keeps the DATA payloads: the body.
        if let (Ok(mut r), Some(id)) = (conn.rec.lock(), *stream_id) {
            if let Some(book) = r.book() {
                book.expect_received(id, n);
            }
        }
    }
    let result = async {
        loop {
            let next = match timeout(read_timeout, body.data()).await {
                Ok(n) => n,
                Err(_) => {
                    return Err(WireError::timeout(
                        TimeoutKind::Read,
                        &format!("the body stalled ({} bytes in)", resp.body_len),
                        read_timeout,
                    ))
                }
            };
            match next {
                None => break,
                Some(Ok(data)) => {
                    let _ = body.flow_control().release_capacity(data.len());
                    resp.chunk_count += 1;
                    sink.take(resp, &data);
                }
                Some(Err(e)) => {
                    return Err(WireError::new(
                        ErrorPhase::Body,
                        format!(
                            "reading the body ({} bytes in): {}",
                            resp.body_len,
                            closed(describe(&e))
                        ),
                    ))
                }
            }
        }
        Ok(())
    }
    .await;
    sink.finish(resp, warnings);
    result
}
