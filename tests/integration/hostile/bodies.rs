//! Hostile bodies: a gzip bomb, invalid and truncated gzip, seven stacked
//! codings, an endless chunked stream and very large bodies. Transfer
//! framing is the engine's; content codings are undone only for previews
//! (`decode::coding::decode` with a cap), so those cases test the decoder
//! directly and the preview the report builds from a real exchange.

use std::io::Write;
use std::time::{Duration, Instant};

use wirescope::decode::coding::{self, DecodeLimits};
use wirescope::wire::{Exchange, Spill};

use super::server::*;

const MIB: usize = 1024 * 1024;

/// Undoes `encoding` with the default stack depth and `cap` bytes out.
fn decode(encoding: &str, body: &[u8], cap: usize) -> Result<Option<coding::Decoded>, String> {
    coding::decode(encoding, body, DecodeLimits::capped(cap as u64))
}

/// Undoes `encoding` allowing `depth` stacked codings.
fn decode_deep(
    encoding: &str,
    body: &[u8],
    cap: usize,
    depth: usize,
) -> Result<Option<coding::Decoded>, String> {
    let limits = DecodeLimits {
        max_decoded: cap as u64,
        max_codings: depth,
    };
    coding::decode(encoding, body, limits)
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("zlib");
    e.finish().expect("zlib")
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
        w.write_all(data).expect("br");
    }
    out
}

fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).expect("zstd")
}

/// `gib` GiB of zeros as concatenated gzip members (a multi-member gzip
/// stream decodes as one body): about 1 KiB on the wire per MiB inside.
fn gzip_bomb(mib: usize) -> Vec<u8> {
    gzip(&vec![0u8; MIB]).repeat(mib)
}

/// The seven codings, in the order they were applied.
const SEVEN: &str = "gzip, deflate, br, zstd, gzip, deflate, br";

fn encode_seven(data: &[u8]) -> Vec<u8> {
    let mut v = data.to_vec();
    for c in SEVEN.split(", ") {
        v = match c {
            "gzip" => gzip(&v),
            "deflate" => zlib(&v),
            "br" => brotli(&v),
            _ => zstd(&v),
        };
    }
    v
}

/// A 200 with this Content-Encoding and body.
fn encoded(coding: &str, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: {coding}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    v.extend_from_slice(body);
    v
}

/// The text report's body preview, made within a second.
fn preview(ex: &Exchange) -> String {
    let started = Instant::now();
    let sections = wirescope::report::text::Sections::parse("body").expect("sections");
    let text = wirescope::report::text::render(ex, &sections);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "preview took {:?}",
        started.elapsed()
    );
    text
}

fn quickly<T>(f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );
    out
}

cases! {
    gzip_bomb_is_capped => async {
        let bomb = gzip_bomb(1024);
        assert!(bomb.len() < 2 * MIB);
        let d = quickly(|| decode("gzip", &bomb, 64 * 1024))
            .expect("decodes")
            .expect("something to undo");
        assert!(d.capped);
        assert_eq!(d.bytes.len(), 64 * 1024);
    };

    gzip_bomb_through_the_engine => Case::new(reply(encoded("gzip", &gzip_bomb(1024)), Then::Hold))
        .spec(|s| s.options.limits.max_body_kept = 2 * MIB)
        .want(answers(200, ""))
        .check(|ex| {
            // The preview decodes at most its own cap, quickly.
            let text = preview(ex);
            assert!(text.len() < 256 * 1024, "{} bytes of preview", text.len());
            let d = decode("gzip", &ex.response.as_ref().expect("response").body, MIB)
                .expect("decodes")
                .expect("gzip");
            assert!(d.capped && d.bytes.len() == MIB);
        })
        .run();

    invalid_gzip => async {
        for bad in [&b"\x1f\x8b\x08\x00garbage that is not deflate"[..], b"plain text"] {
            let e = decode("gzip", bad, MIB).expect_err("not gzip");
            assert!(e.to_ascii_lowercase().contains("gzip"), "{e}");
            assert!(first_unsafe(&e).is_none(), "{e:?}");
        }
    };

    invalid_gzip_through_the_engine => Case::new(reply(encoded("gzip", b"\x1b[2Jnot gzip at all"), Then::Hold))
        .want(answers(200, ""))
        .check(|ex| {
            let text = preview(ex);
            assert!(text.to_ascii_lowercase().contains("gzip"), "{text}");
            assert!(!text.contains("not gzip at all"), "shown as if decoded: {text}");
        })
        .run();

    truncated_gzip => async {
        let data: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let gz = gzip(&data);
        for cut in [1, 10, gz.len() / 2, gz.len() - 4] {
            match decode("gzip", &gz[..cut], 4 * MIB) {
                Ok(Some(d)) => assert!(data.starts_with(&d.bytes), "cut {cut}"),
                Ok(None) => panic!("gzip has something to undo"),
                Err(e) => assert!(e.to_ascii_lowercase().contains("gzip"), "cut {cut}: {e}"),
            }
        }
    };

    truncated_gzip_through_the_engine => Case::new(reply(
            {
                let gz = gzip(&b"line of text\n".repeat(10_000));
                let mut r = encoded("gzip", &gz);
                r.truncate(r.len() - gz.len() / 2);
                r
            },
            Then::Close,
        ))
        .want(fails(wirescope::wire::ErrorPhase::Body, "body bytes (Content-Length)"))
        .check(|ex| {
            let text = preview(ex);
            assert!(text.contains("line of text"), "{text}");
        })
        .run();

    /// Seven stacked codings are refused by default with a message that
    /// names the limit, and undone exactly when `--max-codings` allows.
    seven_stacked_codings => async {
        let data = b"the payload under seven codings ".repeat(100);
        let wire = encode_seven(&data);
        let e = quickly(|| decode(SEVEN, &wire, MIB)).expect_err("deeper than 3");
        assert!(e.contains("7 codings") && e.contains("--max-codings"), "{e}");
        let d = quickly(|| decode_deep(SEVEN, &wire, MIB, 7)).expect("decodes");
        let d = d.expect("seven codings to undo");
        assert_eq!((d.bytes, d.capped), (data, false));
    };

    seven_stacked_bomb_is_capped => async {
        let wire = encode_seven(&gzip_bomb(256));
        let d = quickly(|| decode_deep(SEVEN, &wire, 64 * 1024, 7)).expect("decodes");
        let d = d.expect("seven codings to undo");
        assert!(d.capped && d.bytes.len() == 64 * 1024);
    };

    seven_stacked_codings_through_the_engine => Case::new(reply(
            encoded(SEVEN, &encode_seven(b"stacked hello")),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .check(|ex| {
            let text = preview(ex);
            assert!(text.contains("7 codings") && text.contains("--max-codings"), "{text}");
        })
        .run();

    thousand_codings_header => async {
        let many = vec!["gzip"; 1000].join(",");
        let e = quickly(|| decode(&many, b"\x1f\x8b", MIB)).expect_err("refused");
        assert!(e.contains("stacks 1000 codings") && e.len() < 300, "{e}");
        let fifty = vec!["gzip"; 50].join(",");
        let e = quickly(|| decode_deep(&fifty, b"\x1f\x8b", MIB, 50)).expect_err("truncated");
        assert!(e.contains("gzip"), "{e}");
        let empty = gzip(b"");
        let d = quickly(|| decode_deep(&fifty, &empty, MIB, 50));
        assert!(matches!(d, Ok(Some(_)) | Err(_)), "{d:?}");
        let e = decode("gzip, x-unknown", b"", MIB).expect_err("unknown");
        assert!(e.contains("x-unknown"), "{e}");
    };

    endless_chunked_stream => Case::new(stream(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            {
                let mut c = b"8000\r\n".to_vec();
                c.extend(vec![b'z'; 0x8000]);
                c.extend(b"\r\n");
                c
            },
            None,
        ))
        .timeouts(1000, 1000, 2000)
        .want(fails(TOTAL_TIMEOUT, "after 2 s"))
        .check(|ex| {
            let r = ex.response.as_ref().expect("head");
            assert!(r.body_len > 8 * MIB as u64, "only {} bytes", r.body_len);
            assert_eq!(r.body.len(), 64 * 1024);
        })
        .run();

    close_delimited_50_mb => Case::new(stream(
            b"HTTP/1.0 200 OK\r\n\r\n".to_vec(),
            vec![b'c'; MIB],
            Some(50 * MIB as u64),
        ))
        .timeouts(1000, 2000, 20_000)
        .want(answers(200, ""))
        .check(|ex| {
            let r = ex.response.as_ref().expect("response");
            assert_eq!(r.body_len, 50 * MIB as u64);
            assert_eq!(r.body.len(), 64 * 1024);
        })
        .run();

    spilled_50_mb_chunked => Case::new(reply(
            {
                let mut c = b"100000\r\n".to_vec();
                c.extend(vec![b's'; MIB]);
                c.extend(b"\r\n");
                let mut r = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
                r.extend(c.repeat(50));
                r.extend(b"0\r\n\r\n");
                r
            },
            Then::Hold,
        ))
        .spec(|s| s.options.limits.spill = Spill::TempFile)
        .timeouts(1000, 2000, 20_000)
        .want(answers(200, ""))
        .check(|ex| {
            let r = ex.response.as_ref().expect("response");
            assert_eq!((r.body_len, r.body.len()), (50 * MIB as u64, 64 * 1024));
            let f = r.body_file.as_ref().expect("spilled to a file");
            assert_eq!(f.len, 50 * MIB as u64);
            assert_eq!(f.read_at(49 * MIB as u64, 4).expect("read"), b"ssss");
        })
        .run();

    /// A real gigabyte through loopback (about a second even in a debug
    /// build: past the cap the bytes are only counted).
    one_gigabyte_body => {
        let rss = rss_bytes();
        Case::new(stream(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".to_vec(),
            vec![b'g'; MIB],
            Some(1024 * MIB as u64),
        ))
        .timeouts(1000, 2000, 30_000)
        .want(answers(200, ""))
        .check(move |ex| {
            let r = ex.response.as_ref().expect("response");
            assert_eq!(r.body_len, 1024 * MIB as u64);
            assert_eq!(r.body.len(), 64 * 1024);
            assert_eq!(ex.transcript.received_total, 1024 * MIB as u64 + r.head_len as u64);
            // Kept would be +1 GiB; other cases running alongside allocate
            // some tens of MiB at most.
            let grew = rss_bytes().saturating_sub(rss);
            assert!(grew < 300 * MIB, "resident memory grew by {grew} bytes");
        })
        .run()
    };
}

/// Resident memory of this process, from /proc (0 where there is none).
fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or(0, |pages| pages * 4096)
}
