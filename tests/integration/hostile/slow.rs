//! Slow servers: a byte at a time in the head and in the body (slow
//! enough to be useless, fast enough never to trip the read timeout, so
//! only the total deadline ends them), stalls that do trip it, and a
//! server that stops reading the request.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wirescope::wire::exchange::Framing;

use super::server::*;

const HEAD: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";

/// A listener whose connections have a 16 KiB receive buffer (set, so
/// not autotuned): the kernel holds little of what a client sends.
fn small_buffer_listener() -> tokio::net::TcpListener {
    let sock = tokio::net::TcpSocket::new_v4().expect("socket");
    sock.set_recv_buffer_size(16 * 1024).expect("rcvbuf");
    sock.bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    sock.listen(16).expect("listen")
}

cases! {
    /// One byte a second in the head, read timeout 1.5 s: each byte
    /// resets the silence, so the 3 s deadline must end it.
    one_byte_a_second_in_the_head => Case::new(drip(Vec::new(), HEAD, Duration::from_secs(1)))
        .timeouts(1000, 1500, 3000)
        .want(fails(TOTAL_TIMEOUT, "the exchange did not finish after 3 s"))
        .check(|ex| {
            assert!(ex.response.is_none());
            assert!(ex.timeline.first_byte.is_some());
            assert!((2..=5).contains(&ex.transcript.received.len()), "{}", ex.transcript.received.len());
        })
        .run();

    one_byte_a_second_in_the_body => Case::new(drip(HEAD, vec![b'x'; 100], Duration::from_secs(1)))
        .timeouts(1000, 1500, 3000)
        .want(fails(TOTAL_TIMEOUT, "the exchange did not finish after 3 s"))
        .check(|ex| {
            let r = ex.response.as_ref().expect("the head arrived");
            assert_eq!(r.framing, Framing::ContentLength(100_000));
            assert!((2..=5).contains(&r.body.len()), "{}", r.body.len());
        })
        .run();

    /// A byte every 50 ms: faster, still hopeless.
    fast_drip_in_the_body => Case::new(drip(HEAD, vec![b'x'; 1000], Duration::from_millis(50)))
        .timeouts(1000, 1000, 1500)
        .want(fails(TOTAL_TIMEOUT, "after 1.5 s"))
        .run();

    drip_slower_than_the_read_timeout => Case::new(drip(&HEAD[..10], &HEAD[10..], Duration::from_millis(1500)))
        .timeouts(1000, 700, 3000)
        .want(fails(READ_TIMEOUT, "the response head stalled after 700 ms"))
        .run();

    stall_in_the_body => Case::new(drip(HEAD, b"".to_vec(), Duration::ZERO))
        .timeouts(1000, 600, 3000)
        .want(fails(READ_TIMEOUT, "the body stalled (0 bytes in) after 600 ms"))
        .run();

    stall_between_chunks => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n".to_vec(),
            Then::Hold,
        ))
        .timeouts(1000, 600, 3000)
        .want(fails(READ_TIMEOUT, "the body stalled (5 bytes in)"))
        .run();

    /// Chunks keep coming, 2 bytes each, 20 a second, forever.
    endless_slow_chunks => Case::new(drip(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
            b"2\r\nab\r\n".repeat(1000),
            Duration::from_millis(7),
        ))
        .timeouts(1000, 1000, 2000)
        .want(fails(TOTAL_TIMEOUT, "after 2 s"))
        .check(|ex| assert!(ex.response.as_ref().expect("head").chunk_count > 10))
        .run();

    /// The server never reads (and its receive buffer is small, so the
    /// kernel cannot absorb the body for it): the write stalls.
    server_never_reads_the_request => async {
        let srv = Hostile::on(
            small_buffer_listener(),
            handler(|s| async move {
                tokio::time::sleep(HOLD).await;
                drop(s);
            }),
        );
        Case::new(handler(|_| async {}))
            .spec(|s| {
                s.method = "POST".into();
                s.body = Some(vec![b'u'; 8 * 1024 * 1024]);
            })
            .timeouts(1000, 800, 3000)
            .want(fails(READ_TIMEOUT, "the server stopped accepting request bytes ("))
            .run_against(&srv.url("/"))
            .await
    };
}

/// A server that reads `body` bytes (head included) a 64 KiB sip every
/// 8 ms into a 16 KiB receive buffer, then answers 200.
fn steady_reader(body: usize) -> Hostile {
    Hostile::on(
        small_buffer_listener(),
        handler(move |mut s| async move {
            let mut buf = vec![0u8; 64 * 1024];
            let mut got = 0usize;
            while got < body {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got += n,
                }
                tokio::time::sleep(Duration::from_millis(8)).await;
            }
            let _ = s
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                .await;
            tokio::time::sleep(HOLD).await;
        }),
    )
}

/// A POST of `len` bytes.
fn post(s: &mut wirescope::wire::RequestSpec, len: usize) {
    s.method = "POST".into();
    s.body = Some(vec![b'u'; len]);
}

/// A server that reads the request body slowly but steadily (16 KiB
/// sips into a 16 KiB receive buffer, ~2 MB/s): never silent for more
/// than ~10 ms, yet the kernel wakes a blocked writer only when a third
/// of its (megabytes of) send buffer frees — seconds apart. The read
/// timeout is the longest silence, and the peer is not silent: the engine
/// sees the send queue shrink (SIOCOUTQ) and the upload must succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steady_slow_upload_is_not_a_read_timeout() {
    const BODY: usize = 6 * 1024 * 1024;
    let srv = steady_reader(BODY);
    Case::new(handler(|_| async {}))
        .spec(|s| post(s, BODY))
        .timeouts(1000, 500, 20_000)
        .want(answers(200, ""))
        .run_against(&srv.url("/"))
        .await;
}

/// The same, within what the kernel can show: about 2 MB/s drained into
/// a 16 KiB receive buffer, so the writer wakes at least every ~0.7 s,
/// well inside a 2 s read timeout, while the whole upload takes longer
/// than that timeout. It must succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steady_upload_longer_than_the_read_timeout() {
    const BODY: usize = 12 * 1024 * 1024;
    let srv = steady_reader(BODY);
    let started = std::time::Instant::now();
    Case::new(handler(|_| async {}))
        .spec(|s| post(s, BODY))
        .timeouts(1000, 2000, 15_000)
        .want(answers(200, ""))
        .run_against(&srv.url("/"))
        .await;
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "the upload was quicker than the read timeout: the case proves nothing"
    );
}
