//! Exchanges with the bodies the Body view is tested and measured on:
//! fixed bytes, any headers, any size.

use super::fixture;
use crate::wire::exchange::Framing;
use crate::wire::Exchange;

/// A `Content-Length` response with `headers` and `body` (de-chunked as
/// recorded), on the fixture's request and timeline.
pub fn body_exchange(headers: &[(&str, &str)], body: Vec<u8>) -> Exchange {
    let mut x = fixture::exchange();
    let mut head = String::from("HTTP/1.1 200 OK\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut received = head.as_bytes().to_vec();
    // The transcript keeps what the engine would (a 16 MiB cap).
    received.extend_from_slice(&body[..body.len().min(16 << 20)]);
    x.transcript.received_total = (head.len() + body.len()) as u64;
    x.transcript.received = received.into();
    let r = x.response.as_mut().expect("the fixture has a response");
    r.headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .chain(std::iter::once((
            "Content-Length".to_string(),
            body.len().to_string(),
        )))
        .collect();
    r.head_len = head.len();
    r.framing = Framing::ContentLength(body.len() as u64);
    r.chunk_count = 0;
    r.body_len = body.len() as u64;
    r.body = body.into();
    r.body_layout = crate::wire::layout_of(&x.transcript.received, false)
        .map(|l| l.body)
        .unwrap_or_default();
    x
}

/// A JSON document of about `bytes` bytes: an object holding an array of
/// records (ids, names, tags, nested objects).
pub fn json_of_size(bytes: usize) -> Vec<u8> {
    let mut s = String::with_capacity(bytes + 256);
    s.push_str("{\"total\":0,\"items\":[");
    let mut i = 0usize;
    while s.len() < bytes {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            "{{\"id\":{i},\"name\":\"item {i}\",\"price\":{}.{:02},\"tags\":[\"a\",\"b\"],\"active\":{},\"owner\":{{\"id\":{},\"email\":null}}}}",
            i % 1000,
            i % 100,
            i.is_multiple_of(2),
            i * 7
        ));
        i += 1;
    }
    s.push_str("]}");
    s.into_bytes()
}
