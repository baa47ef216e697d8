//! HTTP/1 framing abuse: truncation, bad and overflowing chunk sizes,
//! conflicting lengths, not-HTTP replies, 1xx floods and unasked 101,
//! bodies where none may be, oversized and endless heads, and bytes a
//! terminal would act on in the head and the body.

use wirescope::wire::exchange::Framing;
use wirescope::wire::ErrorPhase::{Body, Headers, StatusLine};

use super::server::*;

/// A response whose head is `head` lines (CR LF added) and then `body`.
fn resp(head: &[&str], body: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    for l in head {
        v.extend_from_slice(l.as_bytes());
        v.extend_from_slice(b"\r\n");
    }
    v.extend_from_slice(b"\r\n");
    v.extend_from_slice(body);
    v
}

/// A 200 with this Content-Type and the body's length.
fn typed(ctype: &str, body: &[u8]) -> Vec<u8> {
    let ct = format!("Content-Type: {ctype}");
    let cl = format!("Content-Length: {}", body.len());
    resp(&["HTTP/1.1 200 OK", &ct, &cl], body)
}

fn chunked(body: &[u8]) -> Vec<u8> {
    resp(&["HTTP/1.1 200 OK", "Transfer-Encoding: chunked"], body)
}

/// The body kept and the framing.
fn body_is(want: &'static [u8]) -> impl FnOnce(&wirescope::wire::Exchange) + Send {
    move |ex| assert_eq!(ex.response.as_ref().expect("response").body, want)
}

cases! {
    truncated_body_content_length => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 10"], b"half"),
            Then::Close,
        ))
        .want(fails(Body, "after 4 of 10 body bytes (Content-Length)"))
        .run();

    truncated_body_held_open => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 10"], b"half"),
            Then::Hold,
        ))
        .want(fails(READ_TIMEOUT, "the body stalled (4 bytes in)"))
        .run();

    bad_chunk_size => Case::new(reply(chunked(b"zz\r\nhello\r\n0\r\n\r\n"), Then::Hold))
        .want(fails(Body, "bad chunk size «zz»"))
        .run();

    negative_chunk_size => Case::new(reply(chunked(b"-5\r\nhello\r\n"), Then::Hold))
        .want(fails(Body, "bad chunk size «-5»"))
        .run();

    overflowing_chunk_size => Case::new(reply(
            chunked(b"fffffffffffffffffffff\r\nx\r\n"),
            Then::Hold,
        ))
        .want(fails(Body, "is too large"))
        .run();

    chunk_size_with_control_bytes => Case::new(reply(chunked(b"5\x1b[2J\r\nhello\r\n"), Then::Hold))
        .want(fails(Body, "bad chunk size «5\\u{1b}[2J»"))
        .run();

    endless_chunk_extension => Case::new(stream(
            chunked(b"5;ext="),
            vec![b'a'; 1024],
            None,
        ))
        .want(fails(Body, "chunk-size line longer than 4 KiB"))
        .run();

    chunk_longer_than_its_size => Case::new(reply(chunked(b"3\r\nhello\r\n0\r\n\r\n"), Then::Hold))
        .want(fails(Body, "not followed by CR LF"))
        .run();

    chunked_plus_content_length => Case::new(reply(
            resp(
                &["HTTP/1.1 200 OK", "Content-Length: 3", "Transfer-Encoding: chunked"],
                b"5\r\nhello\r\n0\r\n\r\n",
            ),
            Then::Hold,
        ))
        .want(answers(200, "Transfer-Encoding wins"))
        .check(body_is(b"hello"))
        .run();

    differing_content_lengths => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 6"], b"hello!"),
            Then::Hold,
        ))
        .want(fails(Headers, "conflicting Content-Length values 5 and 6"))
        .run();

    differing_content_length_list => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 5, 6"], b"hello!"),
            Then::Hold,
        ))
        .want(fails(Headers, "conflicting Content-Length values 5 and 6"))
        .run();

    repeated_equal_content_lengths => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 5", "Content-Length: 5"], b"hello"),
            Then::Hold,
        ))
        .want(answers(200, "Content-Length was repeated"))
        .check(body_is(b"hello"))
        .run();

    plus_in_content_length => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: +5"], b"hello"),
            Then::Hold,
        ))
        .want(fails(Headers, "invalid Content-Length «+5» (only digits are allowed)"))
        .run();

    /// A TAB inside the value is quoted raw in the message (found by the
    /// `h1_response` fuzzer).
    tab_in_content_length => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 1\t2"], b"12"),
            Then::Hold,
        ))
        .want(fails(Headers, "invalid Content-Length «1\\t2»"))
        .run();

    overflowing_content_length => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 99999999999999999999999"], b""),
            Then::Hold,
        ))
        .want(fails(Headers, "invalid Content-Length"))
        .run();

    http09_reply => Case::new(reply(b"<html><body>hi</body></html>\n".to_vec(), Then::Close))
        .want(fails(StatusLine, "does not start with an HTTP/1.x status line (got «<html><body>hi</body></html>\\n»)"))
        .run();

    short_http09_reply => Case::new(reply(b"ok\n".to_vec(), Then::Close))
        .want(fails(StatusLine, "does not start with an HTTP/1.x status line"))
        .run();

    garbage_status_code => Case::new(reply(b"HTTP/1.1 2x0 OK\r\n\r\n".to_vec(), Then::Hold))
        .want(fails(StatusLine, "malformed status line «HTTP/1.1 2x0 OK\\r»"))
        .run();

    http2_status_line_over_http1 => Case::new(reply(b"HTTP/2.0 200 OK\r\n\r\n".to_vec(), Then::Hold))
        .want(fails(StatusLine, "HTTP/1.x"))
        .run();

    http1_to_an_http2_only_server => Case::new(handler(|s| async move {
            // A real HTTP/2 server: its first bytes are its SETTINGS.
            if let Ok(mut conn) = h2::server::handshake(s).await {
                while let Some(Ok(_)) = conn.accept().await {}
            }
        }))
        .want(fails(StatusLine, "it speaks only HTTP/2 here"))
        .run();

    expect_continue_answered_by_an_endless_head => Case::new(stream(
            b"HTTP/1.1 100 Continue\r\nX-Flood: ".to_vec(),
            vec![b'a'; 16 * 1024],
            None,
        ))
        .spec(|s| {
            s.method = "POST".into();
            s.headers.push(("Expect".into(), "100-continue".into()));
            s.body = Some(vec![b'b'; 1000]);
        })
        .want(fails(Headers, "larger than"))
        .check(|ex| {
            // The body was held back: the server never answered 100.
            assert!(!ex.transcript.sent.ends_with(b"bbbb"));
        })
        .run();

    binary_garbage_reply => Case::new(reply(
            (0u8..=255).rev().cycle().take(2000).collect::<Vec<_>>(),
            Then::Hold,
        ))
        .want(fails(StatusLine, "\\xff\\xfe\\xfd"))
        .run();

    escape_sequence_status_line => Case::new(reply(
            b"\x1b]0;pwned\x07\x1b[2J HTTP/1.1 200 OK\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(fails(StatusLine, "\\u{1b}]0;pwned\\u{7}"))
        .run();

    escape_sequence_in_reason => Case::new(reply(
            b"HTTP/1.1 200 \x1b[31mOK\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(fails(StatusLine, "\\u{1b}[31mOK"))
        .run();

    interim_flood => Case::new(stream(
            Vec::new(),
            b"HTTP/1.1 102 Processing\r\n\r\n".to_vec(),
            None,
        ))
        .want(fails(Headers, "more than 20 interim (1xx) responses"))
        .run();

    continue_and_early_hints_then_final => Case::new(reply(
            resp(
                &[
                    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints",
                    "Link: </s.css>; rel=preload",
                    "",
                    "HTTP/1.1 200 OK",
                    "Content-Length: 2",
                ],
                b"ok",
            ),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .check(|ex| {
            let r = ex.response.as_ref().expect("response");
            let codes: Vec<u16> = r.interim.iter().map(|i| i.status).collect();
            assert_eq!(codes, [100, 103]);
            assert_eq!(&r.body[..], b"ok");
        })
        .run();

    unrequested_101 => Case::new(reply(
            resp(&["HTTP/1.1 101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade"], b"\x81\x05hello"),
            Then::Hold,
        ))
        .want(fails(StatusLine, "switched protocols (101) though no upgrade was asked for"))
        .run();

    no_content_with_body => Case::new(reply(
            resp(&["HTTP/1.1 204 No Content", "Content-Length: 5"], b"stray"),
            Then::Hold,
        ))
        .want(answers(204, "5 unexpected bytes after the end of the response"))
        .check(|ex| assert_eq!(ex.response.as_ref().map(|r| r.framing), Some(Framing::NoBody)))
        .run();

    not_modified_with_body => Case::new(reply(
            resp(&["HTTP/1.1 304 Not Modified", "Transfer-Encoding: chunked"], b"5\r\nstray\r\n0\r\n\r\n"),
            Then::Hold,
        ))
        .want(answers(304, "unexpected bytes after the end of the response"))
        .run();

    head_with_body => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 5"], b"stray"),
            Then::Hold,
        ))
        .spec(|s| s.method = "HEAD".into())
        .want(answers(200, "5 unexpected bytes"))
        .check(|ex| assert!(ex.response.as_ref().expect("response").body.is_empty()))
        .run();

    /// A head over the limit that arrives whole in one read.
    header_line_over_the_limit => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", &format!("X-Big: {}", "a".repeat(40_000))], b""),
            Then::Hold,
        ))
        .want(fails(Headers, "response head is larger than 16 KiB"))
        .run();

    header_line_over_the_limit_in_pieces => Case::new(drip(
            format!("HTTP/1.1 200 OK\r\nX-Big: {}", "a".repeat(40_000)),
            b"\r\n\r\n".to_vec(),
            std::time::Duration::from_millis(50),
        ))
        .want(fails(Headers, "response head is larger than 16 KiB"))
        .run();

    endless_headers => Case::new(stream(
            b"HTTP/1.1 200 OK\r\n".to_vec(),
            b"X-More: aaaaaaaaaaaaaaaa\r\n".to_vec(),
            None,
        ))
        .want(fails(Headers, "response head is larger than 16 KiB"))
        .run();

    too_many_header_lines => Case::new(reply(
            resp(&["HTTP/1.1 200 OK"; 1].iter().copied().chain(std::iter::repeat_n("A: b", 150)).collect::<Vec<_>>(), b""),
            Then::Hold,
        ))
        .want(fails(Headers, "more than 100 header lines"))
        .run();

    obs_fold => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "X-Folded: one", " two", "\tthree", "Content-Length: 2"], b"ok"),
            Then::Hold,
        ))
        .want(answers(200, "obsolete line folding"))
        .check(|ex| {
            let r = ex.response.as_ref().expect("response");
            let v = r.header("x-folded").expect("folded header");
            assert!(v.starts_with("one") && v.ends_with("three"), "{v:?}");
        })
        .run();

    nul_in_header => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nX-Nul: a\x00b\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(fails(Headers, "malformed header line «X-Nul: a\\u{0}b»"))
        .run();

    bare_cr_in_header => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nX-Cr: a\rInjected: yes\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(fails(Headers, "malformed header line"))
        .run();

    escape_sequences_in_header => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nX-Evil: \x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\\x1b[2J\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(fails(Headers, "malformed header line"))
        .run();

    /// The message names the offending line, escaped, as it does for NUL.
    escape_sequences_in_header_are_shown => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nX-Evil: \x1b[2J\x7f\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(fails(Headers, "malformed header line «X-Evil: \\u{1b}[2J\\u{7f}»"))
        .run();

    c1_and_bidi_in_header => Case::new(reply(
            "HTTP/1.1 200 OK\r\nX-C1: \u{9b}31m \u{202e}txt.exe\r\nContent-Length: 0\r\n\r\n".as_bytes().to_vec(),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .check(|ex| {
            let v = ex.response.as_ref().and_then(|r| r.header("x-c1")).expect("header");
            assert!(!v.chars().any(unsafe_char), "{v:?}");
        })
        .run();

    non_utf8_header_and_body => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length: 4", "Content-Type: text/plain"], b"\xff\xfe\xc3("),
            Then::Hold,
        ))
        .spec(|_| {})
        .want(answers(200, ""))
        .check(|ex| {
            let r = ex.response.as_ref().expect("response");
            assert_eq!(&r.body[..], b"\xff\xfe\xc3(");
        })
        .run();

    non_utf8_in_header_value => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nX-Latin1: caf\xe9\r\nContent-Length: 0\r\n\r\n".to_vec(),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .check(|ex| {
            let v = ex.response.as_ref().and_then(|r| r.header("x-latin1")).expect("header");
            assert_eq!(v, "caf\\xe9");
        })
        .run();

    escape_sequences_in_body => Case::new(reply(
            typed(
                "text/plain",
                b"\x1b]0;owned\x07\x1b[2J\x1b[31mred\x08\x08\x7f\r\x1bPq\x9b6n\xc2\x9b6n\x05bell\x07!!!!",
            ),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .run();

    escape_sequences_in_json_body => Case::new(reply(
            typed(
                "application/json",
                b"{\"k\":\"\x1b[2J\",\"\x1b]0;x\x07\":\"\\u001b[31m\"}",
            ),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .run();

    bare_lf_line_ends => Case::new(reply(
            b"HTTP/1.1 200 OK\nContent-Length: 2\n\nok".to_vec(),
            Then::Hold,
        ))
        .want(answers(200, ""))
        .check(body_is(b"ok"))
        .run();

    transfer_coding_not_chunked => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Transfer-Encoding: gzip"], b"until close"),
            Then::Close,
        ))
        .want(answers(200, "does not end in chunked"))
        .check(|ex| assert_eq!(ex.response.as_ref().map(|r| r.framing), Some(Framing::CloseDelimited)))
        .run();

    space_before_colon => Case::new(reply(
            resp(&["HTTP/1.1 200 OK", "Content-Length : 5"], b"hello"),
            Then::Hold,
        ))
        .want(fails(Headers, "malformed header line"))
        .run();
}
