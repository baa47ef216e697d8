//! Exchanges built by hand, as the engine would record them, for the
//! `formats_*` tests: a fresh TLS connection with credentials everywhere,
//! a reused connection with a binary answer, and a failed connect.
#![allow(dead_code)]

pub mod corpus;

use std::net::SocketAddr;
use std::time::{Duration, UNIX_EPOCH};

use wirescope::formats::wire_view;
use wirescope::wire::error::{ErrorPhase, WireError};
use wirescope::wire::exchange::{ConnectionInfo, Framing, Negotiated, Response};
use wirescope::wire::{Exchange, Mark, Timeline, Transcript};

pub const T0_MS: u64 = 1_709_210_096_789; // 2024-02-29T12:34:56.789Z

/// An HTTP/1.1 exchange as the engine would record it, from its bytes
/// and marks (milliseconds).
pub fn exchange(
    url: &str,
    sent: &[u8],
    received: &[u8],
    marks: &[(Mark, u64)],
    tls: bool,
) -> Exchange {
    let mut timeline = Timeline::new(UNIX_EPOCH + Duration::from_millis(T0_MS));
    timeline.tls = tls;
    timeline.reused = !marks.iter().any(|(m, _)| *m == Mark::DnsDone);
    for (m, at) in marks {
        timeline.mark(*m, Duration::from_millis(*at));
    }
    let response = wire_view::head_end(received).map(|head_len| {
        let (start, headers) = wire_view::parse_head(&received[..head_len]);
        let mut parts = start.splitn(3, ' ').map(str::to_string);
        let version = parts.next().unwrap_or_default();
        let status = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        let reason = parts.next().unwrap_or_default();
        let body = received[head_len..].to_vec();
        Response {
            version,
            status,
            reason,
            headers,
            raw_headers: Vec::new(),
            field_ranges: Vec::new(),
            interim: Vec::new(),
            head_start: 0,
            head_len,
            framing: Framing::ContentLength(body.len() as u64),
            body_layout: Default::default(),
            body_len: body.len() as u64,
            body: body.into(),
            arriving: Vec::new(),
            chunk_count: 0,
            body_file: None,
        }
    });
    let method = String::from_utf8_lossy(sent.split(|b| *b == b' ').next().unwrap_or_default());
    let remote: SocketAddr = "127.0.0.1:8443".parse().expect("addr");
    Exchange {
        method: method.into_owned(),
        url: url.into(),
        transcript: Transcript {
            sent: sent.to_vec(),
            received: received.to_vec().into(),
            sent_total: sent.len() as u64,
            received_total: received.len() as u64,
            chunks: Vec::new(),
            chunks_dropped: 0,
        },
        timeline: timeline.clone(),
        response,
        connection: Some(ConnectionInfo {
            id: 7,
            reused: timeline.reused,
            remote,
            local: None,
            resolved: vec![remote.ip()],
            failed_attempts: Vec::new(),
            proxy: None,
            tcp: None,
        }),
        tls: None,
        negotiated: Some(Negotiated {
            version: "HTTP/1.1",
            why: "plain http".into(),
        }),
        h2: None,
        h3: None,
        insecure: false,
        warnings: vec![wirescope::wire::Warning::ContentLengthRepeated],
        error: None,
    }
}

pub fn new_tls() -> Exchange {
    let sent = b"POST /submit?x=1&api_key=k3y HTTP/1.1\r\nHost: h.test\r\nAuthorization: Bearer SECRET-TOKEN-1\r\nCookie: sid=SECRET-COOKIE-2\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"k\":1}";
    let received = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nSet-Cookie: tok=SECRET-SET-3; Path=/; HttpOnly\r\nContent-Length: 5\r\n\r\nhello";
    let marks = [
        (Mark::DnsDone, 2),
        (Mark::Connected, 5),
        (Mark::TlsDone, 20),
        (Mark::Ready, 21),
        (Mark::RequestSent, 22),
        (Mark::FirstByte, 122),
        (Mark::Done, 130),
    ];
    exchange(
        "https://h.test/submit?x=1&api_key=SECRET-KEY-4",
        sent,
        received,
        &marks,
        true,
    )
}

pub fn reused_binary() -> Exchange {
    let sent = b"GET /bytes HTTP/1.1\r\nHost: h.test\r\n\r\n";
    let received = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n\xff\x00\xfe";
    let marks = [
        (Mark::Ready, 0),
        (Mark::RequestSent, 1),
        (Mark::FirstByte, 11),
        (Mark::Done, 12),
    ];
    exchange("https://h.test/bytes", sent, received, &marks, true)
}

pub fn failed() -> Exchange {
    let mut ex = exchange(
        "http://h.test/down",
        b"GET /down HTTP/1.1\r\n\r\n",
        b"",
        &[(Mark::DnsDone, 3)],
        false,
    );
    ex.error = Some(WireError::new(ErrorPhase::Connect, "connection refused"));
    ex
}

/// Credentials planted in `new_tls()`: none may reach a redacted file.
pub const SECRETS: [&str; 4] = [
    "SECRET-TOKEN-1",
    "SECRET-COOKIE-2",
    "SECRET-SET-3",
    "SECRET-KEY-4",
];
