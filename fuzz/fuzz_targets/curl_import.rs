//! The curl-command importer over any text. When a command imports,
//! exporting the spec with `to_curl` and importing that again must give
//! the same request. Commands naming system paths are skipped: the
//! importer reads the files a command names (`-d @FILE`, `-T FILE`), and
//! the fuzzer has no business reading the machine's files (special files
//! are refused since the fix for
//! `tests/proptests.rs::curl_import_reads_special_files`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirescope::formats::{export::to_curl, parse_curl, shell};

fn touches_special_files(words: &[Vec<u8>]) -> bool {
    words.iter().any(|w| {
        let w = String::from_utf8_lossy(w);
        ["/dev", "/proc", "/sys", "/run", ".."]
            .iter()
            .any(|p| w.contains(p))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(cmd) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(words) = shell::split(cmd) else {
        let _ = parse_curl(cmd);
        return;
    };
    if touches_special_files(&words) {
        return;
    }
    let Ok(spec) = parse_curl(cmd) else {
        return;
    };
    // Bodies with NUL go to a file by design; raw specs are not exported.
    if spec.raw.is_some() || spec.body.as_ref().is_some_and(|b| b.contains(&0)) {
        return;
    }
    // A header the engine would refuse (a name that is not a token, NUL,
    // CR or LF in the value) cannot round-trip; the importer refuses them
    // since `tests/proptests.rs::curl_import_takes_headers_it_cannot_send`.
    let token = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    let bad = |v: &str| v.bytes().any(|b| matches!(b, 0 | b'\r' | b'\n'));
    if spec.headers.iter().any(|(n, v)| !token(n) || bad(v)) {
        return;
    }
    // A blank value exports as `-H 'Name: '`, which curl reads as "remove
    // Name" (curl's spelling of an empty header is `-H 'Name;'`).
    if spec.headers.iter().any(|(_, v)| v.trim().is_empty()) {
        return;
    }
    let again = to_curl(&spec);
    if touches_special_files(&shell::split(&again).unwrap_or_default()) {
        return;
    }
    let back = parse_curl(&again).unwrap_or_else(|e| panic!("{e}: {again}"));
    assert_eq!(back.method, spec.method, "{again}");
    assert_eq!(back.url, spec.url, "{again}");
    assert_eq!(back.body, spec.body, "{again}");
    // Header values compare without their outer whitespace, which HTTP
    // does not count (RFC 9110 §5.5) and `-H` trims.
    let trimmed = |hs: &[(String, String)]| -> Vec<(String, String)> {
        hs.iter()
            .map(|(n, v)| (n.clone(), v.trim().to_string()))
            .collect()
    };
    let (want, got) = (trimmed(&spec.headers), trimmed(&back.headers));
    for h in &want {
        assert!(got.contains(h), "{h:?} lost: {again}");
    }
});
