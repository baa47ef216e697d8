//! Network misbehaviour: nothing listening, a connect that never
//! completes, a server that accepts and says nothing, resets, and a close
//! at every stage of the exchange.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use wirescope::wire::ErrorPhase::{Body, Connect, Headers, Send, StatusLine};

use super::server::*;

/// A port with nothing listening on it.
fn closed_port() -> std::net::SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr")
}

/// A listener whose accept queue is full and never drained: further SYNs
/// are dropped, so a connect hangs until its timeout.
async fn blackhole() -> (
    std::net::SocketAddr,
    tokio::net::TcpListener,
    Vec<tokio::net::TcpStream>,
) {
    let sock = tokio::net::TcpSocket::new_v4().expect("socket");
    sock.bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let listener = sock.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            fillers.push(s);
        }
    }
    (addr, listener, fillers)
}

fn unused() -> Handler {
    handler(|_s| async {})
}

cases! {
    refused => async {
        let addr = closed_port();
        Case::new(unused())
            .want(fails(Connect, "connection refused"))
            .within(Duration::from_millis(500))
            .run_against(&format!("http://{addr}/"))
            .await
    };

    connect_blackhole => async {
        let (addr, _l, _f) = blackhole().await;
        Case::new(unused())
            .want(fails(CONNECT_TIMEOUT, "timed out after 1 s"))
            .run_against(&format!("http://{addr}/"))
            .await
    };

    accept_then_silence => Case::new(handler(|s| async move {
            tokio::time::sleep(HOLD).await;
            drop(s);
        }))
        .want(fails(READ_TIMEOUT, "no response from the server after 1 s"))
        .run();

    reset_on_accept => Case::new(handler(|s| async move { reset(s) }))
        // The connect, the write or the read sees the reset first.
        .want(Want::FailsIn(&[Connect, Send, StatusLine], &["reset", "closed"]))
        .run();

    close_on_accept => Case::new(handler(|mut s| async move {
            let _ = s.shutdown().await;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }))
        .want(Want::FailsIn(&[Send, StatusLine], &["reset", "closed"]))
        .run();

    reset_after_request => Case::new(handler(|mut s| async move {
            read_head(&mut s).await;
            reset(s);
        }))
        .want(fails(StatusLine, "connection reset by the peer"))
        .run();

    close_after_request => Case::new(reply(b"".to_vec(), Then::Close))
        .want(fails(StatusLine, "closed the connection without sending a response"))
        .run();

    close_after_partial_head => Case::new(reply(b"HTTP/1.1 200 OK\r\nServer: x".to_vec(), Then::Close))
        .want(fails(Headers, "in the middle of the response head (26 bytes in)"))
        .run();

    /// Closed before the status line's end: no status line arrived, so
    /// the phase is status-line (exit 14), not headers.
    close_mid_status_line => Case::new(reply(b"HTTP/1.1 20".to_vec(), Then::Close))
        .want(fails(StatusLine, "status line"))
        .run();

    reset_mid_head => Case::new(reply(b"HTTP/1.1 200 OK\r\nServer: x".to_vec(), Then::Reset))
        .want(fails(Headers, "connection reset by the peer"))
        .run();

    close_after_head => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".to_vec(),
            Then::Close,
        ))
        .want(fails(Body, "after 0 of 10 body bytes"))
        .check(|ex| assert_eq!(ex.response.as_ref().map(|r| r.status), Some(200)))
        .run();

    reset_mid_body => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf".to_vec(),
            Then::Reset,
        ))
        .want(fails(Body, "reset by the peer"))
        .run();

    close_mid_chunk => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".to_vec(),
            Then::Close,
        ))
        .want(fails(Body, "in the middle of the chunked body (3 bytes in)"))
        .run();

    close_before_trailers_end => Case::new(reply(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n".to_vec(),
            Then::Close,
        ))
        .want(fails(Body, "in the middle of the chunked body (2 bytes in)"))
        .run();

    /// Closed after a 100 Continue: the final response never began.
    close_between_interim_and_final => Case::new(reply(
            b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(),
            Then::Close,
        ))
        .want(fails(StatusLine, "closed the connection"))
        .run();
}
