//! Why an HTTP/2 connection or stream failed, in words: the `h2` crate's
//! error with its GOAWAY / RST_STREAM codes named, and, read back from the
//! connection's record when that error alone cannot say, the debug data of the
//! GOAWAY we sent, an HTTP/1.x answer to h2c prior knowledge, a header
//! list over our limit. The words name the limit or the cause.

use super::error::describe_io;
use super::exchange::Dir;
use crate::decode::h2::live::Done;
use crate::report::escape::escape_bytes;

/// An h2 error in words, naming GOAWAY / RST_STREAM codes.
pub fn describe(e: &h2::Error) -> String {
    let code = |r: h2::Reason| format!("{r:?}: {}", r.description());
    if e.is_go_away() && !e.is_remote() {
        // Our side closed the connection: the server broke the protocol.
        match e.reason() {
            Some(r) => format!(
                "the server broke the HTTP/2 protocol; the connection was closed with GOAWAY ({})",
                code(r)
            ),
            None => {
                "the server broke the HTTP/2 protocol; the connection was closed with GOAWAY".into()
            }
        }
    } else if e.is_go_away() {
        match e.reason() {
            Some(r) => format!("the server sent GOAWAY ({})", code(r)),
            None => "the server sent GOAWAY".into(),
        }
    } else if e.is_reset() {
        match e.reason() {
            Some(r) if e.is_remote() => {
                format!("the server reset the stream (RST_STREAM {})", code(r))
            }
            Some(r) => format!("the stream was reset (RST_STREAM {})", code(r)),
            None => "the stream was reset".into(),
        }
    } else if let Some(io) = e.get_io() {
        describe_io(io)
    } else {
        match e.reason() {
            Some(r) => format!("HTTP/2 protocol error ({})", code(r)),
            None => e.to_string(),
        }
    }
}

/// Explains a GOAWAY our side sent (`why` is it in words) from the first
/// bytes the connection received and the debug data of our last GOAWAY.
pub fn our_goaway(why: String, received: &[u8], our_debug: Option<&str>) -> String {
    if received.starts_with(b"HTTP/1.") {
        let line = received.split(|&b| b == b'\n').next().unwrap_or_default();
        let line = escape_bytes(line.strip_suffix(b"\r").unwrap_or(line));
        return format!(
            "the server answered in HTTP/1.x («{line}»), not HTTP/2: it does not speak h2c \
             (HTTP/2 without TLS, prior knowledge); {}",
            without_blame(&why)
        );
    }
    match our_debug {
        Some("header_list_way_too_large") => format!(
            "the response header list is far larger than the header list limit \
             (--max-head-bytes); {}",
            without_blame(&why)
        ),
        Some(d) => format!("{why}; our GOAWAY said \"{d}\""),
        None => why,
    }
}

/// "the connection was closed with GOAWAY (…)" without the leading "the
/// server broke the protocol", for when the cause is named before it.
fn without_blame(why: &str) -> &str {
    why.strip_prefix("the server broke the HTTP/2 protocol; ")
        .unwrap_or(why)
}

/// The size (RFC 7541 §4.1: name + value + 32 per field) of the header
/// list the server sent on `stream`, when it is at least `limit`: the
/// reason the `h2` crate reset the stream. `frames`: the stream's, as the
/// connection's record filed them.
pub fn oversize_header_list(frames: &[Done], limit: usize) -> Option<usize> {
    frames
        .iter()
        .filter_map(|d| d.item.frame())
        .filter(|f| f.dir == Dir::Received)
        .filter_map(|f| f.detail.block())
        .map(|b| {
            b.fields
                .iter()
                .filter(|f| !f.name.is_empty())
                .map(|f| f.name.len() + f.value.len() + 32)
                .sum::<usize>()
        })
        .find(|&size| size >= limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::h2::frame::tests::frame;
    use crate::decode::h2::PREFACE;
    use crate::wire::h2_record::StreamBook;
    use std::time::Duration;

    const GOAWAY: u8 = 0x7;

    /// The debug data the connection's record read from our frames.
    fn ours(frames: &[Vec<u8>]) -> Option<String> {
        let mut book = StreamBook::new(1 << 20);
        book.feed(Dir::Sent, Duration::ZERO, PREFACE);
        for f in frames {
            book.feed(Dir::Sent, Duration::ZERO, f);
        }
        book.our_goaway().map(str::to_string)
    }

    #[test]
    fn our_goaway_debug_data_is_read_back() {
        let mut payload = vec![0, 0, 0, 0, 0, 0, 0, 11];
        payload.extend(b"header_list_way_too_large");
        let debug = ours(&[frame(4, 0, 0, &[]), frame(GOAWAY, 0, 0, &payload)]);
        let why = our_goaway(
            "the server broke the HTTP/2 protocol; the connection was closed with GOAWAY (X)"
                .into(),
            b"",
            debug.as_deref(),
        );
        assert_eq!(
            why,
            "the response header list is far larger than the header list limit \
             (--max-head-bytes); the connection was closed with GOAWAY (X)"
        );
        let mut payload = vec![0; 8];
        payload.extend(b"too_many\x1b[2J");
        let debug = ours(&[frame(GOAWAY, 0, 0, &payload)]);
        let why = our_goaway("w".into(), b"", debug.as_deref());
        assert_eq!(why, "w; our GOAWAY said \"too_many\\u{1b}[2J\"");
        assert_eq!(our_goaway("w".into(), b"", ours(&[]).as_deref()), "w");
    }

    #[test]
    fn an_http1_answer_is_named() {
        let why = our_goaway(
            "the server broke the HTTP/2 protocol; the connection was closed with GOAWAY (FRAME_SIZE_ERROR)".into(),
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
            None,
        );
        assert!(
            why.starts_with("the server answered in HTTP/1.x («HTTP/1.1 400 Bad Request»)"),
            "{why}"
        );
        assert!(
            why.ends_with("closed with GOAWAY (FRAME_SIZE_ERROR)"),
            "{why}"
        );
    }
}
