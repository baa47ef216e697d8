//! Region tests: a request, chunked responses behind interim heads, HEAD,
//! truncated and garbage input.

use super::RegionKind::*;
use super::*;

/// Regions as (kind, text) pairs, which read better in assertions.
fn shown(bytes: &[u8], regions: &[Region]) -> Vec<(RegionKind, String)> {
    regions
        .iter()
        .map(|r| {
            (
                r.kind,
                String::from_utf8_lossy(&bytes[r.range.clone()]).into_owned(),
            )
        })
        .collect()
}

/// A response's regions, framed by the reader's rules.
fn response(bytes: &[u8], head: bool) -> Vec<Region> {
    response_regions(bytes, crate::wire::layout_of(bytes, head).as_ref())
}

fn covers_all(bytes: &[u8], regions: &[Region]) {
    let mut at = 0;
    for r in regions {
        assert_eq!(r.range.start, at, "gap or overlap at {at}: {regions:?}");
        assert!(r.range.end > r.range.start);
        at = r.range.end;
    }
    assert_eq!(at, bytes.len(), "regions must cover every byte");
}

#[test]
fn request_with_body() {
    let b = b"POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi";
    let r = regions(b);
    covers_all(b, &r);
    assert_eq!(
        shown(b, &r),
        vec![
            (StartLine, "POST /post HTTP/1.1".into()),
            (Crlf, "\r\n".into()),
            (HeaderName, "Host:".into()),
            (HeaderValue, " x".into()),
            (Crlf, "\r\n".into()),
            (HeaderName, "Content-Length:".into()),
            (HeaderValue, " 2".into()),
            (Crlf, "\r\n".into()),
            (BlankLine, "\r\n".into()),
            (Body, "hi".into()),
        ]
    );
}

#[test]
fn chunked_response_after_100_continue() {
    let b = b"HTTP/1.1 100 Continue\r\n\r\n\
HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n";
    let r = response(b, false);
    covers_all(b, &r);
    let s = shown(b, &r);
    assert_eq!(s[0], (StartLine, "HTTP/1.1 100 Continue".into()));
    assert_eq!(s[2], (BlankLine, "\r\n".into()));
    assert_eq!(s[3], (StartLine, "HTTP/1.1 200 OK".into()));
    let tail: Vec<_> = s[9..].to_vec();
    assert_eq!(
        tail,
        vec![
            (ChunkSize, "5;ext=1".into()),
            (Crlf, "\r\n".into()),
            (Body, "hello".into()),
            (Crlf, "\r\n".into()),
            (ChunkSize, "0".into()),
            (Crlf, "\r\n".into()),
            (HeaderName, "X-Trailer:".into()),
            (HeaderValue, " t".into()),
            (Crlf, "\r\n".into()),
            (BlankLine, "\r\n".into()),
        ]
    );
    let lines = header_lines(&r, 25);
    assert_eq!(lines.len(), 1);
    assert_eq!(&b[lines[0].clone()], b"Transfer-Encoding: chunked\r\n");
}

#[test]
fn head_response_has_no_body() {
    let b = b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n";
    let r = response(b, true);
    covers_all(b, &r);
    assert_eq!(r.last().map(|r| r.kind), Some(BlankLine));
}

#[test]
fn close_delimited_body_runs_to_the_end() {
    let b = b"HTTP/1.0 200 OK\nServer: old\n\nabc\r\n\x00def";
    let r = response(b, false);
    covers_all(b, &r);
    assert_eq!(r.last().map(|r| r.kind), Some(Body));
    assert_eq!(
        r[1],
        Region {
            kind: Crlf,
            range: 15..16
        }
    );
}

#[test]
fn garbage_is_unparsed() {
    for b in [
        &b"\x00\x01\x02garbage\r\n"[..],
        b"\r\n\r\n",
        b"\xff\xfe",
        b" leading",
    ] {
        let r = regions(b);
        assert_eq!(response(b, false), r);
        covers_all(b, &r);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].kind, Unparsed);
    }
    assert!(regions(b"").is_empty());
}

#[test]
fn truncated_inputs_do_not_panic_and_cover_everything() {
    let full: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n\
a\r\n0123456789\r\n3\r\nabc\r\n0\r\n\r\n";
    for n in 0..=full.len() {
        let b = &full[..n];
        let r = response(b, false);
        covers_all(b, &r);
    }
    let cl: &[u8] = b"GET / HTTP/1.1\r\nContent-Length: 10\r\n\r\n01234";
    for n in 0..=cl.len() {
        covers_all(&cl[..n], &regions(&cl[..n]));
    }
}

#[test]
fn bad_chunk_size_and_overlong_data_are_unparsed() {
    let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc";
    let r = response(b, false);
    covers_all(b, &r);
    assert_eq!(r.last().map(|r| r.kind), Some(Unparsed));
    let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcdef";
    let r = response(b, false);
    covers_all(b, &r);
    assert_eq!(r.last().map(|r| r.kind), Some(Unparsed));
    let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab";
    covers_all(b, &response(b, false));
}

#[test]
fn header_without_colon_and_folded_lines() {
    let b = b"HTTP/1.1 200 OK\r\nnocolon\r\nA: 1\r\n  more\r\n\r\n";
    let r = response(b, false);
    covers_all(b, &r);
    let lines = header_lines(&r, 0);
    assert_eq!(lines.len(), 1);
    assert_eq!(&b[lines[0].clone()], b"A: 1\r\n  more\r\n");
}

#[test]
fn no_content_after_interim_1xx_only() {
    let b = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n";
    let r = response(b, false);
    covers_all(b, &r);
    assert_eq!(first_region_at(&r, 0), 0);
    assert_eq!(first_region_at(&r, b.len()), r.len());
}

/// The two cases where the pane once framed on its own and disagreed with
/// the engine: it now draws what the reader decided.
#[test]
fn the_pane_draws_what_the_reader_framed() {
    let b = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef";
    let r = response(b, false);
    covers_all(b, &r);
    assert_eq!(shown(b, &r).last(), Some(&(Body, "abcdef".into())));
    let b =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n";
    let r = response(b, false);
    covers_all(b, &r);
    let s = shown(b, &r);
    assert!(
        s.contains(&(ChunkSize, "00000000000000001".into())),
        "{s:?}"
    );
    assert!(s.contains(&(Body, "x".into())));
    assert!(!s.iter().any(|(k, _)| *k == Unparsed));
}
