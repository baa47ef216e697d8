use super::*;

fn json_doc(n: usize) -> Vec<u8> {
    let items: Vec<String> = (0..n)
        .map(|i| format!(r#"{{"id":{i},"name":"item {i}"}}"#))
        .collect();
    format!(r#"{{"items":[{}]}}"#, items.join(",")).into_bytes()
}

fn undo(codings: &[Coding], data: &[u8], cap: u64) -> (Vec<u8>, Outcome) {
    let mut out = Vec::new();
    let o = decode_into(codings, Box::new(data), &mut out, cap);
    (out, o)
}

#[test]
fn every_coding_round_trips() {
    let plain = json_doc(500);
    for c in Coding::ALL {
        let enc = encode(c, &plain).unwrap();
        assert!(enc.len() < plain.len(), "{c} compresses");
        let (out, o) = undo(&[c], &enc, DEFAULT_MAX_DECODED);
        assert_eq!(out, plain, "{c}");
        assert_eq!(
            o,
            Outcome {
                written: plain.len() as u64,
                limit_reached: false,
                error: None
            }
        );
        assert_eq!(Coding::parse(c.name()), Some(c));
    }
}

#[test]
fn a_stack_of_three_is_undone_last_first() {
    let plain = json_doc(50);
    let stacked = encode(
        Coding::Zstd,
        &encode(Coding::Br, &encode(Coding::Gzip, &plain).unwrap()).unwrap(),
    )
    .unwrap();
    let codings = parse_list("gzip, br, zstd", 3).unwrap();
    assert_eq!(codings, [Coding::Gzip, Coding::Br, Coding::Zstd]);
    let (out, o) = undo(&codings, &stacked, DEFAULT_MAX_DECODED);
    assert_eq!(out, plain);
    assert!(o.error.is_none());
}

#[test]
fn deeper_stacks_and_unknown_codings_are_refused_clearly() {
    let e = parse_list("gzip, gzip, gzip, gzip", 3).unwrap_err();
    assert!(
        e.contains("stacks 4 codings") && e.contains("at most 3"),
        "{e}"
    );
    let e = parse_list("compress", 3).unwrap_err();
    assert!(e.contains("unknown content coding 'compress'"), "{e}");
    assert_eq!(parse_list("identity", 3).unwrap(), []);
    assert_eq!(parse_list(" x-gzip ,identity", 3).unwrap(), [Coding::Gzip]);
    assert!(parse_list("\u{1b}[2J", 3).unwrap_err().contains("\\u{1b}"));
    // Thousands of tokens: the message names a few, not all.
    let many = vec!["gzip"; 5000].join(",");
    let e = parse_list(&many, 3).unwrap_err();
    assert!(
        e.contains("stacks 5000 codings") && e.contains(", …"),
        "{e}"
    );
    assert!(e.len() < 300, "{}", e.len());
    assert_eq!(parse_list("gzip, br, zstd, gzip", 4).unwrap().len(), 4);
}

#[test]
fn a_bomb_stops_at_the_cap() {
    // 64 MiB of zeros compress to about 64 KiB.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        enc.write_all(&zeros).unwrap();
    }
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 200_000);
    let mut sink = std::io::sink();
    let o = decode_into(&[Coding::Gzip], Box::new(&bomb[..]), &mut sink, 1_000_000);
    assert_eq!(o.written, 1_000_000);
    assert!(o.limit_reached);
    assert_eq!(
        o.problem().unwrap(),
        "decoded size limit reached at 1000000 bytes"
    );
}

#[test]
fn truncated_and_invalid_data_say_what_failed() {
    let plain = json_doc(2000);
    for c in Coding::ALL {
        let enc = encode(c, &plain).unwrap();
        let (out, o) = undo(&[c], &enc[..enc.len() / 2], DEFAULT_MAX_DECODED);
        let e = o
            .error
            .clone()
            .unwrap_or_else(|| panic!("{c}: a cut stream is an error"));
        assert!(e.starts_with(c.name()), "{e}");
        assert!(e.contains("truncated"), "{c}: {e}");
        assert_eq!(o.written, out.len() as u64);
        assert!(plain.starts_with(&out));
    }
    let (_, o) = undo(&[Coding::Gzip], b"not gzip at all", 100);
    assert!(o
        .error
        .unwrap()
        .starts_with("gzip: invalid compressed data"));
    // The failing layer is named through the stack.
    let inner_bad = encode(Coding::Gzip, b"not brotli").unwrap();
    let (_, o) = undo(&[Coding::Br, Coding::Gzip], &inner_bad, 100);
    assert!(o.error.unwrap().starts_with("br: "));
}

#[test]
fn raw_deflate_is_accepted_too() {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(b"raw deflate body").unwrap();
    let raw = enc.finish().unwrap();
    assert_eq!(undo(&[Coding::Deflate], &raw, 100).0, b"raw deflate body");
}

#[test]
fn in_memory_decode_keeps_its_old_contract() {
    let gz = encode(Coding::Gzip, &[b'a'; 10_000]).unwrap();
    let d = decode("gzip", &gz, DecodeLimits::capped(100_000))
        .unwrap()
        .unwrap();
    assert_eq!((d.bytes.len(), d.capped), (10_000, false));
    let d = decode("gzip", &gz, DecodeLimits::capped(100))
        .unwrap()
        .unwrap();
    assert_eq!((d.bytes.len(), d.capped), (100, true));
    assert_eq!(decode("identity", b"x", DecodeLimits::capped(10)), Ok(None));
    assert_eq!(decode("", b"x", DecodeLimits::capped(10)), Ok(None));
    assert!(decode("compress", b"x", DecodeLimits::capped(10)).is_err());
    assert!(decode("gzip", b"not gzip", DecodeLimits::capped(10)).is_err());
    assert!(decode("br", b"\xff\xff\xff", DecodeLimits::capped(10)).is_err());
}
