//! HTTP/2 in the engine: ALPN negotiation both ways, h2c prior knowledge,
//! streams multiplexed on one connection, and GOAWAY / RST_STREAM named
//! in the error, against the demo server and purpose-built h2 servers.

use crate::common;

use std::io::Write;
use std::time::{Duration, Instant};

use wirescope::demo::{DemoConfig, DemoServer};
use wirescope::wire::{
    ErrorPhase, HttpVersion, Probe, RequestSpec, Session, TimeoutKind, TlsOptions, Verify,
};

async fn tls_demo() -> (DemoServer, std::path::PathBuf) {
    let d = DemoServer::start(DemoConfig {
        tls: true,
        ..DemoConfig::default()
    })
    .await
    .expect("demo");
    let ca = d.ca_path().expect("ca path").to_path_buf();
    (d, ca)
}

fn spec(url: String, ca: Option<&std::path::Path>, http: HttpVersion) -> RequestSpec {
    let mut s = RequestSpec::get(url);
    s.options.tls = TlsOptions {
        verify: Verify::On,
        ca_file: ca.map(|p| p.to_path_buf()),
        ..TlsOptions::default()
    };
    s.options.http = http;
    s.options.connect_timeout = Duration::from_secs(2);
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alpn_picks_h2_and_http1_when_asked() {
    let (d, ca) = tls_demo().await;
    let url = format!("{}/get", d.base_url());
    let ex = Session::new()
        .send(
            &spec(url.clone(), Some(&ca), HttpVersion::Auto),
            Probe::none(),
        )
        .await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    let n = ex.negotiated.as_ref().unwrap();
    assert_eq!(n.version, "HTTP/2");
    assert!(n.why.contains("the server chose h2"), "{}", n.why);
    assert_eq!(ex.response.as_ref().unwrap().version, "HTTP/2");
    let cap = ex.h2.as_ref().expect("h2 capture");
    assert_eq!(cap.stream, 1);
    // The preface is the connection's, not the stream's.
    assert!(cap
        .connection
        .sent
        .starts_with(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    assert!(!ex.transcript.sent.starts_with(b"PRI"));
    let body: serde_json::Value = serde_json::from_slice(&ex.response.unwrap().body).unwrap();
    assert_eq!(body["method"], "GET");

    let ex = Session::new()
        .send(&spec(url, Some(&ca), HttpVersion::Http1), Probe::none())
        .await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert_eq!(ex.negotiated.unwrap().version, "HTTP/1.1");
    assert!(ex.h2.is_none());
}

/// `Expect: 100-continue` over HTTP/2 is sent, and the body does not wait:
/// said as a warning, not left silent. The demo server got the body.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_over_http2_is_said_not_waited() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let mut s = spec(
        format!("{}/anything", d.base_url()),
        None,
        HttpVersion::Http2PriorKnowledge,
    );
    s.method = "POST".into();
    s.headers = vec![("Expect".into(), "100-continue".into())];
    s.body = Some(b"waited?".to_vec());
    let ex = Session::new().send(&s, Probe::none()).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert!(ex
        .warnings
        .contains(&wirescope::wire::Warning::ExpectNotWaitedOnH2));
    let echoed: serde_json::Value = serde_json::from_slice(&ex.response.unwrap().body).unwrap();
    assert_eq!(echoed["body"], "waited?");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h2c_prior_knowledge_and_its_misuse() {
    let d = DemoServer::start(DemoConfig::default()).await.unwrap();
    let url = format!("{}/anything?x=1", d.base_url());
    let mut s = spec(url.clone(), None, HttpVersion::Http2PriorKnowledge);
    s.method = "POST".into();
    s.headers = vec![
        ("X-Mixed-Case".into(), "v".into()),
        ("Connection".into(), "keep-alive".into()),
    ];
    s.body = Some(b"{\"a\":1}".to_vec());
    let ex = Session::new().send(&s, Probe::none()).await;
    assert!(ex.is_ok(), "{:?}", ex.error);
    assert!(ex.negotiated.unwrap().why.contains("h2c"));
    let echoed: serde_json::Value = serde_json::from_slice(&ex.response.unwrap().body).unwrap();
    assert_eq!(echoed["body"], "{\"a\":1}");
    use wirescope::wire::Warning;
    assert!(ex
        .warnings
        .iter()
        .any(|w| matches!(w, Warning::H2Lowercased(_))));
    assert!(ex.warnings.contains(&Warning::H2ConnectionSpecific {
        name: "Connection".into()
    }));

    let ex = Session::new()
        .send(&spec(url, None, HttpVersion::Http2), Probe::none())
        .await;
    assert_eq!(ex.error.unwrap().phase, ErrorPhase::Input);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_required_but_refused_is_a_tls_error() {
    let pki = wirescope::demo::make_pki(&["localhost"]).unwrap();
    let cfg = wirescope::demo::server_tls_config(&pki, &[b"http/1.1"]).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(cfg);
    let srv = common::serve(move |s| {
        let a = acceptor.clone();
        async move {
            let _ = a.accept(s).await;
        }
    })
    .await;
    let mut ca = tempfile::NamedTempFile::new().unwrap();
    ca.write_all(pki.ca_pem.as_bytes()).unwrap();
    let url = format!("https://localhost:{}/", srv.addr.port());
    let ex = Session::new()
        .send(
            &spec(url, Some(ca.path()), HttpVersion::Http2),
            Probe::none(),
        )
        .await;
    let e = ex.error.unwrap();
    assert_eq!(e.phase, ErrorPhase::Tls);
    assert!(e.message.contains("refused HTTP/2"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_exchanges_share_one_connection_as_streams() {
    let (d, ca) = tls_demo().await;
    let s = spec(
        format!("{}/drip?numbytes=300&duration=0.2", d.base_url()),
        Some(&ca),
        HttpVersion::Auto,
    );
    let session = Session::new();
    let tasks: Vec<_> = (0..5)
        .map(|_| {
            let (session, s) = (session.clone(), s.clone());
            tokio::spawn(async move { session.send(&s, Probe::none()).await })
        })
        .collect();
    let mut streams = Vec::new();
    let mut conns = std::collections::BTreeSet::new();
    for t in tasks {
        let ex = t.await.unwrap();
        assert!(ex.is_ok(), "{:?}", ex.error);
        assert_eq!(ex.response.as_ref().unwrap().body_len, 300);
        conns.insert(ex.connection.unwrap().id);
        streams.push(ex.h2.unwrap().stream);
    }
    streams.sort();
    assert_eq!(streams, vec![1, 3, 5, 7, 9]);
    assert_eq!(conns.len(), 1);
    assert_eq!(d.connections_accepted(), 1);
}

/// An h2c server that applies `misbehave` to each request.
async fn h2_server(misbehave: fn(h2::server::SendResponse<bytes::Bytes>)) -> common::TestServer {
    common::serve(move |s| async move {
        let Ok(mut conn) = h2::server::handshake(s).await else {
            return;
        };
        while let Some(Ok((_req, respond))) = conn.accept().await {
            misbehave(respond);
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rst_stream_and_goaway_are_named() {
    let srv = h2_server(|mut r| r.send_reset(h2::Reason::REFUSED_STREAM)).await;
    let ex = Session::new()
        .send(
            &spec(srv.url("/"), None, HttpVersion::Http2PriorKnowledge),
            Probe::none(),
        )
        .await;
    let e = ex.error.unwrap();
    assert_eq!(e.phase, ErrorPhase::Headers);
    assert!(
        e.message.contains("RST_STREAM REFUSED_STREAM"),
        "{}",
        e.message
    );

    let goaway = common::serve(|s| async move {
        let Ok(mut conn) = h2::server::handshake(s).await else {
            return;
        };
        // GOAWAY once the request is in, while the client waits for the
        // answer (a GOAWAY racing the client's first write would end in a
        // broken pipe before the client could read it).
        let Some(Ok((_req, _respond))) = conn.accept().await else {
            return;
        };
        conn.abrupt_shutdown(h2::Reason::ENHANCE_YOUR_CALM);
        let _ = conn.accept().await;
    })
    .await;
    let ex = Session::new()
        .send(
            &spec(goaway.url("/"), None, HttpVersion::Http2PriorKnowledge),
            Probe::none(),
        )
        .await;
    let e = ex.error.unwrap();
    assert!(
        e.message.contains("GOAWAY") && e.message.contains("ENHANCE_YOUR_CALM"),
        "{e:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_stream_times_out() {
    let srv = h2_server(|r| {
        // Hold the stream open without answering.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(10)).await;
            drop(r);
        });
    })
    .await;
    let mut s = spec(srv.url("/"), None, HttpVersion::Http2PriorKnowledge);
    s.options.read_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let ex = Session::new().send(&s, Probe::none()).await;
    assert_eq!(
        ex.error.unwrap().phase,
        ErrorPhase::Timeout(TimeoutKind::Read)
    );
    // Before the server's 10 s hold ends the stream.
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// An upload the server takes slowly but steadily (window granted 16 KiB
/// at a time, every 5 ms) lasts longer than the read timeout; the read
/// timeout is the longest silence, and the upload is never silent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_steady_upload_is_not_a_read_timeout() {
    const BODY: usize = 2 * 1024 * 1024;
    let srv = common::serve(|s| async move {
        let Ok(mut conn) = h2::server::handshake(s).await else {
            return;
        };
        let Some(Ok((req, mut respond))) = conn.accept().await else {
            return;
        };
        tokio::spawn(async move {
            let mut body = req.into_body();
            let mut got = 0;
            while let Some(Ok(chunk)) = body.data().await {
                got += chunk.len();
                tokio::time::sleep(Duration::from_millis(5)).await;
                let _ = body.flow_control().release_capacity(chunk.len());
            }
            let status = if got == BODY { 200 } else { 400 };
            let resp = http::Response::builder().status(status).body(()).unwrap();
            let _ = respond.send_response(resp, true);
        });
        while conn.accept().await.is_some() {}
    })
    .await;
    let mut s = spec(srv.url("/upload"), None, HttpVersion::Http2PriorKnowledge);
    s.method = "POST".into();
    s.body = Some(vec![b'u'; BODY]);
    s.options.read_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let ex = Session::new().send(&s, Probe::none()).await;
    assert!(ex.error.is_none(), "{:?}", ex.error);
    assert_eq!(ex.response.map(|r| r.status), Some(200));
    // It did outlast the read timeout: the test means something.
    assert!(started.elapsed() > Duration::from_millis(300));
}
