//! The demo server, checked from the outside: reqwest as an independent
//! client for the httpbin semantics, and raw TCP where the bytes on the
//! wire are the point (/echo-raw, chunked /stream, h2c).

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wirescope::demo::{make_pki, server_tls_config, DemoConfig, DemoServer};

async fn server() -> DemoServer {
    DemoServer::start(DemoConfig::default())
        .await
        .expect("demo server starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn get_json(url: &str) -> (reqwest::StatusCode, Value) {
    let resp = client().get(url).send().await.expect("send");
    let status = resp.status();
    (status, json_of(resp).await)
}

/// reqwest is built without its `json` feature; parse the bytes ourselves.
async fn json_of(resp: reqwest::Response) -> Value {
    let bytes = resp.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("JSON body")
}

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// A raw HTTP/1.1 connection that keeps bytes read past one response for
/// the next (pipelining, keep-alive).
struct RawConn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl RawConn {
    async fn open(server: &DemoServer) -> RawConn {
        let stream = TcpStream::connect(server.addr()).await.expect("connect");
        RawConn {
            stream,
            buf: Vec::new(),
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    async fn fill(&mut self) -> usize {
        let mut chunk = [0u8; 16 * 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), self.stream.read(&mut chunk))
            .await
            .expect("read timed out")
            .expect("read");
        self.buf.extend_from_slice(&chunk[..n]);
        n
    }

    /// One response framed by Content-Length: (head text, body bytes).
    async fn response(&mut self) -> (String, Vec<u8>) {
        let head_end = loop {
            if let Some(pos) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos + 4;
            }
            assert!(self.fill().await > 0, "EOF before response head");
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let len: usize = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse().ok())?
            })
            .expect("response has Content-Length");
        while self.buf.len() < head_end + len {
            assert!(self.fill().await > 0, "EOF in response body");
        }
        let body = self.buf[head_end..head_end + len].to_vec();
        self.buf.drain(..head_end + len);
        (head, body)
    }

    /// Everything until the server closes.
    async fn read_to_close(mut self) -> Vec<u8> {
        while self.fill().await > 0 {}
        self.buf
    }
}

#[tokio::test]
async fn get_has_the_echo_shape() {
    let srv = server().await;
    let resp = client()
        .get(format!("{}/get?a=1&a=2&b=x", srv.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "content-type"), "application/json");
    let text = resp.text().await.unwrap();
    assert!(text.ends_with("}\n"), "pretty JSON with trailing newline");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["method"], "GET");
    assert_eq!(v["url"], format!("{}/get?a=1&a=2&b=x", srv.base_url()));
    assert_eq!(v["args"], json!({"a": ["1", "2"], "b": "x"}));
    assert_eq!(v["origin"], "127.0.0.1");
    assert_eq!(v["json"], Value::Null);
    assert!(v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p.as_array().unwrap().len() == 2));
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "method",
            "url",
            "args",
            "headers",
            "origin",
            "body",
            "body_encoding",
            "json"
        ]
    );
}

#[tokio::test]
async fn anything_echoes_method_args_body_and_headers_in_order() {
    let srv = server().await;
    let resp = client()
        .patch(format!("{}/anything/deep/path?x=1", srv.base_url()))
        .header("x-first", "1")
        .header("x-second", "2")
        .header("content-type", "application/json")
        .body(r#"{"k": [1, 2]}"#)
        .send()
        .await
        .unwrap();
    let v: Value = json_of(resp).await;
    assert_eq!(v["method"], "PATCH");
    assert_eq!(v["args"], json!({"x": "1"}));
    assert_eq!(v["body"], r#"{"k": [1, 2]}"#);
    assert_eq!(v["json"], json!({"k": [1, 2]}));
    let names: Vec<String> = v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p[0].as_str().unwrap().to_string())
        .collect();
    let first = names.iter().position(|n| n == "x-first").unwrap();
    let second = names.iter().position(|n| n == "x-second").unwrap();
    assert!(first < second, "{names:?}");

    // Binary bodies come back as base64.
    let resp = client()
        .post(format!("{}/anything", srv.base_url()))
        .body(vec![0xffu8, 0x00, 0x80])
        .send()
        .await
        .unwrap();
    let v: Value = json_of(resp).await;
    assert_eq!(v["body"], "/wCA");
    assert_eq!(v["body_encoding"], "base64");
}

#[tokio::test]
async fn header_case_and_order_come_from_the_wire() {
    let srv = server().await;
    let mut conn = RawConn::open(&srv).await;
    conn.send(b"GET /headers HTTP/1.1\r\nX-CamelCase: A\r\nhOsT: demo\r\nx-lower:  b \r\n\r\n")
        .await;
    let (_, body) = conn.response().await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        v["headers"],
        json!([["X-CamelCase", "A"], ["hOsT", "demo"], ["x-lower", "b"]])
    );
}

#[tokio::test]
async fn method_checked_endpoints_answer_405_with_allow() {
    let srv = server().await;
    let resp = client()
        .get(format!("{}/post", srv.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(header(&resp, "allow"), "POST");
    let resp = client()
        .head(format!("{}/get", srv.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn status_codes() {
    let srv = server().await;
    let c = no_redirects();
    let base = srv.base_url();
    let resp = c.get(format!("{base}/status/418")).send().await.unwrap();
    assert_eq!(resp.status(), 418);
    assert!(resp.text().await.unwrap().contains("teapot"));
    let resp = c.get(format!("{base}/status/204")).send().await.unwrap();
    assert_eq!(resp.status(), 204);
    assert!(resp.bytes().await.unwrap().is_empty());
    let resp = c.get(format!("{base}/status/201")).send().await.unwrap();
    assert_eq!(header(&resp, "location"), "/anything/created");
    let resp = c.get(format!("{base}/status/401")).send().await.unwrap();
    assert_eq!(header(&resp, "www-authenticate"), "Basic realm=\"demo\"");
    let resp = c.get(format!("{base}/status/503")).send().await.unwrap();
    assert_eq!(header(&resp, "retry-after"), "1");
    for bad in ["100", "600", "abc"] {
        let resp = c.get(format!("{base}/status/{bad}")).send().await.unwrap();
        assert_eq!(resp.status(), 400, "/status/{bad}");
    }
}

#[tokio::test]
async fn redirects() {
    let srv = server().await;
    let base = srv.base_url();
    let resp = client()
        .get(format!("{base}/redirect/2"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.url().path(), "/get");

    let c = no_redirects();
    let resp = c.get(format!("{base}/redirect/2")).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(header(&resp, "location"), "/redirect/1");
    let resp = c
        .get(format!("{base}/absolute-redirect/2"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&resp, "location"),
        format!("{base}/absolute-redirect/1")
    );
    let resp = c
        .get(format!("{base}/redirect-to?url=/ip&status_code=307"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 307);
    assert_eq!(header(&resp, "location"), "/ip");
}

#[tokio::test]
async fn etag_and_cache_are_conditional() {
    let srv = server().await;
    let base = srv.base_url();
    let c = client();
    let resp = c.get(format!("{base}/etag/abc")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(header(&resp, "etag"), "\"abc\"");
    for inm in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
        let resp = c
            .get(format!("{base}/etag/abc"))
            .header("if-none-match", inm)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 304, "If-None-Match: {inm}");
        assert_eq!(header(&resp, "etag"), "\"abc\"");
        assert!(resp.bytes().await.unwrap().is_empty());
    }
    let resp = c
        .get(format!("{base}/etag/abc"))
        .header("if-match", "\"zzz\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 412);

    let resp = c.get(format!("{base}/cache")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let last_modified = header(&resp, "last-modified");
    assert!(!last_modified.is_empty() && !header(&resp, "etag").is_empty());
    let resp = c
        .get(format!("{base}/cache"))
        .header("if-modified-since", last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 304);
    let resp = c.get(format!("{base}/cache/60")).send().await.unwrap();
    assert_eq!(header(&resp, "cache-control"), "public, max-age=60");
}

#[tokio::test]
async fn content_codings_decode() {
    let srv = server().await;
    let base = srv.base_url();
    let c = client();
    for (path, coding, flag) in [
        ("gzip", "gzip", "gzipped"),
        ("deflate", "deflate", "deflated"),
        ("brotli", "br", "brotli"),
        ("zstd", "zstd", "zstd"),
    ] {
        let resp = c.get(format!("{base}/{path}")).send().await.unwrap();
        assert_eq!(header(&resp, "content-encoding"), coding);
        let raw = resp.bytes().await.unwrap();
        let mut plain = Vec::new();
        match coding {
            "gzip" => flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut plain)
                .map(drop),
            "deflate" => flate2::read::ZlibDecoder::new(&raw[..])
                .read_to_end(&mut plain)
                .map(drop),
            "br" => brotli::Decompressor::new(&raw[..], 4096)
                .read_to_end(&mut plain)
                .map(drop),
            _ => zstd::stream::copy_decode(&raw[..], &mut plain),
        }
        .unwrap_or_else(|e| panic!("{coding}: {e}"));
        let v: Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(v[flag], true, "{coding}");
        assert_eq!(v["method"], "GET");
    }
}

#[tokio::test]
async fn stream_is_chunked_on_the_wire() {
    let srv = server().await;
    let mut conn = RawConn::open(&srv).await;
    conn.send(b"GET /stream/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    let wire = conn.read_to_close().await;
    let text = String::from_utf8(wire).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("transfer-encoding: chunked")));
    // Three data chunks, one JSON line each, then the last chunk.
    let mut rest = body;
    let mut ids = Vec::new();
    loop {
        let (size, after) = rest.split_once("\r\n").unwrap();
        let size = usize::from_str_radix(size, 16).unwrap();
        if size == 0 {
            break;
        }
        let line = &after[..size];
        assert!(line.ends_with('\n'));
        let v: Value = serde_json::from_str(line).unwrap();
        ids.push(v["id"].as_u64().unwrap());
        rest = &after[size + 2..];
    }
    assert_eq!(ids, [0, 1, 2]);
}

#[tokio::test]
async fn bytes_are_sized_and_deterministic() {
    let srv = server().await;
    let base = srv.base_url();
    let c = client();
    let fetch = |path: String| {
        let c = c.clone();
        async move {
            let resp = c.get(path).send().await.unwrap();
            assert_eq!(header(&resp, "content-type"), "application/octet-stream");
            resp.bytes().await.unwrap()
        }
    };
    let a = fetch(format!("{base}/bytes/100000")).await;
    let b = fetch(format!("{base}/bytes/100000")).await;
    let short = fetch(format!("{base}/bytes/10")).await;
    let other = fetch(format!("{base}/bytes/100000?seed=7")).await;
    assert_eq!(a.len(), 100_000);
    assert_eq!(a, b);
    assert_eq!(&a[..10], &short[..]);
    assert_ne!(a, other);
    let resp = c
        .get(format!("{base}/bytes/3000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn auth_challenges() {
    let srv = server().await;
    let base = srv.base_url();
    let c = client();
    let resp = c
        .get(format!("{base}/basic-auth/u/p"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(header(&resp, "www-authenticate").starts_with("Basic"));
    let resp = c
        .get(format!("{base}/basic-auth/u/p"))
        .basic_auth("u", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let resp = c
        .get(format!("{base}/basic-auth/u/p"))
        .basic_auth("u", Some("p"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let v: Value = json_of(resp).await;
    assert_eq!(v, json!({"authenticated": true, "user": "u"}));
    let resp = c.get(format!("{base}/bearer")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(header(&resp, "www-authenticate"), "Bearer");
    let resp = c
        .get(format!("{base}/bearer"))
        .bearer_auth("t0k")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn retry_targets_count_per_key() {
    let srv = server().await;
    let base = srv.base_url();
    let c = client();
    let resp = c.get(format!("{base}/retry-after")).send().await.unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(header(&resp, "retry-after"), "1");
    let resp = c.get(format!("{base}/retry-after")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let resp = c
        .get(format!("{base}/retry-after?after=3&key=other"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert_eq!(header(&resp, "retry-after"), "3");

    let mut seen = Vec::new();
    for _ in 0..3 {
        let resp = c
            .get(format!("{base}/flaky?fail=2&key=k"))
            .send()
            .await
            .unwrap();
        seen.push(resp.status().as_u16());
    }
    assert_eq!(seen, [503, 503, 200]);
}

#[tokio::test]
async fn echo_raw_is_byte_exact() {
    let srv = server().await;
    let requests: [&[u8]; 2] = [
        b"POST /echo-raw HTTP/1.1\r\nhOsT: example\r\nX-Zeta: 1\r\nx-alpha:  spaced \r\n\
Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"a\": [1, 2]}",
        b"POST /echo-raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
4;note=hi\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Trailer: yes\r\n\r\n",
    ];
    for request in requests {
        let mut conn = RawConn::open(&srv).await;
        conn.send(request).await;
        let (head, body) = conn.response().await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert_eq!(
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(request)
        );
    }
}

#[tokio::test]
async fn echo_raw_follows_keep_alive_and_pipelining() {
    let srv = server().await;
    let mut conn = RawConn::open(&srv).await;
    conn.send(b"POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        .await;
    let (head, _) = conn.response().await;
    assert!(head.starts_with("HTTP/1.1 200"));
    let second: &[u8] = b"PUT /echo-raw?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";
    conn.send(second).await;
    assert_eq!(conn.response().await.1, second);
    // Two requests in one write: hyper reads ahead, the cursor must not.
    let third: &[u8] = b"GET /echo-raw HTTP/1.1\r\nHost: x\r\n\r\n";
    let fourth: &[u8] =
        b"POST /echo-raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n";
    conn.send(&[third, fourth].concat()).await;
    assert_eq!(conn.response().await.1, third);
    assert_eq!(conn.response().await.1, fourth);
    assert_eq!(srv.connections_accepted(), 1);
}

#[tokio::test]
async fn connections_are_counted() {
    let srv = server().await;
    let c = client();
    for _ in 0..3 {
        let resp = c
            .get(format!("{}/ip", srv.base_url()))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
    }
    assert_eq!(
        srv.connections_accepted(),
        1,
        "reqwest reuses its connection"
    );
    let (_, v) = get_json(&format!("{}/stats", srv.base_url())).await;
    assert_eq!(v, json!({"connections_accepted": 2}));
}

#[tokio::test]
async fn tls_with_the_run_time_ca() {
    let dir = tempfile::tempdir().unwrap();
    let ca_out = dir.path().join("ca.pem");
    let srv = DemoServer::start(DemoConfig {
        tls: true,
        ca_out: Some(ca_out.clone()),
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    assert!(srv.base_url().starts_with("https://localhost:"));
    assert_eq!(srv.ca_path(), Some(ca_out.as_path()));
    let pem = std::fs::read_to_string(&ca_out).unwrap();
    assert_eq!(Some(pem.as_str()), srv.ca_pem());

    let c = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap())
        .resolve("localhost", srv.addr())
        .build()
        .unwrap();
    let v = json_of(
        c.get(format!("{}/get", srv.base_url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(v["url"], format!("{}/get", srv.base_url()));
    let raw = c
        .post(format!("{}/echo-raw", srv.base_url()))
        .body("over tls")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(raw.starts_with(b"POST /echo-raw HTTP/1.1\r\n") && raw.ends_with(b"over tls"));

    // A client without the CA must refuse the server.
    let strict = reqwest::Client::builder().no_proxy().build().unwrap();
    assert!(strict
        .get(format!("{}/get", srv.base_url()))
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn tls_offers_h2_by_alpn() {
    use rustls_pki_types::pem::PemObject;
    let srv = DemoServer::start(DemoConfig {
        tls: true,
        ..DemoConfig::default()
    })
    .await
    .unwrap();
    let ca_path = srv.ca_path().unwrap().to_path_buf();
    assert!(ca_path.starts_with(std::env::temp_dir()));
    let file_name = ca_path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        file_name.contains(&srv.addr().port().to_string()),
        "{file_name}"
    );
    let ca =
        rustls_pki_types::CertificateDer::from_pem_slice(srv.ca_pem().unwrap().as_bytes()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca).unwrap();
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let tcp = TcpStream::connect(srv.addr()).await.unwrap();
    let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .expect("certificate is valid for 127.0.0.1 too");
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    assert!(ca_path.exists());
    drop(srv);
    assert!(
        !ca_path.exists(),
        "a CA file the server named is removed on drop"
    );
}

#[tokio::test]
async fn pki_for_other_names() {
    let pki = make_pki(&["wrong.example", "10.0.0.1"]).unwrap();
    assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(pki.cert_chain.len(), 1);
    let config = server_tls_config(&pki, &[b"http/1.1"]).unwrap();
    assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
}

/// HTTP/2 frame header: (length, type, flags, stream id).
async fn read_frame(s: &mut TcpStream) -> (usize, u8, u8, u32, Vec<u8>) {
    let mut h = [0u8; 9];
    tokio::time::timeout(Duration::from_secs(5), s.read_exact(&mut h))
        .await
        .unwrap()
        .unwrap();
    let len = (usize::from(h[0]) << 16) | (usize::from(h[1]) << 8) | usize::from(h[2]);
    let stream = u32::from_be_bytes([h[5], h[6], h[7], h[8]]) & 0x7fff_ffff;
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload).await.unwrap();
    (len, h[3], h[4], stream, payload)
}

/// Opens h2c with prior knowledge and sends GET `path` on stream 1;
/// returns the response's header block and its body.
async fn h2c_get(srv: &DemoServer, path: &str) -> (Vec<u8>, Vec<u8>) {
    let mut s = TcpStream::connect(srv.addr()).await.unwrap();
    let mut out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    out.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]); // empty SETTINGS
                                                         // HEADERS, stream 1, END_STREAM|END_HEADERS, from the HPACK static
                                                         // table: :method GET, :scheme http, then literal :authority and :path.
    let mut block = vec![0x82u8, 0x86, 0x41, 0x01, b'x', 0x44, path.len() as u8];
    block.extend_from_slice(path.as_bytes());
    out.extend_from_slice(&[0, 0, block.len() as u8, 1, 0x05, 0, 0, 0, 1]);
    out.extend_from_slice(&block);
    s.write_all(&out).await.unwrap();
    let (_, kind, _, stream, _) = read_frame(&mut s).await;
    assert_eq!((kind, stream), (4, 0), "server speaks first with SETTINGS");
    let mut head = Vec::new();
    let mut body = Vec::new();
    loop {
        let (_, kind, flags, stream, payload) = read_frame(&mut s).await;
        if stream != 1 {
            continue;
        }
        match kind {
            1 => head = payload,
            0 => body.extend_from_slice(&payload),
            _ => {}
        }
        if flags & 0x1 != 0 {
            return (head, body);
        }
    }
}

#[tokio::test]
async fn h2c_prior_knowledge() {
    let srv = server().await;
    let (head, body) = h2c_get(&srv, "/get").await;
    assert_eq!(head.first(), Some(&0x88), ":status 200 (static index 8)");
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["url"], "http://x/get");
    // No per-request bytes exist in HTTP/2, and the server says so.
    let (head, body) = h2c_get(&srv, "/echo-raw").await;
    assert_ne!(head.first(), Some(&0x88));
    assert!(String::from_utf8_lossy(&body).contains("HTTP/2"));
}

#[tokio::test]
async fn bad_input_is_answered_not_fatal() {
    let srv = server().await;
    let mut conn = RawConn::open(&srv).await;
    conn.send(b"\x00\x01 nonsense \xff\r\n\r\n").await;
    let wire = conn.read_to_close().await;
    assert!(wire.is_empty() || wire.starts_with(b"HTTP/1.1 400"));

    // A declared body over the cap is refused without reading it.
    let mut conn = RawConn::open(&srv).await;
    conn.send(b"POST /anything HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n")
        .await;
    let (head, _) = conn.response().await;
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");

    let (status, _) = get_json(&format!("{}/get", srv.base_url())).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn misc_endpoints() {
    let srv = server().await;
    let base = srv.base_url();
    let c = no_redirects();

    let resp = c.get(format!("{base}/nope/x")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
    let v: Value = json_of(resp).await;
    assert_eq!(v, json!({"error": "not found", "path": "/nope/x"}));

    let resp = c.get(format!("{base}/")).send().await.unwrap();
    assert!(resp.text().await.unwrap().contains("/echo-raw"));

    let resp = c
        .get(format!("{base}/response-headers?X-A=1&X-A=2&X-B=b"))
        .send()
        .await
        .unwrap();
    let xa: Vec<_> = resp.headers().get_all("x-a").iter().collect();
    assert_eq!(xa, ["1", "2"]);
    assert_eq!(json_of(resp).await, json!({"X-A": ["1", "2"], "X-B": "b"}));
    let resp = c
        .get(format!("{base}/response-headers?X-A=a%0D%0AInjected:%201"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);

    let resp = c
        .get(format!("{base}/cookies/set?k=v"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(header(&resp, "set-cookie"), "k=v; Path=/");
    assert_eq!(header(&resp, "location"), "/cookies");
    let resp = c
        .get(format!("{base}/cookies"))
        .header("cookie", "a=1; b=2")
        .send()
        .await
        .unwrap();
    let v: Value = json_of(resp).await;
    assert_eq!(v, json!({"cookies": {"a": "1", "b": "2"}}));

    let resp = c
        .get(format!("{base}/range/26"))
        .header("range", "bytes=2-4")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 206);
    assert_eq!(header(&resp, "content-range"), "bytes 2-4/26");
    assert_eq!(resp.text().await.unwrap(), "cde");

    let (_, v) = get_json(&format!("{base}/user-agent")).await;
    assert_eq!(v, json!({"user-agent": null}));
    let resp = c.get(format!("{base}/encoding/utf8")).send().await.unwrap();
    assert!(resp.text().await.unwrap().contains("🦀"));
}

#[tokio::test]
async fn delay_and_drip_take_their_time() {
    let srv = server().await;
    let base = srv.base_url();
    let started = Instant::now();
    let (status, v) = get_json(&format!("{base}/delay/0.1")).await;
    assert_eq!(status, 200);
    assert_eq!(v["method"], "GET");
    assert!(started.elapsed() >= Duration::from_millis(100));

    let started = Instant::now();
    let resp = client()
        .get(format!("{base}/drip?numbytes=5&duration=0.2&code=201"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(header(&resp, "content-length"), "5");
    assert_eq!(resp.text().await.unwrap(), "*****");
    assert!(started.elapsed() >= Duration::from_millis(190));
}
