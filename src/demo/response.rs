//! Response building blocks for the demo handlers.
//!
//! Owns: the one response body type (`Body`), the bodies that stream
//! (frames from a list, from a channel, or generated pseudo-random bytes),
//! and small constructors for JSON, text and error responses. Handlers
//! build every response through these so headers stay consistent.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body_util::{combinators::BoxBody, BodyExt, Empty, Full};
use hyper::body::{Frame, SizeHint};
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Response, StatusCode};
use serde_json::Value;
use tokio::sync::mpsc;

/// Every demo response has this body type, streaming or not.
pub(crate) type Body = BoxBody<Bytes, Infallible>;
pub(crate) type Resp = Response<Body>;

pub(crate) const JSON: &str = "application/json";
pub(crate) const TEXT: &str = "text/plain; charset=utf-8";
pub(crate) const OCTETS: &str = "application/octet-stream";

/// A body sent in one piece; hyper frames it with Content-Length.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

pub(crate) fn empty() -> Body {
    Empty::new().boxed()
}

/// Pretty JSON with a trailing newline, so it reads well in a terminal.
/// Unlike serde_json's pretty printer, short arrays of scalars stay on
/// one line: a header list reads as `["Host", "x"]`, one pair per line.
pub(crate) fn json_text(value: &Value) -> String {
    let mut out = String::new();
    write_pretty(&mut out, value, 0);
    out.push('\n');
    out
}

/// Widest array of scalars kept on one line.
const INLINE_WIDTH: usize = 72;

fn scalar(value: &Value) -> String {
    // Serializing a `Value` cannot fail: its keys are strings already.
    serde_json::to_string(value).unwrap_or_default()
}

fn write_pretty(out: &mut String, value: &Value, depth: usize) {
    let pad = |out: &mut String, depth: usize| out.push_str(&"  ".repeat(depth));
    match value {
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(map) if map.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            if items.iter().all(|v| !v.is_array() && !v.is_object()) {
                let parts: Vec<String> = items.iter().map(scalar).collect();
                let inline = format!("[{}]", parts.join(", "));
                if inline.len() <= INLINE_WIDTH {
                    out.push_str(&inline);
                    return;
                }
            }
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                pad(out, depth + 1);
                write_pretty(out, item, depth + 1);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            pad(out, depth);
            out.push(']');
        }
        Value::Object(map) => {
            out.push_str("{\n");
            for (i, (key, item)) in map.iter().enumerate() {
                pad(out, depth + 1);
                out.push_str(&scalar(&Value::String(key.clone())));
                out.push_str(": ");
                write_pretty(out, item, depth + 1);
                out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
            }
            pad(out, depth);
            out.push('}');
        }
        other => out.push_str(&scalar(other)),
    }
}

pub(crate) fn json(status: StatusCode, value: &Value) -> Resp {
    with_body(status, JSON, full(json_text(value)))
}

pub(crate) fn text(status: StatusCode, body: impl Into<String>) -> Resp {
    with_body(status, TEXT, full(body.into()))
}

pub(crate) fn with_body(status: StatusCode, content_type: &'static str, body: Body) -> Resp {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// A bodiless response (204, 304, HEAD-like answers).
pub(crate) fn no_body(status: StatusCode) -> Resp {
    let mut resp = Response::new(empty());
    *resp.status_mut() = status;
    resp
}

/// `{"error": message}` with the given status.
pub(crate) fn error(status: StatusCode, message: &str) -> Resp {
    json(status, &serde_json::json!({ "error": message }))
}

/// Adds a header whose value is known to be valid (static text or
/// text we built from digits); values from requests go through
/// `HeaderValue::from_str` in the handler and fail with 400 there.
pub(crate) fn add(resp: &mut Resp, name: HeaderName, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().append(name, v);
    }
}

/// Frames handed out one by one with no length known up front, so hyper
/// sends them chunked, one chunk per frame (what `/stream` shows).
pub(crate) struct ChunkList(pub VecDeque<Bytes>);

impl hyper::body::Body for ChunkList {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }
}

/// Frames produced by a spawned task with pauses between them (`/drip`).
/// When the client goes away the receiver drops and the task's next send
/// fails, which ends the task.
pub(crate) struct ChannelBody(pub mpsc::Receiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|b| Ok(Frame::data(b))))
    }
}

/// Generated size per frame: big enough for throughput, small enough that
/// a 1 GiB download never holds more than this in memory.
const RANDOM_FRAME: usize = 64 * 1024;

/// `n` pseudo-random bytes made on the fly, 64 KiB at a time (SplitMix64).
/// The same seed gives the same stream, so any length is a prefix of any
/// longer one and downloads can be checked for corruption.
pub(crate) struct RandomBytes {
    remaining: u64,
    state: u64,
}

impl RandomBytes {
    pub(crate) fn new(len: u64, seed: u64) -> Self {
        RandomBytes {
            remaining: len,
            state: seed,
        }
    }

    fn next_word(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl hyper::body::Body for RandomBytes {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let len = usize::try_from(self.remaining)
            .unwrap_or(RANDOM_FRAME)
            .min(RANDOM_FRAME);
        let words = len.div_ceil(8);
        let mut buf = BytesMut::with_capacity(words * 8);
        for _ in 0..words {
            let w = self.next_word();
            buf.extend_from_slice(&w.to_le_bytes());
        }
        buf.truncate(len);
        self.remaining -= len as u64;
        Poll::Ready(Some(Ok(Frame::data(buf.freeze()))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

#[cfg(test)]
mod tests {
    use super::json_text;
    use serde_json::{json, Value};

    #[test]
    fn pretty_json_round_trips_and_keeps_pairs_inline() {
        let v = json!({"headers": [["Host", "x"], ["A", "\"q\"\n"]], "e": {}, "n": [1, null, true],
                       "long": ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"]});
        let text = json_text(&v);
        assert!(text.contains("    [\"Host\", \"x\"],\n"), "{text}");
        assert!(text.ends_with("}\n"));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v);
    }
}
