//! Connections built frame by frame to break the protocol on purpose:
//! truncation, bad padding, hostile HPACK, interrupted header blocks,
//! floods, caps, and random bytes. Nothing may panic, and the items must
//! always cover exactly the recorded bytes.

use std::time::Duration;

use super::hpack::MAX_WORK;
use super::names::*;
use super::{decode_connection, Connection, Detail, Frame, Item, MAX_ITEMS, PREFACE};
use crate::wire::exchange::{ChunkMark, Dir};

fn frame(t: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut v = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    v.extend([t, flags]);
    v.extend(stream.to_be_bytes());
    v.extend(payload);
    v
}

fn client(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut v = PREFACE.to_vec();
    v.extend(frames.concat());
    v
}

fn mark(dir: Dir, ms: u64, len: usize) -> ChunkMark {
    ChunkMark {
        dir,
        at: Duration::from_millis(ms),
        len,
    }
}

/// Sent bytes at 1 ms, received bytes at 2 ms, one chunk each.
fn decode(sent: &[u8], received: &[u8]) -> Connection {
    decode_at(sent, 1, received, 2)
}

fn decode_at(sent: &[u8], sent_ms: u64, received: &[u8], received_ms: u64) -> Connection {
    let chunks = [
        mark(Dir::Sent, sent_ms, sent.len()),
        mark(Dir::Received, received_ms, received.len()),
    ];
    let c = decode_connection(sent, received, &chunks);
    assert_covers(&c, sent, received);
    c
}

/// Every byte of each direction lies in exactly one item, in order.
fn assert_covers(c: &Connection, sent: &[u8], received: &[u8]) {
    for (dir, bytes) in [(Dir::Sent, sent), (Dir::Received, received)] {
        let mut next = 0;
        for it in c.items.iter().filter(|i| i.dir() == dir) {
            assert_eq!(it.offset(), next, "{dir:?} items must be contiguous");
            next += it.wire_len();
        }
        assert_eq!(next, bytes.len(), "{dir:?} items must cover the bytes");
    }
    let partial: usize = c
        .items
        .iter()
        .map(|i| {
            if let Item::Partial { len, .. } = i {
                *len
            } else {
                0
            }
        })
        .sum();
    assert_eq!(c.unexplained, partial);
}

fn frames(c: &Connection) -> Vec<&Frame> {
    c.items
        .iter()
        .filter_map(|i| {
            if let Item::Frame(f) = i {
                Some(f)
            } else {
                None
            }
        })
        .collect()
}

fn problem(f: &Frame) -> &str {
    f.problem.as_deref().unwrap_or("")
}

fn block_error(f: &Frame) -> &str {
    f.detail
        .block()
        .and_then(|b| b.error.as_deref())
        .unwrap_or("")
}

/// A GET for `/` on stream `s`: static-table references only.
fn get(s: u32) -> Vec<u8> {
    frame(HEADERS, END_STREAM | END_HEADERS, s, &[0x82, 0x86, 0x84])
}

#[test]
fn truncated_frames_become_partial_at_every_cut() {
    let sent = client(&[
        frame(SETTINGS, 0, 0, &[0, 1, 0, 0, 0x10, 0]),
        get(1),
        frame(DATA, 0, 1, b"abc"),
    ]);
    let received = [frame(SETTINGS, 0, 0, &[]), frame(SETTINGS, ACK, 0, &[])].concat();
    let full = decode(&sent, &received);
    assert_eq!(full.unexplained, 0);
    for cut in 0..=sent.len() {
        let c = decode(&sent[..cut], &received[..cut.min(received.len())]);
        if let Some(Item::Partial { why, .. }) = c.items.iter().rev().find(|i| i.dir() == Dir::Sent)
        {
            assert!(why.contains("capture ends"), "{why}");
        }
    }
    let c = decode(&sent[..sent.len() - 1], &received);
    assert_eq!(c.unexplained, 9 + 3 - 1);
}

#[test]
fn bad_padding_is_a_problem_and_loses_the_block() {
    let sent = client(&[
        frame(HEADERS, END_HEADERS | PADDED, 1, &[200, 0x82]),
        get(3),
    ]);
    let c = decode(&sent, &[]);
    let f = frames(&c);
    assert!(
        problem(f[0]).contains("padding of 200 B"),
        "{}",
        problem(f[0])
    );
    assert!(
        block_error(f[0]).contains("padding"),
        "{}",
        block_error(f[0])
    );
    assert!(
        block_error(f[1]).starts_with("not decoded"),
        "{}",
        block_error(f[1])
    );
    let c = decode(&client(&[frame(DATA, PADDED, 1, &[])]), &[]);
    assert!(problem(frames(&c)[0]).contains("no Pad Length"));
}

#[test]
fn hostile_hpack_is_named_not_obeyed() {
    let cases: [(&[u8], &str); 4] = [
        (&[0x00, 0x7f, 0xff, 0xff, 0xff, 0x7f], "declares"),
        (&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], "overflow"),
        (&[0x3f, 0xe2, 0x1f], "above the allowed maximum 4096"),
        (&[0xc0], "index 64 is outside the table"),
    ];
    for (block, want) in cases {
        let c = decode(&[], &frame(HEADERS, END_HEADERS, 1, block));
        assert!(
            block_error(frames(&c)[0]).contains(want),
            "{want}: {}",
            block_error(frames(&c)[0])
        );
    }
}

#[test]
fn size_update_is_allowed_once_the_setting_may_be_in_force() {
    // The client offers an 8192-byte table at 1 ms; the server's block at
    // 2 ms may use it even before its ACK, and after it certainly.
    let sent = client(&[frame(SETTINGS, 0, 0, &[0, 1, 0, 0, 0x20, 0])]);
    let upd = frame(HEADERS, END_HEADERS, 1, &[0x3f, 0xe1, 0x3f, 0x88]);
    let c = decode(&sent, &upd);
    assert_eq!(block_error(frames(&c)[1]), "");
    assert_eq!(c.tables[1].max_size, 8192);
    // Before the client said so (received earlier than sent), it is an error.
    let c = decode_at(&sent, 5, &upd, 2);
    let f = frames(&c);
    assert_eq!(f[0].dir, Dir::Received);
    assert!(block_error(f[0]).contains("above the allowed maximum"));
}

#[test]
fn a_lowered_table_setting_demands_a_size_update() {
    let sent = client(&[frame(SETTINGS, 0, 0, &[0, 1, 0, 0, 0, 0])]);
    let ack = frame(SETTINGS, ACK, 0, &[]);
    let c = decode(
        &sent,
        &[ack.clone(), frame(HEADERS, END_HEADERS, 1, &[0x88])].concat(),
    );
    assert!(block_error(frames(&c)[2]).contains("must open with a dynamic table size update"));
    let c = decode(
        &sent,
        &[ack, frame(HEADERS, END_HEADERS, 1, &[0x20, 0x88])].concat(),
    );
    assert_eq!(block_error(frames(&c)[2]), "");
    assert_eq!(c.tables[1].max_size, 0);
}

#[test]
fn continuation_rules() {
    // Folded: HEADERS without END_HEADERS, then its CONTINUATION.
    let sent = client(&[
        frame(HEADERS, END_STREAM, 1, &[0x82, 0x86]),
        frame(CONTINUATION, END_HEADERS, 1, &[0x84]),
    ]);
    let c = decode(&sent, &[]);
    let f = frames(&c);
    assert_eq!(f[0].detail.block(), None);
    let b = f[1]
        .detail
        .block()
        .cloned()
        .unwrap_or_else(|| panic!("no block"));
    assert_eq!((b.fields.len(), b.wire_len), (3, 3));
    // Alone.
    let c = decode(
        &client(&[frame(CONTINUATION, END_HEADERS, 1, &[0x82])]),
        &[],
    );
    assert!(problem(frames(&c)[0]).contains("CONTINUATION without a HEADERS"));
    // Interrupted: the block is lost, and with it the table.
    let sent = client(&[
        frame(HEADERS, 0, 1, &[0x82]),
        frame(DATA, 0, 1, b"x"),
        get(3),
    ]);
    let c = decode(&sent, &[]);
    let f = frames(&c);
    assert!(
        problem(f[1]).contains("expected its CONTINUATION, got DATA"),
        "{}",
        problem(f[1])
    );
    assert!(block_error(f[2]).starts_with("not decoded"));
}

#[test]
fn codes_and_settings_are_named() {
    let mut goaway = vec![0, 0, 0, 5, 0, 0, 0, 0xb];
    goaway.extend(b"calm\x1b[31m");
    let received = [
        frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 0, 100, 0, 4, 0, 1, 0, 0]),
        frame(RST_STREAM, 0, 1, &[0, 0, 0, 8]),
        frame(GOAWAY, 0, 0, &goaway),
        frame(WINDOW_UPDATE, 0, 0, &[0, 0, 0, 0]),
    ]
    .concat();
    let c = decode(&[], &received);
    let f = frames(&c);
    let settings = Detail::Settings {
        ack: false,
        values: vec![
            (3, "MAX_CONCURRENT_STREAMS", 100),
            (4, "INITIAL_WINDOW_SIZE", 65536),
        ],
    };
    assert_eq!(f[0].detail, settings);
    assert_eq!(
        f[1].detail,
        Detail::RstStream {
            code: 8,
            name: "CANCEL"
        }
    );
    let goaway = Detail::GoAway {
        last_stream: 5,
        code: 0xb,
        name: "ENHANCE_YOUR_CALM",
        debug: "calm\\u{1b}[31m".into(),
    };
    assert_eq!(f[2].detail, goaway);
    assert!(problem(f[3]).contains("increment 0"));
}

#[test]
fn floods_sizes_and_list_limits() {
    let empties: Vec<Vec<u8>> = (0..120).map(|_| frame(DATA, 0, 1, &[])).collect();
    let c = decode(&client(&empties), &[]);
    let flagged = frames(&c)
        .iter()
        .filter(|f| problem(f).contains("flood"))
        .count();
    assert_eq!(flagged, 21);

    let big = frame(DATA, 0, 1, &[0; 16_385]);
    let c = decode(&client(std::slice::from_ref(&big)), &[]);
    assert!(problem(frames(&c)[0]).contains("SETTINGS_MAX_FRAME_SIZE 16384"));
    let allow = frame(SETTINGS, 0, 0, &[0, 5, 0, 0, 0x80, 0]);
    let c = decode_at(&client(&[big]), 2, &allow, 1);
    let f = frames(&c);
    assert!(f.iter().all(|f| f.problem.is_none()), "{f:?}");

    let limit = frame(SETTINGS, 0, 0, &[0, 6, 0, 0, 0, 50]);
    let c = decode_at(&client(&[get(1)]), 2, &limit, 1);
    assert!(
        problem(frames(&c)[1]).contains("MAX_HEADER_LIST_SIZE 50"),
        "{c:?}"
    );
}

#[test]
fn decoding_work_per_direction_is_capped() {
    // 16 KiB literals without indexing: cheap to build, counted all the same.
    let mut block = vec![0x00, 0x01, b'x', 0x7f, 0xfb, 0x7d];
    block.resize(6 + 16_250, b'v');
    let count = MAX_WORK / block.len() + 1;
    let received: Vec<u8> = (0..count)
        .flat_map(|_| frame(HEADERS, END_HEADERS, 1, &block))
        .collect();
    let c = decode(&[], &received);
    let f = frames(&c);
    assert_eq!(block_error(f[count - 2]), "");
    assert!(block_error(f[count - 1]).contains("header blocks this direction may decode"));
}

#[test]
fn not_http2_is_said_plainly() {
    let c = decode(
        b"GET / HTTP/1.1\r\n\r\n",
        b"HTTP/1.1 400 Bad Request\r\n\r\n",
    );
    let whys: Vec<&str> = c
        .items
        .iter()
        .filter_map(|i| {
            if let Item::Partial { why, .. } = i {
                Some(why.as_str())
            } else {
                None
            }
        })
        .collect();
    assert!(whys[0].contains("not the HTTP/2 connection preface"));
    assert!(whys[1].contains("HTTP/1.x text"));
}

#[test]
fn item_cap_summarises_the_rest() {
    let pings: Vec<u8> = (0..MAX_ITEMS + 50)
        .flat_map(|_| frame(PING, 0, 0, &[0; 8]))
        .collect();
    let c = decode(&client(&[]), &pings);
    assert_eq!(c.items.len(), MAX_ITEMS + 1);
    let Some(Item::Partial { why, len, .. }) = c.items.last() else {
        panic!("no summary")
    };
    assert!(why.contains("cap"));
    assert_eq!(*len, 51 * 17);
}

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

#[test]
fn random_bytes_never_panic_and_are_covered() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let (sent, received) = if round % 2 == 0 {
            // Raw noise, sometimes behind a valid preface.
            let mut s = if round % 4 == 0 {
                PREFACE.to_vec()
            } else {
                Vec::new()
            };
            let n = rng.below(300);
            s.extend(rng.bytes(n));
            let n = rng.below(300);
            (s, rng.bytes(n))
        } else {
            // Well-framed frames with random types, flags and payloads, so
            // payload readers and HPACK see noise too.
            let mut dirs = [PREFACE.to_vec(), Vec::new()];
            for _ in 0..rng.below(12) {
                let d = rng.below(2);
                let (t, flags, stream) =
                    (rng.below(11) as u8, rng.next() as u8, rng.below(4) as u32);
                let n = rng.below(40);
                dirs[d].extend(frame(t, flags, stream, &rng.bytes(n)));
            }
            let cut = rng.below(dirs[1].len() + 1);
            dirs[1].truncate(cut.max(dirs[1].len().saturating_sub(5)));
            let [s, r] = dirs;
            (s, r)
        };
        let chunks = [
            mark(Dir::Received, rng.below(3) as u64, received.len() / 2),
            mark(Dir::Sent, 1, sent.len()),
        ];
        let c = decode_connection(&sent, &received, &chunks);
        assert_covers(&c, &sent, &received);
    }
}

/// A literal's value is located in the connection's bytes even when its
/// block is split over HEADERS and CONTINUATION: where the Wire pane
/// masks a secret sent without Huffman coding.
#[test]
fn literal_values_are_located_across_fragments() {
    let mut block = vec![0x82, 0x86, 0x84, 0x40, 13];
    block.extend(b"authorization");
    block.push(12);
    block.extend(b"Bearer t0ken");
    let cut = block.len() - 3;
    let sent = client(&[
        frame(HEADERS, END_STREAM, 1, &block[..cut]),
        frame(CONTINUATION, END_HEADERS, 1, &block[cut..]),
    ]);
    let c = decode(&sent, &[]);
    let b = c
        .items
        .iter()
        .filter_map(|i| i.frame())
        .find_map(|f| f.detail.block())
        .expect("the block");
    let field = b
        .fields
        .iter()
        .find(|f| f.name == "authorization")
        .expect("field");
    let span = field.value_span.clone().expect("a literal");
    let bytes: Vec<u8> = b
        .stream_ranges(span)
        .into_iter()
        .flat_map(|r| sent[r].to_vec())
        .collect();
    assert_eq!(bytes, b"\x0cBearer t0ken");
    assert_eq!(b.fragments.len(), 2);
    assert!(b
        .fields
        .iter()
        .all(|f| f.name != ":method" || f.value_span.is_none()));
}
