//! How an HTTP/2 exchange ends: it takes its stream's frames from the
//! connection's per-stream record (`h2_record`), its marks move to where
//! those frames crossed, and its heads are read from the decoded HEADERS
//! (wire order, 1xx as interim). Kept apart from `h2`, which drives the
//! stream while it is live.

use std::time::{Duration, Instant};

use super::exchange::{Dir, H2Capture, Response, Transcript};
use super::h2_record;
use super::tap::SharedRecorder;
use super::timeline::Timeline;

/// An HTTP/2 exchange in flight: enough to take its record even if the
/// exchange's future is dropped at the deadline.
pub(super) struct H2Flight {
    pub(super) rec: SharedRecorder,
    pub(super) token: u64,
    pub(super) stream: Option<u32>,
    /// The connection's socket, for the kernel's account as it ends.
    pub(super) kernel: super::tcp_info::TcpWatch,
}

/// Ends an HTTP/2 exchange's record: it takes its stream's frames (and
/// the connection-level ones since the last exchange ended) from the
/// connection's per-stream record, and its marks move to where those
/// frames crossed — request sent when the frame with END_STREAM was
/// written, first byte when its first HEADERS arrived, done at its last
/// frame. The h2 crate hands us the response only after its task has
/// read it, so marks taken in this task would misplace the server's time.
/// The body comes back too: the stream's DATA payloads as the tap saw
/// them, shared with the transcript.
pub(super) fn settle(
    f: H2Flight,
    start: Instant,
    timeline: &mut Timeline,
    ok: bool,
) -> (Transcript, Option<H2Capture>, Option<bytes::Bytes>) {
    let Ok(mut rec) = f.rec.lock() else {
        return (Transcript::default(), None, None);
    };
    rec.unlisten(f.token);
    let rec_start = rec.start();
    let rebase = move |at: Duration| (rec_start + at).saturating_duration_since(start);
    let Some(book) = rec.book() else {
        return (Transcript::default(), None, None);
    };
    let claimed = book.claim(f.stream);
    let tables = book.tables();
    let (sent, first, last) = h2_record::stream_marks(&claimed.own.frames);
    let stream = f.stream.unwrap_or(0);
    let (transcript, capture, body) = h2_record::capture(stream, claimed, tables, &rebase);
    drop(rec);
    if let (Some(at), true) = (sent, timeline.request_sent.is_some()) {
        timeline.request_sent = Some(rebase(at));
    }
    if let (Some(at), true) = (first, timeline.first_byte.is_some()) {
        timeline.first_byte = Some(rebase(at));
    }
    if let (Some(at), true) = (last, ok) {
        timeline.done = Some(rebase(at));
    }
    let body = f.stream.map(|_| body);
    (transcript, f.stream.map(|_| capture), body)
}

/// The response's heads as HPACK delivered them, in wire order (the `h2`
/// crate hands headers over grouped by name, and never shows 1xx):
/// informational blocks become `interim`, the final block is its own.
pub(super) fn heads_in_wire_order(cap: &H2Capture, resp: &mut Response) {
    let blocks = cap
        .frames
        .items
        .iter()
        .filter_map(|i| i.frame())
        .filter(|f| f.dir == Dir::Received && f.stream == cap.stream)
        .filter_map(|f| f.detail.block())
        .filter(|b| b.error.is_none());
    let mut interim = Vec::new();
    for block in blocks {
        let status = block
            .fields
            .iter()
            .find(|f| f.name == ":status")
            .and_then(|f| f.value.parse::<u16>().ok());
        let fields: Vec<(String, String)> = block
            .fields
            .iter()
            .filter(|f| !f.name.is_empty() && !f.name.starts_with(':'))
            .map(|f| (f.name.clone(), f.value.clone()))
            .collect();
        match status {
            Some(s) if (100..200).contains(&s) => interim.push(super::exchange::Interim {
                status: s,
                reason: String::new(),
                headers: fields,
            }),
            Some(s) if s == resp.status => {
                if fields.len() == resp.headers.len() {
                    reorder(resp, fields);
                }
                break;
            }
            _ => break,
        }
    }
    resp.interim = interim;
}

/// Puts the h2 crate's fields (grouped by name) in `wire` order, the
/// exact bytes moving with their text.
fn reorder(resp: &mut Response, wire: Vec<(String, String)>) {
    type Text = (String, String);
    type Raw = (Vec<u8>, Vec<u8>);
    let mut pool: Vec<Option<(Text, Raw)>> = resp
        .headers
        .drain(..)
        .zip(resp.raw_headers.drain(..))
        .map(Some)
        .collect();
    for (name, value) in wire {
        // The decoder's text is `escape_bytes` of the same bytes.
        let hit = pool.iter_mut().find(|p| {
            p.as_ref().is_some_and(|((n, _), (_, raw))| {
                *n == name && crate::report::escape::escape_bytes(raw) == value
            })
        });
        if let Some(((n, v), raw)) = hit.and_then(Option::take) {
            resp.headers.push((n, v));
            resp.raw_headers.push(raw);
        }
    }
    // Anything not matched keeps the crate's order at the end.
    for ((n, v), raw) in pool.into_iter().flatten() {
        resp.headers.push((n, v));
        resp.raw_headers.push(raw);
    }
}
