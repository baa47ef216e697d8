//! The `.http` file parser over any text: it never fails, keeps the text
//! byte for byte, and its requests point at lines it has. Variables are
//! resolved only when each refers to one other at most, since expansion
//! has no size limit (reported; see
//! `tests/proptests.rs::http_file_variable_expansion_is_bounded`).
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
    // One reference per definition at most, so expansion stays linear.
    let small = vars.iter().all(|(_, v)| v.matches("{{").count() <= 1);
    for r in f.requests() {
        assert!(r.lines.start <= r.lines.end && r.lines.end <= lines);
        assert!(r.line >= 1 && r.line <= lines);
        if small && text.len() < 2048 {
            let _ = resolve(&r.url, &vars, None, &|_| None);
        }
    }
});
