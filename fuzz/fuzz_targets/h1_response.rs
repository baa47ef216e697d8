//! The HTTP/1 response reader over a server's reply: the first byte says
//! whether the request was HEAD (its low bit), the rest is the reply.
//! Besides not panicking, a response must respect the reader's caps, and
//! nothing it says may carry a terminal control.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirescope::report::escape::is_unsafe;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, reply)) = data.split_first() else {
        return;
    };
    match wirescope::wire::fuzz_read_response(reply, flag & 1 == 1) {
        Ok(r) => {
            assert!(r.body.len() <= 64 * 1024);
            assert!(r.body.len() as u64 <= r.body_len);
            assert!(r.head_start + r.head_len <= reply.len());
            assert!(r.interim.len() <= 20);
            assert!(r.headers.len() <= 100);
            assert!(!r.reason.chars().any(is_unsafe), "{:?}", r.reason);
            for (n, v) in &r.headers {
                assert!(!n.chars().any(is_unsafe), "{n:?}");
                assert!(!v.chars().any(|c| c != '\t' && is_unsafe(c)), "{v:?}");
            }
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            // Messages escape what they quote (a raw TAB once slipped
            // through: `tests/proptests.rs::fuzz_regression_tab_in_content_length`).
            assert!(!e.message.chars().any(is_unsafe), "{:?}", e.message);
        }
    }
});
