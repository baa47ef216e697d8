//! Endpoints about time and size: how bodies arrive.
//!
//! Owns: /delay/{s}, /drip (slow body with Content-Length), /stream/{n}
//! (one chunk per JSON line), /bytes/{n} (generated, never buffered, up
//! to 2 GiB for benchmarks) and /range/{n} (byte ranges, 206/416).

use std::collections::VecDeque;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, ETAG, RANGE};
use hyper::StatusCode;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;

use super::echo;
use super::response::{self, ChannelBody, ChunkList, RandomBytes, Resp, JSON, OCTETS};
use super::routes::Req;

const MAX_DELAY_SECS: f64 = 10.0;
const MAX_DRIP_BYTES: u64 = 10 * 1024 * 1024;
const MAX_DRIP_SECS: f64 = 60.0;
/// Sleeping once per byte of a large drip would be thousands of timer
/// wakeups a second for no visible difference; send at most this many pieces.
const MAX_DRIP_STEPS: u64 = 1000;
const MIN_DRIP_PAUSE_MS: u128 = 10;
const MAX_STREAM_LINES: usize = 1000;
const MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;
const MAX_RANGE: u64 = 100 * 1024;

fn bad_request(message: &str) -> Resp {
    response::error(StatusCode::BAD_REQUEST, message)
}

/// Seconds from text: finite, not negative, at most `max`.
fn seconds(text: &str, max: f64) -> Option<Duration> {
    let secs = text.parse::<f64>().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(max)))
}

/// /delay/{s}: waits (at most 10 s), then answers like /get.
pub(crate) async fn delay(req: &Req, secs: &str) -> Resp {
    let Some(wait) = seconds(secs, MAX_DELAY_SECS) else {
        return bad_request("delay must be a number of seconds (0 to 10)");
    };
    let slept = std::time::Instant::now();
    tokio::time::sleep(wait).await;
    let slept = slept.elapsed();
    let mut doc = echo::document(req);
    doc.insert("delay".into(), json!(wait.as_secs_f64()));
    let mut resp = response::json(StatusCode::OK, &Value::Object(doc));
    // The server's own account of its time, measured (Server-Timing):
    // the waterfall draws it inside the client's wait.
    let timing = format!(
        "delay;dur={:.1};desc=\"slept as asked\"",
        slept.as_secs_f64() * 1000.0
    );
    if let Ok(v) = hyper::header::HeaderValue::from_str(&timing) {
        resp.headers_mut().insert("server-timing", v);
    }
    resp
}

fn query_or<T: std::str::FromStr>(req: &Req, name: &str, default: T) -> Result<T, String> {
    match req.query(name) {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| format!("bad value for {name}")),
    }
}

/// /drip?numbytes=N&duration=S&delay=S&code=C: waits `delay`, sends the
/// head with Content-Length N, then N `*` bytes spread over `duration`.
pub(crate) async fn drip(req: &Req) -> Resp {
    let params = (|| {
        let numbytes: u64 = query_or(req, "numbytes", 10)?;
        let duration = query_or(req, "duration", "2".to_string())?;
        let delay = query_or(req, "delay", "0".to_string())?;
        let code: u16 = query_or(req, "code", 200)?;
        Ok::<_, String>((numbytes, duration, delay, code))
    })();
    let (numbytes, duration, delay, code) = match params {
        Ok(p) => p,
        Err(msg) => return bad_request(&msg),
    };
    if numbytes > MAX_DRIP_BYTES {
        return bad_request("numbytes must be at most 10485760");
    }
    let (Some(duration), Some(delay)) = (
        seconds(&duration, MAX_DRIP_SECS),
        seconds(&delay, MAX_DELAY_SECS),
    ) else {
        return bad_request(
            "duration and delay must be seconds (duration up to 60, delay up to 10)",
        );
    };
    let status = match StatusCode::from_u16(code) {
        Ok(s) if (200..600).contains(&code) && code != 204 && code != 304 => s,
        _ => return bad_request("code must be 200..599 and allow a body (not 204/304)"),
    };
    tokio::time::sleep(delay).await;

    let (tx, rx) = mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        // One piece per byte like httpbin while pauses stay >= 10 ms (the
        // timer's resolution is 1 ms); beyond that, fewer, larger pieces.
        let by_time = u64::try_from(duration.as_millis() / MIN_DRIP_PAUSE_MS).unwrap_or(u64::MAX);
        let steps = numbytes.min(MAX_DRIP_STEPS).min(by_time.saturating_add(1));
        let start = tokio::time::Instant::now();
        for i in 0..steps {
            // The first piece goes at once, the last at `duration`; deadlines
            // come from the start so sleeps do not accumulate drift.
            if i > 0 {
                let at = duration.mul_f64(i as f64 / (steps - 1) as f64);
                tokio::time::sleep_until(start + at).await;
            }
            let size = numbytes * (i + 1) / steps - numbytes * i / steps;
            let piece = Bytes::from(vec![b'*'; usize::try_from(size).unwrap_or(0)]);
            if tx.send(piece).await.is_err() {
                return; // the client went away
            }
        }
    });
    let mut resp = response::with_body(status, OCTETS, ChannelBody(rx).boxed());
    response::add(&mut resp, CONTENT_LENGTH, &numbytes.to_string());
    resp
}

/// /stream/{n}: n JSON lines (at most 1000), each sent as its own chunk.
pub(crate) fn lines(req: &Req, n: &str) -> Resp {
    let Ok(n) = n.parse::<usize>() else {
        return bad_request("line count must be a whole number");
    };
    let n = n.min(MAX_STREAM_LINES);
    let doc = echo::document(req);
    let mut chunks = VecDeque::with_capacity(n);
    for id in 0..n {
        let mut line = Map::new();
        line.insert("id".into(), json!(id));
        for key in ["url", "args", "headers", "origin"] {
            if let Some(v) = doc.get(key) {
                line.insert(key.into(), v.clone());
            }
        }
        let mut text = serde_json::to_string(&line).unwrap_or_default();
        text.push('\n');
        chunks.push_back(Bytes::from(text));
    }
    response::with_body(StatusCode::OK, JSON, ChunkList(chunks).boxed())
}

/// /bytes/{n}?seed=S: n pseudo-random bytes generated as they are sent.
pub(crate) fn bytes(req: &Req, n: &str) -> Resp {
    let Ok(n) = n.parse::<u64>() else {
        return bad_request("byte count must be a whole number");
    };
    if n > MAX_BYTES {
        return bad_request("byte count must be at most 2147483648 (2 GiB)");
    }
    let seed: u64 = match query_or(req, "seed", 42) {
        Ok(s) => s,
        Err(msg) => return bad_request(&msg),
    };
    let mut resp = response::with_body(StatusCode::OK, OCTETS, RandomBytes::new(n, seed).boxed());
    response::add(&mut resp, CONTENT_LENGTH, &n.to_string());
    resp
}

/// Parses a single `bytes=` range against a length; `Err(())` means
/// unsatisfiable, `Ok(None)` means "ignore the header" (RFC 9110 §14.2).
fn parse_range(value: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None); // multipart/byteranges is not worth it here
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let range = if first.is_empty() {
        let Ok(suffix) = last.parse::<u64>() else {
            return Ok(None);
        };
        if suffix == 0 || len == 0 {
            return Err(());
        }
        (len.saturating_sub(suffix), len - 1)
    } else {
        let Ok(start) = first.parse::<u64>() else {
            return Ok(None);
        };
        let end = match last {
            "" => len.saturating_sub(1),
            l => match l.parse::<u64>() {
                Ok(e) if e >= start => e.min(len.saturating_sub(1)),
                _ => return Ok(None),
            },
        };
        if start >= len {
            return Err(());
        }
        (start, end)
    };
    Ok(Some(range))
}

/// /range/{n}: n bytes of a–z, honouring a single byte range.
pub(crate) fn range(req: &Req, n: &str) -> Resp {
    let len = match n.parse::<u64>() {
        Ok(len) if len <= MAX_RANGE => len,
        _ => return bad_request("length must be a whole number up to 102400"),
    };
    let data = |from: u64, to: u64| -> Bytes {
        (from..to)
            .map(|i| b'a' + (i % 26) as u8)
            .collect::<Vec<u8>>()
            .into()
    };
    let requested = req.header(RANGE.as_str()).map(|v| parse_range(v, len));
    let mut resp = match requested {
        Some(Err(())) => {
            let mut resp =
                response::error(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable");
            response::add(&mut resp, CONTENT_RANGE, &format!("bytes */{len}"));
            resp
        }
        Some(Ok(Some((start, end)))) => {
            let body = response::full(data(start, end + 1));
            let mut resp = response::with_body(StatusCode::PARTIAL_CONTENT, OCTETS, body);
            response::add(
                &mut resp,
                CONTENT_RANGE,
                &format!("bytes {start}-{end}/{len}"),
            );
            resp
        }
        None | Some(Ok(None)) => {
            response::with_body(StatusCode::OK, OCTETS, response::full(data(0, len)))
        }
    };
    response::add(&mut resp, ACCEPT_RANGES, "bytes");
    response::add(&mut resp, ETAG, &format!("\"range{len}\""));
    resp
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(parse_range("bytes=50-500", 100), Ok(Some((50, 99))));
        assert_eq!(parse_range("bytes=100-", 100), Err(()));
        assert_eq!(parse_range("bytes=9-1", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
    }
}
