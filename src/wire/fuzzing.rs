//! Entry points for fuzzers and property tests: the real HTTP/1 reader and
//! chunked decoder, over bytes in memory. Nothing here is used by the
//! engine itself; it only opens the same code to arbitrary input.

use std::time::Duration;

use super::chunked::ChunkedDecoder;
use super::error::WireError;
use super::exchange::Response;
use super::h1::{self, ReadCtx};
use super::spec::Limits;

/// Reads `bytes` as a server's reply with the real HTTP/1 reader (small
/// limits, so hostile lengths stay cheap). `Ok` when a whole response was
/// read; the stream ends after `bytes`.
pub fn fuzz_read_response(bytes: &[u8], head_request: bool) -> Result<Response, WireError> {
    match fuzz_read_record(bytes, head_request) {
        (Some(r), None) => Ok(r),
        (_, Some(e)) => Err(e),
        (None, None) => Err(WireError::new(super::ErrorPhase::StatusLine, "no response")),
    }
}

/// What the reader recorded of `bytes` and how it ended: a failure in the
/// body still leaves the response (head and body layout so far).
pub fn fuzz_read_record(bytes: &[u8], head_request: bool) -> (Option<Response>, Option<WireError>) {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return (
                None,
                Some(WireError::new(super::ErrorPhase::Input, e.to_string())),
            )
        }
    };
    let limits = Limits {
        max_head_bytes: 64 * 1024,
        max_header_lines: 100,
        max_body_kept: 64 * 1024,
        max_interim: 20,
        spill: super::spec::Spill::Off,
    };
    rt.block_on(async {
        let mut io = bytes;
        let mut warnings = Vec::new();
        let mut slot = None;
        let mut first = || {};
        let ctx = ReadCtx {
            head_request,
            limits,
            read_timeout: Duration::from_secs(5),
            on_first_byte: &mut first,
            warnings: &mut warnings,
        };
        let err = h1::read_response(&mut io, ctx, &mut slot).await.err();
        if let Some(resp) = slot.as_mut() {
            // What the tap would have recorded: the bytes the reader took.
            let taken = bytes.len() - io.len();
            let received = super::rope::Rope::from(bytes[..taken].to_vec());
            super::body::settle(resp, &received, limits.max_body_kept);
        }
        (slot, err)
    })
}

/// Decodes `bytes` as a chunked body: the data, and where the message
/// ended (`None` if it needs more).
pub fn fuzz_chunked(bytes: &[u8]) -> Result<(Vec<u8>, Option<usize>), String> {
    let mut dec = ChunkedDecoder::default();
    let mut layout = dec.layout();
    let mut body = Vec::new();
    let end = dec.feed(bytes, &mut |b| body.extend_from_slice(b), &mut layout)?;
    Ok((body, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_from_memory() {
        let r =
            fuzz_read_response(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false).unwrap();
        assert_eq!(&r.body[..], b"ok");
        assert!(fuzz_read_response(b"\x00\xff", false).is_err());
        assert_eq!(
            fuzz_chunked(b"1\r\na\r\n0\r\n\r\n").unwrap(),
            (b"a".to_vec(), Some(11))
        );
    }
}
