//! Purpose-built loopback servers for engine and CLI tests: each accepts
//! connections on 127.0.0.1:0 and misbehaves (or behaves) exactly as told.
#![allow(dead_code)]

pub mod screen;
pub mod tmux;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A server running `handler` for every connection; counts connections.
pub struct TestServer {
    pub addr: SocketAddr,
    pub accepted: Arc<AtomicU64>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    pub fn accepted(&self) -> u64 {
        self.accepted.load(Ordering::SeqCst)
    }
}

pub async fn serve<F, Fut>(handler: F) -> TestServer
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicU64::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(handler(stream));
        }
    });
    TestServer { addr, accepted }
}

/// Reads one request head (through the blank line) and returns it.
pub async fn read_head(s: &mut TcpStream) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte).await {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    buf
}

/// A server that answers every request on a connection with `response`,
/// then keeps the connection open for more (keep-alive) or closes it.
pub async fn canned(response: &'static [u8], close: bool) -> TestServer {
    serve(move |mut s| async move {
        loop {
            let head = read_head(&mut s).await;
            if head.is_empty() {
                return;
            }
            if s.write_all(response).await.is_err() {
                return;
            }
            if close {
                let _ = s.shutdown().await;
                return;
            }
        }
    })
    .await
}

/// Reads the request, then sends `parts` with `gap` between them and
/// holds the connection open for `hold` afterwards.
pub async fn scripted(parts: Vec<Vec<u8>>, gap: Duration, hold: Duration) -> TestServer {
    let parts = Arc::new(parts);
    serve(move |mut s| {
        let parts = parts.clone();
        async move {
            read_head(&mut s).await;
            for p in parts.iter() {
                if s.write_all(p).await.is_err() {
                    return;
                }
                tokio::time::sleep(gap).await;
            }
            tokio::time::sleep(hold).await;
        }
    })
    .await
}

/// A listener whose accept queue is full and never drained: the kernel
/// drops further SYNs, so a connect to it hangs until its timeout. Keep
/// the returned value alive for as long as the address must stay black.
pub struct Blackhole {
    pub addr: SocketAddr,
    _listener: TcpListener,
    _fillers: Vec<TcpStream>,
}

pub async fn blackhole() -> Blackhole {
    let sock = tokio::net::TcpSocket::new_v4().expect("socket");
    sock.bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let listener = sock.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut fillers = Vec::new();
    for _ in 0..8 {
        if let Ok(Ok(s)) =
            tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await
        {
            fillers.push(s);
        }
    }
    Blackhole {
        addr,
        _listener: listener,
        _fillers: fillers,
    }
}

/// Runs `wirescope send ARGS...` and collects its output.
pub async fn send_cmd(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_wirescope"))
        .arg("send")
        .args(args)
        .output()
        .await
        .expect("run wirescope")
}

/// The JSON Lines documents on stdout.
pub fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON document per line"))
        .collect()
}

/// The JSON Lines documents of a run that must have succeeded (exit 0;
/// stderr shown otherwise).
pub fn ok_json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(out)
}

/// A JSON document's `sent_b64`, decoded as text.
pub fn sent_text(doc: &serde_json::Value) -> String {
    use base64::Engine as _;
    let b = base64::engine::general_purpose::STANDARD
        .decode(doc["sent_b64"].as_str().unwrap_or_default())
        .expect("sent_b64 is base64");
    String::from_utf8_lossy(&b).into_owned()
}

/// Set in a child that runs one test in a process of its own.
const OWN_PROCESS: &str = "WIRESCOPE_TEST_OWN_PROCESS";

/// For a test that checks process-wide counts (all tests share one
/// binary, so others would move them): in the test harness it runs this
/// binary again with just `test` (its full path) and checks that the
/// child ran it and passed, returning `false`; in that child it returns
/// `true` and the test does its work.
pub fn in_own_process(test: &str) -> bool {
    if std::env::var_os(OWN_PROCESS).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let out = std::process::Command::new(exe)
        .args(["--exact", test, "--test-threads", "1"])
        .env(OWN_PROCESS, "1")
        .output()
        .expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{test} in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}
