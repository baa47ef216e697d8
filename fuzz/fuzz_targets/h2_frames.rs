//! The HTTP/2 frame and HPACK decoder over a whole connection. Input:
//! two bytes giving the length of the sent direction (big-endian, cut to
//! what is there), a chunking byte, the sent bytes, then the received
//! bytes. The chunking byte sets how the directions are cut into timed
//! chunks (interleaved), as a recording would. Every byte of each
//! direction must lie in exactly one item, in order, and the rest of
//! `decode::h2::promises` must hold.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use wirescope::decode::h2::{decode_connection, promises};
use wirescope::wire::exchange::{ChunkMark, Dir};

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let sent_len = usize::from(u16::from_be_bytes([data[0], data[1]]));
    let piece = 16 * (usize::from(data[2]) + 1);
    let rest = &data[3..];
    let (sent, received) = rest.split_at(sent_len.min(rest.len()));
    let mut chunks = Vec::new();
    for (i, (dir, bytes)) in [(Dir::Sent, sent), (Dir::Received, received)]
        .into_iter()
        .enumerate()
    {
        for (j, c) in bytes.chunks(piece).enumerate() {
            chunks.push(ChunkMark {
                dir,
                at: Duration::from_micros((2 * j + i) as u64),
                len: c.len(),
            });
        }
    }
    chunks.sort_by_key(|c| c.at);
    let c = decode_connection(sent, received, &chunks);
    if let Err(broken) = promises::check(&c, sent, received) {
        panic!("{broken}");
    }
});
