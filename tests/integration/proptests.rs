//! Property tests over the entry points the fuzzers hammer (see
//! `fuzz/README.md`), on stable and in CI: the HTTP/1 response reader,
//! the chunked decoder, the HTTP/2 frame and HPACK decoder, content
//! codings, HTTP/1 regions and terminal escaping. Whatever the bytes,
//! nothing panics, caps hold, and nothing unsafe reaches a terminal.

use proptest::collection::vec;
use proptest::prelude::*;
use wirescope::decode::h2::{decode_connection, PREFACE};
use wirescope::report::escape::{escape_bytes, escape_str, is_unsafe, sanitize_text};
use wirescope::wire::exchange::{ChunkMark, Dir};
use wirescope::wire::{fuzz_chunked, fuzz_read_response};

/// The body cap `fuzz_read_response` reads with.
const KEPT: usize = 64 * 1024;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A chunked encoding of `chunks` (empty ones skipped: a zero size ends
/// the body), with optional extensions, bare-LF line ends and trailers.
fn encode_chunked(chunks: &[Vec<u8>], ext: bool, bare_lf: bool, trailers: &[String]) -> Vec<u8> {
    let eol: &[u8] = if bare_lf { b"\n" } else { b"\r\n" };
    let mut out = Vec::new();
    for c in chunks.iter().filter(|c| !c.is_empty()) {
        out.extend(format!("{:x}", c.len()).as_bytes());
        if ext {
            out.extend(b";name=\"va lue\"");
        }
        out.extend(eol);
        out.extend(c);
        out.extend(b"\r\n");
    }
    out.extend(b"0");
    out.extend(eol);
    for t in trailers {
        out.extend(t.as_bytes());
        out.extend(eol);
    }
    out.extend(eol);
    out
}

fn chunks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    vec(
        prop_oneof![
            3 => vec(any::<u8>(), 0..40),
            1 => (1usize..20_000).prop_map(|n| vec![b'x'; n]),
        ],
        0..12,
    )
}

fn trailers() -> impl Strategy<Value = Vec<String>> {
    vec("[A-Za-z-]{1,10}: [ -~]{0,20}", 0..3)
}

proptest! {
    #![proptest_config(config(1024))]

    /// Whole encodings decode to exactly the data, and the end is exactly
    /// where the encoding stops, whatever follows it.
    #[test]
    fn chunked_round_trips(
        chunks in chunks(),
        ext in any::<bool>(),
        bare_lf in any::<bool>(),
        trailers in trailers(),
        after in vec(any::<u8>(), 0..20),
    ) {
        let wire = encode_chunked(&chunks, ext, bare_lf, &trailers);
        let mut input = wire.clone();
        input.extend(&after);
        let (body, end) = fuzz_chunked(&input).expect("valid encoding");
        prop_assert_eq!(body, chunks.concat());
        prop_assert_eq!(end, Some(wire.len()));
    }

    /// Cut anywhere before its end, a valid encoding is "need more", never
    /// an error, and what came out is a prefix of the data.
    #[test]
    fn chunked_prefixes_need_more(chunks in chunks(), trailers in trailers(), cut in any::<prop::sample::Index>()) {
        let wire = encode_chunked(&chunks, false, false, &trailers);
        let cut = cut.index(wire.len());
        let (body, end) = fuzz_chunked(&wire[..cut]).expect("a prefix is not an error");
        prop_assert_eq!(end, None);
        prop_assert!(chunks.concat().starts_with(&body));
    }

    /// Through the real reader, the 64 KiB reads split the chunked stream
    /// wherever the head's padding puts the boundaries: the body must
    /// still come out exact (the kept part) and fully counted.
    #[test]
    fn chunked_reassembles_across_read_boundaries(
        chunks in vec((1usize..30_000, any::<u8>()).prop_map(|(n, b)| vec![b; n]), 1..10),
        pad in 0usize..8000,
        ext in any::<bool>(),
        trailers in trailers(),
    ) {
        let mut wire = format!(
            "HTTP/1.1 200 OK\r\nX-Pad: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
            "p".repeat(pad)
        )
        .into_bytes();
        wire.extend(encode_chunked(&chunks, ext, false, &trailers));
        let r = fuzz_read_response(&wire, false).expect("valid response");
        let data = chunks.concat();
        prop_assert_eq!(r.body_len, data.len() as u64);
        prop_assert_eq!(r.chunk_count, chunks.len() as u64);
        prop_assert_eq!(&r.body[..], &data[..data.len().min(KEPT)]);
    }

    #[test]
    fn chunked_survives_random_bytes(bytes in vec(any::<u8>(), 0..600)) {
        if let Ok((body, end)) = fuzz_chunked(&bytes) {
            prop_assert!(body.len() <= bytes.len());
            prop_assert!(end.is_none_or(|e| e <= bytes.len()));
        }
    }

    #[test]
    fn chunked_survives_near_valid_bytes(
        chunks in chunks(),
        edits in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut wire = encode_chunked(&chunks, true, false, &[]);
        for (at, b) in edits {
            let i = at.index(wire.len());
            wire[i] = b;
        }
        if let Err(e) = fuzz_chunked(&wire) {
            prop_assert!(!e.is_empty());
            prop_assert!(!e.chars().any(is_unsafe), "{e:?}");
        }
    }
}

/// A response built from parts that are each sometimes wrong.
fn response() -> impl Strategy<Value = Vec<u8>> {
    let status_line = prop_oneof![
        Just("HTTP/1.1 200 OK".to_string()),
        Just("HTTP/1.0 204 No Content".to_string()),
        Just("HTTP/1.1 304 Not Modified".to_string()),
        Just("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK".to_string()),
        Just("HTTP/1.1 101 Switching Protocols".to_string()),
        "HTTP/1\\.[019] [0-9]{1,4} [ -~]{0,12}",
        "[ -~]{0,20}",
    ];
    let header = prop_oneof![
        Just("Content-Length: 5".to_string()),
        Just("Content-Length: 5, 6".to_string()),
        Just("Content-Length: +5".to_string()),
        Just("Transfer-Encoding: chunked".to_string()),
        Just("Transfer-Encoding: gzip".to_string()),
        Just("Connection: close".to_string()),
        Just(" folded".to_string()),
        "[A-Za-z-]{1,12}: [ -~]{0,30}",
        "[\\x00-\\x7f]{0,20}",
    ];
    let body = prop_oneof![
        Just(b"hello".to_vec()),
        Just(b"5\r\nhello\r\n0\r\n\r\n".to_vec()),
        Just(b"zz\r\n".to_vec()),
        vec(any::<u8>(), 0..64),
    ];
    (status_line, vec(header, 0..8), any::<bool>(), body).prop_map(|(s, hs, bare_lf, body)| {
        let eol = if bare_lf { "\n" } else { "\r\n" };
        let mut v = s.into_bytes();
        for h in hs {
            v.extend(eol.as_bytes());
            v.extend(h.into_bytes());
        }
        v.extend(eol.as_bytes());
        v.extend(eol.as_bytes());
        v.extend(body);
        v
    })
}

proptest! {
    #![proptest_config(config(4096))]

    /// The reader never panics; a response it returns is within its caps,
    /// and an error names a phase in words safe for a terminal.
    #[test]
    fn reader_survives_anything(
        bytes in prop_oneof![response(), vec(any::<u8>(), 0..300)],
        head in any::<bool>(),
    ) {
        match fuzz_read_response(&bytes, head) {
            Ok(r) => {
                prop_assert!(r.body.len() <= KEPT);
                prop_assert!(r.body.len() as u64 <= r.body_len);
                prop_assert!(r.head_start + r.head_len <= bytes.len());
                prop_assert!((200..=999).contains(&r.status) || r.status < 100, "{}", r.status);
                prop_assert!(!r.reason.chars().any(is_unsafe), "{:?}", r.reason);
                for (n, v) in &r.headers {
                    prop_assert!(!n.chars().any(is_unsafe), "{n:?}");
                    prop_assert!(!v.chars().any(|c| c != '\t' && is_unsafe(c)), "{v:?}");
                }
            }
            Err(e) => {
                prop_assert!(!e.message.is_empty());
                prop_assert!(!e.message.chars().any(is_unsafe), "{:?}", e.message);
            }
        }
    }

    /// HTTP/1 regions of any bytes are in order, inside the bytes, and do
    /// not overlap.
    #[test]
    fn h1_regions_are_ordered(bytes in prop_oneof![response(), vec(any::<u8>(), 0..300)], head in any::<bool>()) {
        let layout = wirescope::wire::layout_of(&bytes, head);
        let regions = wirescope::decode::h1::response_regions(&bytes, layout.as_ref());
        let mut next = 0;
        for r in &regions {
            prop_assert!(r.range.start >= next && r.range.start <= r.range.end, "{regions:?}");
            prop_assert!(r.range.end <= bytes.len());
            next = r.range.end;
        }
    }
}

proptest! {
    #![proptest_config(config(4096))]

    /// The Wire pane frames a stream still arriving (`layout_of`) exactly
    /// as the reader recorded it once read, failures included: one
    /// implementation of RFC 9112 §6.3, whichever path draws.
    #[test]
    fn pending_framing_is_the_readers_record(
        bytes in prop_oneof![response(), vec(any::<u8>(), 0..300)],
        head in any::<bool>(),
    ) {
        let (record, _) = wirescope::wire::fuzz_read_record(&bytes, head);
        let pending = wirescope::wire::layout_of(&bytes, head);
        match record {
            Some(r) => {
                let recorded = wirescope::wire::ResponseLayout {
                    head: r.head_start..r.head_start + r.head_len,
                    body: r.body_layout.clone(),
                };
                prop_assert_eq!(pending, Some(recorded));
            }
            None => prop_assert_eq!(pending, None),
        }
    }
}

/// One HTTP/2 frame, sometimes malformed.
fn h2_frame() -> impl Strategy<Value = Vec<u8>> {
    (
        0u8..12,
        any::<u8>(),
        0u32..8,
        vec(any::<u8>(), 0..40),
        0u8..8,
    )
        .prop_map(|(kind, flags, stream, payload, lie)| {
            // Mostly honest lengths; sometimes one that lies.
            let len = match lie {
                0 => payload.len() as u32 + 3,
                1 => 0x00ff_ffff,
                _ => payload.len() as u32,
            };
            let mut v = len.to_be_bytes()[1..].to_vec();
            v.extend([kind, flags]);
            v.extend(stream.to_be_bytes());
            v.extend(payload);
            v
        })
}

fn direction(preface: bool) -> impl Strategy<Value = Vec<u8>> {
    (
        vec(
            prop_oneof![8 => h2_frame(), 1 => vec(any::<u8>(), 0..12)],
            0..20,
        ),
        any::<bool>(),
    )
        .prop_map(move |(frames, with)| {
            let mut v = if preface && with {
                PREFACE.to_vec()
            } else {
                Vec::new()
            };
            v.extend(frames.concat());
            v
        })
}

/// Chunk marks splitting each direction at the given points.
fn marks(len: usize, dir: Dir, cuts: &[prop::sample::Index], base_ms: u64) -> Vec<ChunkMark> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c.index(len + 1)).collect();
    points.push(0);
    points.push(len);
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .enumerate()
        .map(|(i, w)| ChunkMark {
            dir,
            at: std::time::Duration::from_millis(base_ms + 2 * i as u64),
            len: w[1] - w[0],
        })
        .collect()
}

proptest! {
    #![proptest_config(config(2048))]

    /// The decoder covers every byte of each direction with items, in
    /// order, and counts the ones it cannot explain.
    #[test]
    fn h2_items_cover_every_byte(
        sent in direction(true),
        received in direction(false),
        cuts_s in vec(any::<prop::sample::Index>(), 0..4),
        cuts_r in vec(any::<prop::sample::Index>(), 0..4),
    ) {
        let mut chunks = marks(sent.len(), Dir::Sent, &cuts_s, 1);
        chunks.extend(marks(received.len(), Dir::Received, &cuts_r, 2));
        chunks.sort_by_key(|c| c.at);
        let c = decode_connection(&sent, &received, &chunks);
        let kept = wirescope::decode::h2::promises::check(&c, &sent, &received);
        prop_assert!(kept.is_ok(), "{:?}", kept);
    }
}

proptest! {
    #![proptest_config(config(2048))]

    /// Escaped bytes never carry a control character, a DEL, a C1 or a
    /// bidi override; printable ASCII passes unchanged.
    #[test]
    fn escaping_leaves_nothing_unsafe(bytes in vec(any::<u8>(), 0..200), text in any::<String>()) {
        for out in [escape_bytes(&bytes), escape_bytes(text.as_bytes()), escape_str(&text)] {
            prop_assert!(!out.chars().any(is_unsafe), "{out:?}");
        }
        prop_assert!(!sanitize_text(&text).chars().any(is_unsafe));
    }

    #[test]
    fn printable_ascii_is_unchanged(text in "[ -~]{0,80}") {
        prop_assert_eq!(escape_bytes(text.as_bytes()), text);
    }

    /// Content codings of random bytes never panic and respect the cap.
    #[test]
    fn codings_respect_the_cap(
        coding in prop_oneof![
            Just("gzip"), Just("deflate"), Just("br"), Just("zstd"),
            Just("gzip, br"), Just("identity"), Just("x-unknown"),
        ],
        bytes in vec(any::<u8>(), 0..200),
        cap in 0usize..4096,
    ) {
        if let Ok(Some(d)) = wirescope::decode::coding::decode(
            coding,
            &bytes,
            wirescope::decode::coding::DecodeLimits::capped(cap as u64),
        ) {
            prop_assert!(d.bytes.len() <= cap);
        }
    }
}

/// Found by `cargo fuzz run h1_response` (minimized by hand): header
/// values keep their TABs, so an error quoting one (here an invalid
/// Content-Length) carries a raw TAB to stderr, where `send` prints it.
#[test]
fn fuzz_regression_tab_in_content_length() {
    let e = fuzz_read_response(b"HTTP/1.1 200 OK\r\nContent-Length: 1\t2\r\n\r\n", false)
        .expect_err("not a length");
    assert!(!e.message.chars().any(is_unsafe), "{:?}", e.message);
}

/// A request a user could build: a token method, an http(s) URL with a
/// path and query, headers with token names and printable values, and
/// any body bytes.
fn spec() -> impl Strategy<Value = wirescope::wire::RequestSpec> {
    (
        prop_oneof![
            Just("GET".to_string()),
            Just("POST".to_string()),
            "[A-Z]{1,8}"
        ],
        prop_oneof![Just("http"), Just("https")],
        "[a-z0-9.-]{1,20}",
        "(/[A-Za-z0-9._~%!$&'()*+,;=:@-]{0,12}){0,3}",
        proptest::option::of("[A-Za-z0-9._~%!$&'()*+,;=:@/?-]{0,20}"),
        vec(
            ("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}", "[!-~][ -~]{0,30}[!-~]"),
            0..5,
        ),
        // NUL cannot be in a shell argument: `to_curl` says to save such
        // a body to a file instead.
        proptest::option::of(vec(1u8..=255, 0..64)),
    )
        .prop_map(|(method, scheme, host, path, query, headers, body)| {
            let mut url = format!("{scheme}://{host}{path}");
            if let Some(q) = query {
                url.push('?');
                url.push_str(&q);
            }
            let mut s = wirescope::wire::RequestSpec::get(url);
            s.method = method;
            s.headers = headers;
            s.body = body;
            s
        })
}

/// Words of a command that could make the importer read a special file
/// (`-d @/dev/zero`, `-T /dev/stdin`): property tests and fuzzers must not
/// open those (see `curl_import_reads_special_files`).
fn touches_special_files(cmd: &str) -> bool {
    wirescope::formats::shell::split(cmd).is_ok_and(|words| {
        words.iter().any(|w| {
            let w = String::from_utf8_lossy(w);
            ["/dev", "/proc", "/sys", "/run", ".."]
                .iter()
                .any(|p| w.contains(p))
        })
    })
}

proptest! {
    #![proptest_config(config(1024))]

    /// Shell quoting gives back the same bytes when split again.
    #[test]
    fn shell_quote_round_trips(words in vec(vec(any::<u8>(), 0..30), 1..5)) {
        let line = words
            .iter()
            .map(|w| wirescope::formats::shell::quote(w))
            .collect::<Vec<_>>()
            .join(" ");
        prop_assert_eq!(wirescope::formats::shell::split(&line).expect("splits"), words);
    }

    /// `to_curl` promises that importing its command gives the same spec.
    #[test]
    fn curl_export_imports_back(s in spec()) {
        let cmd = wirescope::formats::export::to_curl(&s);
        let back = wirescope::formats::parse_curl(&cmd)
            .map_err(|e| TestCaseError::fail(format!("{e}: {cmd}")))?;
        prop_assert_eq!(&back.method, &s.method, "{}", cmd);
        prop_assert_eq!(url::Url::parse(&back.url).ok(), url::Url::parse(&s.url).ok(), "{}", cmd);
        prop_assert_eq!(&back.body, &s.body, "{}", cmd);
        for h in &s.headers {
            prop_assert!(back.headers.contains(h), "{h:?} lost: {cmd}");
        }
    }

    /// Any text: the importer answers (a spec or an error in words) and
    /// never panics.
    #[test]
    fn curl_import_survives_anything(
        cmd in prop_oneof![
            "curl( (-[A-Za-z]|--[a-z-]{1,12})( [ -~]{0,12})?){0,6}( [a-z]{1,8}://[ -~]{0,20})?",
            "[ -~]{0,60}",
            any::<String>(),
        ],
    ) {
        prop_assume!(!touches_special_files(&cmd));
        if let Err(e) = wirescope::formats::parse_curl(&cmd) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    /// A `.http` file is kept byte for byte, whatever it holds, and its
    /// requests point at lines it has.
    #[test]
    fn http_file_is_lossless(
        text in prop_oneof![
            vec(
                prop_oneof![
                    Just("###\n".to_string()),
                    Just("### named\r\n".to_string()),
                    Just("# @name x\n".to_string()),
                    Just("@host = example.com\n".to_string()),
                    "(GET|POST|PUT) (https?://)?[ -~]{0,20}( HTTP/1\\.1)?\r?\n",
                    "[A-Za-z-]{1,10}: [ -~]{0,20}\r?\n",
                    Just("\n".to_string()),
                    "[ -~]{0,30}\r?\n",
                    "\\{\\{[a-z$ .]{0,10}\\}\\}",
                ],
                0..20,
            )
            .prop_map(|parts| parts.concat()),
            any::<String>(),
        ],
    ) {
        let f = wirescope::formats::HttpFile::parse(&text);
        prop_assert_eq!(f.to_text(), text.clone());
        let lines = text.split_inclusive('\n').count();
        for r in f.requests() {
            prop_assert!(r.lines.start <= r.lines.end && r.lines.end <= lines, "{:?}", r.lines);
        }
        for (_, v) in f.variables() {
            let _ = wirescope::formats::env::resolve(&v, &f.variables(), None, &|_| None);
        }
    }
}

/// `{{var}}` expansion has a depth limit but no size limit: sixteen
/// levels of ten references each expand to 10^16 bytes. Seven levels
/// (100 MB) show it here without exhausting the machine.
#[test]
fn http_file_variable_expansion_is_bounded() {
    let mut text = String::from("@v0 = aaaaaaaaaa\n");
    for i in 1..=7 {
        text.push_str(&format!(
            "@v{i} = {}\n",
            format!("{{{{v{}}}}}", i - 1).repeat(10)
        ));
    }
    let f = wirescope::formats::HttpFile::parse(&text);
    // Bounded by size, not by time: an unbounded expansion would never
    // end (the harness's timeout), or exceed the cap checked below.
    let out = wirescope::formats::env::resolve("{{v7}}", &f.variables(), None, &|_| None);
    if let Ok(s) = out {
        assert!(
            s.len() <= 16 * 1024 * 1024,
            "{} bytes from {} bytes of file",
            s.len(),
            text.len()
        );
    }
}

/// A pasted curl command names a file to read (`-d @FILE`, `-T FILE`,
/// `-H @FILE`): the importer reads it whole, with no size limit and no
/// check that it is a regular file. A FIFO nobody writes hangs it here;
/// `@/dev/zero` would take all memory (not run).
#[test]
fn curl_import_reads_special_files() {
    let dir = tempfile::tempdir().expect("dir");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let cmd = format!("curl -d @{} http://127.0.0.1/", fifo.display());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(wirescope::formats::parse_curl(&cmd).is_ok());
    });
    let answered = rx.recv_timeout(std::time::Duration::from_secs(2));
    assert!(
        answered.is_ok(),
        "parse_curl still reading the FIFO after 2 s"
    );
}

/// Found by `cargo fuzz run curl_import`: headers the engine refuses at
/// send time are imported: a NUL in a value (here through `-A`), or a
/// name that is not a token (`-H $'\f@p: x'` gives the name `@p`). Neither
/// survives `to_curl`: the NUL cannot be in a shell word, and
/// `-H '@p: x'` reads headers from the file `p: x`. The importer promises
/// to refuse what it cannot reproduce, naming the option.
#[test]
fn curl_import_takes_headers_it_cannot_send() {
    let token = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    for cmd in [
        "curl http://x/ -A 'a\u{0}b'",
        "curl http://x/ -H $'X-A: a\\x00b'",
        "curl http://x/ -H $'\\f@p: x'",
    ] {
        if let Ok(spec) = wirescope::formats::parse_curl(cmd) {
            let bad = spec
                .headers
                .iter()
                .find(|(n, v)| !token(n) || v.contains(['\0', '\r', '\n']));
            assert!(bad.is_none(), "{cmd:?} imported {bad:?}");
        }
    }
}

proptest! {
    #![proptest_config(config(4096))]

    /// QPACK field sections and HTTP/3 stream bytes from a hostile peer:
    /// decoded without a panic, every line's bytes inside the block, and
    /// never more lines than bytes.
    #[test]
    fn qpack_and_h3_frames_take_any_bytes(bytes in vec(any::<u8>(), 0..400)) {
        let s = wirescope::decode::qpack::decode(&bytes);
        let used: usize = s.lines.iter().map(|l| l.wire_len).sum();
        prop_assert!(used <= bytes.len());
        prop_assert!(s.lines.len() <= bytes.len());
        let mut by_id = std::collections::BTreeMap::new();
        for id in [0u64, 2, 3, 7] {
            by_id.insert(id, (
                wirescope::wire::h3::frames::side_of(&bytes),
                wirescope::wire::h3::frames::side_of(&bytes),
            ));
        }
        for r in wirescope::wire::h3::frames::records(&by_id) {
            for f in r.sent.iter().chain(&r.received) {
                prop_assert!(f.at < bytes.len());
            }
        }
    }
}
