//! The chunked decoder over arbitrary bytes. Where it says the message
//! ended, decoding just that prefix must say the same, and the body can
//! never be longer than its encoding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wirescope::report::escape::is_unsafe;
use wirescope::wire::fuzz_chunked;

fuzz_target!(|data: &[u8]| {
    match fuzz_chunked(data) {
        Ok((body, end)) => {
            assert!(body.len() <= data.len());
            if let Some(end) = end {
                assert!(end <= data.len());
                let again = fuzz_chunked(&data[..end]).expect("the same prefix decodes again");
                assert_eq!(again, (body, Some(end)));
            }
        }
        Err(e) => assert!(!e.chars().any(is_unsafe), "{e:?}"),
    }
});
