//! The intercepting forward proxy: loopback only, one task per program
//! connection. Plain http requests come in absolute-form; https starts
//! with CONNECT, answered 200, then TLS terminated with a leaf from the
//! run's CA and the same HTTP/1.1 loop inside. Each program connection is
//! recorded by a `Tap`, one recording per exchange; exchanges on it are
//! handled strictly in order (a pipelined request waits in the buffer
//! until the previous response has been passed on).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::ca::RunCa;
use super::forward::{self, BodySource, Upstream};
use super::record::{program_timeline, program_view, Captured, Client, ClientTls};
use super::request::{self, BodyLen, Head, HeadError};
use crate::wire::exchange::{ConnectionInfo, Exchange};
use crate::wire::probe::Probe;
use crate::wire::spec::Options;
use crate::wire::tap::{Recorder, Tap};
use crate::wire::tls::Trust;
use crate::wire::{Origin, Reuse};

/// What every connection task shares.
pub struct Shared {
    pub ca: Arc<RunCa>,
    pub opts: Options,
    pub trust: Trust,
    pub out: mpsc::UnboundedSender<Event>,
    next_conn: AtomicU64,
    next_upstream: AtomicU64,
    /// Exchanges between a request head read and its record filed.
    busy: AtomicUsize,
    /// Program connections whose task still runs (a TLS handshake that
    /// fails is said by its task, after the program may have exited).
    open: Arc<AtomicUsize>,
}

/// What the proxy tells the run.
pub enum Event {
    Exchange(Box<Captured>),
    /// Something the proxy could not handle or interpret, in words.
    Note(String),
}

impl Shared {
    pub fn new(ca: Arc<RunCa>, opts: Options, out: mpsc::UnboundedSender<Event>) -> Arc<Shared> {
        Arc::new(Shared {
            ca,
            opts,
            trust: Trust::default(),
            out,
            next_conn: AtomicU64::new(1),
            next_upstream: AtomicU64::new(1),
            busy: AtomicUsize::new(0),
            open: Arc::default(),
        })
    }

    /// Exchanges in flight.
    pub fn busy(&self) -> usize {
        self.busy.load(Ordering::SeqCst)
    }

    /// Program connections still being served.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    fn note(&self, s: String) {
        let _ = self.out.send(Event::Note(s));
    }
}

/// Binds 127.0.0.1 on a free port.
pub async fn bind() -> Result<TcpListener, String> {
    TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("starting the capture proxy on 127.0.0.1: {e}"))
}

/// Accepts until the task is dropped.
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                shared.note(format!("accepting a connection: {e}"));
                continue;
            }
        };
        // Bound to loopback already; a non-loopback peer would mean the
        // socket was reached some other way: refuse it all the same.
        if !peer.ip().is_loopback() {
            shared.note(format!(
                "refused a connection from {peer}: not a loopback address"
            ));
            continue;
        }
        let _ = tcp.set_nodelay(true);
        let open = shared.open.clone();
        open.fetch_add(1, Ordering::SeqCst);
        let task = connection(tcp, peer, shared.clone());
        tokio::spawn(async move {
            task.await;
            open.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Per-connection state the exchange loop keeps.
struct Conn {
    id: u64,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    tls: Option<ClientTls>,
    /// For https: the CONNECT target every request inside goes to.
    tunnel: Option<Origin>,
    upstream: Option<Upstream>,
    exchanges: u64,
}

async fn connection(mut tcp: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let id = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    let keep = forward::keep(&shared.opts);
    let mut conn = Conn {
        id,
        peer,
        local: tcp.local_addr().ok(),
        tls: None,
        tunnel: None,
        upstream: None,
        exchanges: 0,
    };
    let mut buf = Vec::new();
    let mut tap = Tap::new(&mut tcp, Recorder::new(Instant::now(), keep, Probe::none()));
    let first = match request::read_head(&mut tap, &mut buf).await {
        Ok(Some(h)) => h,
        Ok(None) => return,
        Err(e) => return refuse(&mut tap, e, &shared, id).await,
    };
    if !first.method.eq_ignore_ascii_case("CONNECT") {
        return exchanges(&mut tap, buf, Some(first), &mut conn, &shared).await;
    }
    // The CONNECT exchange is between the program and us: answered here.
    let Some(origin) = connect_origin(&first.target) else {
        let _ = tap
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await;
        shared.note(format!(
            "connection #{id}: CONNECT to '{}', which is not host:port (answered 400)",
            first.target
        ));
        return;
    };
    if tap
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
        .is_err()
    {
        return;
    }
    drop(tap);
    if !buf.is_empty() {
        // A client that sends its ClientHello before our 200: rare, and
        // the TLS acceptor cannot be handed bytes already read.
        shared.note(format!("connection #{id}: the program sent {} bytes after CONNECT before the proxy answered; not handled yet, connection closed", buf.len()));
        return;
    }
    let config = match shared.ca.server_config(&origin.host) {
        Ok(c) => c,
        Err(e) => return shared.note(format!("connection #{id}: {e}")),
    };
    let mut tls = match tokio_rustls::TlsAcceptor::from(config).accept(tcp).await {
        Ok(s) => s,
        Err(e) => {
            return shared.note(format!(
                "connection #{id} to {}:{}: the TLS handshake with the program failed ({e}); \
                 if the program did not trust the capture CA, it pins certificates or ignores SSL_CERT_FILE and the other CA variables",
                origin.host, origin.port
            ))
        }
    };
    let sc = tls.get_ref().1;
    conn.tls = Some(ClientTls {
        version: sc
            .protocol_version()
            .map(crate::wire::tls::version_name)
            .unwrap_or_default(),
        alpn: sc
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned()),
        sni: sc.server_name().map(str::to_string),
    });
    conn.tunnel = Some(origin);
    let mut tap = Tap::new(&mut tls, Recorder::new(Instant::now(), keep, Probe::none()));
    exchanges(&mut tap, Vec::new(), None, &mut conn, &shared).await;
    let _ = tls.shutdown().await;
}

/// `host:port` of a CONNECT, as an https origin.
fn connect_origin(target: &str) -> Option<Origin> {
    let url = url::Url::parse(&format!("https://{target}")).ok()?;
    if url.path() != "/" || target.contains('/') {
        return None;
    }
    let mut o = Origin::from_url(&url).ok()?;
    o.port = url.port()?;
    Some(o)
}

/// A malformed request: 400 with the reason, and said on stderr.
async fn refuse<S: AsyncWrite + Unpin>(io: &mut S, e: HeadError, shared: &Shared, id: u64) {
    match e {
        HeadError::Malformed(why) => {
            let body = format!("wirescope capture: {why}\n");
            let resp = format!(
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = io.write_all(resp.as_bytes()).await;
            shared.note(format!("connection #{id}: {why} (answered 400)"));
        }
        HeadError::Io(why) => shared.note(format!("connection #{id}: {why}")),
    }
}

/// The HTTP/1.1 loop on one program connection (plain, or inside TLS).
async fn exchanges<S: AsyncRead + AsyncWrite + Unpin>(
    tap: &mut Tap<S>,
    mut buf: Vec<u8>,
    mut first: Option<Head>,
    conn: &mut Conn,
    shared: &Shared,
) {
    let keep = forward::keep(&shared.opts);
    loop {
        let started_at = SystemTime::now();
        let head = match first.take() {
            Some(h) => h,
            None => match request::read_head(tap, &mut buf).await {
                Ok(Some(h)) => h,
                Ok(None) => return,
                Err(e) => return refuse(tap, e, shared, conn.id).await,
            },
        };
        shared.busy.fetch_add(1, Ordering::SeqCst);
        let _busy = Busy(&shared.busy);
        let (origin, url) = match target(&head, conn) {
            Ok(x) => x,
            Err(why) => return refuse(tap, HeadError::Malformed(why), shared, conn.id).await,
        };
        let left = match request::body_len(&head) {
            Ok(BodyLen::Length(n)) => n,
            Ok(BodyLen::Chunked) => {
                let why = "chunked request bodies are not relayed yet".to_string();
                let body = format!("wirescope capture: {why}\n");
                let resp = format!("HTTP/1.1 501 Not Implemented\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
                let _ = tap.write_all(resp.as_bytes()).await;
                return shared.note(format!(
                    "connection #{}: {} {url}: {why} (answered 501)",
                    conn.id, head.method
                ));
            }
            Err(why) => return refuse(tap, HeadError::Malformed(why), shared, conn.id).await,
        };
        let (upstream_head, changes) = request::rewrite(&head);
        let up_id = match &conn.upstream {
            Some(u) if u.origin == origin => u.info.id,
            _ => shared.next_upstream.fetch_add(1, Ordering::Relaxed),
        };
        let mut body = BodySource {
            buffered: &mut buf,
            client: &mut *tap,
            left,
        };
        let head_request = head.method.eq_ignore_ascii_case("HEAD");
        let mut fwd = forward::forward(
            &mut conn.upstream,
            &origin,
            &shared.opts,
            &shared.trust,
            up_id,
            &upstream_head,
            &mut body,
            head_request,
        )
        .await;
        let mut close = fwd.reuse == Reuse::Close
            || head
                .header("connection")
                .is_some_and(|v| v.to_ascii_lowercase().contains("close"));
        if let Some(e) = &fwd.error {
            if fwd.relayed == 0 {
                // Nothing reached the program yet: it is told, in a 502
                // naming the phase that failed.
                let body = format!("wirescope capture: upstream {e}\n");
                let resp = format!(
                    "HTTP/1.1 502 Bad Gateway\r\nX-Wirescope-Phase: {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    e.phase.name(),
                    body.len()
                );
                let _ = tap.write_all(resp.as_bytes()).await;
                let _ = tap.flush().await;
            }
            close = true;
        }
        let transcript =
            program_view(tap.begin(Recorder::new(Instant::now(), keep, Probe::none())));
        let mut response = fwd.response.take();
        if let (Some(r), None) = (response.as_mut(), &fwd.error) {
            crate::wire::body::settle(r, &transcript.received, shared.opts.limits.max_body_kept);
        } else {
            response = None;
        }
        let exchange = Exchange {
            method: head.method.clone(),
            url,
            timeline: program_timeline(&transcript, started_at),
            transcript,
            response,
            connection: Some(ConnectionInfo {
                id: conn.id,
                reused: conn.exchanges > 0,
                remote: conn.peer,
                local: conn.local,
                resolved: Vec::new(),
                proxy: None,
                tcp: None,
                failed_attempts: Vec::new(),
            }),
            tls: None,
            negotiated: None,
            h2: None,
            h3: None,
            insecure: false,
            warnings: std::mem::take(&mut fwd.warnings),
            error: fwd.error.clone(),
        };
        let captured = Captured {
            exchange,
            client: Client {
                connection: conn.id,
                reused: conn.exchanges > 0,
                addr: conn.peer,
                tls: conn.tls.clone(),
            },
            changes,
            upstream: Some(fwd.leg),
        };
        conn.exchanges += 1;
        let _ = shared.out.send(Event::Exchange(Box::new(captured)));
        if close {
            let _ = tap.shutdown().await;
            return;
        }
    }
}

/// Where the request goes, and its URL as the program meant it.
fn target(head: &Head, conn: &Conn) -> Result<(Origin, String), String> {
    if let Some((_, authority, _)) = request::split_absolute(&head.target) {
        let url = url::Url::parse(&head.target)
            .map_err(|e| format!("the request target '{}' is not a URL: {e}", head.target))?;
        let origin = Origin::from_url(&url).map_err(|e| e.message)?;
        if let Some(t) = &conn.tunnel {
            if t.host != origin.host || t.port != origin.port {
                return Err(format!(
                    "a request for {authority} inside the tunnel to {}:{}",
                    t.host, t.port
                ));
            }
        }
        return Ok((origin, head.target.clone()));
    }
    match &conn.tunnel {
        Some(t) if head.target.starts_with('/') => {
            let host = if t.host.contains(':') { format!("[{}]", t.host) } else { t.host.clone() };
            let url = if t.port == 443 {
                format!("https://{host}{}", head.target)
            } else {
                format!("https://{host}:{}{}", t.port, head.target)
            };
            Ok((t.clone(), url))
        }
        _ => Err(format!(
            "the request target '{}' is not absolute-form (a program using a proxy sends http://host/path)",
            head.target
        )),
    }
}

/// Counts an exchange in flight until dropped (however the loop leaves).
struct Busy<'a>(&'a AtomicUsize);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
