//! Proxies for the tests, on loopback: an HTTP proxy (CONNECT tunnels and
//! absolute-form forwarding, optionally over TLS, optionally refusing)
//! and a SOCKS5 proxy. Each records what it received — the request heads,
//! the SOCKS5 target as asked (an address or a name), the credentials —
//! and when it got the CONNECT and answered it, so tests can compare the
//! client's timings with the proxy's own clock.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the HTTP proxy behaves.
#[derive(Clone, Default)]
pub struct HttpBehaviour {
    /// Wait this long before answering a CONNECT.
    pub connect_delay: Duration,
    /// Answer every request with these bytes and close (a refusal).
    pub refuse: Option<&'static [u8]>,
    /// Serve TLS with this config (an https:// proxy).
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

/// What a proxy saw.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub connections: usize,
    /// Each connection's first request head, as received.
    pub heads: Vec<Vec<u8>>,
    /// SOCKS5: each CONNECT's target as asked ("ip:127.0.0.1:80" or
    /// "name:localhost:80").
    pub socks_targets: Vec<String>,
    /// SOCKS5: user names and passwords given.
    pub socks_auth: Vec<(String, String)>,
    /// When the CONNECT head was complete, and when it was answered.
    pub connect_got: Vec<Instant>,
    pub connect_answered: Vec<Instant>,
}

pub struct TestProxy {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestProxy {
    pub fn seen(&self) -> Seen {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// `http://127.0.0.1:PORT` (or https://).
    pub fn url(&self, scheme: &str) -> String {
        format!("{scheme}://{}", self.addr)
    }

    /// The first request line of each connection.
    pub fn request_lines(&self) -> Vec<String> {
        self.seen()
            .heads
            .iter()
            .map(|h| {
                String::from_utf8_lossy(h)
                    .split("\r\n")
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }
}

/// Reads up to the end of a head (bounded); `None` if the peer closed.
async fn read_head<S: AsyncRead + Unpin>(s: &mut S) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || s.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    Some(head)
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

pub async fn http_proxy(b: HttpBehaviour) -> TestProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (b, log) = (b.clone(), log.clone());
            tokio::spawn(async move {
                if let Ok(mut s) = log.lock() {
                    s.connections += 1;
                }
                let stream: Box<dyn Stream> = match &b.tls {
                    Some(cfg) => {
                        let acceptor = tokio_rustls::TlsAcceptor::from(cfg.clone());
                        match acceptor.accept(tcp).await {
                            Ok(s) => Box::new(s),
                            Err(_) => return,
                        }
                    }
                    None => Box::new(tcp),
                };
                serve_http(stream, b, log).await;
            });
        }
    });
    TestProxy { addr, seen, task }
}

async fn serve_http(mut s: Box<dyn Stream>, b: HttpBehaviour, log: Arc<Mutex<Seen>>) {
    let Some(head) = read_head(&mut s).await else {
        return;
    };
    let got = Instant::now();
    if let Ok(mut l) = log.lock() {
        l.heads.push(head.clone());
    }
    if let Some(answer) = b.refuse {
        let _ = s.write_all(answer).await;
        let _ = s.shutdown().await;
        return;
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.split("\r\n").next().unwrap_or_default().to_string();
    let mut words = line.split(' ');
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    if method == "CONNECT" {
        let Ok(mut up) = TcpStream::connect(target).await else {
            let _ = s
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                .await;
            return;
        };
        tokio::time::sleep(b.connect_delay).await;
        let _ = s
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await;
        if let Ok(mut l) = log.lock() {
            l.connect_got.push(got);
            l.connect_answered.push(Instant::now());
        }
        let _ = tokio::io::copy_bidirectional(&mut s, &mut up).await;
        return;
    }
    // Absolute-form: forward in origin-form without the proxy's header.
    let Ok(url) = url::Url::parse(target) else {
        let _ = s
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    };
    let authority = format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or(80)
    );
    let Ok(mut up) = TcpStream::connect(authority).await else {
        let _ = s
            .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            .await;
        return;
    };
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for l in text.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        if !l.to_ascii_lowercase().starts_with("proxy-authorization:") {
            out.push_str(l);
            out.push_str("\r\n");
        }
    }
    out.push_str("\r\n");
    if up.write_all(out.as_bytes()).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut s, &mut up).await;
}

/// A SOCKS5 proxy; with `auth`, it requires username/password.
pub async fn socks5_proxy(auth: Option<(&'static str, &'static str)>) -> TestProxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Seen::default()));
    let log = seen.clone();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                if let Ok(mut s) = log.lock() {
                    s.connections += 1;
                }
                let _ = serve_socks(tcp, auth, log).await;
            });
        }
    });
    TestProxy { addr, seen, task }
}

async fn serve_socks(
    mut s: TcpStream,
    auth: Option<(&'static str, &'static str)>,
    log: Arc<Mutex<Seen>>,
) -> std::io::Result<()> {
    let mut two = [0u8; 2];
    s.read_exact(&mut two).await?;
    let mut methods = vec![0u8; usize::from(two[1])];
    s.read_exact(&mut methods).await?;
    let want = if auth.is_some() { 2 } else { 0 };
    if !methods.contains(&want) {
        s.write_all(&[5, 0xff]).await?;
        return Ok(());
    }
    s.write_all(&[5, want]).await?;
    if let Some((user, pass)) = auth {
        s.read_exact(&mut two).await?;
        let mut u = vec![0u8; usize::from(two[1])];
        s.read_exact(&mut u).await?;
        let mut one = [0u8; 1];
        s.read_exact(&mut one).await?;
        let mut p = vec![0u8; usize::from(one[0])];
        s.read_exact(&mut p).await?;
        let (u, p) = (
            String::from_utf8_lossy(&u).into_owned(),
            String::from_utf8_lossy(&p).into_owned(),
        );
        if let Ok(mut l) = log.lock() {
            l.socks_auth.push((u.clone(), p.clone()));
        }
        let ok = u == user && p == pass;
        s.write_all(&[1, if ok { 0 } else { 1 }]).await?;
        if !ok {
            return Ok(());
        }
    }
    let mut head = [0u8; 4];
    s.read_exact(&mut head).await?;
    let host = match head[3] {
        1 => {
            let mut a = [0u8; 4];
            s.read_exact(&mut a).await?;
            format!("ip:{}", std::net::Ipv4Addr::from(a))
        }
        4 => {
            let mut a = [0u8; 16];
            s.read_exact(&mut a).await?;
            format!("ip:{}", std::net::Ipv6Addr::from(a))
        }
        _ => {
            let mut one = [0u8; 1];
            s.read_exact(&mut one).await?;
            let mut n = vec![0u8; usize::from(one[0])];
            s.read_exact(&mut n).await?;
            format!("name:{}", String::from_utf8_lossy(&n))
        }
    };
    let mut port = [0u8; 2];
    s.read_exact(&mut port).await?;
    let port = u16::from_be_bytes(port);
    if let Ok(mut l) = log.lock() {
        l.socks_targets.push(format!("{host}:{port}"));
    }
    let target = host.split_once(':').map(|(_, h)| h).unwrap_or_default();
    let up = match target.parse::<std::net::IpAddr>() {
        Ok(ip) => TcpStream::connect((ip, port)).await,
        Err(_) => TcpStream::connect((target, port)).await,
    };
    let Ok(mut up) = up else {
        s.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
        return Ok(());
    };
    s.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await?;
    let _ = tokio::io::copy_bidirectional(&mut s, &mut up).await;
    Ok(())
}
