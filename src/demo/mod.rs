//! Embedded demo server: an httpbin-style target built into the binary,
//! for offline use by users, workshops and every test we have.
//!
//! Owns: the public API (`DemoConfig`, `DemoServer`, `run_cli`, the PKI
//! helpers), the accept loop, TLS termination and the per-connection
//! hyper setup. Endpoints live in `routes` and the handler modules; the
//! byte recording behind `/echo-raw` lives in `record`.
//! Depends on nothing else of ours (see DESIGN.md): the engine is tested
//! against it, so it must not share the engine's code or its mistakes.

mod auth;
mod conn;
mod echo;
mod encoding;
mod h3;
mod headers;
mod items;
mod pki;
mod ratelimit;
mod record;
mod response;
mod routes;
mod status;
mod stream;

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

pub use conn::ConnPolicy;
pub use pki::{make_pki, server_tls_config, TestPki};

use conn::{Active, ConnState};
use record::{Recorder, Recording};

/// A client that connects and never finishes the handshake must not hold
/// a task forever.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Also bounds idle keep-alive connections (hyper runs this timer while
/// it waits for the next request head).
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Per-key counters for `/retry-after` and `/flaky`; past this many keys
/// the map is cleared, so no client can grow it without bound.
const MAX_COUNTER_KEYS: usize = 1000;

/// Where and how the demo server listens.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Address to bind; port 0 picks a free port (read it back with `addr`).
    pub addr: SocketAddr,
    /// Serve HTTPS (HTTP/1.1 and h2 via ALPN) with a run-time CA.
    pub tls: bool,
    /// Where to write the CA certificate PEM when `tls`; a file in the
    /// temp directory named with the port when `None` (removed again when
    /// the server is dropped).
    pub ca_out: Option<PathBuf>,
    /// How long kept-alive connections live (`--keep-alive-timeout`,
    /// `--max-requests-per-connection`).
    pub policy: ConnPolicy,
    /// With `tls`: HTTP/3 too, over QUIC on the same port number (UDP).
    pub http3: bool,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: false,
            ca_out: None,
            policy: ConnPolicy::default(),
            http3: false,
        }
    }
}

/// State shared by all connections of one server.
pub(crate) struct Shared {
    connections: AtomicU64,
    counters: Mutex<HashMap<String, u64>>,
    pub(crate) items: Mutex<items::Items>,
    pub(crate) buckets: Mutex<ratelimit::Buckets>,
    pub(crate) policy: ConnPolicy,
    /// With HTTP/3 on: the `Alt-Svc` every HTTP/1.1 and HTTP/2 answer
    /// carries, so clients can discover it (RFC 7838).
    pub(crate) alt_svc: Option<hyper::header::HeaderValue>,
}

impl Shared {
    pub(crate) fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Counts one more hit on `key` and returns the new count (1 on first hit).
    pub(crate) fn bump(&self, key: &str) -> u64 {
        let mut map = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        if !map.contains_key(key) && map.len() >= MAX_COUNTER_KEYS {
            map.clear();
        }
        let count = map.entry(key.to_string()).or_insert(0);
        *count += 1;
        *count
    }
}

/// What a request handler knows about its connection.
pub(crate) struct ConnInfo {
    pub(crate) peer: SocketAddr,
    pub(crate) tls: bool,
    pub(crate) recording: Arc<Recording>,
    pub(crate) shared: Arc<Shared>,
    pub(crate) conn: Arc<ConnState>,
}

/// A running demo server. Dropping it (or `shutdown`) stops accepting and
/// asks open connections to finish their current exchange and close.
pub struct DemoServer {
    addr: SocketAddr,
    tls: bool,
    ca_pem: Option<String>,
    ca_path: Option<PathBuf>,
    /// We chose the CA file's name (no `ca_out`), so we remove it on drop.
    ca_path_is_temp: bool,
    shared: Arc<Shared>,
    // Dropping the sender is the stop signal for the accept loop and
    // every connection task.
    _stop: watch::Sender<()>,
}

impl DemoServer {
    /// Binds, spawns the accept loop on the current tokio runtime, returns at once.
    pub async fn start(cfg: DemoConfig) -> std::io::Result<DemoServer> {
        let listener = TcpListener::bind(cfg.addr).await?;
        let addr = listener.local_addr()?;
        let mut acceptor = None;
        let mut quic = None;
        let mut ca_pem = None;
        let mut ca_path = None;
        let ca_path_is_temp = cfg.tls && cfg.ca_out.is_none();
        if cfg.tls {
            let pki =
                make_pki(&["localhost", "127.0.0.1", "::1"]).map_err(std::io::Error::other)?;
            let config =
                server_tls_config(&pki, &[b"h2", b"http/1.1"]).map_err(std::io::Error::other)?;
            let path = cfg.ca_out.unwrap_or_else(|| {
                std::env::temp_dir().join(format!("wirescope-demo-ca-{}.pem", addr.port()))
            });
            tokio::fs::write(&path, pki.ca_pem.as_bytes()).await?;
            if cfg.http3 {
                quic = Some(h3::endpoint(&pki, addr)?);
            }
            acceptor = Some(TlsAcceptor::from(config));
            ca_pem = Some(pki.ca_pem);
            ca_path = Some(path);
        }
        let shared = Arc::new(Shared {
            connections: AtomicU64::new(0),
            counters: Mutex::new(HashMap::new()),
            items: Mutex::default(),
            buckets: Mutex::default(),
            policy: cfg.policy,
            alt_svc: quic.as_ref().and_then(|_| {
                hyper::header::HeaderValue::from_str(&format!("h3=\":{}\"; ma=3600", addr.port()))
                    .ok()
            }),
        });
        let (stop_tx, stop_rx) = watch::channel(());
        if let Some(endpoint) = quic {
            tokio::spawn(h3::serve(endpoint, shared.clone(), stop_rx.clone()));
        }
        tokio::spawn(accept_loop(listener, acceptor, shared.clone(), stop_rx));
        Ok(DemoServer {
            addr,
            tls: cfg.tls,
            ca_pem,
            ca_path,
            ca_path_is_temp,
            shared,
            _stop: stop_tx,
        })
    }

    /// The bound address (with the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, or `https://localhost:PORT` with TLS (the
    /// name the certificate is for). An unspecified bind address is shown
    /// as loopback, since that is what a local client can dial.
    pub fn base_url(&self) -> String {
        if self.tls {
            return format!("https://localhost:{}", self.addr.port());
        }
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
    }

    /// The CA certificate PEM clients must trust, when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The file the CA PEM was written to, when serving TLS. A file the
    /// server named itself (no `ca_out`) is removed when the server drops.
    pub fn ca_path(&self) -> Option<&Path> {
        self.ca_path.as_deref()
    }

    /// TCP connections accepted so far (tests use it to check reuse).
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections()
    }

    /// Stops accepting; open connections finish their current exchange.
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        // Stopping is the `_stop` sender dropping; only the file is ours to
        // clean up. A file the caller named (`ca_out`) is theirs to keep.
        if self.ca_path_is_temp {
            if let Some(path) = &self.ca_path {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// `wirescope demo-server`: start, say where, serve until Ctrl-C.
pub async fn run_cli(cfg: DemoConfig) -> anyhow::Result<()> {
    let http3 = cfg.http3;
    let server = DemoServer::start(cfg).await?;
    println!("wirescope demo server listening on {}", server.base_url());
    if http3 {
        println!(
            "HTTP/3 on UDP port {} too (wirescope send --http3 --cacert CA {}/get)",
            server.addr().port(),
            server.base_url()
        );
    }
    if let Some(path) = server.ca_path() {
        let shown = path.display();
        println!("CA certificate written to {shown} (use --cacert {shown})");
        match crate::wire::tls::key_log_status() {
            Some(Ok(words)) => println!("{words}"),
            Some(Err(words)) => eprintln!("wirescope demo-server: {words}"),
            None => {}
        }
    }
    tokio::signal::ctrl_c().await?;
    server.shutdown();
    Ok(())
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<()>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            // Err means the DemoServer was dropped.
            _ = stop.changed() => return,
        };
        let (tcp, peer) = match accepted {
            Ok(pair) => pair,
            Err(_) => {
                // Usually out of file descriptors; back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        shared.connections.fetch_add(1, Ordering::Relaxed);
        let info = Arc::new(ConnInfo {
            peer,
            tls: acceptor.is_some(),
            recording: Recording::new(),
            shared: shared.clone(),
            #[cfg(unix)]
            conn: ConnState::new(Some(std::os::fd::AsRawFd::as_raw_fd(&tcp))),
            #[cfg(not(unix))]
            conn: ConnState::new(),
        });
        tokio::spawn(serve_tcp(tcp, acceptor.clone(), info, stop.clone()));
    }
}

async fn serve_tcp(
    tcp: TcpStream,
    acceptor: Option<TlsAcceptor>,
    info: Arc<ConnInfo>,
    stop: watch::Receiver<()>,
) {
    // Small responses should not wait for Nagle.
    let _ = tcp.set_nodelay(true);
    let tcp = Active::new(tcp, info.conn.clone());
    match acceptor {
        None => serve_http(tcp, info, stop).await,
        Some(acceptor) => {
            let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
            // A failed or stalled handshake is the client's to report.
            if let Ok(Ok(tls)) = handshake.await {
                serve_http(tls, info, stop).await;
            }
        }
    }
}

/// Serves HTTP/1.1 or HTTP/2 (prior knowledge or ALPN) on one stream,
/// recording everything read from it for `/echo-raw`.
async fn serve_http<T>(stream: T, info: Arc<ConnInfo>, mut stop: watch::Receiver<()>)
where
    T: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let recording = info.recording.clone();
    let conn_state = info.conn.clone();
    let policy = info.shared.policy;
    // hyper's own idle limit must not cut a longer --keep-alive-timeout short.
    let header_timeout = policy.keep_alive_timeout.map_or(HEADER_READ_TIMEOUT, |t| {
        t.max(HEADER_READ_TIMEOUT) + Duration::from_secs(1)
    });
    let io = TokioIo::new(Recorder::new(stream, recording.clone()));
    let service = service_fn(move |req| {
        let info = info.clone();
        async move { Ok::<_, Infallible>(routes::handle(req, &info).await) }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .keep_alive(true)
        // Response header names go out lowercase (hyper's way): title
        // case would turn ETag into "Etag" and WWW-Authenticate into
        // "Www-Authenticate", which misleads more than it helps.
        .header_read_timeout(header_timeout);
    builder.http2().timer(TokioTimer::new());
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => return,
        _ = stop.changed() => conn.as_mut().graceful_shutdown(),
        _ = silent_client(&recording) => return,
        // Dropping the connection closes (or, after SO_LINGER 0, resets) it.
        _ = conn::watchdog(&conn_state, policy) => return,
    }
    let _ = conn.await;
}

/// Completes if the client has sent nothing at all after the header
/// timeout. hyper-util's HTTP/1-or-2 sniffing has no timeout of its own,
/// and hyper's header timer only starts once it knows the protocol.
async fn silent_client(recording: &Recording) {
    tokio::time::sleep(HEADER_READ_TIMEOUT).await;
    if recording.has_read() {
        std::future::pending::<()>().await;
    }
}
