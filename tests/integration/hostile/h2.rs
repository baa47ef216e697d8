//! Hostile HTTP/2 (h2c, prior knowledge), written frame by frame: an
//! immediate GOAWAY, RST_STREAM, invalid SETTINGS, flow-control abuse,
//! an HPACK bomb, a CONTINUATION flood, an empty-DATA flood, bad padding,
//! uppercase and connection-specific header names, and an HTTP/1 reply.

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wirescope::wire::ErrorPhase::{Body, Headers, Send};
use wirescope::wire::Exchange;

use super::server::*;

const DATA: u8 = 0;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const SETTINGS: u8 = 4;
const PUSH_PROMISE: u8 = 5;
const PING: u8 = 6;
const GOAWAY: u8 = 7;
const WINDOW_UPDATE: u8 = 8;
const CONTINUATION: u8 = 9;

const END_STREAM: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    v.extend([kind, flags]);
    v.extend(stream.to_be_bytes());
    v.extend(payload);
    v
}

fn settings(values: &[(u16, u32)]) -> Vec<u8> {
    let payload: Vec<u8> = values
        .iter()
        .flat_map(|(id, v)| id.to_be_bytes().into_iter().chain(v.to_be_bytes()))
        .collect();
    frame(SETTINGS, 0, 0, &payload)
}

fn goaway(last: u32, code: u32, debug: &[u8]) -> Vec<u8> {
    let mut p = last.to_be_bytes().to_vec();
    p.extend(code.to_be_bytes());
    p.extend(debug);
    frame(GOAWAY, 0, 0, &p)
}

/// An HPACK integer with an `n`-bit prefix under `first`'s high bits.
fn int(first: u8, n: u32, mut v: usize, out: &mut Vec<u8>) {
    let max = (1usize << n) - 1;
    if v < max {
        out.push(first | v as u8);
        return;
    }
    out.push(first | max as u8);
    v -= max;
    while v >= 128 {
        out.push((v % 128) as u8 | 0x80);
        v /= 128;
    }
    out.push(v as u8);
}

fn string(s: &[u8], out: &mut Vec<u8>) {
    int(0, 7, s.len(), out);
    out.extend(s);
}

/// A literal field with a new name, not indexed (or, with `index`,
/// added to the dynamic table).
fn literal(name: &[u8], value: &[u8], index: bool) -> Vec<u8> {
    let mut out = vec![if index { 0x40 } else { 0x00 }];
    string(name, &mut out);
    string(value, &mut out);
    out
}

/// `:status: 200` from the static table.
const STATUS_200: u8 = 0x88;

/// The block of a plain `200` response.
fn ok_block() -> Vec<u8> {
    let mut b = vec![STATUS_200];
    b.extend(literal(b"content-type", b"text/plain", false));
    b
}

/// Reads the client preface and frames until the request's HEADERS
/// arrive; then keeps draining in the background. Returns the writer.
async fn await_request(s: TcpStream) -> Option<tokio::net::tcp::OwnedWriteHalf> {
    let (mut r, w) = s.into_split();
    let mut preface = [0u8; 24];
    r.read_exact(&mut preface).await.ok()?;
    loop {
        let mut head = [0u8; 9];
        r.read_exact(&mut head).await.ok()?;
        let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
        let mut payload = vec![0u8; len];
        r.read_exact(&mut payload).await.ok()?;
        if head[3] == HEADERS {
            break;
        }
    }
    tokio::spawn(drain(r));
    Some(w)
}

/// A server that sends its SETTINGS, waits for the request, then sends
/// `script` and, if `flood` is not empty, that again and again.
fn h2_raw(script: Vec<u8>, flood: Vec<u8>) -> Handler {
    let (script, flood) = (Arc::new(script), Arc::new(flood));
    handler(move |mut s| {
        let (script, flood) = (script.clone(), flood.clone());
        async move {
            if s.write_all(&settings(&[])).await.is_err() {
                return;
            }
            let Some(mut w) = await_request(s).await else {
                return;
            };
            if w.write_all(&script).await.is_err() {
                return;
            }
            while !flood.is_empty() {
                if w.write_all(&flood).await.is_err() {
                    return;
                }
            }
            tokio::time::sleep(HOLD).await;
        }
    })
}

/// `script` written as soon as the connection is accepted (before the
/// client says anything), then the connection is drained.
fn h2_at_once(script: Vec<u8>) -> Handler {
    let script = Arc::new(script);
    handler(move |s| {
        let script = script.clone();
        async move {
            let (r, mut w) = s.into_split();
            tokio::spawn(drain(r));
            if w.write_all(&script).await.is_err() {
                return;
            }
            tokio::time::sleep(HOLD).await;
        }
    })
}

/// The engine's frame view of the capture is complete and quick: the
/// decoder explains every byte it kept.
fn frames_decode(ex: &Exchange) {
    let cap = ex.h2.as_ref().expect("an HTTP/2 capture");
    let started = std::time::Instant::now();
    let c = wirescope::decode::h2::decode_connection(
        &cap.connection.sent,
        &cap.connection.received,
        &cap.connection.chunks,
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    assert!(c.items.len() <= wirescope::decode::h2::MAX_ITEMS + 2);
}

cases! {
    immediate_goaway => Case::new(h2_at_once(
            [settings(&[]), goaway(0, 0x1, b"\x1b[2Jbye")].concat(),
        ))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["GOAWAY (PROTOCOL_ERROR"]))
        .run();

    goaway_after_the_request => Case::new(h2_raw(goaway(0, 0xb, b"calm down"), vec![]))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["GOAWAY (ENHANCE_YOUR_CALM"]))
        .check(frames_decode)
        .run();

    rst_stream => Case::new(h2_raw(frame(RST_STREAM, 0, 1, &2u32.to_be_bytes()), vec![]))
        .h2c()
        .want(fails(Headers, "the server reset the stream (RST_STREAM INTERNAL_ERROR"))
        .check(frames_decode)
        .run();

    rst_stream_mid_body => Case::new(h2_raw(
            [
                frame(HEADERS, END_HEADERS, 1, &ok_block()),
                frame(DATA, 0, 1, b"partial"),
                frame(RST_STREAM, 0, 1, &8u32.to_be_bytes()),
            ]
            .concat(),
            vec![],
        ))
        .h2c()
        .want(fails(Body, "RST_STREAM CANCEL"))
        .check(|ex| assert_eq!(ex.response.as_ref().map(|r| &r.body[..]), Some(&b"partial"[..])))
        .run();

    invalid_settings_enable_push => Case::new(h2_at_once(settings(&[(0x2, 2)])))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["PROTOCOL_ERROR"]))
        .run();

    invalid_settings_window_too_large => Case::new(h2_at_once(settings(&[(0x4, 0x8000_0000)])))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["FLOW_CONTROL_ERROR", "PROTOCOL_ERROR"]))
        .run();

    invalid_settings_frame_size => Case::new(h2_at_once(settings(&[(0x5, 100)])))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["PROTOCOL_ERROR"]))
        .run();

    settings_with_a_bad_length => Case::new(h2_at_once(frame(SETTINGS, 0, 0, &[0, 1, 0, 0, 0])))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["FRAME_SIZE_ERROR", "PROTOCOL_ERROR"]))
        .run();

    /// The client (the h2 crate) found the violation and sent the GOAWAY;
    /// the server sent none, and the message must not say it did.
    client_detected_violation_is_not_blamed_on_a_server_goaway => Case::new(h2_at_once(settings(&[(0x2, 2)])))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["PROTOCOL_ERROR"]))
        .check(|ex| {
            let m = &ex.error.as_ref().expect("error").message;
            assert!(!m.contains("the server sent GOAWAY"), "{m}");
        })
        .run();

    settings_on_a_stream => Case::new(h2_at_once(frame(SETTINGS, 0, 1, &[])))
        .h2c()
        .want(Want::FailsIn(&[Send, Headers], &["PROTOCOL_ERROR"]))
        .run();

    /// The server opens no window for the request body and never answers.
    flow_control_stall => Case::new(h2_at_once(settings(&[(0x4, 0)])))
        .h2c()
        .spec(|s| {
            s.method = "POST".into();
            s.body = Some(vec![b'p'; 100_000]);
        })
        .want(fails(READ_TIMEOUT, "no response from the server"))
        .run();

    /// DATA past the window the client gave.
    flow_control_violation => Case::new(h2_raw(
            [
                frame(HEADERS, END_HEADERS, 1, &ok_block()),
                frame(DATA, 0, 1, &[b'f'; 16_384]).repeat(6),
            ]
            .concat(),
            vec![],
        ))
        .h2c()
        .want(Want::FailsIn(&[Body], &["FLOW_CONTROL_ERROR"]))
        .run();

    body_stall => Case::new(h2_raw(frame(HEADERS, END_HEADERS, 1, &ok_block()), vec![]))
        .h2c()
        .want(fails(READ_TIMEOUT, "the body stalled (0 bytes in)"))
        .run();

    /// One 4 KB table entry referenced 10,000 times: a 14 KB block that
    /// decodes to 40 MB of header fields.
    hpack_bomb => Case::new(h2_raw(
            {
                let mut b = vec![STATUS_200];
                b.extend(literal(b"x-bomb", &[b'a'; 4000], true));
                b.extend(std::iter::repeat_n(0x80 | 62, 10_000));
                frame(HEADERS, END_HEADERS | END_STREAM, 1, &b)
            },
            vec![],
        ))
        .h2c()
        .want(fails(Headers, "header list is far larger than the header list limit (--max-head-bytes)"))
        .check(frames_decode)
        .run();

    /// 20 KB of header fields (one 4 KB field indexed, then referenced
    /// four times) against the 16 KiB limit: the stream is refused and the
    /// error names the limit.
    header_list_over_the_limit => Case::new(h2_raw(
            {
                let mut b = vec![STATUS_200];
                b.extend(literal(b"x-big", &[b'b'; 4000], true));
                b.extend(std::iter::repeat_n(0x80 | 62, 4));
                frame(HEADERS, END_HEADERS | END_STREAM, 1, &b)
            },
            vec![],
        ))
        .h2c()
        .want(fails(Headers, "larger than the 16384 byte limit (--max-head-bytes)"))
        .run();

    continuation_flood => Case::new(h2_raw(
            frame(HEADERS, 0, 1, &[STATUS_200]),
            frame(CONTINUATION, 0, 1, &literal(b"x-flood", &[b'c'; 200], false)),
        ))
        .h2c()
        .want(Want::FailsIn(&[Headers], &["GOAWAY", "protocol error", "RST_STREAM"]))
        .check(frames_decode)
        .run();

    empty_data_flood => Case::new(h2_raw(
            frame(HEADERS, END_HEADERS, 1, &ok_block()),
            frame(DATA, 0, 1, &[]).repeat(1000),
        ))
        .h2c()
        .want(Want::FailsIn(&[TOTAL_TIMEOUT, READ_TIMEOUT, Body], &["after", "calm", "GOAWAY"]))
        .check(frames_decode)
        .run();

    ping_flood => Case::new(h2_raw(vec![], frame(PING, 0, 0, &[7; 8]).repeat(500)))
        .h2c()
        .want(Want::FailsIn(&[READ_TIMEOUT, Headers, Send], &["no response", "GOAWAY", "calm"]))
        .run();

    settings_entry_flood => Case::new(h2_raw(vec![], settings(&[(0x3, 100); 2730]).repeat(40)))
        .h2c()
        .want(Want::FailsIn(&[READ_TIMEOUT, Headers, Send], &["no response", "GOAWAY", "calm"]))
        .check(|ex| {
            // What the record keeps of each SETTINGS frame is capped.
            let cap = ex.h2.as_ref().expect("an HTTP/2 capture");
            let most = cap
                .frames
                .items
                .iter()
                .filter_map(|i| match &i.frame()?.detail {
                    wirescope::decode::h2::Detail::Settings { values, .. } => Some(values.len()),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            assert!(most <= wirescope::decode::h2::payload::MAX_SETTINGS_LISTED, "{most}");
            assert!(cap.frames.items.len() <= wirescope::decode::h2::MAX_ITEMS + 2);
        })
        .run();

    settings_flood => Case::new(h2_raw(vec![], settings(&[(0x3, 100)]).repeat(500)))
        .h2c()
        .want(Want::FailsIn(&[READ_TIMEOUT, Headers, Send], &["no response", "GOAWAY", "calm"]))
        .run();

    headers_pad_longer_than_payload => Case::new(h2_raw(
            {
                let mut p = vec![200u8];
                p.extend(ok_block());
                frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, &p)
            },
            vec![],
        ))
        .h2c()
        .want(Want::FailsIn(&[Headers], &["PROTOCOL_ERROR"]))
        .run();

    data_pad_longer_than_payload => Case::new(h2_raw(
            [
                frame(HEADERS, END_HEADERS, 1, &ok_block()),
                frame(DATA, END_STREAM | PADDED, 1, &[50, b'x', b'y']),
            ]
            .concat(),
            vec![],
        ))
        .h2c()
        .want(Want::FailsIn(&[Body], &["PROTOCOL_ERROR"]))
        .run();

    uppercase_header_name => Case::new(h2_raw(
            {
                let mut b = vec![STATUS_200];
                b.extend(literal(b"Content-Type", b"text/plain", false));
                frame(HEADERS, END_HEADERS | END_STREAM, 1, &b)
            },
            vec![],
        ))
        .h2c()
        .want(fails(Headers, "PROTOCOL_ERROR"))
        .run();

    connection_specific_header => Case::new(h2_raw(
            {
                let mut b = vec![STATUS_200];
                b.extend(literal(b"connection", b"close", false));
                frame(HEADERS, END_HEADERS | END_STREAM, 1, &b)
            },
            vec![],
        ))
        .h2c()
        .want(fails(Headers, "PROTOCOL_ERROR"))
        .run();

    control_bytes_in_h2_header_value => Case::new(h2_raw(
            {
                let mut b = vec![STATUS_200];
                b.extend(literal(b"x-evil", b"\x1b]0;owned\x07", false));
                frame(HEADERS, END_HEADERS | END_STREAM, 1, &b)
            },
            vec![],
        ))
        .h2c()
        .want(Want::FailsIn(&[Headers], &["PROTOCOL_ERROR"]))
        .check(frames_decode)
        .run();

    obs_text_in_h2_header_value => Case::new(h2_raw(
            {
                let mut b = vec![STATUS_200];
                b.extend(literal(b"x-latin1", "caf\u{e9} \u{9b}6n \u{202e}".as_bytes(), false));
                frame(HEADERS, END_HEADERS | END_STREAM, 1, &b)
            },
            vec![],
        ))
        .h2c()
        .want(answers(200, ""))
        .check(frames_decode)
        .run();

    push_promise_when_push_is_off => Case::new(h2_raw(
            {
                let mut p = 2u32.to_be_bytes().to_vec();
                p.extend([0x82, 0x84, 0x86]);
                p.extend(literal(b":authority", b"x", false));
                frame(PUSH_PROMISE, END_HEADERS, 1, &p)
            },
            vec![],
        ))
        .h2c()
        // The h2 client accepts pushes; the promised stream is ignored and
        // the response never comes.
        .want(Want::FailsIn(&[Headers, Send, READ_TIMEOUT], &["PROTOCOL_ERROR", "no response"]))
        .run();

    window_update_of_zero => Case::new(h2_raw(frame(WINDOW_UPDATE, 0, 0, &0u32.to_be_bytes()), vec![]))
        .h2c()
        .want(Want::FailsIn(&[Headers, Send], &["PROTOCOL_ERROR"]))
        .run();

    oversized_frame => Case::new(h2_raw(
            frame(DATA, 0, 1, &vec![b'o'; 100_000]),
            vec![],
        ))
        .h2c()
        .want(Want::FailsIn(&[Headers, Send], &["FRAME_SIZE_ERROR"]))
        .run();

    headers_on_stream_zero => Case::new(h2_raw(frame(HEADERS, END_HEADERS, 0, &ok_block()), vec![]))
        .h2c()
        .want(Want::FailsIn(&[Headers, Send], &["PROTOCOL_ERROR"]))
        .run();

    http1_reply_to_prior_knowledge => Case::new(reply(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .h2c()
        .want(Want::FailsIn(
            &[Headers, Send],
            &["the server answered in HTTP/1.x («HTTP/1.1 400 Bad Request»), not HTTP/2: it does not speak h2c"],
        ))
        .run();

    silent_after_the_preface => Case::new(handler(|s| async move {
            let (r, _w) = s.into_split();
            tokio::time::timeout(HOLD, drain(r)).await.ok();
        }))
        .h2c()
        .want(fails(READ_TIMEOUT, "no response from the server"))
        .run();
}
