use super::*;
use crate::wire::exchange::Framing;

pub(crate) fn response(headers: &[(&str, &str)], body: &[u8]) -> Response {
    Response {
        version: "HTTP/1.1".into(),
        status: 200,
        reason: "OK".into(),
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        raw_headers: Vec::new(),
        field_ranges: Vec::new(),
        interim: vec![],
        head_start: 0,
        head_len: 0,
        framing: Framing::ContentLength(body.len() as u64),
        body_layout: Default::default(),
        body: body.to_vec().into(),
        arriving: Vec::new(),
        body_len: body.len() as u64,
        chunk_count: 0,
        body_file: None,
    }
}

#[test]
fn decoded_body_and_sizes() {
    let plain = br#"{"hello":"world","n":[1,2,3]}"#.repeat(100);
    let gz = coding::encode(Coding::Gzip, &plain).unwrap();
    let resp = response(&[("Content-Encoding", "gzip")], &gz);
    let body = decode_response(&resp, DecodeLimits::default());
    assert_eq!(body.wire_len, gz.len() as u64);
    assert_eq!(body.decoded_len(), plain.len() as u64);
    assert!(body.decoded_ok() && !body.truncated());
    assert_eq!(&body.shown().read_at(0, 9).unwrap()[..], b"{\"hello\":");
    assert_eq!(body.raw.len(), gz.len() as u64);
    assert!(body.notes().is_empty());
}

#[test]
fn truncated_gzip_keeps_the_raw_bytes() {
    let plain: Vec<u8> = (0..20_000)
        .flat_map(|i| format!("line {i}\n").into_bytes())
        .collect();
    let gz = coding::encode(Coding::Gzip, &plain).unwrap();
    let resp = response(&[("Content-Encoding", "gzip")], &gz[..gz.len() / 2]);
    let body = decode_response(&resp, DecodeLimits::default());
    assert!(!body.decoded_ok() && body.truncated());
    let partial = body.shown().read_at(0, 1 << 20).unwrap();
    assert!(
        !partial.is_empty() && plain.starts_with(&partial),
        "what decoded is shown"
    );
    assert_eq!(
        body.hex().len(),
        (gz.len() / 2) as u64,
        "the raw bytes, for hex"
    );
    assert_eq!(body.raw.len(), (gz.len() / 2) as u64);
    let notes = body.notes().join("; ");
    assert!(
        notes.contains("gzip: the compressed data ends early (truncated)"),
        "{notes}"
    );
    assert!(
        notes.contains("the hex view shows the raw bytes"),
        "{notes}"
    );
    let nothing = decode_response(
        &response(&[("Content-Encoding", "gzip")], &gz[..5]),
        DecodeLimits::default(),
    );
    assert!(nothing.nothing_decoded());
    assert_eq!(nothing.shown().len(), 5);
    assert!(nothing.notes()[0].ends_with("the raw bytes are shown, in hex"));
}

#[test]
fn large_output_spills_to_a_file_that_goes_away() {
    let plain = vec![b'z'; 3 * 1024 * 1024];
    let gz = coding::encode(Coding::Gzip, &plain).unwrap();
    let resp = response(&[("Content-Encoding", "gzip")], &gz);
    let mut body = describe(&resp, DecodeLimits::default());
    body.decode(1024 * 1024);
    let shown = body.shown().clone();
    assert!(shown.is_file(), "spilled to a file");
    assert_eq!(shown.len(), plain.len() as u64);
    assert_eq!(&shown.read_at(3 * 1024 * 1024 - 2, 10).unwrap()[..], b"zz");
    // The file has no name: nothing is left behind whatever ends the
    // process (the kernel frees it with the last descriptor).
    let named = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("wirescope-decoded-")
        });
    assert!(!named, "no named decoded file in the temp directory");
}

#[test]
fn refused_codings_and_sha() {
    let resp = response(&[("Content-Encoding", "gzip, gzip, gzip, gzip")], b"abc");
    let mut body = decode_response(&resp, DecodeLimits::capped(100));
    assert!(body.refused.as_deref().unwrap().contains("at most 3"));
    assert_eq!(body.shown().len(), 3);
    assert_eq!(
        body.shown().sha256().unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let mut out = Vec::new();
    body.limits.max_decoded = 2;
    assert_eq!(body.decode_to(&mut out).written, 2);
}

#[test]
fn a_deeper_stack_decodes_when_the_limit_allows_it() {
    let mut wire = b"deep".to_vec();
    for _ in 0..5 {
        wire = coding::encode(Coding::Gzip, &wire).unwrap();
    }
    let resp = response(
        &[("Content-Encoding", "gzip, gzip, gzip, gzip, gzip")],
        &wire,
    );
    let refused = decode_response(&resp, DecodeLimits::default());
    let why = refused.refused.as_deref().unwrap_or_default();
    assert!(why.contains("--max-codings"), "{why}");
    let five = DecodeLimits {
        max_codings: 5,
        ..DecodeLimits::default()
    };
    let body = decode_response(&resp, five);
    assert!(body.decoded_ok(), "{:?}", body.notes());
    assert_eq!(&body.shown().read_at(0, 10).unwrap()[..], b"deep");
}
