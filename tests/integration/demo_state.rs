//! The demo server's keep-alive knobs and its routes with state, checked
//! from the outside: raw TCP where how a connection ends is the point
//! (EOF vs reset, no Connection: close), reqwest as an independent client
//! for /items, /rate-limited and /scoped.

use std::io::ErrorKind;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wirescope::demo::{ConnPolicy, DemoConfig, DemoServer};

/// Generous bound on anything that must happen eventually.
const EVENTUALLY: Duration = Duration::from_secs(20);

async fn server(policy: ConnPolicy) -> DemoServer {
    DemoServer::start(DemoConfig {
        policy,
        ..DemoConfig::default()
    })
    .await
    .expect("demo server starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nHost: demo\r\n\r\n").into_bytes()
}

/// Reads one response with a Content-Length body; its head as text.
async fn read_response(tcp: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(EVENTUALLY, tcp.read(&mut byte))
            .await
            .expect("response in time")
            .expect("read");
        assert_eq!(n, 1, "the connection ended inside a head: {buf:?}");
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).expect("ascii head");
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    tcp.read_exact(&mut body).await.expect("body");
    head
}

/// What the next read sees: "eof", "reset", or the bytes that came.
async fn how_it_ends(tcp: &mut TcpStream) -> String {
    let mut buf = [0u8; 256];
    match tokio::time::timeout(EVENTUALLY, tcp.read(&mut buf)).await {
        Err(_) => "still open".into(),
        Ok(Ok(0)) => "eof".into(),
        Ok(Ok(n)) => String::from_utf8_lossy(&buf[..n]).into_owned(),
        Ok(Err(e)) if e.kind() == ErrorKind::ConnectionReset => "reset".into(),
        Ok(Err(e)) => format!("error {e}"),
    }
}

#[tokio::test]
async fn keep_alive_close_ends_the_idle_connection_without_a_word() {
    let srv = server(ConnPolicy::default()).await;
    let mut tcp = TcpStream::connect(srv.addr()).await.unwrap();
    tcp.write_all(&get("/keep-alive/close?idle=0.2"))
        .await
        .unwrap();
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert_eq!(how_it_ends(&mut tcp).await, "eof");
}

#[tokio::test]
async fn keep_alive_reset_ends_the_idle_connection_with_rst() {
    let srv = server(ConnPolicy::default()).await;
    let mut tcp = TcpStream::connect(srv.addr()).await.unwrap();
    tcp.write_all(&get("/keep-alive/reset?idle=0.2"))
        .await
        .unwrap();
    let head = read_response(&mut tcp).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(how_it_ends(&mut tcp).await, "reset");
}

#[tokio::test]
async fn keep_alive_routes_refuse_a_bad_idle() {
    let srv = server(ConnPolicy::default()).await;
    let url = format!("{}/keep-alive/close?idle=soon", srv.base_url());
    let resp = client().get(url).send().await.unwrap();
    assert_eq!(resp.status(), 400);
    let body: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert!(
        body["error"].as_str().unwrap().contains("seconds"),
        "{body}"
    );
}

#[tokio::test]
async fn keep_alive_timeout_closes_an_idle_connection() {
    let srv = server(ConnPolicy {
        keep_alive_timeout: Some(Duration::from_millis(300)),
        ..ConnPolicy::default()
    })
    .await;
    let mut tcp = TcpStream::connect(srv.addr()).await.unwrap();
    tcp.write_all(&get("/get")).await.unwrap();
    let head = read_response(&mut tcp).await;
    assert!(
        !head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert_eq!(how_it_ends(&mut tcp).await, "eof");
}

#[tokio::test]
async fn max_requests_closes_after_the_nth_response_and_never_answers_more() {
    let srv = server(ConnPolicy {
        max_requests_per_connection: Some(2),
        ..ConnPolicy::default()
    })
    .await;
    let mut tcp = TcpStream::connect(srv.addr()).await.unwrap();
    for _ in 0..2 {
        tcp.write_all(&get("/get")).await.unwrap();
        let head = read_response(&mut tcp).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(
            !head.to_ascii_lowercase().contains("connection: close"),
            "{head}"
        );
    }
    assert_eq!(how_it_ends(&mut tcp).await, "eof");

    // A client that reuses it at once (before the FIN) gets no answer.
    let mut tcp = TcpStream::connect(srv.addr()).await.unwrap();
    let three = [get("/get"), get("/get"), get("/get")].concat();
    tcp.write_all(&three).await.unwrap();
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(EVENTUALLY, tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the connection stayed open past the limit"),
        }
    }
    let answered = String::from_utf8_lossy(&all)
        .matches("HTTP/1.1 200")
        .count();
    assert!(
        answered <= 2,
        "answered {answered} requests past a limit of 2"
    );
    assert_eq!(srv.connections_accepted(), 2);
}

async fn send(
    c: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (u16, u64, Value) {
    let mut rb = c.request(method, url);
    if let Some(b) = body {
        rb = rb
            .header("content-type", "application/json")
            .body(b.to_string());
    }
    if let Some(k) = key {
        rb = rb.header("idempotency-key", k);
    }
    let resp = rb.send().await.expect("send");
    let status = resp.status().as_u16();
    let count = resp
        .headers()
        .get("x-item-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("X-Item-Count on every /items answer");
    let text = resp.text().await.unwrap();
    let doc = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, count, doc)
}

#[tokio::test]
async fn items_keep_real_state_per_method() {
    use reqwest::Method;
    let srv = server(ConnPolicy::default()).await;
    let c = client();
    let items = format!("{}/items", srv.base_url());
    let one = format!("{items}/1");
    let item = json!({"name": "wire"});

    let (s, n, doc) = send(&c, Method::POST, &items, Some(item.clone()), None).await;
    assert_eq!((s, n, doc["id"].as_u64()), (201, 1, Some(1)));
    let (s, n, doc) = send(&c, Method::POST, &items, Some(item.clone()), None).await;
    assert_eq!(
        (s, n, doc["id"].as_u64()),
        (201, 2, Some(2)),
        "a second POST, a second item"
    );

    let put = json!({"name": "scope"});
    assert_eq!(
        send(&c, Method::PUT, &one, Some(put.clone()), None).await.0,
        200
    );
    let (s, n, doc) = send(&c, Method::PUT, &one, Some(put), None).await;
    assert_eq!((s, n, doc), (200, 2, json!({"id": 1, "name": "scope"})));

    let patch = json!({"n": 1});
    let (s, n, doc) = send(&c, Method::PATCH, &one, Some(patch), None).await;
    assert_eq!(
        (s, n, doc),
        (200, 2, json!({"id": 1, "name": "scope", "n": 1}))
    );
    let unset = json!({"n": null});
    let (_, _, doc) = send(&c, Method::PATCH, &one, Some(unset), None).await;
    assert_eq!(doc, json!({"id": 1, "name": "scope"}));

    assert_eq!(send(&c, Method::DELETE, &one, None, None).await.0, 204);
    let (s, n, _) = send(&c, Method::DELETE, &one, None, None).await;
    assert_eq!(
        (s, n),
        (404, 1),
        "a second DELETE finds nothing; the state is the same"
    );

    let (s, n, doc) = send(&c, Method::GET, &items, None, None).await;
    assert_eq!((s, n), (200, 1));
    assert_eq!(doc["items"], json!([{"id": 2, "name": "wire"}]));

    let (s, _, doc) = send(&c, Method::POST, &items, Some(json!([1])), None).await;
    assert_eq!(s, 400, "{doc}");
    assert!(
        doc["error"].as_str().unwrap().contains("JSON object"),
        "{doc}"
    );
}

#[tokio::test]
async fn an_idempotency_key_makes_a_repeated_post_return_the_first_result() {
    use reqwest::Method;
    let srv = server(ConnPolicy::default()).await;
    let c = client();
    let items = format!("{}/items", srv.base_url());
    let body = json!({"order": 7});
    let first = send(&c, Method::POST, &items, Some(body.clone()), Some("k-1")).await;
    let again = send(&c, Method::POST, &items, Some(body.clone()), Some("k-1")).await;
    assert_eq!(first.0, 201);
    assert_eq!(first, again, "same status, same item, still one item");
    assert_eq!(again.1, 1);
    let other = send(
        &c,
        Method::POST,
        &items,
        Some(json!({"order": 8})),
        Some("k-1"),
    )
    .await;
    assert_eq!(other.0, 422, "{:?}", other.2);
    let fresh = send(&c, Method::POST, &items, Some(body), Some("k-2")).await;
    assert_eq!((fresh.0, fresh.1), (201, 2));
}

#[tokio::test]
async fn rate_limited_route_answers_429_with_retry_after_beyond_the_limit() {
    let srv = server(ConnPolicy::default()).await;
    let c = client();
    // Two per minute: the refill cannot arrive within the test.
    let url = format!("{}/rate-limited?limit=2&per=60&key=t", srv.base_url());
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..4 {
        let resp = c.get(&url).send().await.unwrap();
        statuses.push(resp.status().as_u16());
        if resp.status() == 429 {
            retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
        }
    }
    assert_eq!(statuses, [200, 200, 429, 429]);
    let secs = retry_after.expect("a Retry-After in whole seconds");
    assert!((1..=30).contains(&secs), "one token per 30 s: {secs}");
    // Another key is another bucket.
    let other = format!("{}/rate-limited?limit=2&per=60&key=u", srv.base_url());
    assert_eq!(c.get(other).send().await.unwrap().status(), 200);
    let bad = format!("{}/rate-limited?limit=0", srv.base_url());
    assert_eq!(c.get(bad).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn scoped_route_tells_401_from_403() {
    let srv = server(ConnPolicy::default()).await;
    let c = client();
    let admin = format!("{}/scoped/admin", srv.base_url());
    let call = |token: Option<&'static str>| {
        let mut rb = c.get(&admin);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        async move {
            let resp = rb.send().await.unwrap();
            let challenge = resp
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            (resp.status().as_u16(), challenge)
        }
    };
    let (s, ch) = call(None).await;
    assert_eq!(s, 401);
    assert_eq!(ch.as_deref(), Some("Bearer realm=\"demo\""));
    let (s, ch) = call(Some("made-up")).await;
    assert_eq!(s, 401);
    assert!(ch.unwrap().contains("invalid_token"));
    let (s, ch) = call(Some("read-token")).await;
    assert_eq!(s, 403, "a valid token without the scope");
    assert!(ch.unwrap().contains("insufficient_scope"));
    assert_eq!(call(Some("admin-token")).await.0, 200);
    let read = format!("{}/scoped/read", srv.base_url());
    let resp = c.get(read).bearer_auth("read-token").send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

/// A method `/items` does not take is a 405 that says which it does
/// (RFC 9110 §15.5.6), as a real client reads it.
#[tokio::test]
async fn a_405_names_the_allowed_methods() {
    let srv = server(ConnPolicy::default()).await;
    let c = client();
    let base = srv.base_url();
    let resp = c.patch(format!("{base}/items")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET, HEAD, POST");
    let resp = c.post(format!("{base}/items/1")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "GET, HEAD, PUT, PATCH, DELETE");
}
