//! The `.http` file parser over any text: it never fails, keeps the text
//! byte for byte, and its requests point at lines it has; resolving a
//! request's URL answers quickly whatever the variables (expansion is
//! capped since `tests/proptests.rs::http_file_variable_expansion_is_bounded`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirescope::formats::{env::resolve, HttpFile};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let f = HttpFile::parse(text);
    assert_eq!(f.to_text(), text);
    let lines = text.split_inclusive('\n').count();
    let vars = f.variables();
    for r in f.requests() {
        assert!(r.lines.start <= r.lines.end && r.lines.end <= lines);
        assert!(r.line >= 1 && r.line <= lines);
        let _ = resolve(&r.url, &vars, None, &|_| None);
    }
});
