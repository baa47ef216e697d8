//! The engine against purpose-built loopback servers: framing, byte-exact
//! transcripts, reuse, limits, and every failure naming its phase inside
//! its timeout.

use crate::common;

use std::time::{Duration, Instant};

use common::{canned, read_head, scripted, serve};
use tokio::io::AsyncWriteExt;
use wirescope::wire::exchange::Framing;
use wirescope::wire::{ErrorPhase, Exchange, Options, Probe, RequestSpec, Session, TimeoutKind};

fn spec(url: String) -> RequestSpec {
    RequestSpec::get(url)
}

fn quick(url: String, read: u64, total: u64) -> RequestSpec {
    let mut s = spec(url);
    s.options = Options {
        connect_timeout: Duration::from_millis(800),
        read_timeout: Duration::from_millis(read),
        total_timeout: Duration::from_millis(total),
        ..Options::default()
    };
    s
}

async fn send(s: &RequestSpec) -> Exchange {
    Session::new().send(s, Probe::none()).await
}

fn phase(ex: &Exchange) -> Option<ErrorPhase> {
    ex.error.as_ref().map(|e| e.phase)
}

#[tokio::test]
async fn content_length_response_is_recorded_byte_exact() {
    const R: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Case: Kept\r\n\r\nhello";
    let srv = canned(R, false).await;
    let ex = send(&spec(srv.url("/x"))).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert_eq!(&ex.transcript.received[..], R);
    let r = ex.response.unwrap();
    assert_eq!((r.status, &r.body[..]), (200, &b"hello"[..]));
    assert_eq!(r.headers[1], ("X-Case".into(), "Kept".into()));
    assert!(ex
        .transcript
        .sent
        .starts_with(b"GET /x HTTP/1.1\r\nHost: 127.0.0.1:"));
}

#[tokio::test]
async fn chunked_body_keeps_its_framing_on_the_wire() {
    const R: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: 1\r\n\r\n";
    let srv = canned(R, false).await;
    let ex = send(&spec(srv.url("/"))).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert_eq!(&ex.transcript.received[..], R);
    let r = ex.response.unwrap();
    assert_eq!(&r.body[..], b"Wikipedia");
    assert_eq!((r.framing, r.chunk_count), (Framing::Chunked, 2));
    assert_eq!(r.interim.len(), 1);
    assert_eq!(r.interim[0].status, 100);
    assert_eq!(r.head_start, 25);
}

#[tokio::test]
async fn head_204_and_close_delimited_bodies() {
    let srv = canned(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", false).await;
    let mut s = spec(srv.url("/"));
    s.method = "HEAD".into();
    let ex = send(&s).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert_eq!(ex.response.unwrap().framing, Framing::NoBody);

    let srv = canned(b"HTTP/1.1 204 No Content\r\n\r\nstray", false).await;
    let ex = send(&spec(srv.url("/"))).await;
    assert!(ex.is_ok());
    assert!(ex
        .warnings
        .iter()
        .any(|w| matches!(w, wirescope::wire::Warning::StrayBytes(_))));

    let srv = canned(b"HTTP/1.0 200 OK\r\n\r\nuntil close", true).await;
    let ex = send(&spec(srv.url("/"))).await;
    let r = ex.response.unwrap();
    assert_eq!(
        (r.framing, &r.body[..]),
        (Framing::CloseDelimited, &b"until close"[..])
    );
}

#[tokio::test]
async fn framing_conflicts_are_errors_or_flagged() {
    let cases: [(&'static [u8], Option<ErrorPhase>, &str); 8] = [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", Some(ErrorPhase::Headers), "applies chunked 2 times"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", Some(ErrorPhase::Headers), "RFC 9112 §6.1"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", Some(ErrorPhase::Headers), "conflicting Content-Length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", Some(ErrorPhase::Headers), "only digits"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", Some(ErrorPhase::Body), "bad chunk size"),
        (b"<html>hello</html>", Some(ErrorPhase::StatusLine), "does not start with an HTTP/1.x status line"),
        (b"HTTP/2.0 200 OK\r\n\r\n", Some(ErrorPhase::StatusLine), "HTTP/1.x"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", None, "Transfer-Encoding wins"),
    ];
    for (resp, want, text) in cases {
        let srv = canned(resp, true).await;
        let ex = send(&quick(srv.url("/"), 2000, 3000)).await;
        assert_eq!(phase(&ex), want, "{}", String::from_utf8_lossy(resp));
        let said = ex
            .error
            .as_ref()
            .map(|e| e.message.clone())
            .unwrap_or_else(|| {
                let said: Vec<String> = ex.warnings.iter().map(ToString::to_string).collect();
                said.join(" ")
            });
        assert!(said.contains(text), "{said}");
    }
}

#[tokio::test]
async fn two_requests_reuse_one_connection() {
    let srv = canned(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false).await;
    let session = Session::new();
    let a = session.send(&spec(srv.url("/a")), Probe::none()).await;
    let b = session.send(&spec(srv.url("/b")), Probe::none()).await;
    assert!(a.is_ok() && b.is_ok());
    let (ca, cb) = (a.connection.unwrap(), b.connection.unwrap());
    assert!(!ca.reused && cb.reused);
    assert_eq!(ca.id, cb.id);
    assert_eq!(srv.accepted(), 1);
    let t = b.timeline.har();
    assert_eq!((t.dns, t.connect, t.ssl), (-1.0, -1.0, -1.0));
    // The second exchange's transcript holds only its own bytes.
    assert!(b.transcript.sent.starts_with(b"GET /b "));
}

#[tokio::test]
async fn a_closed_idle_connection_is_not_reused() {
    let srv = canned(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true).await;
    let session = Session::new();
    let a = session.send(&spec(srv.url("/a")), Probe::none()).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let b = session.send(&spec(srv.url("/b")), Probe::none()).await;
    assert!(a.is_ok() && b.is_ok(), "{:?}", b.error);
    assert!(!b.connection.unwrap().reused);
    assert_eq!(srv.accepted(), 2);
}

#[tokio::test]
async fn timings_add_up_to_the_total() {
    let srv = scripted(
        vec![
            b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nab".to_vec(),
            b"cd".to_vec(),
        ],
        Duration::from_millis(60),
        Duration::ZERO,
    )
    .await;
    let ex = send(&spec(srv.url("/"))).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let t = ex.timeline.har();
    for v in [t.blocked, t.connect, t.send, t.wait, t.receive] {
        assert!(v >= 0.0, "{t:?}");
    }
    // 127.0.0.1 is not looked up: DNS does not apply (HAR's -1).
    assert_eq!((t.dns, t.ssl), (-1.0, -1.0));
    let sum = t.blocked + t.connect + t.send + t.wait + t.receive;
    assert!((sum - t.total).abs() < 0.01, "{t:?}");
    assert!(t.receive >= 50.0, "{t:?}");
}

#[tokio::test]
async fn refused_and_unknown_host_name_their_phase() {
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let ex = send(&spec(format!("http://{dead}/"))).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Connect));
    assert!(ex.error.unwrap().message.contains("refused"));
    let ex = send(&spec("http://no-such-host.invalid/".into())).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Dns));
    assert!(ex.error.unwrap().message.contains("no-such-host.invalid"));
    let ex = send(&spec("ftp://127.0.0.1/".into())).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Input));
}

#[tokio::test]
async fn connect_timeout_fires_against_a_full_backlog() {
    let hole = common::blackhole().await;
    let addr = hole.addr;
    let started = Instant::now();
    let ex = send(&quick(format!("http://{addr}/"), 1000, 5000)).await;
    assert_eq!(
        phase(&ex),
        Some(ErrorPhase::Timeout(TimeoutKind::Connect)),
        "{:?}",
        ex.error
    );
    // It fired, well before the 5 s total deadline (the phase says which).
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(hole);
}

#[tokio::test]
async fn read_timeout_fires_when_the_server_goes_silent() {
    let srv = scripted(vec![], Duration::ZERO, Duration::from_secs(10)).await;
    let started = Instant::now();
    let ex = send(&quick(srv.url("/"), 300, 5000)).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Timeout(TimeoutKind::Read)));
    // Before the 5 s total deadline and the server's 10 s silence.
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn total_deadline_beats_a_slow_drip() {
    let drip: Vec<Vec<u8>> = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
        .iter()
        .map(|b| vec![*b])
        .collect();
    let srv = scripted(drip, Duration::from_millis(20), Duration::from_secs(10)).await;
    let started = Instant::now();
    let ex = send(&quick(srv.url("/"), 500, 400)).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Timeout(TimeoutKind::Total)));
    // The drip would take 100,000 × 20 ms; the deadline ended it.
    assert!(started.elapsed() < Duration::from_secs(10));
    // What arrived before the deadline is still in the record.
    assert!(!ex.transcript.received.is_empty());
    assert!(ex.timeline.first_byte.is_some());
}

#[tokio::test]
async fn a_server_closing_mid_body_is_a_body_error() {
    let srv = canned(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", true).await;
    let ex = send(&quick(srv.url("/"), 2000, 3000)).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Body));
    assert!(ex.error.unwrap().message.contains("4 of 10"));
    // The head is kept for the user to see.
    assert_eq!(ex.response.unwrap().status, 200);
}

#[tokio::test]
async fn no_response_at_all_is_a_status_line_error() {
    let srv = serve(|mut s| async move {
        read_head(&mut s).await;
        let _ = s.shutdown().await;
    })
    .await;
    let ex = send(&quick(srv.url("/"), 2000, 3000)).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::StatusLine));
    assert!(ex
        .error
        .unwrap()
        .message
        .contains("without sending a response"));
}

#[tokio::test]
async fn memory_stays_flat_past_the_body_cap() {
    let srv = serve(|mut s| async move {
        read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n")
            .await;
        let block = vec![b'x'; 100_000];
        for _ in 0..30 {
            if s.write_all(&block).await.is_err() {
                return;
            }
        }
    })
    .await;
    let mut s = spec(srv.url("/"));
    s.options.limits.max_body_kept = 1000;
    let ex = send(&s).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let r = ex.response.as_ref().unwrap();
    assert_eq!((r.body.len(), r.body_len), (1000, 3_000_000));
    let t = &ex.transcript;
    assert_eq!(t.received_total, 3_000_000 + r.head_len as u64);
    assert!(t.received.len() <= s.options.limits.max_head_bytes + 1000);
    assert!(t.received_dropped() > 0);
}

#[tokio::test]
async fn head_limits_hold() {
    let srv = serve(|mut s| async move {
        read_head(&mut s).await;
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\n").await;
        let line = b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(200);
        for _ in 0..100 {
            if s.write_all(&line).await.is_err() {
                return;
            }
        }
    })
    .await;
    let ex = send(&quick(srv.url("/"), 2000, 5000)).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Headers));
    assert!(ex.error.unwrap().message.contains("larger than 256 KiB"));

    let many = format!("HTTP/1.1 200 OK\r\n{}\r\n", "A: b\r\n".repeat(600));
    let many: &'static [u8] = Box::leak(many.into_bytes().into_boxed_slice());
    let srv = canned(many, true).await;
    let ex = send(&quick(srv.url("/"), 2000, 5000)).await;
    assert!(ex
        .error
        .unwrap()
        .message
        .contains("more than 500 header lines"));
}

#[tokio::test]
async fn requests_keep_header_case_order_and_refuse_injection() {
    let srv = canned(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false).await;
    let mut s = spec(srv.url("/p?q=1"));
    s.method = "POST".into();
    s.headers = vec![
        ("x-lower".into(), "1".into()),
        ("X-UPPER".into(), "2".into()),
        ("Host".into(), "custom".into()),
    ];
    s.body = Some(b"{}".to_vec());
    let ex = send(&s).await;
    assert_eq!(
        ex.transcript.sent,
        format!(
            "POST /p?q=1 HTTP/1.1\r\nUser-Agent: {}\r\nAccept: */*\r\nx-lower: 1\r\nX-UPPER: 2\r\nHost: custom\r\nContent-Length: 2\r\n\r\n{{}}",
            wirescope::wire::h1_user_agent()
        )
        .into_bytes()
    );
    s.headers = vec![("X-Evil".into(), "a\r\nInjected: yes".into())];
    let ex = send(&s).await;
    assert_eq!(phase(&ex), Some(ErrorPhase::Input));
    assert!(ex.transcript.sent.is_empty());
}

#[tokio::test]
async fn a_body_past_the_cap_spills_to_a_temp_file_that_goes_away() {
    let srv = serve(|mut s| async move {
        read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await;
        for i in 0..50u8 {
            let chunk = vec![b'a' + (i % 26); 10_000];
            let _ = s
                .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                .await;
            let _ = s.write_all(&chunk).await;
            let _ = s.write_all(b"\r\n").await;
        }
        let _ = s.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let mut s = spec(srv.url("/"));
    s.options.limits.max_body_kept = 25_000;
    s.options.limits.spill = wirescope::wire::Spill::TempFile;
    let ex = send(&s).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let r = ex.response.as_ref().unwrap();
    assert_eq!((r.body.len(), r.body_len), (25_000, 500_000));
    let file = r.body_file.clone().expect("spilled");
    assert_eq!(file.file().metadata().unwrap().len(), 500_000);
    assert_eq!(file.read_at(0, 25_000).unwrap(), r.body);
    assert_eq!(
        file.read_at(490_000, 100).unwrap(),
        vec![b'a' + 49 % 26; 100]
    );
    // The file has no name: nothing survives the process, however it ends.
    let fd = std::os::fd::AsRawFd::as_raw_fd(file.file().as_ref());
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
    assert!(link.to_string_lossy().ends_with("(deleted)"), "{link:?}");

    // Without spilling nothing is written.
    s.options.limits.spill = wirescope::wire::Spill::Off;
    let ex = send(&s).await;
    assert!(ex.response.unwrap().body_file.is_none());
}

/// A body the record holds (identity-coded: a slice of the transcript)
/// spills from its first byte and is never copied beside the transcript;
/// one announced to fit is never written to disk.
#[tokio::test]
async fn an_identity_body_spills_without_a_second_copy_in_memory() {
    let body: Vec<u8> = (0..500_000u32).map(|i| (i % 251) as u8).collect();
    let sent = body.clone();
    let srv = serve(move |mut s| {
        let body = sent.clone();
        async move {
            loop {
                let head = read_head(&mut s).await;
                if head.is_empty() {
                    return;
                }
                let n = if head.starts_with(b"GET /small") {
                    1000
                } else {
                    body.len()
                };
                let h = format!("HTTP/1.1 200 OK\r\nContent-Length: {n}\r\n\r\n");
                let _ = s.write_all(h.as_bytes()).await;
                let _ = s.write_all(&body[..n]).await;
            }
        }
    })
    .await;
    let mut s = spec(srv.url("/"));
    s.options.limits.max_body_kept = 25_000;
    s.options.limits.spill = wirescope::wire::Spill::TempFile;
    let ex = send(&s).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let r = ex.response.as_ref().unwrap();
    assert_eq!((r.body.len(), r.body_len), (25_000, 500_000));
    assert!(r.arriving.is_empty());
    assert!(
        ex.transcript.received.position_of(&r.body).is_some(),
        "the kept body is the transcript's bytes, not a copy"
    );
    let file = r.body_file.clone().expect("spilled");
    assert_eq!(
        file.read_at(0, 500_000).unwrap(),
        body,
        "the whole body, from its first byte"
    );

    let mut s = spec(srv.url("/small"));
    s.options.limits.max_body_kept = 25_000;
    s.options.limits.spill = wirescope::wire::Spill::TempFile;
    let fits = send(&s).await;
    let r = fits.response.as_ref().unwrap();
    assert_eq!(&r.body[..], &body[..1000]);
    assert!(
        r.body_file.is_none(),
        "announced to fit: not written to disk"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cookie_jar_is_bounded() {
    // Each answer sets 400 new cookies and one of 5000 bytes; a connection
    // per request (the server closes), so each request is a new answer.
    let server = serve(|mut s| async move {
        let head = read_head(&mut s).await;
        let n: usize = String::from_utf8_lossy(&head)
            .split(' ')
            .nth(1)
            .and_then(|p| p.trim_start_matches('/').parse().ok())
            .unwrap_or(0);
        let mut out = String::from("HTTP/1.1 200 OK\r\nConnection: close\r\n");
        for i in 0..400 {
            out.push_str(&format!("Set-Cookie: c{n}x{i}=v\r\n"));
        }
        out.push_str(&format!("Set-Cookie: big{n}={}\r\n", "b".repeat(5000)));
        out.push_str("Content-Length: 0\r\n\r\n");
        let _ = s.write_all(out.as_bytes()).await;
    })
    .await;
    let session = Session::new();
    for n in 0..9 {
        let mut s = spec(server.url(&format!("/{n}")));
        s.options.cookies = wirescope::wire::CookieJar::On;
        let ex = session.send(&s, Probe::none()).await;
        assert!(ex.error.is_none(), "{:?}", ex.error);
    }
    let cookies = session.cookies();
    assert_eq!(cookies.len(), 3000, "at most 3000 cookies");
    assert!(cookies.iter().all(|(n, ..)| !n.starts_with("big")));
}

/// A server that reads the head, then says `say` (or nothing for
/// `silence`), and counts the body bytes that reached it after that.
async fn expecting(
    say: &'static [u8],
    silence: Duration,
) -> (
    common::TestServer,
    std::sync::Arc<std::sync::atomic::AtomicU64>,
) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::io::AsyncReadExt;
    let got = std::sync::Arc::new(AtomicU64::new(u64::MAX));
    let seen = got.clone();
    let srv = serve(move |mut s| {
        let seen = seen.clone();
        async move {
            let head = read_head(&mut s).await;
            assert!(String::from_utf8_lossy(&head).contains("Expect: 100-continue"));
            // Nothing of the body may have come with the head.
            tokio::time::sleep(silence).await;
            let _ = s.write_all(say).await;
            let mut body = Vec::new();
            let mut chunk = [0u8; 4096];
            while body.len() < 5000 {
                match tokio::time::timeout(Duration::from_millis(1500), s.read(&mut chunk)).await {
                    Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
                    _ => break,
                }
            }
            seen.store(body.len() as u64, Ordering::SeqCst);
            if say.starts_with(b"HTTP/1.1 100") || say.is_empty() {
                let _ = s
                    .write_all(
                        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len())
                            .as_bytes(),
                    )
                    .await;
                let _ = s.write_all(&vec![b'x'; body.len()]).await;
            }
        }
    })
    .await;
    (srv, got)
}

/// `Expect: 100-continue` holds the body until the server says: after a
/// 100 it goes (recorded as interim); after a 417 it is never sent (the
/// server saw 0 body bytes); after a second of silence it goes anyway.
#[tokio::test]
async fn expect_100_continue_waits_for_the_server() {
    use std::sync::atomic::Ordering;
    let with_body = |url: String| {
        let mut s = spec(url);
        s.method = "POST".into();
        s.headers.push(("Expect".into(), "100-continue".into()));
        s.body = Some(vec![b'b'; 5000]);
        s
    };
    let (srv, got) = expecting(b"HTTP/1.1 100 Continue\r\n\r\n", Duration::ZERO).await;
    let ex = send(&with_body(srv.url("/"))).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let r = ex.response.as_ref().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(
        r.interim.iter().map(|i| i.status).collect::<Vec<_>>(),
        [100]
    );
    assert_eq!(
        got.load(Ordering::SeqCst),
        5000,
        "the body came after the 100"
    );

    let (srv, got) = expecting(
        b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        Duration::ZERO,
    )
    .await;
    let ex = send(&with_body(srv.url("/"))).await;
    assert_eq!(
        ex.response.as_ref().map(|r| r.status),
        Some(417),
        "{:?}",
        ex.error
    );
    assert!(ex.warnings.iter().any(|w| matches!(
        w,
        wirescope::wire::Warning::BodyWithheld {
            status: 417,
            len: 5000
        }
    )));
    assert!(
        !ex.transcript.sent.ends_with(b"bbbb"),
        "no body on our side of the wire"
    );
    for _ in 0..40 {
        if got.load(Ordering::SeqCst) != u64::MAX {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        got.load(Ordering::SeqCst),
        0,
        "the server never got the body"
    );

    let (srv, got) = expecting(b"", Duration::from_millis(1500)).await;
    let ex = send(&with_body(srv.url("/"))).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert!(ex
        .warnings
        .contains(&wirescope::wire::Warning::ExpectTimedOut(
            Duration::from_secs(1)
        )));
    assert_eq!(got.load(Ordering::SeqCst), 5000);
}

/// `--expect100-timeout`: the body waits as long as asked. The server
/// stamps when it read the head and when the body's first byte came; it
/// never says 100, so the gap is our wait — longer than curl's default
/// second, as configured.
#[tokio::test]
async fn the_expect_wait_is_the_one_configured() {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;
    use tokio::io::AsyncReadExt;
    let stamps: Arc<Mutex<Option<(Instant, Instant)>>> = Arc::default();
    let keep = stamps.clone();
    let srv = serve(move |mut s| {
        let keep = keep.clone();
        async move {
            let _ = read_head(&mut s).await;
            let head_at = Instant::now();
            let mut chunk = [0u8; 4096];
            let mut got = 0;
            let mut first = None;
            while got < 5000 {
                match s.read(&mut chunk).await {
                    Ok(n) if n > 0 => {
                        first.get_or_insert_with(Instant::now);
                        got += n;
                    }
                    _ => return,
                }
            }
            if let (Ok(mut k), Some(f)) = (keep.lock(), first) {
                *k = Some((head_at, f));
            }
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    })
    .await;
    let mut s = spec(srv.url("/"));
    s.method = "POST".into();
    s.headers.push(("Expect".into(), "100-continue".into()));
    s.body = Some(vec![b'b'; 5000]);
    s.options.expect_wait = Duration::from_millis(2000);
    let ex = send(&s).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert!(ex
        .warnings
        .contains(&wirescope::wire::Warning::ExpectTimedOut(
            Duration::from_millis(2000)
        )));
    let (head_at, body_at) = stamps.lock().expect("lock").expect("the server's stamps");
    let gap = body_at - head_at;
    assert!(
        gap >= Duration::from_millis(1900),
        "the body came {gap:?} after the head"
    );
}

/// A server that answers a connection's first request, then closes it
/// when the second arrives, without a word (a keep-alive it gave up on):
/// a GET goes out once more on a new connection (the server sees two), a
/// POST does not (it may have taken effect); both say why.
#[tokio::test]
async fn a_kept_connection_closed_as_the_request_goes_out() {
    // Every connection answers its first request and closes unanswered
    // when the next one arrives.
    let srv = serve(|mut s| async move {
        let _ = read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .await;
        let _ = read_head(&mut s).await;
    })
    .await;
    let session = Session::new();
    let first = session.send(&spec(srv.url("/a")), Probe::none()).await;
    assert!(first.is_ok(), "{:?}", first.error);
    let again = session.send(&spec(srv.url("/b")), Probe::none()).await;
    assert!(again.is_ok(), "{:?}", again.error);
    assert!(again
        .warnings
        .iter()
        .any(|w| matches!(w, wirescope::wire::Warning::StaleRetried { .. })));
    assert!(
        !again.connection.as_ref().unwrap().reused,
        "a new connection"
    );
    assert_eq!(srv.accepted(), 2, "the server saw the second connection");

    let mut post = spec(srv.url("/c"));
    post.method = "POST".into();
    post.body = Some(b"x".to_vec());
    // The second connection is kept now; its next request is closed too.
    let ex = session.send(&post, Probe::none()).await;
    assert!(ex.error.is_some(), "a POST is not sent twice");
    assert!(ex
        .warnings
        .iter()
        .any(|w| matches!(w, wirescope::wire::Warning::StaleNotRetried { .. })));
    assert_eq!(srv.accepted(), 2, "no new connection for the POST");
}

/// With no length announced, a body the record holds spills from its
/// first byte; one that ends small keeps no file.
#[tokio::test]
async fn an_unannounced_small_body_keeps_no_spill_file() {
    let srv = serve(|mut s| async move {
        read_head(&mut s).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsmall body")
            .await;
    })
    .await;
    let mut s = spec(srv.url("/"));
    s.options.limits.spill = wirescope::wire::Spill::TempFile;
    let ex = send(&s).await;
    let r = ex.response.as_ref().expect("a response");
    assert_eq!(&r.body[..], b"small body");
    assert!(r.body_file.is_none());
}
